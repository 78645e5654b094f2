#include "runtime/device/memory_pool.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

namespace nrtb {
namespace {

constexpr uint64_t kMiB = 1ull << 20;

bool AllZero(const uint8_t* p, uint64_t n) {
  return std::all_of(p, p + n, [](uint8_t b) { return b == 0; });
}

TEST(MemoryPool, BlocksAreCarvedFromOneAlignedRegion) {
  MemoryPool pool(16 * kMiB);
  MemoryPool::Region r = pool.region();
  ASSERT_NE(r.base, nullptr);
  EXPECT_GE(r.size, 16 * kMiB);
  uint8_t* a = pool.Allocate(100);
  uint8_t* b = pool.Allocate(1);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  for (uint8_t* p : {a, b}) {
    EXPECT_GE(p, r.base);
    EXPECT_LT(p, r.base + r.size);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % MemoryPool::kAlignment, 0u);
  }
  EXPECT_GE(b, a + 100) << "blocks do not overlap";
  EXPECT_EQ(pool.used(), 101u) << "accounting counts the bytes asked for";
  pool.Free(a, 100);
  pool.Free(b, 1);
  EXPECT_EQ(pool.used(), 0u);
}

TEST(MemoryPool, CapacityIsEnforcedTogetherWithReservations) {
  MemoryPool pool(4 * kMiB);
  ASSERT_TRUE(pool.Reserve(3 * kMiB));  // e.g. a loaded model
  EXPECT_EQ(pool.Allocate(2 * kMiB), nullptr);
  EXPECT_EQ(pool.used(), 3 * kMiB) << "a refused allocation reserves nothing";
  uint8_t* p = pool.Allocate(kMiB);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(pool.Allocate(1), nullptr);
  pool.Free(p, kMiB);
  pool.Release(3 * kMiB);
  EXPECT_NE(pool.Allocate(4 * kMiB), nullptr) << "the whole capacity is available again";
}

TEST(MemoryPool, FreedBlocksCoalesceAndAreReused) {
  MemoryPool pool(8 * kMiB);
  std::mt19937 rng(7);
  std::vector<std::pair<uint8_t*, uint64_t>> live;
  for (int i = 0; i < 5000; ++i) {
    if (live.size() < 32 && (live.empty() || rng() % 2 == 0)) {
      uint64_t n = 1 + rng() % (128 * 1024);
      uint8_t* p = pool.Allocate(n);
      ASSERT_NE(p, nullptr) << "iteration " << i << ": " << n << " bytes with " << live.size() << " live blocks";
      live.emplace_back(p, n);
    } else {
      size_t k = rng() % live.size();
      pool.Free(live[k].first, live[k].second);
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(k));
    }
    EXPECT_LE(pool.free_block_count(), live.size() + 1) << "iteration " << i;
  }
  for (auto& [p, n] : live) pool.Free(p, n);
  EXPECT_EQ(pool.free_block_count(), 1u) << "everything coalesced back into one block";
  EXPECT_EQ(pool.used(), 0u);
  uint8_t* all = pool.Allocate(8 * kMiB);
  ASSERT_NE(all, nullptr) << "no address space was lost";
  EXPECT_EQ(all, pool.region().base);
}

TEST(MemoryPool, ReusedMemoryIsZero) {
  MemoryPool pool(16 * kMiB);
  // One block below a page and one spanning pages, with unaligned ends.
  for (uint64_t n : {uint64_t{3000}, 3 * kMiB + 123}) {
    uint8_t* p = pool.Allocate(n);
    ASSERT_NE(p, nullptr);
    std::memset(p, 0xAB, n);
    pool.Free(p, n);
    uint8_t* q = pool.Allocate(n);
    ASSERT_EQ(q, p) << "first fit reuses the freed block";
    EXPECT_TRUE(AllZero(q, n)) << n << " bytes";
    pool.Free(q, n);
  }
}

TEST(MemoryPool, ZeroByteBlocksAreDistinct) {
  MemoryPool pool(kMiB);
  uint8_t* a = pool.Allocate(0);
  uint8_t* b = pool.Allocate(0);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a, b);
  pool.Free(a, 0);
  pool.Free(b, 0);
  EXPECT_EQ(pool.free_block_count(), 1u);
}

TEST(MemoryPool, ShutdownStopsAllocationAndKeepsLiveBlocksMapped) {
  MemoryPool pool(4 * kMiB);
  uint8_t* p = pool.Allocate(2 * kMiB);
  ASSERT_NE(p, nullptr);
  std::memset(p, 1, 2 * kMiB);
  pool.Shutdown();
  EXPECT_EQ(pool.Allocate(1), nullptr);
  EXPECT_EQ(pool.region().base, nullptr);
  EXPECT_TRUE(AllZero(p, 2 * kMiB)) << "physical pages were returned; the block is still addressable";
  pool.Free(p, 2 * kMiB);
  EXPECT_EQ(pool.used(), 0u);
}

TEST(MemoryPool, CapacityBeyondTheAddressRangeIsRefusedNotMapped) {
  MemoryPool pool(MemoryPool::kMaxRegionBytes * 4);
  EXPECT_EQ(pool.Allocate(MemoryPool::kMaxRegionBytes + 1), nullptr);
  EXPECT_EQ(pool.used(), 0u);
  // A 1 TiB reservation may itself be refused where the address space is partly taken (ThreadSanitizer's
  // shadow mappings): then the pool has no region at all, which is the documented failure (NRT_RESOURCE).
  MemoryPool::Region r = pool.region();
  if (r.base != nullptr) {
    EXPECT_EQ(r.size, MemoryPool::kMaxRegionBytes);
  }
}

TEST(MemoryPool, AForkedChildLeavesThePoolAlone) {
  MemoryPool pool(4 * kMiB);
  uint8_t* p = pool.Allocate(kMiB);
  ASSERT_NE(p, nullptr);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child's copy is abandoned: nothing allocated, nothing freed, no lock taken.
    bool ok = pool.Allocate(1) == nullptr && pool.region().base == nullptr;
    pool.Free(p, kMiB);
    ok = ok && pool.used() == kMiB;
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  pool.Free(p, kMiB);
  EXPECT_EQ(pool.used(), 0u);
}

}  // namespace
}  // namespace nrtb
