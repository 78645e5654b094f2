// The rest of nrt.h / nrt_experimental.h: raw device copies, single-rank collectives, topology
// queries, hardware-only calls (which must fail cleanly on the simulated device).
#include <cstring>
#include <string>
#include <vector>

#include "nrtest.h"

namespace {

using namespace nrtest;

TEST(MiscApi, MemcpyToDeviceWritesIntoADeviceTensor) {
  NRTEST_INIT(rt);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64, "dest");
  ASSERT_NE(t, nullptr);
  auto* va = static_cast<uint8_t*>(nrt_tensor_get_va(t));
  ASSERT_NE(va, nullptr);
  const uint8_t src[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  ASSERT_EQ(nrt_memcpy_to_device(va + 56, src, sizeof src), NRT_SUCCESS);
  std::vector<uint8_t> all = ReadAll<uint8_t>(t);
  EXPECT_EQ(std::vector<uint8_t>(all.begin() + 56, all.end()), std::vector<uint8_t>(src, src + 8));
  EXPECT_EQ(nrt_memcpy_to_device(va + 57, src, sizeof src), NRT_INVALID) << "runs past the tensor";
  uint8_t host[16];
  EXPECT_EQ(nrt_memcpy_to_device(host, src, sizeof src), NRT_INVALID) << "not device memory";
  EXPECT_EQ(nrt_memcpy_to_device(nullptr, src, 4), NRT_INVALID);
  EXPECT_EQ(nrt_memcpy_to_device(va, nullptr, 4), NRT_INVALID);
  nrt_tensor_t* h = MakeTensor(NRT_TENSOR_PLACEMENT_HOST, -1, 64, "host");
  EXPECT_EQ(nrt_memcpy_to_device(nrt_tensor_get_va(h), src, 4), NRT_INVALID) << "a host tensor is not device memory";
  nrt_tensor_free(&h);
  nrt_tensor_free(&t);
}

TEST(MiscApi, MemcpyToFreedDeviceTensorIsInvalid) {
  NRTEST_INIT(rt);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64, "dest");
  void* va = nrt_tensor_get_va(t);
  nrt_tensor_free(&t);
  const uint8_t src[4] = {1, 2, 3, 4};
  EXPECT_EQ(nrt_memcpy_to_device(va, src, sizeof src), NRT_INVALID);
}

TEST(MiscApi, HardwareOnlyCallsFailCleanly) {
  NRTEST_INIT(rt);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 4096);
  int fd = -12345;
  EXPECT_NE(nrt_get_dmabuf_fd(reinterpret_cast<uint64_t>(nrt_tensor_get_va(t)), 4096, &fd), NRT_SUCCESS);
  EXPECT_EQ(fd, -12345) << "no fd handed out on failure";
  char bdf[64];
  size_t len = sizeof bdf;
  EXPECT_NE(nrt_get_attached_efa_bdf(nrt_tensor_get_va(t), bdf, &len), NRT_SUCCESS);
  nrt_tensor_free(&t);
}

TEST(MiscApi, LibncclNetIsUnavailableWithAMessage) {
  NRTEST_INIT(rt);
  int err = 0;
  char msg[256];
  std::memset(msg, 'x', sizeof msg);
  EXPECT_EQ(nrt_get_libnccl_net(&err, msg, sizeof msg), nullptr);
  EXPECT_NE(err, 0);
  ASSERT_NE(std::memchr(msg, '\0', sizeof msg), nullptr);
  EXPECT_GT(std::strlen(msg), 0u);
  char tiny[4];
  std::memset(tiny, 'x', sizeof tiny);
  EXPECT_EQ(nrt_get_libnccl_net(&err, tiny, sizeof tiny), nullptr);
  EXPECT_EQ(tiny[3], '\0') << "the message is truncated to the buffer";
  EXPECT_EQ(nrt_get_libnccl_net(nullptr, nullptr, 0), nullptr);
}

TEST(MiscApi, PoolEngineMicrocodeIsRefused) {
  uint8_t blob[16] = {};
  nrt_ucode_info info{{blob, sizeof blob}, {blob, sizeof blob}};
  EXPECT_EQ(nrt_set_pool_eng_ucode(nullptr), NRT_INVALID);
  EXPECT_NE(nrt_set_pool_eng_ucode(&info), NRT_SUCCESS);
  NRTEST_INIT(rt);
}

TEST(MiscApi, TraceStartStopReturnAStatus) {
  NRTEST_INIT(rt);
  NRT_STATUS start = nrt_trace_start(true);
  EXPECT_TRUE(start == NRT_SUCCESS || start == NRT_FAILURE) << nrt_get_status_as_str(start);
  NRT_STATUS stop = nrt_trace_stop("/tmp/nrt_conformance_misc_trace.json");
  EXPECT_TRUE(stop == NRT_SUCCESS || stop == NRT_FAILURE || stop == NRT_INVALID) << nrt_get_status_as_str(stop);
  std::remove("/tmp/nrt_conformance_misc_trace.json");
}

TEST(MiscApi, SingleRankBarrierAndAllGather) {
  NRTEST_INIT(rt);
  EXPECT_EQ(nrt_barrier(0, 0, 1), NRT_SUCCESS);
  EXPECT_EQ(nrt_barrier(3, 0, 1), NRT_SUCCESS);
  EXPECT_EQ(nrt_barrier(4, 0, 1), NRT_INVALID) << "no core 4";
  EXPECT_EQ(nrt_barrier(0, 1, 1), NRT_INVALID) << "rank not below the world size";
  EXPECT_EQ(nrt_barrier(0, 0, 0), NRT_INVALID) << "empty world";
  uint32_t in[4] = {1, 2, 3, 4}, out[4] = {};
  ASSERT_EQ(nrt_all_gather(0, 0, 1, sizeof in, in, out), NRT_SUCCESS);
  EXPECT_EQ(std::memcmp(in, out, sizeof in), 0);
  EXPECT_EQ(nrt_all_gather(0, 0, 1, sizeof in, nullptr, out), NRT_INVALID);
  EXPECT_EQ(nrt_all_gather(0, 0, 1, sizeof in, in, nullptr), NRT_INVALID);
  EXPECT_EQ(nrt_all_gather(7, 0, 1, sizeof in, in, out), NRT_INVALID);
}

TEST(MiscApi, SingleRankCommunicators) {
  NRTEST_INIT(rt);
  EXPECT_EQ(nrt_cc_global_comm_init(0, 0, 1), NRT_SUCCESS);
  EXPECT_EQ(nrt_build_global_comm(1, 0, 1), NRT_SUCCESS);
  EXPECT_EQ(nrt_cc_global_comm_init(4, 0, 1), NRT_INVALID);
  EXPECT_EQ(nrt_build_global_comm(0, 2, 2), NRT_INVALID);
  EXPECT_EQ(nrt_build_global_comm(-1, 0, 1), NRT_INVALID);
}

TEST(MiscApi, HostDeviceIdQueries) {
  NRTEST_INIT(rt);
  uint32_t id = 99;
  ASSERT_EQ(nrt_host_device_id_get(0, &id), NRT_SUCCESS);
  EXPECT_EQ(id, 0u);
  EXPECT_EQ(nrt_host_device_id_get(1, &id), NRT_INVALID) << "the host has one device";
  EXPECT_EQ(nrt_host_device_id_get(-1, &id), NRT_INVALID);
  EXPECT_EQ(nrt_host_device_id_get(0, nullptr), NRT_INVALID);
  uint32_t count = 0, map[16] = {};
  ASSERT_EQ(nrt_host_device_id_rid_map_get(&count, map), NRT_SUCCESS);
  EXPECT_EQ(count, 1u);
  EXPECT_EQ(nrt_host_device_id_rid_map_get(nullptr, map), NRT_INVALID);
  EXPECT_EQ(nrt_host_device_id_rid_map_get(&count, nullptr), NRT_INVALID);
}

TEST(MiscApi, DrainQueuedExecsReturnsAtOnce) {
  NRTEST_INIT(rt);
  for (int vnc = 0; vnc < 4; ++vnc) EXPECT_EQ(nrt_async_drain_queued_execs(vnc), NRT_SUCCESS) << vnc;
  EXPECT_EQ(nrt_async_drain_queued_execs(4), NRT_INVALID);
  EXPECT_EQ(nrt_async_drain_queued_execs(-1), NRT_INVALID);
}

TEST(MiscApi, LoadedModelsAndTensorsAreIndependentAcrossCores) {
  // Memory, models and tensors of one core do not show up on another.
  NRTEST_INIT(rt);
  nrt_model_t* m = LoadModelFile(ModelPath("sync_add"), 3);
  ASSERT_NE(m, nullptr);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 3, 1 << 20);
  for (uint32_t vnc = 0; vnc < 3; ++vnc) {
    nrt_vnc_memory_stats_t s{};
    size_t out = 0;
    ASSERT_EQ(nrt_get_vnc_memory_stats(vnc, &s, sizeof s, &out), NRT_SUCCESS);
    EXPECT_EQ(s.bytes_used, 0u) << "core " << vnc;
  }
  nrt_tensor_free(&t);
  EXPECT_EQ(nrt_unload(m), NRT_SUCCESS);
}

}  // namespace
