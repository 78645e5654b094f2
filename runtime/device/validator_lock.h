// The lock that serialises validation mode's registry (Validator). A spin lock that yields, not a mutex: every
// validated schedule call takes it once, and an uncontended pthread mutex cost ≈ 110 instructions per lock and
// unlock (two calls, their checks and two locked instructions; callgrind, bench/README.md issue 10 session 7), a
// fifth of what validation adds to a schedule call. This costs one exchange and one store. A waiter yields at once
// rather than spinning: the holder may be submitting a request or writing a finding, and on a loaded machine it
// may have lost its CPU inside the section.
#pragma once

#include <sched.h>

#include <atomic>

namespace nrtb {

class ValidatorLock {
 public:
  void lock() {
    while (__builtin_expect(locked_.exchange(true, std::memory_order_acquire), 0)) {
      while (locked_.load(std::memory_order_relaxed)) sched_yield();
    }
  }
  void unlock() { locked_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> locked_{false};
};

}  // namespace nrtb
