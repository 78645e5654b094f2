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

// Set on threads that called UsePreciseTimers (workers): their slack is already 1 ns.
thread_local bool t_precise_timers = false;

// Timer slack of 1 ns for the scope on a thread that does not have it (an application thread running
// a request inline), restored after: Linux's default 50 us slack would lengthen every simulated
// interval, but the application's own timed waits keep the slack it chose.
class PreciseTimerScope {
 public:
  PreciseTimerScope() {
    if (t_precise_timers) return;
    const int saved = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
    if (saved > 1 && prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0) == 0) saved_ = saved;
  }
  ~PreciseTimerScope() {
    if (saved_ > 0) prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(saved_), 0, 0, 0);
  }
  PreciseTimerScope(const PreciseTimerScope&) = delete;
  PreciseTimerScope& operator=(const PreciseTimerScope&) = delete;

 private:
  int saved_ = 0;
};

}  // namespace

uint64_t NowNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

bool Sleeper::SleepUntil(uint64_t deadline_ns) {
  uint64_t now = NowNs();
  if (now + kYieldMarginNs < deadline_ns) {
    PreciseTimerScope precise;
    std::unique_lock<std::mutex> lock(mu_);
    // steady_clock is CLOCK_MONOTONIC in libstdc++, the same base as NowNs().
    auto until = std::chrono::steady_clock::time_point(std::chrono::nanoseconds(deadline_ns - kYieldMarginNs));
    cv_.wait_until(lock, until, [&] { return interrupted_.load(std::memory_order_acquire); });
  }
  while (NowNs() < deadline_ns) {
    if (interrupted_.load(std::memory_order_acquire)) return false;
    sched_yield();
  }
  return !interrupted_.load(std::memory_order_acquire);
}

void Sleeper::Interrupt() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    interrupted_.store(true, std::memory_order_release);
  }
  cv_.notify_all();
}

void UsePreciseTimers() {
  if (prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0) == 0) t_precise_timers = true;
}

}  // namespace nrtb
