// Device memory of one logical core: the core's simulated HBM, one reserved address range from
// which device tensors are carved, and the accounting against the core's capacity (allocations past
// it fail, so nrt_tensor_allocate returns NRT_RESOURCE; nrt_get_vnc_memory_stats reports usage).
//
// The range is mapped on first use, PROT_READ|PROT_WRITE with MAP_NORESERVE, so an untouched 24 GiB
// core costs address space only. nrt_get_hbm_mmap_va hands the range out, so the application sees
// the very bytes of its device tensors through it. Blocks are carved first-fit from an address-ordered
// free list that coalesces neighbours on free, so freed memory is reused and the list never holds
// more entries than there are live blocks plus one. Freed blocks are zeroed (whole pages returned to
// the kernel with MADV_DONTNEED), which keeps "free memory reads as zero": a new block needs no memset
// and pages nobody wrote stay unbacked.
//
// Under AddressSanitizer (asan_poison.h) every byte of the range that no live block owns is poisoned,
// and each block is followed by a red zone of kAsanRedZone bytes, so that an access past a tensor's end,
// into its neighbour or into free memory, is reported. The poisoning follows the range's high-water
// mark (plus kAsanPoisonAhead), so an untouched 24 GiB core costs no shadow memory either.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>

#include "runtime/core/fork_generation.h"

namespace nrtb {

// Why MemoryPool::Allocate returned no block.
enum class PoolFailure : uint8_t {
  kNone,
  kTooLarge,    // larger than the core's address range (a capacity above kMaxRegionBytes)
  kCapacity,    // allocations and reservations would pass the core's capacity
  kFragmented,  // within capacity, but no free block of the range is large enough
  kUnmappable,  // the range could not be mapped (no address space)
  kShutDown,    // the pool carves no more blocks: nrt_close is under way (or this is a forked child)
};
// "the core's capacity is exhausted" etc., for log lines.
const char* PoolFailureText(PoolFailure failure);

class MemoryPool {
 public:
  // Blocks start on this boundary (a cache line, as DMA-friendly as the device's own allocations).
  static constexpr uint64_t kAlignment = 64;
  // Largest range one core reserves, whatever its capacity: a capacity beyond it is accounted but
  // cannot be carved (NRT_RESOURCE), instead of failing to map at all.
  static constexpr uint64_t kMaxRegionBytes = 1ull << 40;
  // ASan builds only: the poisoned gap after every block, and how far past the highest block the free
  // range is poisoned in advance.
  static constexpr uint64_t kAsanRedZone = 64;
  static constexpr uint64_t kAsanPoisonAhead = 1ull << 20;

  explicit MemoryPool(uint64_t limit);
  ~MemoryPool();
  MemoryPool(const MemoryPool&) = delete;
  MemoryPool& operator=(const MemoryPool&) = delete;

  // Accounting only (device memory that is not carved from the range, e.g. a model's): reserves
  // `bytes`; false (nothing reserved) when that would pass the limit.
  bool Reserve(uint64_t bytes);
  void Release(uint64_t bytes) { used_.fetch_sub(bytes, std::memory_order_relaxed); }

  // A zero-filled block of `bytes` (kAlignment-aligned) carved from the range and accounted; null, with
  // the reason in *failure when given, if there is none.
  uint8_t* Allocate(uint64_t bytes, PoolFailure* failure = nullptr);
  // Returns a block from Allocate(bytes). In a forked child it does nothing (see InheritedAcrossFork).
  void Free(uint8_t* block, uint64_t bytes);

  // The range (mapped now if it was not yet). {nullptr, 0} if it cannot be mapped or the pool is
  // shut down.
  struct Region {
    uint8_t* base;
    uint64_t size;
  };
  Region region();

  // No more blocks are carved and the range's physical pages go back to the kernel. Called at
  // nrt_close once in-flight work has completed. The range stays mapped (its pages now read as zero)
  // until the pool is destroyed, so a tensor handle the application still holds never points at
  // unmapped memory.
  void Shutdown();

  uint64_t used() const { return used_.load(std::memory_order_relaxed); }
  uint64_t limit() const { return limit_; }
  // Entries of the free list (for tests: coalescing keeps it short).
  size_t free_block_count() const;

 private:
  bool MapLocked();
  uint8_t* CarveLocked(uint64_t bytes, PoolFailure* failure);
  void ZeroLocked(uint64_t offset, uint64_t length);
  // ASan builds: poisons the range up to `end` (plus kAsanPoisonAhead) where it is not yet.
  void PoisonAheadLocked(uint64_t end);

  // A forked child never takes mu_ of a pool it inherited (a parent thread may have held it at the fork; the
  // child would hang, e.g. in a static destructor at exit): the child's copy of the pool is abandoned, as every
  // call on the parent's runtime fails in a child anyway. A pool the child creates for its own runtime is its own.
  bool InheritedAcrossFork() const { return ForkGeneration() != owner_generation_; }

  const uint64_t limit_;
  const uint64_t region_bytes_;
  const uint32_t owner_generation_;  // ForkGeneration() of the process that created the pool
  std::atomic<uint64_t> used_{0};
  mutable std::mutex mu_;
  uint8_t* base_ = nullptr;            // guarded by mu_
  bool shut_down_ = false;             // guarded by mu_
  std::map<uint64_t, uint64_t> free_;  // offset -> length; guarded by mu_; never two adjacent entries
  uint64_t poisoned_end_ = 0;          // ASan builds: [0, poisoned_end_) has been poisoned; guarded by mu_
};

}  // namespace nrtb
