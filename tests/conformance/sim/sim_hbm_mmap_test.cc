// nrt_get_hbm_mmap_va on the simulated device: device 0 has one HBM region per visible logical core,
// the range that core's device tensors are carved from, so the mapping aliases their bytes.
// Simulator-specific (a device tensor has a host address, and NRT_SIM_LNC_MEMORY_MB sets capacity).
#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>
#include <utility>
#include <vector>

#include "nrtest.h"

namespace {

using nrtest::MakeTensor;

struct Hbm {
  uint8_t* base = nullptr;
  size_t size = 0;
};

Hbm MapHbm(int hbm_idx) {
  void* addr = nullptr;
  size_t size = 0;
  EXPECT_EQ(nrt_get_hbm_mmap_va(0, hbm_idx, &addr, &size), NRT_SUCCESS) << "hbm " << hbm_idx;
  return {static_cast<uint8_t*>(addr), size};
}

bool Inside(const Hbm& hbm, const void* p, size_t n) {
  auto* b = static_cast<const uint8_t*>(p);
  return b >= hbm.base && n <= hbm.size && static_cast<size_t>(b - hbm.base) <= hbm.size - n;
}

TEST(SimHbmMmap, WalksOneRegionPerVisibleCoreThenInvalidHandle) {
  NRTEST_INIT(rt);
  uint32_t cores = 0;
  ASSERT_EQ(nrt_get_visible_nc_count(&cores), NRT_SUCCESS);
  ASSERT_GT(cores, 0u);
  std::vector<Hbm> regions;
  for (uint32_t i = 0; i < cores; ++i) regions.push_back(MapHbm(static_cast<int>(i)));
  for (uint32_t i = 0; i < cores; ++i) {
    ASSERT_NE(regions[i].base, nullptr);
    EXPECT_GE(regions[i].size, size_t{24} << 30) << "at least the core's default capacity";
    for (uint32_t j = 0; j < i; ++j) EXPECT_FALSE(Inside(regions[j], regions[i].base, 1)) << i << " vs " << j;
  }
  void* addr = reinterpret_cast<void*>(0x1);
  size_t size = 7;
  EXPECT_EQ(nrt_get_hbm_mmap_va(0, static_cast<int>(cores), &addr, &size), NRT_INVALID_HANDLE) << "end of the walk";
  EXPECT_EQ(addr, reinterpret_cast<void*>(0x1));
  EXPECT_EQ(size, 7u);
  Hbm again = MapHbm(0);
  EXPECT_EQ(again.base, regions[0].base) << "the same mapping every time";
}

TEST(SimHbmMmap, BadArgumentsAreInvalid) {
  void* addr = nullptr;
  size_t size = 0;
  EXPECT_EQ(nrt_get_hbm_mmap_va(0, 0, &addr, &size), NRT_UNINITIALIZED);
  {
    NRTEST_INIT(rt);
    EXPECT_EQ(nrt_get_hbm_mmap_va(1, 0, &addr, &size), NRT_INVALID) << "one device";
    EXPECT_EQ(nrt_get_hbm_mmap_va(-1, 0, &addr, &size), NRT_INVALID);
    EXPECT_EQ(nrt_get_hbm_mmap_va(0, -1, &addr, &size), NRT_INVALID);
    EXPECT_EQ(nrt_get_hbm_mmap_va(0, 0, nullptr, &size), NRT_INVALID);
    EXPECT_EQ(nrt_get_hbm_mmap_va(0, 0, &addr, nullptr), NRT_INVALID);
  }
  EXPECT_EQ(nrt_get_hbm_mmap_va(0, 0, &addr, &size), NRT_CLOSED);
}

TEST(SimHbmMmap, MappingAliasesDeviceTensorBytesBothWays) {
  NRTEST_INIT(rt);
  Hbm hbm = MapHbm(1);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 1, 4096, "aliased");
  ASSERT_NE(t, nullptr);
  auto* va = static_cast<uint8_t*>(nrt_tensor_get_va(t));
  ASSERT_TRUE(Inside(hbm, va, 4096)) << "core 1's tensors live in core 1's region";
  EXPECT_FALSE(Inside(MapHbm(0), va, 1));
  nrt_tensor_device_allocation_info_t info{};
  ASSERT_EQ(nrt_tensor_get_device_allocation_info(t, &info), NRT_SUCCESS);
  EXPECT_EQ(info.hbm_index, 1);

  std::vector<uint8_t> pattern(4096);
  for (size_t i = 0; i < pattern.size(); ++i) pattern[i] = static_cast<uint8_t>(i * 7 + 3);
  ASSERT_EQ(nrt_tensor_write(t, pattern.data(), 0, pattern.size()), NRT_SUCCESS);
  const size_t off = static_cast<size_t>(va - hbm.base);
  EXPECT_EQ(std::memcmp(hbm.base + off, pattern.data(), pattern.size()), 0) << "written bytes seen through the mapping";

  std::memset(hbm.base + off + 100, 0x5A, 50);
  std::vector<uint8_t> back(4096);
  ASSERT_EQ(nrt_tensor_read(t, back.data(), 0, back.size()), NRT_SUCCESS);
  for (size_t i = 0; i < back.size(); ++i) {
    uint8_t want = i >= 100 && i < 150 ? 0x5A : pattern[i];
    ASSERT_EQ(back[i], want) << "byte " << i << ": bytes stored through the mapping are the tensor's";
  }
  nrt_tensor_free(&t);
}

TEST(SimHbmMmap, CapacityHoldsAndFreedMemoryIsReusedOverManyCycles) {
  nrtest::SetEnv("NRT_SIM_LNC_MEMORY_MB", "64");
  NRTEST_INIT(rt);
  constexpr size_t kCapacity = size_t{64} << 20;
  Hbm hbm = MapHbm(0);
  nrt_tensor_t* t = nullptr;
  ASSERT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, kCapacity + 1, "too big", &t), NRT_RESOURCE);

  // Random sizes, random free order, up to 32 live: a leak of address space or a free list that does
  // not coalesce shows up as a failed allocation (the region is barely larger than the capacity).
  std::mt19937 rng(11);
  std::vector<nrt_tensor_t*> live;
  for (int i = 0; i < 3000; ++i) {
    if (live.size() < 32 && (live.empty() || rng() % 2 == 0)) {
      size_t n = 1 + rng() % (1 << 20);
      nrt_tensor_t* x = nullptr;
      ASSERT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, n, "churn", &x), NRT_SUCCESS) << "cycle " << i;
      ASSERT_TRUE(Inside(hbm, nrt_tensor_get_va(x), n)) << "cycle " << i;
      live.push_back(x);
    } else {
      size_t k = rng() % live.size();
      nrt_tensor_free(&live[k]);
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(k));
    }
  }
  for (nrt_tensor_t*& x : live) nrt_tensor_free(&x);

  ASSERT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, kCapacity, "everything", &t), NRT_SUCCESS)
      << "the whole capacity is one free range again";
  EXPECT_EQ(nrt_tensor_get_va(t), hbm.base);
  nrt_tensor_t* more = nullptr;
  EXPECT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 1, "one more", &more), NRT_RESOURCE);
  nrt_tensor_free(&t);
}

TEST(SimHbmMmap, ANewTensorReadsZeroEvenWhereAFreedOneWasWritten) {
  NRTEST_INIT(rt);
  constexpr size_t kBytes = (size_t{1} << 20) + 77;  // whole pages plus ragged ends
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, kBytes, "dirty");
  ASSERT_NE(t, nullptr);
  void* first = nrt_tensor_get_va(t);
  std::vector<uint8_t> ones(kBytes, 0xFF);
  ASSERT_EQ(nrt_tensor_write(t, ones.data(), 0, kBytes), NRT_SUCCESS);
  nrt_tensor_free(&t);
  t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, kBytes, "clean");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(nrt_tensor_get_va(t), first) << "the freed memory is reused";
  std::vector<uint8_t> got(kBytes, 1);
  ASSERT_EQ(nrt_tensor_read(t, got.data(), 0, kBytes), NRT_SUCCESS);
  EXPECT_EQ(std::count(got.begin(), got.end(), 0), static_cast<std::ptrdiff_t>(kBytes));
  nrt_tensor_free(&t);
}

TEST(SimHbmMmap, CloseReturnsThePhysicalPagesAndUnmapsTheRange) {
  constexpr size_t kBytes = size_t{256} << 20;
  int64_t before_kb = 0, written_kb = 0;
  Hbm hbm;
  {
    NRTEST_INIT(rt);
    hbm = MapHbm(0);
    before_kb = nrtest::RssKb();
    nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, kBytes, "big");
    ASSERT_NE(t, nullptr);
    ASSERT_EQ(nrt_tensor_memset(t, 0, 0x11, kBytes), NRT_SUCCESS);  // touches every page, no host copy
    written_kb = nrtest::RssKb();
    EXPECT_GE(written_kb - before_kb, 200 * 1024) << "device memory is real memory once written";
    // Left allocated on purpose: nrt_close must release it anyway.
  }
  EXPECT_LE(nrtest::RssKb(), written_kb - 200 * 1024)
      << "nrt_close returned the pages (before " << before_kb << " KiB, written " << written_kb << " KiB)";
  // With its runtime gone, nothing refers to the range any more: it is unmapped (msync: ENOMEM).
  errno = 0;
  EXPECT_EQ(msync(hbm.base, 4096, MS_ASYNC), -1) << "the HBM range is still mapped after nrt_close";
  EXPECT_EQ(errno, ENOMEM);
}

}  // namespace
