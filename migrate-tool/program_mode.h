// Whether the program being migrated ran in implicit async mode, and the in-flight depth it asked for. Decided
// once per run, before parsing, from cheap text scans: the tensor fences of one file matter to executions in
// another, so every translation unit must be migrated in the same mode.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace nrtm {

enum class ModeOption { kAuto, kImplicit, kSync };

struct ProgramMode {
  bool implicit = false;
  std::string why;     // what made it implicit (a file and the token), for the per-site report
  int depth = 0;       // the variable's value found in code, scripts or configuration (0: none)
  std::string origin;  // where the depth came from ("scripts/run.sh:3")
  // A call that only the request table can serve anywhere in the program (a completion callback registration or
  // an output-completion wait: both see every request), or an execution that stays on the table (an inline
  // request would escape its depth and its unload/close waits): then no execution gets the inline form. The
  // whole clause, for the per-site note. Empty: none.
  std::string table_only;
};

// sources: the translation units' main files; text_files: scripts and configuration (contents may be null).
ProgramMode DetectProgramMode(ModeOption option, const std::vector<std::pair<std::string, const std::string*>>& sources,
                              const std::vector<std::pair<std::string, const std::string*>>& text_files);

}  // namespace nrtm
