// Rule implicit-call: the calls only implicit mode gives meaning to (callback registration, drain,
// output-completion waits). This version reports each one; see NRTM1030.
#include "libclang_util.h"
#include "rule.h"

namespace nrtm {

namespace {

// A drain whose value is ignored (a statement of a block) has nothing left to wait for: every migrated execution
// is waited for before any later Neuron call (a call is never proven to leave a request alone) and before its
// block ends, and since SDK 2.31 nothing else is queued. The statement is removed.
void RemoveDrainStatement(const TuContext& ctx, const Reference& ref, Site* site) {
  size_t i = ref.parents.size();
  while (i > 0 && clang_getCursorKind(ref.parents[i - 1]) == CXCursor_UnexposedExpr) --i;
  if (i < 2 || clang_getCursorKind(ref.parents[i - 1]) != CXCursor_CallExpr ||
      clang_getCursorKind(ref.parents[i - 2]) != CXCursor_CompoundStmt)
    return;
  CXCursor call = ref.parents[i - 1];
  CXSourceRange r = clang_getCursorExtent(call);
  FileLoc b, e;
  const std::string* text = ctx.content(site->file);
  if (InMacro(clang_getRangeStart(r)) || InMacro(clang_getRangeEnd(r)) || !FileRange(call, &b, &e) || !text ||
      b.file != site->file)
    return;
  size_t semi = text->find_first_not_of(" \t", e.offset);
  if (semi == std::string::npos || (*text)[semi] != ';') return;
  size_t line_start = b.offset == 0 ? 0 : text->rfind('\n', b.offset - 1);
  line_start = line_start == std::string::npos || b.offset == 0 ? 0 : line_start + 1;
  size_t after = text->find_first_not_of(" \t\r", semi + 1);
  bool alone = text->substr(line_start, b.offset - line_start).find_first_not_of(" \t") == std::string::npos &&
               (after == std::string::npos || (*text)[after] == '\n');
  size_t from = alone ? line_start : b.offset;
  size_t to = alone ? (after == std::string::npos ? text->size() : after + 1) : semi + 1;
  site->edits.push_back({site->file, from, to - from, "", -1});
  site->form = "removed";
  site->diag = DiagId::kDrainRemoved;
  site->migrated = true;
  site->reason = "drain removed: every migrated execution has completed before this point";
}

}  // namespace

void RunImplicitCallRule(const TuContext& ctx, const Reference& ref, std::vector<Site>* out) {
  FileLoc at = SpellingLoc(clang_getCursorLocation(ref.cursor));
  const std::string* text = at.valid() ? ctx.content(at.file) : nullptr;
  if (!text || text->compare(at.offset, ref.name.size(), ref.name) != 0)
    at = ExpansionLoc(clang_getCursorLocation(ref.cursor));
  Site site;
  site.rule = "implicit-call";
  site.api = ref.name;
  site.file = at.file;
  site.line = at.line;
  site.column = at.column;
  site.offset = at.offset;
  site.form = "not-migrated";
  site.diag = DiagId::kImplicitCall;
  if (ref.name == "nrt_register_async_exec_callback") {
    site.reason =
        "the completion callback never fires once nrt_execute is migrated; run its work after each "
        "execution's wait";
  } else if (ref.name == "nrt_async_drain_queued_execs") {
    site.reason =
        "migrated executions are complete when their wait returns, so this drain returns at once; "
        "remove it";
    RemoveDrainStatement(ctx, ref, &site);
  } else {
    site.reason =
        "an implicit-mode completion wait: after migration the execution has completed when its wait returns; "
        "replace this wait by that (not rewritten yet)";
  }
  out->push_back(site);
}

}  // namespace nrtm
