// Models: load / unload, core choice, I/O signature, model info, malformed NEFFs, memory accounting.
// This file: the cases that need the simulator (NRT_SIM_*); the portable ones are in
// portable/model_load_test.cc.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "nrtest.h"

namespace {

using namespace nrtest;

uint64_t UsedBytes(uint32_t vnc) {
  nrt_vnc_memory_stats_t s{};
  size_t out = 0;
  EXPECT_EQ(nrt_get_vnc_memory_stats(vnc, &s, sizeof s, &out), NRT_SUCCESS);
  return s.bytes_used;
}

TEST(ModelLoad, LoadWithoutDeviceMemoryReturnsResource) {
  setenv("NRT_SIM_LNC_MEMORY_MB", "1", 1);
  NRTEST_INIT(rt);
  std::vector<uint8_t> neff = ReadFileBytes(ModelPath("sync_add"));
  ASSERT_LT(neff.size(), 4096u);
  nrt_tensor_t* fill = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, (1 << 20) - 100, "fill");
  ASSERT_NE(fill, nullptr);
  nrt_model_t* m = nullptr;
  EXPECT_EQ(nrt_load(neff.data(), neff.size(), 0, -1, &m), NRT_RESOURCE);
  EXPECT_EQ(m, nullptr);
  nrt_tensor_free(&fill);
  ASSERT_EQ(nrt_load(neff.data(), neff.size(), 0, -1, &m), NRT_SUCCESS);
  EXPECT_EQ(nrt_unload(m), NRT_SUCCESS);
  EXPECT_EQ(UsedBytes(0), 0u);
}

}  // namespace
