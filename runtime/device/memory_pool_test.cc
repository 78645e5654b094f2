#include "runtime/device/memory_pool.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

#include "runtime/device/asan_poison.h"

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

TEST(MemoryPool, AFailedAllocationSaysWhy) {
  MemoryPool pool(4 * kMiB);
  PoolFailure why = PoolFailure::kShutDown;
  uint8_t* blocks[4];
  for (uint8_t*& b : blocks) {
    b = pool.Allocate(kMiB, &why);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(why, PoolFailure::kNone);
  }
  EXPECT_EQ(pool.Allocate(1, &why), nullptr);
  EXPECT_EQ(why, PoolFailure::kCapacity);
  EXPECT_EQ(pool.Allocate(pool.region().size + 1, &why), nullptr);
  EXPECT_EQ(why, PoolFailure::kTooLarge);
  // Half the capacity free again, but in two separate 1 MiB holes (the tail of the range is smaller).
  pool.Free(blocks[0], kMiB);
  pool.Free(blocks[2], kMiB);
  EXPECT_EQ(pool.Allocate(2 * kMiB, &why), nullptr);
  EXPECT_EQ(why, PoolFailure::kFragmented);
  EXPECT_EQ(pool.used(), 2 * kMiB) << "a refused allocation reserves nothing";
  pool.Shutdown();
  EXPECT_EQ(pool.Allocate(1, &why), nullptr);
  EXPECT_EQ(why, PoolFailure::kShutDown);
  pool.Free(blocks[1], kMiB);
  pool.Free(blocks[3], kMiB);
  for (PoolFailure f : {PoolFailure::kTooLarge, PoolFailure::kCapacity, PoolFailure::kFragmented,
                        PoolFailure::kUnmappable, PoolFailure::kShutDown}) {
    EXPECT_STRNE(PoolFailureText(f), PoolFailureText(PoolFailure::kNone));
  }
}

TEST(MemoryPool, AForkedChildGetsNoBlockAndIsToldTheRuntimeIsGone) {
  MemoryPool pool(4 * kMiB);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    PoolFailure why = PoolFailure::kNone;
    _exit(pool.Allocate(1, &why) == nullptr && why == PoolFailure::kShutDown ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

// ASan builds: every byte of the range that no live block owns is poisoned, so a host access through a
// tensor's address (what nrt_tensor_get_va returns is the block) past its end is reported.
#ifdef NRTB_ASAN
void Poke(uint8_t* p) { *static_cast<volatile uint8_t*>(p) = 1; }

TEST(MemoryPoolAsan, AccessesOutsideLiveBlocksAreReported) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  MemoryPool pool(16 * kMiB);
  uint8_t* a = pool.Allocate(100);
  uint8_t* b = pool.Allocate(4096);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  Poke(a);
  Poke(a + 99);
  Poke(b + 4095);
  EXPECT_DEATH(Poke(a + 100), "use-after-poison") << "one byte past the end";
  EXPECT_DEATH(Poke(a + 128), "use-after-poison") << "the red zone after the aligned end";
  EXPECT_DEATH(Poke(b - 1), "use-after-poison") << "the red zone before the neighbour";
  EXPECT_DEATH(Poke(b + 4096 + MemoryPool::kAsanRedZone + 64), "use-after-poison") << "free memory past the last block";
  EXPECT_DEATH(Poke(b + MemoryPool::kAsanPoisonAhead), "use-after-poison") << "never allocated, within the margin";
  pool.Free(a, 100);
  EXPECT_DEATH(Poke(a), "use-after-poison") << "a freed block";
  uint8_t* c = pool.Allocate(100);
  ASSERT_EQ(c, a) << "first fit reuses the freed block";
  Poke(c + 99);
  pool.Free(c, 100);
  pool.Free(b, 4096);
}

TEST(MemoryPoolAsan, ADestroyedPoolLeavesNoPoisonBehind) {
  uint8_t* base = nullptr;
  uint64_t size = 0;
  {
    MemoryPool pool(4 * kMiB);
    base = pool.region().base;
    size = pool.region().size;
    ASSERT_NE(pool.Allocate(kMiB), nullptr);  // poisons ahead; never freed: the pool goes with it
  }
  // Whatever maps the same addresses next must be able to use them.
  void* again = mmap(base, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  ASSERT_NE(again, MAP_FAILED);
  for (uint64_t off = 0; off < size; off += 4096) Poke(base + off);
  munmap(again, size);
}
#endif

}  // namespace
}  // namespace nrtb
