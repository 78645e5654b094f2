// What the analyzer hands each rule: one reference to a legacy name, with the chain of AST cursors above it.
#pragma once

#include <clang-c/Index.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "site.h"

namespace nrtm {

// File contents as libclang read them (offsets index into these).
using ContentFn = std::function<const std::string*(const std::string& file)>;

struct TuContext {
  CXTranslationUnit tu = nullptr;
  std::string main_file;
  bool is_cpp = false;
  ContentFn content;
  // Every function definition of the TU outside system headers, by USR (for the deferred-wait proof).
  std::map<std::string, CXCursor> definitions;
  // Whether the TU ever takes a host pointer into tensor memory (nrt_tensor_get_va): then no statement can be
  // proven not to touch an output, and only the exact form is used.
  bool takes_tensor_va = false;
  // The program ran in implicit async mode (program_mode.h): legacy calls go through the support header.
  bool implicit = false;
  std::string implicit_why;
  // ProgramMode::table_only: why no execution of the program may leave the table, a whole clause (empty: none).
  std::string table_only_why;
};

struct Reference {
  CXCursor cursor;                // the DeclRefExpr (or StringLiteral for the env-var rule)
  std::vector<CXCursor> parents;  // root first; parents.back() is the direct parent
  std::string name;               // the function name referenced (or the literal's spelling)
};

// sync-execute: nrt_execute / nrt_execute_repeat
void RunSyncExecuteRule(const TuContext& ctx, const Reference& ref, std::vector<Site>* out);
// implicit-call: callback registration, drain, output-completion waits
void RunImplicitCallRule(const TuContext& ctx, const Reference& ref, std::vector<Site>* out);
// implicit-table: in implicit-mode programs, execute / tensor I/O / release / drain / callback / unload / close
bool IsTableApi(const std::string& name);
void RunImplicitTableRule(const TuContext& ctx, const Reference& ref, std::vector<Site>* out);
// env-var: NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS in a string literal
void RunEnvVarRule(const TuContext& ctx, const Reference& ref, std::vector<Site>* out);

}  // namespace nrtm
