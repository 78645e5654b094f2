// The pipeline: compile commands -> prefilter -> parallel parse and rules -> one edit set (agreement across
// TUs, conflicts) -> re-parse with the new text and roll back breaking sites -> outputs -> report.
#pragma once

#include <atomic>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "diagnostics.h"
#include "program_mode.h"
#include "site.h"

namespace nrtm {

enum class OutputMode { kDiff, kInPlace, kOutRoot, kCheck };

struct Options {
  std::vector<std::string> inputs;  // files or directories
  std::string build_dir;            // -p
  std::vector<std::string> extra_args;
  std::string resource_dir;
  std::string clang_format;  // --clang-format: a binary, "none", or empty to find the one matching libclang
  unsigned jobs = 0;         // 0: all cores
  OutputMode mode = OutputMode::kDiff;
  bool backup = true;
  bool check_strict = false;
  std::string in_root;   // files outside it are not rewritten (default: current directory)
  std::string out_root;  // kOutRoot
  std::string report_json, sarif, export_fixes;
  // --write-support: create the support header in in_root when the output cannot (--export-fixes, --diff).
  bool write_support = false;
  bool progress = false;
  bool quiet = false;                           // no notes for migrated sites on stderr
  ModeOption program_mode = ModeOption::kAuto;  // --mode: implicit async mode detected, forced or ruled out
};

// Exit codes of a run.
enum ExitCode : int {
  kExitOk = 0,
  kExitCheckFailed = 1,  // --check: something would change or a legacy call remains
  kExitUsage = 2,        // bad options, no compile database, no resource directory
  kExitPartial = 3,      // some TU did not parse or some file could not be written
  kExitInterrupted = 130,
};

struct Summary {
  size_t tus = 0, tus_skipped = 0, tus_parsed = 0, tus_failed = 0, text_files = 0;
  size_t sites = 0, migrated = 0, not_migrated = 0, files_changed = 0, files_failed = 0;
  std::map<std::string, size_t> by_form;
  std::map<std::string, size_t> by_kind;  // migrated executions and their companion calls: inline, table, sync
  double seconds = 0;
};

struct RunOutput {
  std::vector<Site> sites;
  std::vector<Diagnostic> diags;                                       // all, sites' included, sorted
  std::map<std::string, std::pair<std::string, std::string>> changes;  // file -> (old, new)
  std::map<std::string, std::vector<struct Edit>> edits;               // file -> final edits
  Summary summary;
  int exit_code = kExitOk;
};

// Set from a signal handler: the run stops before writing the next file.
extern std::atomic<bool> g_interrupted;

RunOutput Run(const Options& opts, std::ostream& out, std::ostream& err);

}  // namespace nrtm
