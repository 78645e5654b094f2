// Time the calling thread spent blocked inside the shim during the current interposed call (for the trace:
// "where does my binary block"). Thread-local; every blocking wait in the shim adds to it.
#pragma once

#include <chrono>
#include <cstdint>

namespace nrt_shim {

// Nanoseconds waited on this thread since the last TakeWaitNs().
uint64_t TakeWaitNs();
void AddWaitNs(uint64_t ns);

// Adds the time between construction and destruction to the thread's wait total.
class ScopedWaitClock {
 public:
  ScopedWaitClock() : start_(std::chrono::steady_clock::now()) {}
  ~ScopedWaitClock() {
    AddWaitNs(static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_).count()));
  }
  ScopedWaitClock(const ScopedWaitClock&) = delete;
  ScopedWaitClock& operator=(const ScopedWaitClock&) = delete;

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace nrt_shim
