// Output-completion counters (nrt_tensor_check_output_completion / reset_output_completion) for executions
// the shim completes: the runtime below runs them through nrta_*, so the shim counts them itself, per output
// tensor handle, bumped when the execution retires.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "nrt/nrt.h"
#include "nrt/nrt_status.h"

namespace nrt_shim {

class CompletionCounters {
 public:
  void Bump(const std::vector<nrt_tensor_t*>& outputs);
  void Reset(const nrt_tensor_t* tensor);
  void Forget(const nrt_tensor_t* tensor);
  uint64_t Get(const nrt_tensor_t* tensor) const;
  // Waits until the counter reaches expected: NRT_SUCCESS, or NRT_TIMEOUT after timeout_us (negative: no limit,
  // with a warning line every 30 s of waiting, as the legacy runtime did).
  NRT_STATUS Wait(const nrt_tensor_t* tensor, int64_t timeout_us, uint64_t expected);
  void Clear();

 private:
  mutable std::mutex mu_;
  std::condition_variable bumped_;
  std::unordered_map<const nrt_tensor_t*, uint64_t> counts_;
};

}  // namespace nrt_shim
