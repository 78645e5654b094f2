// Clocks and waiting on state. Tests wait for the state they need (with a generous bound that only
// turns a hang into a failure), never for a time that is "long enough" for something to happen.
#pragma once

#include <chrono>
#include <cstdint>
#include <thread>

namespace nrtest {

using Clock = std::chrono::steady_clock;

// The bound for "this should happen": large enough for a loaded 2-core machine under a sanitizer.
inline constexpr double kGenerousTimeoutS = 30.0;

inline double SecondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }
inline void SleepMs(double ms) {
  std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(ms * 1000)));
}

// Polls pred until it returns true (true) or timeout_s passes (false).
template <class Pred>
bool WaitUntil(Pred&& pred, double timeout_s = kGenerousTimeoutS) {
  const auto t0 = Clock::now();
  while (!pred()) {
    if (SecondsSince(t0) > timeout_s) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  return true;
}

}  // namespace nrtest
