// Stable diagnostic ids of nrt-migrate (NRTM1xxx) and the rendering of one diagnostic in clang's form.
#pragma once

#include <string>
#include <string_view>

namespace nrtm {

enum class Severity { kNote, kWarning, kError };

// Ids never change meaning; new ones are appended. --explain prints the catalog entry.
enum class DiagId {
  kMigratedExactWait = 1001,     // nrt_execute -> schedule + wait at once
  kMigratedDeferredWait = 1002,  // nrt_execute -> schedule now, wait before the first use
  kOutsideRoot = 1003,           // legacy call in a file the tool does not rewrite
  kRepeatCount = 1004,           // nrt_execute_repeat with a count that is not the literal 1
  kNoSpelling = 1005,            // the call's name is produced by a macro; no place to rewrite
  kParseError = 1010,            // the translation unit does not parse
  kHeaderDisagrees = 1011,       // TUs that include a header plan different edits for it
  kEditConflict = 1012,          // two sites plan overlapping edits
  kRolledBack = 1013,            // the edited file no longer parsed; the site was rolled back
  kChangedDuringRun = 1014,      // the file changed between reading and writing
  kWriteFailed = 1015,           // read-only file, unwritable directory, full disk
  kFixesNeedNewFile = 1016,      // --export-fixes: the fixes include the support header, which they cannot create
  kEnvVarRemoved = 1020,         // setenv/putenv of the implicit-mode variable removed
  kEnvVarReported = 1021,        // the variable appears where the tool does not rewrite it
  kImplicitCall = 1030,          // callback / drain / output-completion call: not migrated (yet)
  kDrainRemoved = 1031,          // a drain statement removed: nothing is left in flight there
  kInactiveCode = 1040,          // legacy call inside a skipped #if block
  kNoCompileCommand = 1050,      // a source given on the command line has no compile database entry
  kTableExecute = 1060,          // implicit mode: nrt_execute -> schedule into the in-flight table
  kTableFenceRead = 1061,        // implicit mode: tensor read fenced on its pending writers
  kTableFenceWrite = 1062,       // implicit mode: tensor write/memset/copy fenced on its pending users
  kTableDrain = 1063,            // implicit mode: drain -> table drain
  kTableCompletion = 1064,       // implicit mode: output-completion wait -> table
  kTableCallback = 1065,         // implicit mode: callback registration -> table's completion thread
  kTableDeferredRelease = 1066,  // implicit mode: tensor/tensor-set release deferred to completion
  kTableDrainFirst = 1067,       // implicit mode: unload/close drain first
  kDepthCarried = 1068,          // implicit mode: the variable's setting becomes nrtm_inflight_set_depth
  kInlineExecute = 1069,         // implicit mode: nrt_execute -> plain nrta_* code, wait before the first use
  kInlinePlain = 1070,           // inline program: a tensor read/write/release stays the plain call
  kInlineWait = 1071,            // inline program: unload/close/drain wait for every thread's inline requests
};

struct Diagnostic {
  DiagId id;
  Severity severity;
  std::string file;  // empty for run-level diagnostics
  unsigned line = 0;
  unsigned column = 0;
  std::string message;
};

// "NRTM1001"
std::string DiagCode(DiagId id);
std::string_view SeverityName(Severity s);
// clang's form: "file:line:col: warning: message [NRTM1001]".
std::string Render(const Diagnostic& d);
// The --explain text (rationale and a before/after example), or empty if the code is unknown.
std::string Explain(std::string_view code);

}  // namespace nrtm
