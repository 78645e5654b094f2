// Whether CLOCK_MONOTONIC has reached a deadline, cheaply: every request checks its execution timeout, and every
// graph node checks its compute deadline, while almost none are near one. On this project's VMs a precise
// clock_gettime costs 50-60 ns (bench/README.md, issue 11), a coarse one a few ns.
#pragma once

#include <cstdint>

namespace nrtb {

// CLOCK_MONOTONIC >= deadline_ns. Exact: it reads CLOCK_MONOTONIC_COARSE first (same time base, behind the precise
// clock by at most a tick) and the precise clock only when the coarse one is within a few ticks of the deadline.
bool MonotonicReached(uint64_t deadline_ns);

// A start time for a deadline that must never fall early, without the precise clock's cost: a time at or after
// CLOCK_MONOTONIC's now, and at most CoarseSlackNs() after it (CLOCK_MONOTONIC_COARSE plus the most it trails the
// precise clock). A deadline counted from it is never early and at most CoarseSlackNs() late. The precise clock
// when there is no coarse one (the slack is then 0).
uint64_t MonotonicUpperBoundNs();
// How far the coarse clock may trail the precise one (0: no coarse clock; MonotonicUpperBoundNs reads the precise).
uint64_t CoarseSlackNs();

}  // namespace nrtb
