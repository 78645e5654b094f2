// A spin lock whose waiter yields at once, for short sections on hot paths (Lockable: std::lock_guard and
// std::unique_lock take it). Taking and releasing it costs one exchange and one store; an uncontended pthread mutex
// costs two calls, their checks and two locked instructions (≈ 55 instructions per lock and unlock, callgrind,
// bench/README.md issues 10 and 11). A waiter yields rather than spinning: the sections are short, so it can only
// be waiting for a holder that lost its CPU inside one, which on a loaded 2-vCPU machine is common. Not for
// sections that block.
#pragma once

#include <sched.h>

#include <atomic>

namespace nrtb {

class YieldingSpinLock {
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
