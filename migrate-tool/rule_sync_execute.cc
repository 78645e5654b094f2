// Rule sync-execute: nrt_execute / nrt_execute_repeat(..., 1) -> nrta_execute_schedule with a status slot,
// NRT_QUEUE_FULL retry, a wait, and the request's own status as the value.
//
// Two forms, the higher one only where it is proven safe:
//   deferred-wait  the call is a statement, an initializer or an assignment in a block, and the statements after
//                  it provably touch neither its tensor sets, nor its status, nor any Neuron API: it is scheduled
//                  there, and waited for before the first statement that may (or at the end of the block), so
//                  host work in between overlaps the execution as in implicit mode;
//   exact-wait     anywhere else (conditions, returns, macro arguments, function pointers): the call is renamed
//                  to nrtm_execute_wait, which schedules and waits at once.
#include <set>

#include "deferral.h"
#include "libclang_util.h"
#include "rule.h"

namespace nrtm {

namespace {

CXCursor SkipUp(const std::vector<CXCursor>& parents, size_t* i) {
  // Walks up through implicit casts and parentheses (UnexposedExpr, ParenExpr).
  while (*i > 0) {
    CXCursor p = parents[*i - 1];
    CXCursorKind k = clang_getCursorKind(p);
    if (k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr) return p;
    --*i;
  }
  return clang_getNullCursor();
}

void ExactForm(const TuContext& ctx, const Reference& ref, const FileLoc& name_loc, CXCursor call, Site site,
               std::vector<Site>* out) {
  site.form = "exact-wait";
  site.diag = DiagId::kMigratedExactWait;
  site.migrated = true;
  site.needs_helper = true;
  site.edits.push_back({name_loc.file, name_loc.offset, ref.name.size(), "nrtm_execute_wait", -1});
  if (ref.name == "nrt_execute_repeat") {
    // Drop the `, 1` repeat count: from the end of the third argument to the end of the fourth.
    // Spelling locations: in a macro argument (CHECK(nrt_execute_repeat(..., 1))) the arguments are still
    // written in the file; only a comma between them may be removed.
    FileLoc e3, b4, e4;
    bool ok = false;
    if (!clang_Cursor_isNull(call) && clang_Cursor_getNumArguments(call) == 4) {
      CXSourceRange r3 = clang_getCursorExtent(clang_Cursor_getArgument(call, 2));
      CXSourceRange r4 = clang_getCursorExtent(clang_Cursor_getArgument(call, 3));
      e3 = SpellingLoc(clang_getRangeEnd(r3));
      b4 = SpellingLoc(clang_getRangeStart(r4));
      e4 = SpellingLoc(clang_getRangeEnd(r4));
      const std::string* text = ctx.content(name_loc.file);
      if (text && e3.file == name_loc.file && e4.file == name_loc.file && b4.file == name_loc.file &&
          e3.offset <= b4.offset && b4.offset < e4.offset && e4.offset <= text->size()) {
        std::string between = text->substr(e3.offset, b4.offset - e3.offset);
        ok = between.find_first_not_of(" \t\n,") == std::string::npos && between.find(',') != std::string::npos &&
             text->substr(b4.offset, e4.offset - b4.offset) == "1";
      }
    }
    if (!ok) {
      site.form = "not-migrated";
      site.diag = DiagId::kNoSpelling;
      site.migrated = false;
      site.needs_helper = false;
      site.edits.clear();
      site.reason = "the repeat count is written inside a macro; rewrite nrt_execute_repeat(..., 1) by hand";
      out->push_back(site);
      return;
    }
    site.edits.push_back({name_loc.file, e3.offset, e4.offset - e3.offset, "", -1});
  }
  if (site.reason.empty()) site.reason = "scheduled and waited for at once";
  site.reason = "nrt_execute -> nrtm_execute_wait (" + site.reason + ")";
  out->push_back(site);
}

}  // namespace

void RunSyncExecuteRule(const TuContext& ctx, const Reference& ref, std::vector<Site>* out) {
  FileLoc name_loc = SpellingLoc(clang_getCursorLocation(ref.cursor));
  Site site;
  site.rule = "sync-execute";
  site.api = ref.name;
  site.file = name_loc.file;
  site.line = name_loc.line;
  site.column = name_loc.column;
  site.offset = name_loc.offset;
  const std::string* text = name_loc.valid() ? ctx.content(name_loc.file) : nullptr;
  if (!text || text->compare(name_loc.offset, ref.name.size(), ref.name) != 0) {
    // The identifier comes from a macro expansion: pasted (no bytes spell it) or written in the macro's body,
    // which libclang's C API locates only at the expansion.
    FileLoc at = ExpansionLoc(clang_getCursorLocation(ref.cursor));
    site.file = at.file;
    site.line = at.line;
    site.column = at.column;
    site.offset = at.offset;
    site.form = "not-migrated";
    site.diag = DiagId::kNoSpelling;
    site.reason = ref.name +
                  " is not written at this call but in a macro (its body or token pasting); rewrite that macro by hand";
    out->push_back(site);
    return;
  }
  size_t i = ref.parents.size();
  CXCursor parent = SkipUp(ref.parents, &i);
  CXCursor call = clang_getCursorKind(parent) == CXCursor_CallExpr ? parent : clang_getNullCursor();
  if (clang_Cursor_isNull(call)) {
    if (ref.name == "nrt_execute") {
      // A function pointer: nrtm_execute_wait has nrt_execute's signature.
      site.reason = "used as a function pointer; nrtm_execute_wait has the same signature";
      ExactForm(ctx, ref, name_loc, call, site, out);
    } else {
      site.form = "not-migrated";
      site.diag = DiagId::kRepeatCount;
      site.reason = "nrt_execute_repeat used as a function pointer; no helper has its signature";
      out->push_back(site);
    }
    return;
  }
  if (ref.name == "nrt_execute_repeat") {
    CXCursor count =
        clang_Cursor_getNumArguments(call) == 4 ? clang_Cursor_getArgument(call, 3) : clang_getNullCursor();
    CXEvalResult ev = clang_Cursor_isNull(count) ? nullptr : clang_Cursor_Evaluate(count);
    bool one = ev && clang_EvalResult_getKind(ev) == CXEval_Int && clang_EvalResult_getAsLongLong(ev) == 1;
    if (ev) clang_EvalResult_dispose(ev);
    if (!one) {
      site.form = "not-migrated";
      site.diag = DiagId::kRepeatCount;
      site.reason = "nrt_execute_repeat with a repeat count that is not the constant 1; write the loop explicitly";
      out->push_back(site);
      return;
    }
    ExactForm(ctx, ref, name_loc, call, site, out);
    return;
  }
  std::string why;
  if (TryDeferredForm(ctx, call, i - 1, ref.parents, name_loc, &site, &why)) {
    out->push_back(site);
    return;
  }
  site.reason = why;
  ExactForm(ctx, ref, name_loc, call, site, out);
}

}  // namespace nrtm
