#include "runtime/core/compute_interrupt.h"

#include "runtime/core/deadline_clock.h"

namespace nrtb {
namespace {

thread_local uint64_t t_deadline_ns = 0;
thread_local const std::atomic<bool>* t_stop = nullptr;

}  // namespace

const char* ComputeInterrupted::what() const noexcept {
  return reason_ == InterruptReason::kDeadline ? "computation stopped at its deadline"
                                               : "computation stopped by shutdown";
}

ComputeInterruptScope::ComputeInterruptScope(uint64_t deadline_ns, const std::atomic<bool>* stop)
    : saved_deadline_ns_(t_deadline_ns), saved_stop_(t_stop) {
  t_deadline_ns = deadline_ns;
  t_stop = stop;
}

ComputeInterruptScope::~ComputeInterruptScope() {
  t_deadline_ns = saved_deadline_ns_;
  t_stop = saved_stop_;
}

void CheckComputeInterrupt() {
  if (t_stop != nullptr && t_stop->load(std::memory_order_relaxed)) throw ComputeInterrupted(InterruptReason::kStop);
  if (t_deadline_ns != 0 && MonotonicReached(t_deadline_ns)) throw ComputeInterrupted(InterruptReason::kDeadline);
}

}  // namespace nrtb
