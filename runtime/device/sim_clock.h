// Monotonic time and the precise, interruptible sleep the timing model uses.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace nrtb {

uint64_t NowNs();  // CLOCK_MONOTONIC

// Sleeps until `deadline_ns` (NowNs time base) without burning a core: a timed condition-variable
// wait up to a short margin before the deadline, then yields for the rest, so simulated durations
// of a few hundred microseconds are accurate to a few percent. Returns early (false) once
// Interrupt() is called on the same object. On a thread without precise timers (an application
// thread running a request inline) the timer slack is lowered to 1 ns for the wait and restored after.
class Sleeper {
 public:
  bool SleepUntil(uint64_t deadline_ns);
  void Interrupt();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  // Stored with release, loaded with acquire: a sleeper that sees the interrupt also sees everything the
  // interrupting thread did before it (nrt_close's teardown), also in the yield loop that takes no lock.
  std::atomic<bool> interrupted_{false};
};

// Lowers the calling thread's timer slack to 1 ns for good so timed waits wake on time (the default
// 50 us slack alone would be a 25% error on a 200 us simulated request). For the runtime's own threads.
void UsePreciseTimers();

}  // namespace nrtb
