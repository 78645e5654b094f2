// An implicit-mode program none of whose executions is on the request table (every nrt_execute got the inline
// form, or there is none): no table request can be pending anywhere, so the table's fences and deferred releases
// would never wait. Its tensor reads, writes and releases stay the plain calls they were; unload, close, the
// drain and the depth go to the helper block's record of inline requests (helper_block.h, InlineRegistry), which
// waits for every thread's requests as implicit mode did. Nothing then needs the support header.
#pragma once

#include <vector>

#include "site.h"

namespace nrtm {

// Rewrites the implicit-table and depth-carried sites of one translation unit for an inline program.
void MakeInlineProgram(std::vector<Site>* sites);

}  // namespace nrtm
