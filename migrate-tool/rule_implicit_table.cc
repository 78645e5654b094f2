// Rule implicit-table: in an implicit-mode program every legacy call that implicit mode gave a meaning to is
// renamed to the support header's function of the same signature (nrtm_inflight.h), which keeps that meaning
// on nrta_*: nrt_execute schedules into the in-flight table without waiting, tensor I/O fences on the pending
// requests that use the tensor, releases are deferred to completion, drains and callbacks go through the table.
// A rename is exact wherever the name appears (statement, condition, macro body, function pointer), and the
// fences follow the tensors at run time, so slot rotation through data structures and across loop iterations
// and files keeps its overlap. An nrt_execute whose whole pattern is visible in its function gets the inline
// form instead (inline_form.h, NRTM1069); every other one says in its note why it stays on the table.
#include "inline_form.h"
#include "libclang_util.h"
#include "rule.h"

namespace nrtm {

namespace {

struct TableForm {
  const char* api;
  const char* wrapper;
  const char* form;
  DiagId diag;
  const char* what;
};

const TableForm kForms[] = {
    {"nrt_execute", "nrtm_inflight_execute", "table-execute", DiagId::kTableExecute,
     "scheduled into the in-flight table without a wait: the request stays in flight until a host access needs "
     "it, so host work after it (this iteration's and the next) overlaps the execution"},
    {"nrt_tensor_read", "nrtm_inflight_tensor_read", "fence-read", DiagId::kTableFenceRead,
     "waits only for the pending requests that write this tensor, then reads"},
    {"nrt_tensor_write", "nrtm_inflight_tensor_write", "fence-write", DiagId::kTableFenceWrite,
     "waits only for the pending requests that read or write this tensor, then writes"},
    {"nrt_tensor_memset", "nrtm_inflight_tensor_memset", "fence-write", DiagId::kTableFenceWrite,
     "waits only for the pending requests that read or write this tensor, then sets it"},
    {"nrt_tensor_copy", "nrtm_inflight_tensor_copy", "fence-write", DiagId::kTableFenceWrite,
     "waits for the pending writers of the source and the pending users of the destination, then copies"},
    {"nrt_tensor_read_batch", "nrtm_inflight_tensor_read_batch", "fence-read", DiagId::kTableFenceRead,
     "waits for the pending requests that write any range of any batch (none when unsafe is true), then reads"},
    {"nrt_tensor_write_batch", "nrtm_inflight_tensor_write_batch", "fence-write", DiagId::kTableFenceWrite,
     "waits for the pending requests that use any range of any batch (none when unsafe is true), then writes"},
    {"nrt_async_drain_queued_execs", "nrtm_inflight_drain", "table-drain", DiagId::kTableDrain,
     "waits until every request of that core has completed and its callback has run"},
    {"nrt_tensor_check_output_completion", "nrtm_inflight_check_output_completion", "table-completion",
     DiagId::kTableCompletion, "waits for the tensor's completion count, then for the table to retire its writers"},
    {"nrt_register_async_exec_callback", "nrtm_inflight_register_callback", "table-callback", DiagId::kTableCallback,
     "the table's completion thread calls it once per request, in order, with the request's own status and job id"},
    {"nrt_tensor_free", "nrtm_inflight_tensor_free", "deferred-release", DiagId::kTableDeferredRelease,
     "released at once if no pending request uses it, else when the last one completes (never waited for here)"},
    {"nrt_destroy_tensor_set", "nrtm_inflight_destroy_tensor_set", "deferred-release", DiagId::kTableDeferredRelease,
     "destroyed at once if no pending request uses it, else when the last one completes (never waited for here)"},
    {"nrt_unload", "nrtm_inflight_unload", "drain-first", DiagId::kTableDrainFirst,
     "waits for the model's pending requests and callbacks, then unloads"},
    {"nrt_close", "nrtm_inflight_close", "drain-first", DiagId::kTableDrainFirst,
     "waits for every pending request and callback, stops the table's thread, then closes"},
};

}  // namespace

bool IsTableApi(const std::string& name) {
  for (const TableForm& f : kForms)
    if (name == f.api) return true;
  return false;
}

void RunImplicitTableRule(const TuContext& ctx, const Reference& ref, std::vector<Site>* out) {
  const TableForm* form = nullptr;
  for (const TableForm& f : kForms)
    if (ref.name == f.api) form = &f;
  FileLoc at = SpellingLoc(clang_getCursorLocation(ref.cursor));
  if (!form) return;
  Site site;
  site.rule = "implicit-table";
  site.api = ref.name;
  const std::string* text = at.valid() ? ctx.content(at.file) : nullptr;
  if (!text || text->compare(at.offset, ref.name.size(), ref.name) != 0) {
    at = ExpansionLoc(clang_getCursorLocation(ref.cursor));
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
  site.file = at.file;
  site.line = at.line;
  site.column = at.column;
  site.offset = at.offset;
  std::string not_inline;
  if (ref.name == "nrt_execute") {
    size_t i = ref.parents.size();
    while (i > 0 && (clang_getCursorKind(ref.parents[i - 1]) == CXCursor_UnexposedExpr ||
                     clang_getCursorKind(ref.parents[i - 1]) == CXCursor_ParenExpr))
      --i;
    if (i == 0 || clang_getCursorKind(ref.parents[i - 1]) != CXCursor_CallExpr) {
      not_inline = "used as a function pointer";
    } else {
      Site inline_site = site;
      if (TryInlineForm(ctx, ref.parents[i - 1], i - 1, ref.parents, at, &inline_site, &not_inline)) {
        inline_site.reason += " (implicit mode: " + ctx.implicit_why + ")";
        out->push_back(inline_site);
        return;
      }
    }
  }
  site.form = form->form;
  site.diag = form->diag;
  site.migrated = true;
  site.needs_support = true;
  site.edits.push_back({at.file, at.offset, ref.name.size(), form->wrapper, -1});
  site.reason = ref.name + " -> " + form->wrapper + " (" + form->what + "; implicit mode: " + ctx.implicit_why + ")";
  if (!not_inline.empty()) site.reason += "; not inline: " + not_inline;
  out->push_back(site);
}

}  // namespace nrtm
