#include "runtime/device/memory_pool.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "runtime/device/asan_poison.h"
#include "runtime/device/device_access.h"

namespace nrtb {

namespace {

uint64_t PageSize() {
  static const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  return page;
}

uint64_t RoundUp(uint64_t n, uint64_t to) { return (n + to - 1) / to * to; }

// Capacity plus headroom for alignment padding and fragmentation (address space only, it costs
// nothing), capped at kMaxRegionBytes.
uint64_t RegionBytes(uint64_t limit) {
  uint64_t headroom = limit / 16 + (1ull << 20);
  uint64_t bytes = limit > MemoryPool::kMaxRegionBytes - headroom ? MemoryPool::kMaxRegionBytes : limit + headroom;
  return RoundUp(bytes, PageSize());
}

// The bytes a block of `bytes` takes from the range: aligned, never empty (two zero-byte tensors are
// distinct), and followed by a red zone in ASan builds.
uint64_t BlockLength(uint64_t bytes) {
  return RoundUp(std::max<uint64_t>(bytes, 1), MemoryPool::kAlignment) + (kAsan ? MemoryPool::kAsanRedZone : 0);
}

}  // namespace

const char* PoolFailureText(PoolFailure failure) {
  switch (failure) {
    case PoolFailure::kNone:
      return "no failure";
    case PoolFailure::kTooLarge:
      return "larger than the core's device memory range";
    case PoolFailure::kCapacity:
      return "the core's device memory is exhausted";
    case PoolFailure::kFragmented:
      return "no free block of the core's device memory is large enough";
    case PoolFailure::kUnmappable:
      return "the core's device memory cannot be mapped";
    case PoolFailure::kShutDown:
      return "the runtime was closed during the allocation";
  }
  return "unknown failure";
}

MemoryPool::MemoryPool(uint64_t limit)
    : limit_(limit), region_bytes_(RegionBytes(limit)), owner_generation_(ForkGeneration()) {}

MemoryPool::~MemoryPool() {
  if (base_ == nullptr || InheritedAcrossFork()) return;
  // The address range may be mapped again by anyone once it is gone: it must not stay poisoned.
  AsanUnpoison(base_, poisoned_end_);
  munmap(base_, region_bytes_);
}

bool MemoryPool::Reserve(uint64_t bytes) {
  uint64_t used = used_.load(std::memory_order_relaxed);
  do {
    if (bytes > limit_ || used > limit_ - bytes) return false;
  } while (!used_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
  return true;
}

bool MemoryPool::MapLocked() {
  if (base_ != nullptr) return true;
  void* p = mmap(nullptr, region_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return false;  // the caller's allocation fails with NRT_RESOURCE and says so
  base_ = static_cast<uint8_t*>(p);
  free_.emplace(0, region_bytes_);
  return true;
}

uint8_t* MemoryPool::Allocate(uint64_t bytes, PoolFailure* failure) {
  PoolFailure why = PoolFailure::kNone;
  uint8_t* block = nullptr;
  if (InheritedAcrossFork()) {
    why = PoolFailure::kShutDown;
  } else if (bytes > region_bytes_) {
    why = PoolFailure::kTooLarge;
  } else if (!Reserve(bytes)) {
    why = PoolFailure::kCapacity;
  } else {
    {
      std::lock_guard<std::mutex> lock(mu_);
      block = CarveLocked(bytes, &why);
    }
    if (block == nullptr) Release(bytes);
  }
  if (failure != nullptr) *failure = why;
  return block;
}

uint8_t* MemoryPool::CarveLocked(uint64_t bytes, PoolFailure* failure) {
  if (shut_down_) {
    *failure = PoolFailure::kShutDown;
    return nullptr;
  }
  if (!MapLocked()) {
    *failure = PoolFailure::kUnmappable;
    return nullptr;
  }
  const uint64_t need = BlockLength(bytes);
  for (auto it = free_.begin(); it != free_.end(); ++it) {
    if (it->second < need) continue;
    const uint64_t offset = it->first, rest = it->second - need;
    free_.erase(it);
    if (rest > 0) free_.emplace(offset + need, rest);
    PoisonAheadLocked(offset + need);
    AsanUnpoison(base_ + offset, bytes);
    return base_ + offset;
  }
  *failure = PoolFailure::kFragmented;
  return nullptr;
}

void MemoryPool::PoisonAheadLocked(uint64_t end) {
  if (!kAsan || poisoned_end_ >= std::min(region_bytes_, end + kAsanPoisonAhead)) return;
  const uint64_t target = std::min(region_bytes_, RoundUp(end + kAsanPoisonAhead, kAsanPoisonAhead));
  AsanPoison(base_ + poisoned_end_, target - poisoned_end_);
  poisoned_end_ = target;
}

void MemoryPool::Free(uint8_t* block, uint64_t bytes) {
  if (InheritedAcrossFork()) return;
  Release(bytes);
  const uint64_t length = BlockLength(bytes);
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t offset = static_cast<uint64_t>(block - base_);
  // After Shutdown the pages are already zero and returned; touching them would bring them back.
  if (!shut_down_) {
    AsanUnpoison(base_ + offset, length);  // the zeroing is the pool's own access
    ZeroLocked(offset, length);
  }
  AsanPoison(base_ + offset, length);
  uint64_t end = offset + length;
  auto next = free_.lower_bound(offset);
  if (next != free_.end() && next->first == end) {
    end += next->second;
    next = free_.erase(next);
  }
  if (next != free_.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == offset) {
      offset = prev->first;
      free_.erase(prev);
    }
  }
  free_.emplace(offset, end - offset);
}

void MemoryPool::ZeroLocked(uint64_t offset, uint64_t length) {
  // The block's last user was the device or the application; zeroing it plays the device's part.
  DeviceAccessScope device;
  const uint64_t page = PageSize();
  const uint64_t first_page = RoundUp(offset, page), end = offset + length;
  const uint64_t last_page = end / page * page;
  if (last_page > first_page) {
    std::memset(base_ + offset, 0, first_page - offset);
    // Private anonymous pages read as zero after MADV_DONTNEED, and their memory is returned.
    if (madvise(base_ + first_page, last_page - first_page, MADV_DONTNEED) != 0) {
      std::memset(base_ + first_page, 0, last_page - first_page);
    }
    std::memset(base_ + last_page, 0, end - last_page);
  } else {
    std::memset(base_ + offset, 0, length);
  }
}

MemoryPool::Region MemoryPool::region() {
  if (InheritedAcrossFork()) return {nullptr, 0};
  std::lock_guard<std::mutex> lock(mu_);
  if (shut_down_ || !MapLocked()) return {nullptr, 0};
  return {base_, region_bytes_};
}

void MemoryPool::Shutdown() {
  if (InheritedAcrossFork()) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (shut_down_) return;
  shut_down_ = true;
  if (base_ != nullptr) madvise(base_, region_bytes_, MADV_DONTNEED);
}

size_t MemoryPool::free_block_count() const {
  if (InheritedAcrossFork()) return 0;
  std::lock_guard<std::mutex> lock(mu_);
  return free_.size();
}

}  // namespace nrtb
