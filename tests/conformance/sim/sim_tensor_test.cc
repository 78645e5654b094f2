// Tensors: placements, device memory capacity and statistics, empty tensors with caller buffers,
// slices, bounds checks, batched transfers, addresses, copies, completion counters.
// This file: the cases that need the simulator (NRT_SIM_*); the portable ones are in
// portable/tensor_test.cc.
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

TEST(Tensor, DeviceMemoryCapacityReturnsResourceAndRecoversAfterFree) {
  setenv("NRT_SIM_LNC_MEMORY_MB", "1", 1);
  NRTEST_INIT(rt);
  EXPECT_EQ(VncMemoryStats(0).bytes_limit, 1u << 20);
  nrt_tensor_t* t = nullptr;
  EXPECT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, (1u << 20) + 1, "too big", &t), NRT_RESOURCE);
  EXPECT_EQ(t, nullptr);
  nrt_tensor_t* big = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 768 << 10, "big");
  ASSERT_NE(big, nullptr);
  EXPECT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 512 << 10, "second", &t), NRT_RESOURCE);
  // Other cores have their own memory; host memory is not device memory.
  nrt_tensor_t* other = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 1, 768 << 10, "other core");
  nrt_tensor_t* host = MakeTensor(NRT_TENSOR_PLACEMENT_HOST, -1, 2 << 20, "host");
  nrt_tensor_t* virt = MakeTensor(NRT_TENSOR_PLACEMENT_VIRTUAL, -1, 2 << 20, "virtual");
  EXPECT_NE(other, nullptr);
  EXPECT_NE(host, nullptr);
  EXPECT_NE(virt, nullptr);
  nrt_tensor_free(&big);
  nrt_tensor_t* second = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 512 << 10, "second after free");
  EXPECT_NE(second, nullptr);
  nrt_tensor_t* fill = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 512 << 10, "exactly full");
  EXPECT_NE(fill, nullptr) << "the whole capacity is usable";
  EXPECT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 1, "one more byte", &t), NRT_RESOURCE);
  for (nrt_tensor_t** p : {&other, &host, &virt, &second, &fill}) nrt_tensor_free(p);
  EXPECT_EQ(VncMemoryStats(0).bytes_used, 0u);
}

}  // namespace
