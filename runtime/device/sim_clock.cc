#include "runtime/device/sim_clock.h"

#include <sched.h>
#include <sys/prctl.h>
#include <time.h>

#include <chrono>

namespace nrtb {
namespace {
// Wake-up latency of a timed wait on a loaded VM is tens of microseconds; the last stretch is
// finished by yielding so the deadline is met without a full-core spin for the whole duration.
constexpr uint64_t kYieldMarginNs = 60'000;
}  // namespace

uint64_t NowNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

bool Sleeper::SleepUntil(uint64_t deadline_ns) {
  uint64_t now = NowNs();
  if (now + kYieldMarginNs < deadline_ns) {
    std::unique_lock<std::mutex> lock(mu_);
    // steady_clock is CLOCK_MONOTONIC in libstdc++, the same base as NowNs().
    auto until = std::chrono::steady_clock::time_point(std::chrono::nanoseconds(deadline_ns - kYieldMarginNs));
    cv_.wait_until(lock, until, [&] { return interrupted_.load(std::memory_order_relaxed); });
  }
  while (NowNs() < deadline_ns) {
    if (interrupted_.load(std::memory_order_relaxed)) return false;
    sched_yield();
  }
  return !interrupted_.load(std::memory_order_relaxed);
}

void Sleeper::Interrupt() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    interrupted_.store(true, std::memory_order_relaxed);
  }
  cv_.notify_all();
}

void UsePreciseTimers() { prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0); }

}  // namespace nrtb
