// How many executions still use an object after the application let go of its handle. The count only
// feeds diagnostics (nrt_unload warns when executions are still in flight; the model itself stays alive
// through the executions' references), so relaxed ordering is enough: no memory is published through it.
#pragma once

#include <atomic>
#include <cstdint>

namespace nrtb {

class InFlightCounter {
 public:
  void Enter() noexcept { count_.fetch_add(1, std::memory_order_relaxed); }
  void Leave() noexcept { count_.fetch_sub(1, std::memory_order_relaxed); }
  uint32_t count() const noexcept { return count_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint32_t> count_{0};
};

}  // namespace nrtb
