// Lets a long computation (a CPU graph and its kernels) stop early when the request running it is
// past its execution timeout or its execution unit is shutting down, so NEURON_RT_EXEC_TIMEOUT and
// nrt_close do not wait for a computation that has already lost.
//
// The execution unit installs the limits on the running thread for the duration of one request
// (ComputeInterruptScope); kernels call CheckComputeInterrupt() between chunks of work. The limits are
// thread-local rather than a parameter so that kernels deep in the op dispatch need no extra argument,
// and code that runs outside an execution unit (parsers, kernel unit tests) is never interrupted.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>

namespace nrtb {

enum class InterruptReason { kDeadline, kStop };

// Thrown by CheckComputeInterrupt. Deliberately not an Error: layers that turn an Error into a
// request status let it through to the execution unit, which owns the timeout and shutdown policy.
class ComputeInterrupted : public std::exception {
 public:
  explicit ComputeInterrupted(InterruptReason reason) : reason_(reason) {}
  InterruptReason reason() const { return reason_; }
  const char* what() const noexcept override;

 private:
  InterruptReason reason_;
};

class ComputeInterruptScope {
 public:
  // deadline_ns: CLOCK_MONOTONIC nanoseconds (0 = none). stop: set by another thread to stop (may be null).
  ComputeInterruptScope(uint64_t deadline_ns, const std::atomic<bool>* stop);
  ~ComputeInterruptScope();
  ComputeInterruptScope(const ComputeInterruptScope&) = delete;
  ComputeInterruptScope& operator=(const ComputeInterruptScope&) = delete;

 private:
  uint64_t saved_deadline_ns_;
  const std::atomic<bool>* saved_stop_;
};

// Throws ComputeInterrupted when the calling thread's scope is past its deadline or stopped. Costs one
// clock read: call it per chunk of roughly a millisecond of work, not per element.
void CheckComputeInterrupt();

}  // namespace nrtb
