// Parses one translation unit and runs every rule over it.
#pragma once

#include <string>
#include <vector>

#include "compile_db.h"
#include "diagnostics.h"
#include "rule.h"
#include "site.h"

namespace nrtm {

struct TuResult {
  std::string tu;  // main file
  bool parsed = false;
  std::vector<Diagnostic> diags;   // parse errors, inactive code
  std::vector<Site> sites;         // every site found, migrated or not
  std::vector<std::string> files;  // main file and every non-system file it includes (canonical)
};

// Arguments for libclang from a compile command: the command's args plus -resource-dir.
std::vector<std::string> ParseArgs(const CompileCommand& cmd, const std::string& resource_dir);

// Parses with libclang and returns the number of errors, or -1 if libclang could not parse at all. With
// unsaved non-empty, those contents replace the files on disk (the verifier's re-parse).
struct Unsaved {
  std::string file;
  std::string content;
};
int CountParseErrors(const CompileCommand& cmd, const std::string& resource_dir, const std::vector<Unsaved>& unsaved,
                     std::string* first_error);

struct ProgramMode;
TuResult AnalyzeTu(const CompileCommand& cmd, const std::string& resource_dir, const ContentFn& content,
                   const ProgramMode& mode);

}  // namespace nrtm
