// Tensors: placements, device memory capacity and statistics, empty tensors with caller buffers,
// slices, bounds checks, batched transfers, addresses, copies, completion counters.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <thread>
#include <vector>

#include "nrtest.h"

namespace {

using namespace nrtest;

constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();

std::vector<uint8_t> Pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(seed + i * 7);
  return v;
}

TEST(Tensor, AllocateWriteReadEveryPlacement) {
  NRTEST_INIT(rt);
  struct Case {
    nrt_tensor_placement_t placement;
    int vnc;
  };
  for (Case c : {Case{NRT_TENSOR_PLACEMENT_DEVICE, 0}, Case{NRT_TENSOR_PLACEMENT_DEVICE, 1},
                 Case{NRT_TENSOR_PLACEMENT_DEVICE, 2}, Case{NRT_TENSOR_PLACEMENT_DEVICE, 3},
                 Case{NRT_TENSOR_PLACEMENT_HOST, -1}, Case{NRT_TENSOR_PLACEMENT_VIRTUAL, -1}}) {
    SCOPED_TRACE(testing::Message() << "placement " << c.placement << " vnc " << c.vnc);
    nrt_tensor_t* t = MakeTensor(c.placement, c.vnc, 1000, "p");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(nrt_tensor_get_size(t), 1000u);
    std::vector<uint8_t> zeros = ReadAll<uint8_t>(t);
    EXPECT_EQ(zeros, std::vector<uint8_t>(1000, 0)) << "new tensors are zero-filled";
    std::vector<uint8_t> data = Pattern(1000, static_cast<uint8_t>(c.vnc + 3 * c.placement));
    WriteAll(t, data);
    EXPECT_EQ(ReadAll<uint8_t>(t), data);
    nrt_tensor_free(&t);
    EXPECT_EQ(t, nullptr);
  }
}

TEST(Tensor, AllocateRejectsBadArguments) {
  NRTEST_INIT(rt);
  nrt_tensor_t* t = nullptr;
  EXPECT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 0, "zero", &t), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "null out", nullptr), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_allocate(static_cast<nrt_tensor_placement_t>(3), 0, 16, "placement", &t), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_allocate(static_cast<nrt_tensor_placement_t>(-1), 0, 16, "placement", &t), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 4, 16, "vnc 4", &t), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, -1, 16, "vnc -1", &t), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 1 << 20, 16, "vnc huge", &t), NRT_INVALID);
  EXPECT_EQ(t, nullptr) << "failed allocations leave *tensor alone";
}

TEST(Tensor, AllocateAcceptsNullName) {
  NRTEST_INIT(rt);
  nrt_tensor_t* t = nullptr;
  ASSERT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, nullptr, &t), NRT_SUCCESS);
  nrt_tensor_free(&t);
  ASSERT_EQ(nrt_tensor_allocate_empty(nullptr, &t), NRT_SUCCESS);
  nrt_tensor_free(&t);
}

TEST(Tensor, MemoryStatsAccountDeviceAllocations) {
  NRTEST_INIT(rt);
  const nrt_vnc_memory_stats_t before = VncMemoryStats(2);
  EXPECT_GT(before.bytes_limit, 0u);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 2, 10000);
  ASSERT_NE(t, nullptr);
  const nrt_vnc_memory_stats_t during = VncMemoryStats(2);
  EXPECT_GE(during.bytes_used, before.bytes_used + 10000);
  EXPECT_EQ(during.bytes_limit, before.bytes_limit);
  EXPECT_EQ(VncMemoryStats(1).bytes_used, 0u) << "another core's usage is unaffected";
  nrt_tensor_t* host = MakeTensor(NRT_TENSOR_PLACEMENT_HOST, -1, 5000);
  EXPECT_EQ(VncMemoryStats(2).bytes_used, during.bytes_used) << "host tensors use no device memory";
  nrt_tensor_t* slice = nullptr;
  ASSERT_EQ(nrt_tensor_allocate_slice(t, 100, 1000, "slice", &slice), NRT_SUCCESS);
  EXPECT_EQ(VncMemoryStats(2).bytes_used, during.bytes_used) << "a slice shares its source's memory";
  nrt_tensor_free(&t);
  EXPECT_EQ(VncMemoryStats(2).bytes_used, during.bytes_used) << "memory stays in use while a slice references it";
  nrt_tensor_free(&slice);
  EXPECT_EQ(VncMemoryStats(2).bytes_used, before.bytes_used);
  nrt_tensor_free(&host);
}

TEST(Tensor, MemoryStatsDefaultLimitIs24GiB) {
  NRTEST_INIT(rt);
  EXPECT_EQ(VncMemoryStats(0).bytes_limit, 24ull << 30);
}

TEST(Tensor, MemoryStatsSizeInOutAndBadArguments) {
  NRTEST_INIT(rt);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 4096);
  nrt_vnc_memory_stats_t s;
  std::memset(&s, 0xAA, sizeof s);
  size_t out = 0;
  ASSERT_EQ(nrt_get_vnc_memory_stats(0, &s, sizeof(size_t), &out), NRT_SUCCESS);
  EXPECT_EQ(out, sizeof(nrt_vnc_memory_stats_t));
  EXPECT_GE(s.bytes_used, 4096u);
  size_t untouched;
  std::memset(&untouched, 0xAA, sizeof untouched);
  EXPECT_EQ(s.bytes_limit, untouched) << "only size_in bytes are written";
  EXPECT_EQ(nrt_get_vnc_memory_stats(0, nullptr, sizeof s, &out), NRT_INVALID);
  EXPECT_EQ(nrt_get_vnc_memory_stats(4, &s, sizeof s, &out), NRT_INVALID);
  EXPECT_EQ(nrt_get_vnc_memory_stats(0xFFFFFFFFu, &s, sizeof s, &out), NRT_INVALID);
  nrt_tensor_free(&t);
}

TEST(Tensor, AllocateEmptyHasNoMemoryUntilAttached) {
  NRTEST_INIT(rt);
  nrt_tensor_t* t = nullptr;
  ASSERT_EQ(nrt_tensor_allocate_empty("empty", &t), NRT_SUCCESS);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(nrt_tensor_get_size(t), 0u);
  uint8_t b = 0;
  EXPECT_EQ(nrt_tensor_read(t, &b, 0, 1), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_write(t, &b, 0, 1), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_memset(t, 0, 0, 1), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_allocate_empty("null out", nullptr), NRT_INVALID);
  nrt_tensor_free(&t);
}

TEST(Tensor, AttachBufferMakesCallerMemoryTheTensor) {
  NRTEST_INIT(rt);
  std::vector<uint32_t> buffer(64);
  std::iota(buffer.begin(), buffer.end(), 1000u);
  nrt_tensor_t* t = nullptr;
  ASSERT_EQ(nrt_tensor_allocate_empty("attached", &t), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_attach_buffer(t, buffer.data(), buffer.size() * sizeof(uint32_t)), NRT_SUCCESS);
  EXPECT_EQ(nrt_tensor_get_size(t), buffer.size() * sizeof(uint32_t));
  EXPECT_EQ(nrt_tensor_get_va(t), buffer.data());
  EXPECT_EQ(ReadAll<uint32_t>(t), buffer) << "caller memory is visible through nrt_tensor_read";
  const uint32_t v = 0xDEADBEEF;
  ASSERT_EQ(nrt_tensor_write(t, &v, 8, sizeof v), NRT_SUCCESS);
  EXPECT_EQ(buffer[2], v) << "nrt_tensor_write lands in caller memory";
  buffer[5] = 77;
  uint32_t back = 0;
  ASSERT_EQ(nrt_tensor_read(t, &back, 20, sizeof back), NRT_SUCCESS);
  EXPECT_EQ(back, 77u);
  EXPECT_EQ(nrt_tensor_read(t, &back, buffer.size() * sizeof(uint32_t), 1), NRT_INVALID);
  int lnc = 5;
  EXPECT_EQ(nrt_tensor_get_lnc_index(t, &lnc), NRT_SUCCESS);
  EXPECT_EQ(lnc, -1);
  nrt_tensor_device_allocation_info_t info;
  EXPECT_EQ(nrt_tensor_get_device_allocation_info(t, &info), NRT_INVALID) << "an attached tensor is VIRTUAL";
  nrt_tensor_free(&t);
  // The caller still owns the buffer: it is intact and usable after the tensor is freed.
  EXPECT_EQ(buffer[2], v);
  buffer[0] = 1;
}

TEST(Tensor, AttachBufferReplacesDeviceStorage) {
  NRTEST_INIT(rt);
  const uint64_t used_before = VncMemoryStats(0).bytes_used;
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 256);
  ASSERT_NE(t, nullptr);
  std::vector<uint8_t> buffer = Pattern(32, 9);
  ASSERT_EQ(nrt_tensor_attach_buffer(t, buffer.data(), buffer.size()), NRT_SUCCESS);
  EXPECT_EQ(nrt_tensor_get_size(t), 32u);
  EXPECT_EQ(ReadAll<uint8_t>(t), buffer);
  EXPECT_EQ(VncMemoryStats(0).bytes_used, used_before) << "the device memory it had is released";
  nrt_tensor_free(&t);
}

TEST(Tensor, AttachBufferRejectsBadArguments) {
  NRTEST_INIT(rt);
  nrt_tensor_t* t = nullptr;
  ASSERT_EQ(nrt_tensor_allocate_empty("e", &t), NRT_SUCCESS);
  uint8_t buf[16];
  EXPECT_EQ(nrt_tensor_attach_buffer(t, nullptr, 16), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_attach_buffer(t, buf, 0), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_attach_buffer(nullptr, buf, sizeof buf), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_get_size(t), 0u) << "failed attaches leave the tensor empty";
  nrt_tensor_free(&t);
}

TEST(Tensor, SliceSharesStorageWithSource) {
  NRTEST_INIT(rt);
  for (nrt_tensor_placement_t placement : {NRT_TENSOR_PLACEMENT_DEVICE, NRT_TENSOR_PLACEMENT_HOST}) {
    nrt_tensor_t* parent = MakeTensor(placement, placement == NRT_TENSOR_PLACEMENT_DEVICE ? 1 : -1, 256, "parent");
    ASSERT_NE(parent, nullptr);
    std::vector<uint8_t> data = Pattern(256, 1);
    WriteAll(parent, data);
    nrt_tensor_t* slice = nullptr;
    ASSERT_EQ(nrt_tensor_allocate_slice(parent, 64, 32, "slice", &slice), NRT_SUCCESS);
    EXPECT_EQ(nrt_tensor_get_size(slice), 32u);
    EXPECT_EQ(ReadAll<uint8_t>(slice), std::vector<uint8_t>(data.begin() + 64, data.begin() + 96));
    // Writes through either are seen by the other: no copy was made.
    const uint8_t mark[4] = {0xA1, 0xA2, 0xA3, 0xA4};
    ASSERT_EQ(nrt_tensor_write(slice, mark, 0, 4), NRT_SUCCESS);
    uint8_t back[4] = {};
    ASSERT_EQ(nrt_tensor_read(parent, back, 64, 4), NRT_SUCCESS);
    EXPECT_EQ(std::memcmp(back, mark, 4), 0);
    ASSERT_EQ(nrt_tensor_memset(parent, 90, 0x5C, 6), NRT_SUCCESS);
    ASSERT_EQ(nrt_tensor_read(slice, back, 26, 4), NRT_SUCCESS);
    EXPECT_EQ(back[0], 0x5C);
    EXPECT_EQ(back[3], 0x5C);
    EXPECT_EQ(static_cast<uint8_t*>(nrt_tensor_get_va(slice)), static_cast<uint8_t*>(nrt_tensor_get_va(parent)) + 64);
    if (placement == NRT_TENSOR_PLACEMENT_DEVICE) {
      int lnc = -5;
      EXPECT_EQ(nrt_tensor_get_lnc_index(slice, &lnc), NRT_SUCCESS);
      EXPECT_EQ(lnc, 1) << "a slice lives where its source does";
    }
    nrt_tensor_free(&slice);
    nrt_tensor_free(&parent);
  }
}

TEST(Tensor, SliceOffsetsCompose) {
  NRTEST_INIT(rt);
  nrt_tensor_t* parent = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 1024, "parent");
  ASSERT_NE(parent, nullptr);
  std::vector<uint8_t> data = Pattern(1024, 3);
  WriteAll(parent, data);
  nrt_tensor_t *a = nullptr, *b = nullptr, *c = nullptr;
  ASSERT_EQ(nrt_tensor_allocate_slice(parent, 100, 500, "a", &a), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_allocate_slice(a, 50, 200, "b", &b), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_allocate_slice(b, 10, 20, "c", &c), NRT_SUCCESS);
  EXPECT_EQ(ReadAll<uint8_t>(c), std::vector<uint8_t>(data.begin() + 160, data.begin() + 180));
  EXPECT_EQ(ReadAll<uint8_t>(b), std::vector<uint8_t>(data.begin() + 150, data.begin() + 350));
  // Bounds are relative to the slice, not to the storage behind it.
  nrt_tensor_t* bad = nullptr;
  EXPECT_EQ(nrt_tensor_allocate_slice(b, 190, 11, "past b", &bad), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_allocate_slice(b, 0, 201, "past b", &bad), NRT_INVALID);
  uint8_t x;
  EXPECT_EQ(nrt_tensor_read(c, &x, 20, 1), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_write(c, &x, 19, 2), NRT_INVALID);
  EXPECT_EQ(bad, nullptr);
  for (nrt_tensor_t** p : {&c, &b, &a, &parent}) nrt_tensor_free(p);
}

TEST(Tensor, SliceOutlivesFreedSource) {
  NRTEST_INIT(rt);
  nrt_tensor_t* parent = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 128, "parent");
  ASSERT_NE(parent, nullptr);
  std::vector<uint8_t> data = Pattern(128, 11);
  WriteAll(parent, data);
  nrt_tensor_t *slice = nullptr, *inner = nullptr;
  ASSERT_EQ(nrt_tensor_allocate_slice(parent, 16, 64, "slice", &slice), NRT_SUCCESS);
  nrt_tensor_free(&parent);
  EXPECT_EQ(ReadAll<uint8_t>(slice), std::vector<uint8_t>(data.begin() + 16, data.begin() + 80));
  ASSERT_EQ(nrt_tensor_allocate_slice(slice, 8, 8, "inner", &inner), NRT_SUCCESS);
  nrt_tensor_free(&slice);
  const uint8_t v = 0xEE;
  EXPECT_EQ(nrt_tensor_write(inner, &v, 7, 1), NRT_SUCCESS);
  EXPECT_EQ(ReadAll<uint8_t>(inner)[7], 0xEE);
  EXPECT_EQ(ReadAll<uint8_t>(inner)[0], data[24]);
  nrt_tensor_free(&inner);
}

TEST(Tensor, SliceRejectsBadRanges) {
  NRTEST_INIT(rt);
  nrt_tensor_t* parent = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 100, "parent");
  ASSERT_NE(parent, nullptr);
  nrt_tensor_t* s = nullptr;
  EXPECT_EQ(nrt_tensor_allocate_slice(parent, 0, 0, "empty", &s), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_allocate_slice(parent, 0, 101, "too long", &s), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_allocate_slice(parent, 100, 1, "at end", &s), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_allocate_slice(parent, 50, 51, "overhang", &s), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_allocate_slice(parent, kU64Max, 1, "max offset", &s), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_allocate_slice(parent, 1, kU64Max, "max size", &s), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_allocate_slice(parent, kU64Max - 10, 20, "wrapping", &s), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_allocate_slice(nullptr, 0, 1, "null", &s), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_allocate_slice(parent, 0, 1, "null out", nullptr), NRT_INVALID);
  EXPECT_EQ(s, nullptr);
  ASSERT_EQ(nrt_tensor_allocate_slice(parent, 0, 100, "whole", &s), NRT_SUCCESS);
  nrt_tensor_free(&s);
  ASSERT_EQ(nrt_tensor_allocate_slice(parent, 99, 1, "last byte", &s), NRT_SUCCESS);
  nrt_tensor_free(&s);
  nrt_tensor_free(&parent);
}

TEST(Tensor, ReadWriteBoundsAreChecked) {
  NRTEST_INIT(rt);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64);
  ASSERT_NE(t, nullptr);
  std::vector<uint8_t> data = Pattern(64, 5);
  WriteAll(t, data);
  std::vector<uint8_t> buf(128, 0x33);
  EXPECT_EQ(nrt_tensor_read(t, buf.data(), 0, 64), NRT_SUCCESS);
  EXPECT_EQ(nrt_tensor_read(t, buf.data(), 60, 4), NRT_SUCCESS);
  EXPECT_EQ(nrt_tensor_read(t, buf.data(), 0, 65), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_read(t, buf.data(), 61, 4), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_read(t, buf.data(), 64, 1), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_read(t, buf.data(), kU64Max, 1), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_read(t, buf.data(), 1, kU64Max), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_read(t, buf.data(), kU64Max - 3, 8), NRT_INVALID) << "offset + size wraps around";
  EXPECT_EQ(nrt_tensor_read(t, nullptr, 0, 4), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_read(nullptr, buf.data(), 0, 4), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_write(t, buf.data(), 0, 65), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_write(t, buf.data(), 33, 32), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_write(t, buf.data(), kU64Max, 1), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_write(t, buf.data(), 8, kU64Max), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_write(t, buf.data(), kU64Max - 3, 8), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_write(t, nullptr, 0, 4), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_write(nullptr, buf.data(), 0, 4), NRT_INVALID);
  EXPECT_EQ(ReadAll<uint8_t>(t), data) << "failed writes change nothing";
  nrt_tensor_free(&t);
}

TEST(Tensor, MemsetBoundsAndByteValue) {
  NRTEST_INIT(rt);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 32);
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(nrt_tensor_memset(t, 4, 0x1AB, 8), NRT_SUCCESS);
  std::vector<uint8_t> expect(32, 0);
  for (int i = 4; i < 12; ++i) expect[i] = 0xAB;
  EXPECT_EQ(ReadAll<uint8_t>(t), expect) << "value is converted to unsigned char";
  EXPECT_EQ(nrt_tensor_memset(t, 0, 1, 33), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_memset(t, 32, 1, 1), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_memset(t, 31, 1, 2), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_memset(t, kU64Max, 1, 1), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_memset(t, 1, 1, kU64Max), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_memset(t, kU64Max - 3, 1, 8), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_memset(nullptr, 0, 1, 1), NRT_INVALID);
  EXPECT_EQ(ReadAll<uint8_t>(t), expect);
  nrt_tensor_free(&t);
}

TEST(Tensor, CopyBoundsAreChecked) {
  NRTEST_INIT(rt);
  nrt_tensor_t* src = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64, "src");
  nrt_tensor_t* dst = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 32, "dst");
  ASSERT_TRUE(src && dst);
  std::vector<uint8_t> data = Pattern(64, 21);
  WriteAll(src, data);
  ASSERT_EQ(nrt_tensor_copy(src, 40, dst, 8, 24), NRT_SUCCESS);
  std::vector<uint8_t> expect(32, 0);
  std::copy(data.begin() + 40, data.begin() + 64, expect.begin() + 8);
  EXPECT_EQ(ReadAll<uint8_t>(dst), expect);
  EXPECT_EQ(nrt_tensor_copy(src, 0, dst, 0, 33), NRT_INVALID) << "past dst";
  EXPECT_EQ(nrt_tensor_copy(src, 41, dst, 0, 24), NRT_INVALID) << "past src";
  EXPECT_EQ(nrt_tensor_copy(src, kU64Max, dst, 0, 1), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_copy(src, 0, dst, kU64Max, 1), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_copy(src, kU64Max - 3, dst, 0, 8), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_copy(src, 0, dst, kU64Max - 3, 8), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_copy(src, 0, dst, 0, kU64Max), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_copy(nullptr, 0, dst, 0, 1), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_copy(src, 0, nullptr, 0, 1), NRT_INVALID);
  EXPECT_EQ(ReadAll<uint8_t>(dst), expect) << "failed copies change nothing";
  nrt_tensor_free(&src);
  nrt_tensor_free(&dst);
}

TEST(Tensor, CopyBetweenDeviceTensorsOnDifferentCoresIsInvalid) {
  NRTEST_INIT(rt);
  nrt_tensor_t* a = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "a");
  nrt_tensor_t* b = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 1, 16, "b");
  ASSERT_TRUE(a && b);
  WriteAll(a, Pattern(16, 1));
  EXPECT_EQ(nrt_tensor_copy(a, 0, b, 0, 16), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_copy(b, 0, a, 0, 16), NRT_INVALID);
  EXPECT_EQ(ReadAll<uint8_t>(b), std::vector<uint8_t>(16, 0));
  nrt_tensor_free(&a);
  nrt_tensor_free(&b);
}

TEST(Tensor, CopyBetweenHostAndDeviceOrSameCoreWorks) {
  NRTEST_INIT(rt);
  nrt_tensor_t* d0 = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "d0");
  nrt_tensor_t* d0b = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "d0b");
  nrt_tensor_t* d3 = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 3, 16, "d3");
  nrt_tensor_t* h = MakeTensor(NRT_TENSOR_PLACEMENT_HOST, -1, 16, "host");
  nrt_tensor_t* v = MakeTensor(NRT_TENSOR_PLACEMENT_VIRTUAL, -1, 16, "virtual");
  ASSERT_TRUE(d0 && d0b && d3 && h && v);
  std::vector<uint8_t> data = Pattern(16, 40);
  WriteAll(d0, data);
  ASSERT_EQ(nrt_tensor_copy(d0, 0, d0b, 0, 16), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_copy(d0b, 0, h, 0, 16), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_copy(h, 0, v, 0, 16), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_copy(v, 0, d3, 0, 16), NRT_SUCCESS);
  EXPECT_EQ(ReadAll<uint8_t>(d3), data);
  for (nrt_tensor_t** p : {&d0, &d0b, &d3, &h, &v}) nrt_tensor_free(p);
}

TEST(Tensor, WriteBatchAndReadBatchAcrossTensors) {
  NRTEST_INIT(rt);
  nrt_tensor_t* a = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64, "a");
  nrt_tensor_t* b = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 2, 64, "b");
  ASSERT_TRUE(a && b);
  std::vector<uint8_t> s1 = Pattern(8, 1), s2 = Pattern(16, 2), s3 = Pattern(64, 3);
  const nrt_tensor_batch_op_t ops_a[] = {{0, 8, s1.data()}, {32, 16, s2.data()}};
  const nrt_tensor_batch_op_t ops_b[] = {{0, 64, s3.data()}};
  const nrt_tensor_batch_t writes[] = {{a, ops_a, 2}, {b, ops_b, 1}};
  ASSERT_EQ(nrt_tensor_write_batch(writes, 2, false), NRT_SUCCESS);
  std::vector<uint8_t> expect_a(64, 0);
  std::copy(s1.begin(), s1.end(), expect_a.begin());
  std::copy(s2.begin(), s2.end(), expect_a.begin() + 32);
  EXPECT_EQ(ReadAll<uint8_t>(a), expect_a);
  EXPECT_EQ(ReadAll<uint8_t>(b), s3);

  std::vector<uint8_t> r1(4), r2(10), r3(64);
  const nrt_tensor_batch_op_t rops_a[] = {{34, 4, r1.data()}, {0, 10, r2.data()}};
  const nrt_tensor_batch_op_t rops_b[] = {{0, 64, r3.data()}};
  const nrt_tensor_batch_t reads[] = {{a, rops_a, 2}, {b, rops_b, 1}};
  ASSERT_EQ(nrt_tensor_read_batch(reads, 2, true), NRT_SUCCESS);
  EXPECT_EQ(r1, std::vector<uint8_t>(expect_a.begin() + 34, expect_a.begin() + 38));
  EXPECT_EQ(r2, std::vector<uint8_t>(expect_a.begin(), expect_a.begin() + 10));
  EXPECT_EQ(r3, s3);
  EXPECT_EQ(nrt_tensor_read_batch(nullptr, 0, false), NRT_SUCCESS) << "no batches";
  EXPECT_EQ(nrt_tensor_write_batch(nullptr, 0, false), NRT_SUCCESS) << "no batches";
  const nrt_tensor_batch_t no_ops[] = {{a, nullptr, 0}};
  EXPECT_EQ(nrt_tensor_write_batch(no_ops, 1, false), NRT_SUCCESS) << "a batch without ops";
  nrt_tensor_free(&a);
  nrt_tensor_free(&b);
}

TEST(Tensor, WriteBatchWithOneBadOpChangesNothing) {
  NRTEST_INIT(rt);
  nrt_tensor_t* a = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64, "a");
  nrt_tensor_t* b = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64, "b");
  ASSERT_TRUE(a && b);
  std::vector<uint8_t> src = Pattern(64, 9);
  const std::vector<nrt_tensor_batch_op_t> bad_ops = {{60, 8, src.data()},
                                                      {kU64Max, 1, src.data()},
                                                      {1, kU64Max, src.data()},
                                                      {kU64Max - 3, 8, src.data()},
                                                      {0, 4, nullptr}};
  for (const nrt_tensor_batch_op_t& bad : bad_ops) {
    SCOPED_TRACE(testing::Message() << "bad op offset " << bad.offset << " size " << bad.size);
    const nrt_tensor_batch_op_t ops_a[] = {{0, 64, src.data()}};
    const nrt_tensor_batch_op_t ops_b[] = {{0, 16, src.data()}, bad};
    const nrt_tensor_batch_t batches[] = {{a, ops_a, 1}, {b, ops_b, 2}};
    EXPECT_EQ(nrt_tensor_write_batch(batches, 2, false), NRT_INVALID);
    EXPECT_EQ(ReadAll<uint8_t>(a), std::vector<uint8_t>(64, 0)) << "the valid first batch was applied";
    EXPECT_EQ(ReadAll<uint8_t>(b), std::vector<uint8_t>(64, 0)) << "the valid first op was applied";
  }
  // A NULL tensor, or NULL ops with num_ops > 0, in the last batch.
  const nrt_tensor_batch_op_t ops_a[] = {{0, 64, src.data()}};
  const nrt_tensor_batch_t null_tensor[] = {{a, ops_a, 1}, {nullptr, ops_a, 1}};
  EXPECT_EQ(nrt_tensor_write_batch(null_tensor, 2, false), NRT_INVALID);
  const nrt_tensor_batch_t null_ops[] = {{a, ops_a, 1}, {b, nullptr, 1}};
  EXPECT_EQ(nrt_tensor_write_batch(null_ops, 2, false), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_write_batch(nullptr, 1, false), NRT_INVALID);
  EXPECT_EQ(ReadAll<uint8_t>(a), std::vector<uint8_t>(64, 0));
  nrt_tensor_free(&a);
  nrt_tensor_free(&b);
}

TEST(Tensor, ReadBatchWithOneBadOpChangesNothing) {
  NRTEST_INIT(rt);
  nrt_tensor_t* a = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64, "a");
  ASSERT_NE(a, nullptr);
  WriteAll(a, Pattern(64, 77));
  std::vector<uint8_t> r1(64, 0x11), r2(8, 0x22);
  const nrt_tensor_batch_op_t ops[] = {{0, 64, r1.data()}, {57, 8, r2.data()}};
  const nrt_tensor_batch_t batches[] = {{a, ops, 2}};
  EXPECT_EQ(nrt_tensor_read_batch(batches, 1, false), NRT_INVALID);
  EXPECT_EQ(r1, std::vector<uint8_t>(64, 0x11)) << "the valid op wrote the caller's buffer";
  EXPECT_EQ(r2, std::vector<uint8_t>(8, 0x22));
  nrt_tensor_free(&a);
}

TEST(Tensor, BatchWithFreedTensorIsInvalid) {
  NRTEST_INIT(rt);
  nrt_tensor_t* a = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64, "a");
  nrt_tensor_t* gone = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64, "gone");
  ASSERT_TRUE(a && gone);
  nrt_tensor_t* stale = gone;
  nrt_tensor_free(&gone);
  uint8_t buf[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  const nrt_tensor_batch_op_t ops[] = {{0, 8, buf}};
  const nrt_tensor_batch_t batches[] = {{a, ops, 1}, {stale, ops, 1}};
  EXPECT_EQ(nrt_tensor_write_batch(batches, 2, false), NRT_INVALID);
  EXPECT_EQ(ReadAll<uint8_t>(a), std::vector<uint8_t>(64, 0));
  nrt_tensor_free(&a);
}

TEST(Tensor, GetVaPointsAtTheData) {
  NRTEST_INIT(rt);
  for (nrt_tensor_placement_t placement :
       {NRT_TENSOR_PLACEMENT_DEVICE, NRT_TENSOR_PLACEMENT_HOST, NRT_TENSOR_PLACEMENT_VIRTUAL}) {
    nrt_tensor_t* t = MakeTensor(placement, placement == NRT_TENSOR_PLACEMENT_DEVICE ? 0 : -1, 32);
    ASSERT_NE(t, nullptr);
    auto* va = static_cast<uint8_t*>(nrt_tensor_get_va(t));
    ASSERT_NE(va, nullptr) << "placement " << placement;
    WriteAll(t, Pattern(32, 2));
    EXPECT_EQ(std::memcmp(va, Pattern(32, 2).data(), 32), 0);
    va[5] = 0xF0;
    EXPECT_EQ(ReadAll<uint8_t>(t)[5], 0xF0);
    nrt_tensor_free(&t);
  }
  EXPECT_EQ(nrt_tensor_get_va(nullptr), nullptr);
  nrt_tensor_t* empty = nullptr;
  ASSERT_EQ(nrt_tensor_allocate_empty("empty", &empty), NRT_SUCCESS);
  EXPECT_EQ(nrt_tensor_get_va(empty), nullptr) << "no memory, no address";
  nrt_tensor_free(&empty);
}

TEST(Tensor, GetSizeOfNullIsZero) {
  NRTEST_INIT(rt);
  EXPECT_EQ(nrt_tensor_get_size(nullptr), 0u);
}

TEST(Tensor, DeviceAllocationInfoDescribesDeviceTensors) {
  NRTEST_INIT(rt);
  nrt_tensor_t* d = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 1, 4096, "d");
  nrt_tensor_t* d2 = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 1, 4096, "d2");
  nrt_tensor_t* h = MakeTensor(NRT_TENSOR_PLACEMENT_HOST, -1, 4096, "h");
  ASSERT_TRUE(d && d2 && h);
  nrt_tensor_device_allocation_info_t info{}, info2{};
  ASSERT_EQ(nrt_tensor_get_device_allocation_info(d, &info), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_get_device_allocation_info(d2, &info2), NRT_SUCCESS);
  EXPECT_EQ(info.size, 4096u);
  EXPECT_GE(info.hbm_index, 0);
  EXPECT_NE(info.physical_address, 0u);
  EXPECT_NE(info.physical_address, info2.physical_address) << "two live tensors share an address";
  EXPECT_EQ(nrt_tensor_get_device_allocation_info(h, &info), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_get_device_allocation_info(d, nullptr), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_get_device_allocation_info(nullptr, &info), NRT_INVALID);
  for (nrt_tensor_t** p : {&d, &d2, &h}) nrt_tensor_free(p);
}

TEST(Tensor, DeviceAllocationInfoOfASlice) {
  NRTEST_INIT(rt);
  nrt_tensor_t* d = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 4096, "d");
  nrt_tensor_t* s = nullptr;
  ASSERT_EQ(nrt_tensor_allocate_slice(d, 1024, 512, "s", &s), NRT_SUCCESS);
  nrt_tensor_device_allocation_info_t pi{}, si{};
  ASSERT_EQ(nrt_tensor_get_device_allocation_info(d, &pi), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_get_device_allocation_info(s, &si), NRT_SUCCESS);
  EXPECT_EQ(si.size, 512u);
  EXPECT_EQ(si.physical_address, pi.physical_address + 1024);
  EXPECT_EQ(si.hbm_index, pi.hbm_index);
  nrt_tensor_free(&s);
  nrt_tensor_free(&d);
}

TEST(Tensor, GetLncIndexReportsTheCore) {
  NRTEST_INIT(rt);
  for (int vnc = 0; vnc < 4; ++vnc) {
    nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, vnc, 8);
    int lnc = -7;
    EXPECT_EQ(nrt_tensor_get_lnc_index(t, &lnc), NRT_SUCCESS);
    EXPECT_EQ(lnc, vnc);
    EXPECT_EQ(nrt_tensor_get_lnc_index(t, nullptr), NRT_INVALID);
    nrt_tensor_free(&t);
  }
  nrt_tensor_t* h = MakeTensor(NRT_TENSOR_PLACEMENT_HOST, -1, 8);
  int lnc = 9;
  EXPECT_EQ(nrt_tensor_get_lnc_index(h, &lnc), NRT_SUCCESS);
  EXPECT_EQ(lnc, -1) << "host tensors are on no core";
  EXPECT_EQ(nrt_tensor_get_lnc_index(nullptr, &lnc), NRT_INVALID);
  nrt_tensor_free(&h);
}

TEST(Tensor, FreeNullAndDoubleFreeAreSafe) {
  NRTEST_INIT(rt);
  nrt_tensor_free(nullptr);
  nrt_tensor_t* t = nullptr;
  nrt_tensor_free(&t);
  t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64);
  ASSERT_NE(t, nullptr);
  nrt_tensor_t* copy = t;
  nrt_tensor_free(&t);
  EXPECT_EQ(t, nullptr);
  nrt_tensor_free(&copy);  // double free: logged, no crash
  EXPECT_EQ(VncMemoryStats(0).bytes_used, 0u);
  // A freed handle is refused, not dereferenced.
  nrt_tensor_t* stale = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64);
  nrt_tensor_t* keep = stale;
  nrt_tensor_free(&stale);
  uint8_t b;
  EXPECT_EQ(nrt_tensor_read(keep, &b, 0, 1), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_write(keep, &b, 0, 1), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_get_size(keep), 0u);
}

TEST(Tensor, CheckOutputCompletionTimesOutQuickly) {
  NRTEST_INIT(rt);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(nrt_tensor_check_output_completion(t, 0, 0), NRT_SUCCESS) << "count 0 is reached at once";
  EXPECT_EQ(nrt_tensor_check_output_completion(t, 0, 1), NRT_TIMEOUT);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(nrt_tensor_check_output_completion(t, 2000, 1), NRT_TIMEOUT);  // 2 ms
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(5)) << "the timeout is in microseconds";
  EXPECT_EQ(nrt_tensor_check_output_completion(nullptr, 0, 0), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_reset_output_completion(t), NRT_SUCCESS);
  EXPECT_EQ(nrt_tensor_reset_output_completion(nullptr), NRT_INVALID);
  nrt_tensor_free(&t);
}

TEST(Tensor, HugeAllocationsReturnResource) {
  NRTEST_INIT(rt);
  nrt_tensor_t* t = nullptr;
  EXPECT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, kU64Max, "max", &t), NRT_RESOURCE);
  EXPECT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, (24ull << 30) + 1, "limit + 1", &t), NRT_RESOURCE);
  EXPECT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_HOST, -1, kU64Max / 2, "host huge", &t), NRT_RESOURCE);
  EXPECT_EQ(t, nullptr);
  EXPECT_EQ(VncMemoryStats(0).bytes_used, 0u);
}

TEST(Tensor, MemsetUsesTheLowByteOfNegativeValues) {
  NRTEST_INIT(rt);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_HOST, -1, 8);
  ASSERT_EQ(nrt_tensor_memset(t, 0, -1, 8), NRT_SUCCESS);
  EXPECT_EQ(ReadAll<uint8_t>(t), std::vector<uint8_t>(8, 0xFF));
  nrt_tensor_free(&t);
}

TEST(Tensor, CheckOutputCompletionOfFreedTensorIsInvalid) {
  NRTEST_INIT(rt);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 8);
  nrt_tensor_t* stale = t;
  nrt_tensor_free(&t);
  EXPECT_EQ(nrt_tensor_check_output_completion(stale, 0, 0), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_reset_output_completion(stale), NRT_INVALID);
}

TEST(Tensor, ConcurrentAllocateAndFreeKeepAccountingExact) {
  NRTEST_INIT(rt);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int th = 0; th < 6; ++th) {
    threads.emplace_back([&, th] {
      for (int i = 0; i < 300; ++i) {
        nrt_tensor_t* t = nullptr;
        if (nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, th % 2, 1000 + i, "c", &t) != NRT_SUCCESS) {
          failures++;
          continue;
        }
        nrt_tensor_t* s = nullptr;
        if (nrt_tensor_allocate_slice(t, 10, 100, "s", &s) != NRT_SUCCESS) failures++;
        const uint32_t v = static_cast<uint32_t>(th * 1000 + i);
        uint32_t back = 0;
        if (nrt_tensor_write(s, &v, 4, 4) != NRT_SUCCESS || nrt_tensor_read(t, &back, 14, 4) != NRT_SUCCESS ||
            back != v) {
          failures++;
        }
        nrt_tensor_free(&t);
        nrt_tensor_free(&s);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(VncMemoryStats(0).bytes_used, 0u);
  EXPECT_EQ(VncMemoryStats(1).bytes_used, 0u);
}

}  // namespace
