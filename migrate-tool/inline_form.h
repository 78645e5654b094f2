// The inline form of an implicit-mode nrt_execute: plain nrta_* code at the call (nrtm_schedule with a status
// slot and the NRT_QUEUE_FULL retry) and a wait for that request right before the first later statement that may
// need it, where the tool can see the whole pattern in one function. Everything it cannot prove stays on the
// request table (rule_implicit_table.cc), which is always correct.
#pragma once

#include <clang-c/Index.h>

#include <string>
#include <vector>

#include "libclang_util.h"
#include "rule.h"
#include "site.h"

namespace nrtm {

// call: the nrt_execute CallExpr, parents[call_index] == call. On success fills site (form "inline", edits,
// reason) and returns true; otherwise *why says what kept the site on the table.
bool TryInlineForm(const TuContext& ctx, CXCursor call, size_t call_index, const std::vector<CXCursor>& parents,
                   const FileLoc& name_loc, Site* site, std::string* why);

}  // namespace nrtm
