// Small fixed-size blocks recycled per thread, for objects one thread makes and another destroys: a request's
// work item is made by the submitting thread and destroyed by the unit's worker. Through operator new/delete
// that costs ≈ 250 instructions per request, and glibc's per-thread caches do not help: the worker's fill up
// and the submitter's run dry, so both sides go to the shared arena (bench/README.md, issue 11).
//
// Each thread owns a cache of blocks (made on its first allocation):
//   local   a plain list only the owner touches: allocation pops it, a free on the owner's thread pushes it
//   remote  an atomic list other threads push freed blocks onto (one compare-and-swap each); the owner takes
//           the whole list with one exchange when its local list is empty
// A block records its owning cache, so a free on any thread finds the way home; no global allocator call and
// no lock once the caches are warm. Push-only plus take-all has no ABA problem (nobody pops one block off the
// shared list). Memory stays bounded: a thread keeps at most kMaxCachedBlocks on its local list and returns the
// rest to the global allocator; its remote list holds at most the blocks it had out at once.
// When the owning thread exits, its cache is retired: its free blocks go back to the global allocator, and a
// block still out (e.g. queued on a unit) is returned to the global allocator by whoever frees it later; the
// last of them deletes the cache.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>

namespace nrtb {

// Payload bytes of a block (128 bytes with its header): the runtime's work items are 64-80 bytes. Bigger requests
// are served by the global allocator (and freed back to it) transparently.
inline constexpr size_t kRecycledBlockBytes = 112;
// Free blocks a thread keeps on its own list; beyond that a free goes to the global allocator.
inline constexpr uint32_t kMaxCachedBlocks = 1024;

// 16-byte aligned; throws std::bad_alloc when the global allocator does.
void* AllocateRecycled(size_t size);
// Any thread; p from AllocateRecycled (or null).
void FreeRecycled(void* p) noexcept;

// A standard allocator over the blocks, for small arrays made on one thread and freed on another (an execution's
// tensor uses: bound by the caller, released by the unit's worker). An array bigger than a block goes to the
// global allocator, as AllocateRecycled does.
template <typename T>
struct RecycledAllocator {
  using value_type = T;
  RecycledAllocator() noexcept = default;
  template <typename U>
  RecycledAllocator(const RecycledAllocator<U>&) noexcept {}
  T* allocate(size_t n) {
    static_assert(alignof(T) <= 16, "recycled blocks are 16-byte aligned");
    if (n > SIZE_MAX / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(AllocateRecycled(n * sizeof(T)));
  }
  void deallocate(T* p, size_t) noexcept { FreeRecycled(p); }
  template <typename U>
  bool operator==(const RecycledAllocator<U>&) const noexcept {
    return true;
  }
};

// For tests and benchmarks.
struct RecycledBlockCounts {
  uint64_t made;  // blocks ever taken from the global allocator for a cache
  uint64_t live;  // of those, not yet returned to it
};
RecycledBlockCounts RecycledBlockCountsNow();
// Free blocks on the calling thread's local list.
uint32_t LocalRecycledBlocks();

}  // namespace nrtb
