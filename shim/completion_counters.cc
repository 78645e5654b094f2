#include "completion_counters.h"

#include <chrono>

#include "log.h"
#include "wait_clock.h"

namespace nrt_shim {
namespace {
constexpr int64_t kMaxTimeoutUs = 1000000000000000;
}  // namespace

void CompletionCounters::Bump(const std::vector<nrt_tensor_t*>& outputs) {
  if (outputs.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (nrt_tensor_t* t : outputs) ++counts_[t];
  }
  bumped_.notify_all();
}

void CompletionCounters::Reset(const nrt_tensor_t* tensor) {
  std::lock_guard<std::mutex> lock(mu_);
  counts_.erase(tensor);
}

void CompletionCounters::Forget(const nrt_tensor_t* tensor) { Reset(tensor); }

uint64_t CompletionCounters::Get(const nrt_tensor_t* tensor) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counts_.find(tensor);
  return it == counts_.end() ? 0 : it->second;
}

NRT_STATUS CompletionCounters::Wait(const nrt_tensor_t* tensor, int64_t timeout_us, uint64_t expected) {
  std::unique_lock<std::mutex> lock(mu_);
  auto reached = [&] {
    auto it = counts_.find(tensor);
    return (it == counts_.end() ? 0 : it->second) >= expected;
  };
  if (reached()) return NRT_SUCCESS;
  ScopedWaitClock clock;
  if (timeout_us >= 0) {
    // Capped at ~31 years so now() + timeout cannot overflow the clock's nanoseconds.
    const int64_t capped = timeout_us < kMaxTimeoutUs ? timeout_us : kMaxTimeoutUs;
    return bumped_.wait_for(lock, std::chrono::microseconds(capped), reached) ? NRT_SUCCESS : NRT_TIMEOUT;
  }
  int waited_s = 0;
  while (!bumped_.wait_for(lock, std::chrono::seconds(30), reached)) {
    waited_s += 30;
    LogLine("nrt_tensor_check_output_completion",
            "still waiting for completion count %llu of output tensor %p after %d s (no timeout given)",
            static_cast<unsigned long long>(expected), static_cast<const void*>(tensor), waited_s);
  }
  return NRT_SUCCESS;
}

void CompletionCounters::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  counts_.clear();
}

}  // namespace nrt_shim
