// The deferred-wait form of the sync-execute rule and its proof: which statements after an nrt_execute provably
// leave its request alone, so that the wait can move past them.
#pragma once

#include <clang-c/Index.h>

#include <string>
#include <vector>

#include "libclang_util.h"
#include "rule.h"
#include "site.h"

namespace nrtm {

// Where a request scheduled at a call statement can be waited for: before the first later statement of its block
// not proven to leave it alone, or before the block's closing brace (never after a jump out of the block).
struct DeferralPlan {
  size_t stmt_begin = 0;  // the call's statement
  size_t call_begin = 0, call_end = 0;
  std::string sep;            // between declarations inserted before the statement ("\n" + indent, or " ")
  CXCursor status_var{};      // the variable the status is stored in (null cursor: none)
  std::string status_name;    // its name
  bool stmt_is_call = false;  // the statement is the call itself (its value is ignored)
  size_t wait_at = 0;         // where the wait is inserted
  std::string wait_lead;      // text before the wait
  std::string wait_sep;       // between lines of the wait ("\n" + indent, or " ")
  std::string wait_trail;     // text after the wait
  std::string where;          // for the reason: "line 12, where 'y' is used"
};

// status_is_request: a later use of the status variable needs the request (the synchronous form stores the
// request's own status there); in implicit mode the call's value is the scheduling status, final at once.
bool PlanDeferral(const TuContext& ctx, CXCursor call, size_t call_index, const std::vector<CXCursor>& parents,
                  const FileLoc& name_loc, bool status_is_request, DeferralPlan* plan, std::string* why);

// call: the nrt_execute CallExpr, parents[call_index] == call. On success fills site (form, edits, reason)
// and returns true; otherwise *why says what stopped the proof.
bool TryDeferredForm(const TuContext& ctx, CXCursor call, size_t call_index, const std::vector<CXCursor>& parents,
                     const FileLoc& name_loc, Site* site, std::string* why);

}  // namespace nrtm
