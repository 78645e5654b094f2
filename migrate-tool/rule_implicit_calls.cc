// Rule implicit-call: the calls only implicit mode gives meaning to (callback registration, drain,
// output-completion waits). This version reports each one; see NRTM1030.
#include "libclang_util.h"
#include "rule.h"

namespace nrtm {

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
  } else {
    site.reason = "output-completion counters are not bumped by nrta_* executions; wait for the request instead";
  }
  out->push_back(site);
}

}  // namespace nrtm
