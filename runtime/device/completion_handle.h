// nrta_get_completion_handle (an nrt-bridge extension): an eventfd the runtime creates and signals once
// when request n of a unit completes (at once if it already has).
#pragma once

#include <cstdint>

namespace nrtb {

class ExecUnit;

// Returns the application's fd. The runtime signals (and then closes) an eventfd of its own and the caller
// gets a duplicate, so closing it early can never make the runtime write to a recycled descriptor number.
// n must have been issued by the unit (checked by the caller). Throws Error(NRT_RESOURCE) when out of fds.
int NewCompletionHandle(ExecUnit& unit, uint64_t n);

}  // namespace nrtb
