#include "runtime/core/deadline_clock.h"

#include <time.h>

namespace nrtb {
namespace {

uint64_t Read(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// How far the coarse clock may trail the precise one: four of its ticks (it is updated every tick; a tick can be
// late), and never less than 1 ms. Without a coarse clock: infinite, i.e. always read the precise one.
uint64_t ReadCoarseSlackNs() {
  timespec res{};
  if (clock_getres(CLOCK_MONOTONIC_COARSE, &res) != 0 || res.tv_sec != 0) return UINT64_MAX;
  const uint64_t tick = static_cast<uint64_t>(res.tv_nsec);
  return tick * 4 < 1'000'000 ? 1'000'000 : tick * 4;
}

// A function's static rather than a global: static initialisers elsewhere may read clocks before this file's run.
uint64_t Slack() {
  static const uint64_t slack = ReadCoarseSlackNs();
  return slack;
}

}  // namespace

bool MonotonicReached(uint64_t deadline_ns) {
  const uint64_t slack = Slack();
  if (slack != UINT64_MAX) {
    const uint64_t coarse = Read(CLOCK_MONOTONIC_COARSE);
    if (coarse < deadline_ns && deadline_ns - coarse > slack) return false;
  }
  return Read(CLOCK_MONOTONIC) >= deadline_ns;
}

uint64_t MonotonicUpperBoundNs() {
  const uint64_t slack = Slack();
  return slack != UINT64_MAX ? Read(CLOCK_MONOTONIC_COARSE) + slack : Read(CLOCK_MONOTONIC);
}

uint64_t CoarseSlackNs() { return Slack() != UINT64_MAX ? Slack() : 0; }

}  // namespace nrtb
