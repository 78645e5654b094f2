// Device-memory accounting of one logical core: allocations past the capacity fail with
// NRT_RESOURCE, and nrt_get_vnc_memory_stats reports usage.
#pragma once

#include <atomic>
#include <cstdint>

namespace nrtb {

class MemoryPool {
 public:
  explicit MemoryPool(uint64_t limit) : limit_(limit) {}
  // Reserves `bytes`; false (nothing reserved) when that would pass the limit.
  bool Reserve(uint64_t bytes);
  void Release(uint64_t bytes) { used_.fetch_sub(bytes, std::memory_order_relaxed); }
  uint64_t used() const { return used_.load(std::memory_order_relaxed); }
  uint64_t limit() const { return limit_; }

 private:
  const uint64_t limit_;
  std::atomic<uint64_t> used_{0};
};

}  // namespace nrtb
