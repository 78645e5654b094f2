// Rule env-var: NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS in source. A statement that only sets it
// (setenv / putenv as a statement of a block) is removed; any other use is reported.
#include "libclang_util.h"
#include "rule.h"

namespace nrtm {

namespace {

CXCursor FirstNonWrapperAbove(const std::vector<CXCursor>& parents, size_t* i) {
  while (*i > 0) {
    CXCursorKind k = clang_getCursorKind(parents[*i - 1]);
    if (k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr) return parents[*i - 1];
    --*i;
  }
  return clang_getNullCursor();
}

// The depth a setenv("VAR", "N", ...) or putenv("VAR=N") gives, or 0 if it is not a literal number.
int LiteralDepth(CXCursor call, const std::string& callee) {
  CXCursor arg = clang_Cursor_getArgument(call, callee == "setenv" ? 1 : 0);
  CXEvalResult ev = clang_Cursor_isNull(arg) ? nullptr : clang_Cursor_Evaluate(arg);
  std::string value;
  if (ev && clang_EvalResult_getKind(ev) == CXEval_StrLiteral) value = clang_EvalResult_getAsStr(ev);
  if (ev) clang_EvalResult_dispose(ev);
  if (callee == "putenv") value = value.find('=') == std::string::npos ? "" : value.substr(value.find('=') + 1);
  if (value.empty() || value.size() > 4 || value.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::stoi(value);
}

}  // namespace

void RunEnvVarRule(const TuContext& ctx, const Reference& ref, std::vector<Site>* out) {
  CXSourceLocation loc = clang_getCursorLocation(ref.cursor);
  FileLoc at = ExpansionLoc(loc);
  Site site;
  site.rule = "env-var";
  site.api = "NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS";
  site.file = at.file;
  site.line = at.line;
  site.column = at.column;
  site.offset = at.offset;
  site.form = "not-migrated";
  site.diag = DiagId::kEnvVarReported;
  site.reason = "the variable no longer has an effect (SDK 2.31+); remove this use by hand";
  size_t i = ref.parents.size();
  CXCursor call = FirstNonWrapperAbove(ref.parents, &i);
  std::string callee =
      clang_getCursorKind(call) == CXCursor_CallExpr ? CursorSpelling(clang_getCursorReferenced(call)) : std::string();
  if (callee == "setenv" || callee == "putenv") {
    size_t k = i - 1;
    CXCursor block = FirstNonWrapperAbove(ref.parents, &k);
    FileLoc b, e;
    const std::string* text = ctx.content(at.file);
    CXSourceRange r = clang_getCursorExtent(call);
    if (clang_getCursorKind(block) == CXCursor_CompoundStmt && !InMacro(clang_getRangeStart(r)) &&
        !InMacro(clang_getRangeEnd(r)) && FileRange(call, &b, &e) && text && b.file == at.file) {
      size_t semi = text->find_first_not_of(" \t", e.offset);
      if (semi != std::string::npos && (*text)[semi] == ';') {
        size_t line_start = text->rfind('\n', b.offset == 0 ? 0 : b.offset - 1);
        line_start = line_start == std::string::npos || b.offset == 0 ? 0 : line_start + 1;
        size_t after = text->find_first_not_of(" \t\r", semi + 1);
        bool alone = text->substr(line_start, b.offset - line_start).find_first_not_of(" \t") == std::string::npos &&
                     (after == std::string::npos || (*text)[after] == '\n');
        size_t from = alone ? line_start : b.offset;
        size_t to = alone ? (after == std::string::npos ? text->size() : after + 1) : semi + 1;
        int depth = ctx.implicit ? LiteralDepth(call, callee) : 0;
        if (depth > 0) {
          // Implicit mode: the bound the program asked for stays in the code, on the request table.
          site.edits.push_back(
              {at.file, b.offset, semi + 1 - b.offset, "nrtm_inflight_set_depth(" + std::to_string(depth) + ");", -1});
          site.form = "depth-carried";
          site.diag = DiagId::kDepthCarried;
          site.migrated = true;
          site.needs_support = true;
          site.reason = callee + " of the implicit-mode variable -> nrtm_inflight_set_depth(" + std::to_string(depth) +
                        ") (the in-flight request table keeps the depth the program asked for)";
          out->push_back(site);
          return;
        }
        site.edits.push_back({at.file, from, to - from, "", -1});
        site.form = "removed";
        site.diag = DiagId::kEnvVarRemoved;
        site.migrated = true;
        site.reason = callee +
                      " of the implicit-mode variable removed (it has no effect since SDK 2.31; the "
                      "migrated executions keep their overlap through deferred waits instead)";
      }
    }
  } else if (callee == "getenv") {
    site.reason = "the program reads the implicit-mode variable; it has no effect since SDK 2.31, remove the read";
  }
  out->push_back(site);
}

}  // namespace nrtm
