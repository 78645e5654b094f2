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

// call: the nrt_execute CallExpr, parents[call_index] == call. On success fills site (form, edits, reason)
// and returns true; otherwise *why says what stopped the proof.
bool TryDeferredForm(const TuContext& ctx, CXCursor call, size_t call_index, const std::vector<CXCursor>& parents,
                     const FileLoc& name_loc, Site* site, std::string* why);

}  // namespace nrtm
