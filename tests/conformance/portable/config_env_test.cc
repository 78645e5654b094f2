// Environment read at nrt_init: core selection, LNC size, log level, the legacy implicit-async variable.
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <regex>
#include <string>
#include <vector>

#include "nrtest.h"

namespace {

using namespace nrtest;

uint32_t VisibleCount() {
  uint32_t n = 0;
  EXPECT_EQ(nrt_get_visible_vnc_count(&n), NRT_SUCCESS);
  return n;
}

uint32_t TotalCount() {
  uint32_t n = 0;
  EXPECT_EQ(nrt_get_total_vnc_count(&n), NRT_SUCCESS);
  return n;
}

// Allocating a device tensor on vnc: NRT_SUCCESS on a visible core, NRT_INVALID otherwise.
NRT_STATUS AllocateOn(int vnc) {
  nrt_tensor_t* t = nullptr;
  NRT_STATUS s = nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, vnc, 64, "probe", &t);
  nrt_tensor_free(&t);
  return s;
}

// Every visible core 0..n-1 is usable, n and -1 are not.
void ExpectUsableCores(uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) EXPECT_EQ(AllocateOn(static_cast<int>(i)), NRT_SUCCESS) << "vnc " << i;
  EXPECT_EQ(AllocateOn(static_cast<int>(n)), NRT_INVALID) << "vnc " << n << " is beyond the visible cores";
  EXPECT_EQ(AllocateOn(-1), NRT_INVALID) << "device tensor on vnc -1";
}

TEST(ConfigEnv, VisibleCoresSingleCoreIsRenumberedFromZero) {
  setenv("NEURON_RT_VISIBLE_CORES", "3", 1);
  NRTEST_INIT(rt);
  EXPECT_EQ(VisibleCount(), 1u);
  EXPECT_EQ(TotalCount(), 4u);
  ExpectUsableCores(1);
  nrt_model_t* model = LoadModelFile(ModelPath("sync_add"), 0);
  ASSERT_NE(model, nullptr);
  nrt_model_info_t info{};
  size_t size_out = 0;
  ASSERT_EQ(nrt_get_model_info(model, &info, sizeof info, &size_out), NRT_SUCCESS);
  EXPECT_EQ(info.vnc, 0u) << "vnc is relative to the visible cores";
  nrt_model_t* other = nullptr;
  std::vector<uint8_t> neff = ReadFileBytes(ModelPath("sync_add"));
  EXPECT_EQ(nrt_load(neff.data(), neff.size(), 1, -1, &other), NRT_INVALID);
  EXPECT_EQ(nrt_unload(model), NRT_SUCCESS);
}

TEST(ConfigEnv, VisibleCoresRange) {
  setenv("NEURON_RT_VISIBLE_CORES", "1-2", 1);
  NRTEST_INIT(rt);
  EXPECT_EQ(VisibleCount(), 2u);
  ExpectUsableCores(2);
}

TEST(ConfigEnv, VisibleCoresRenumberedForExecution) {
  setenv("NEURON_RT_VISIBLE_CORES", "2-3", 1);
  NRTEST_INIT(rt);
  nrt_model_t* model = LoadModelFile(ModelPath("sync_add"), 1);
  ASSERT_NE(model, nullptr);
  {
    ModelIo io(model, 1);
    WriteAll(io.in[0], std::vector<float>(32, 1.25f));
    WriteAll(io.in[1], std::vector<float>(32, 2.0f));
    ASSERT_EQ(nrt_execute(model, io.inputs, io.outputs), NRT_SUCCESS);
    EXPECT_EQ(ReadAll<float>(io.out[0]), std::vector<float>(32, 3.25f));
    int lnc = -1;
    EXPECT_EQ(nrt_tensor_get_lnc_index(io.out[0], &lnc), NRT_SUCCESS);
    EXPECT_EQ(lnc, 1);
  }
  nrt_vnc_memory_stats_t s{};
  size_t out = 0;
  EXPECT_EQ(nrt_get_vnc_memory_stats(1, &s, sizeof s, &out), NRT_SUCCESS);
  EXPECT_EQ(nrt_get_vnc_memory_stats(2, &s, sizeof s, &out), NRT_INVALID);
  EXPECT_EQ(nrt_unload(model), NRT_SUCCESS);
}

TEST(ConfigEnv, VisibleCoresList) {
  setenv("NEURON_RT_VISIBLE_CORES", "2,3", 1);
  NRTEST_INIT(rt);
  EXPECT_EQ(VisibleCount(), 2u);
  ExpectUsableCores(2);
}

TEST(ConfigEnv, VisibleCoresMixedRangeAndList) {
  setenv("NEURON_RT_VISIBLE_CORES", "0-1,2", 1);
  NRTEST_INIT(rt);
  EXPECT_EQ(VisibleCount(), 3u);
  ExpectUsableCores(3);
}

TEST(ConfigEnv, VisibleCoresUnorderedListIsAccepted) {
  setenv("NEURON_RT_VISIBLE_CORES", "3,1,2", 1);
  NRTEST_INIT(rt);
  EXPECT_EQ(VisibleCount(), 3u);
  ExpectUsableCores(3);
}

TEST(ConfigEnv, VisibleCoresNonContiguousFailsInit) {
  ExpectInitRejects("NEURON_RT_VISIBLE_CORES", {"0,2", "0-1,3", "1,3"});
}

TEST(ConfigEnv, VisibleCoresOutOfRangeFailsInit) {
  ExpectInitRejects("NEURON_RT_VISIBLE_CORES", {"4", "3-4", "0-7", "99999999999999999999"});
}

TEST(ConfigEnv, VisibleCoresGarbageFailsInit) {
  ExpectInitRejects("NEURON_RT_VISIBLE_CORES",
                    {"abc", "1-", "-1", "1,,2", "2-1", "1,1", " 1", "0x1", "1.5", ",", "1-2-3"});
}

TEST(ConfigEnv, VisibleCoresRejectedThenValidInitSucceeds) {
  setenv("NEURON_RT_VISIBLE_CORES", "0,2", 1);
  EXPECT_EQ(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_INVALID);
  setenv("NEURON_RT_VISIBLE_CORES", "1", 1);
  NRTEST_INIT(rt);
  EXPECT_EQ(VisibleCount(), 1u);
}

TEST(ConfigEnv, NumCoresLimitsVisibleCores) {
  setenv("NEURON_RT_NUM_CORES", "2", 1);
  NRTEST_INIT(rt);
  EXPECT_EQ(VisibleCount(), 2u);
  EXPECT_EQ(TotalCount(), 4u);
  ExpectUsableCores(2);
}

TEST(ConfigEnv, CountsBeforeInitFollowNumCores) {
  setenv("NEURON_RT_NUM_CORES", "3", 1);
  EXPECT_EQ(VisibleCount(), 3u);
  EXPECT_EQ(TotalCount(), 4u);
}

TEST(ConfigEnv, NumCoresZeroMeansAllCores) {
  setenv("NEURON_RT_NUM_CORES", "0", 1);
  NRTEST_INIT(rt);
  EXPECT_EQ(VisibleCount(), 4u);
  ExpectUsableCores(4);
}

TEST(ConfigEnv, NumCoresBeyondAvailableOrGarbageFailsInit) {
  ExpectInitRejects("NEURON_RT_NUM_CORES", {"5", "1000", "-1", "two", "1.0"});
}

TEST(ConfigEnv, VisibleCoresTakePrecedenceOverNumCores) {
  setenv("NEURON_RT_NUM_CORES", "1", 1);
  setenv("NEURON_RT_VISIBLE_CORES", "0-2", 1);
  NRTEST_INIT(rt);
  EXPECT_EQ(VisibleCount(), 3u);
}

TEST(ConfigEnv, LogicalNcConfig1GivesEightCores) {
  setenv("NEURON_LOGICAL_NC_CONFIG", "1", 1);
  NRTEST_INIT(rt);
  EXPECT_EQ(TotalCount(), 8u);
  EXPECT_EQ(VisibleCount(), 8u);
  ExpectUsableCores(8);
}

TEST(ConfigEnv, LogicalNcConfig1CountsBeforeInit) {
  setenv("NEURON_LOGICAL_NC_CONFIG", "1", 1);
  EXPECT_EQ(TotalCount(), 8u);
  setenv("NEURON_RT_VISIBLE_CORES", "4-7", 1);
  EXPECT_EQ(VisibleCount(), 4u);
  NRTEST_INIT(rt);
  EXPECT_EQ(VisibleCount(), 4u);
  ExpectUsableCores(4);
}

TEST(ConfigEnv, LogicalNcConfig2GivesFourCores) {
  setenv("NEURON_LOGICAL_NC_CONFIG", "2", 1);
  NRTEST_INIT(rt);
  EXPECT_EQ(TotalCount(), 4u);
  ExpectUsableCores(4);
}

TEST(ConfigEnv, LogicalNcConfigInvalidFailsInit) {
  ExpectInitRejects("NEURON_LOGICAL_NC_CONFIG", {"0", "3", "4", "two"});
}

TEST(ConfigEnv, VisibleCoresBeyondLnc2DeviceButWithinLnc1Device) {
  setenv("NEURON_RT_VISIBLE_CORES", "5", 1);
  EXPECT_EQ(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_INVALID) << "core 5 does not exist at LNC=2";
  setenv("NEURON_LOGICAL_NC_CONFIG", "1", 1);
  NRTEST_INIT(rt);
  EXPECT_EQ(VisibleCount(), 1u);
}

TEST(ConfigEnv, BadLogLevelFailsInit) {
  setenv("NEURON_RT_LOG_LEVEL", "LOUDEST", 1);
  EXPECT_EQ(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_INVALID);
}

TEST(ConfigEnv, LogLevelIsCaseInsensitive) {
  setenv("NEURON_RT_LOG_LEVEL", "warning", 1);
  NRTEST_INIT(rt);
  EXPECT_EQ(AllocateOn(0), NRT_SUCCESS);
}

TEST(ConfigEnv, DefaultLogLevelLogsErrorsNamingTheFunction) {
  unsetenv("NEURON_RT_LOG_LEVEL");
  NRTEST_INIT(rt);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16);
  ASSERT_NE(t, nullptr);
  uint8_t buf[32];
  StderrCapture capture;
  EXPECT_EQ(nrt_tensor_read(t, buf, 0, sizeof buf), NRT_INVALID);
  std::string err = capture.Stop();
  std::vector<std::string> lines = LinesWith(err, {"ERROR", "NRT:nrt_tensor_read"});
  ASSERT_EQ(lines.size(), 1u) << err;
  // "<date time> <pid>:<tid> LEVEL NRT:<function> message"
  const std::regex format(R"(^\S+ \S+ (\d+):\d+ ERROR +NRT:nrt_tensor_read \S.*$)");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(lines[0], m, format)) << lines[0];
  EXPECT_EQ(std::stol(m[1]), static_cast<long>(getpid()));
  nrt_tensor_free(&t);
}

TEST(ConfigEnv, QuietLogLevelSilencesErrors) {
  setenv("NEURON_RT_LOG_LEVEL", "QUIET", 1);
  NRTEST_INIT(rt);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16);
  ASSERT_NE(t, nullptr);
  uint8_t buf[32];
  StderrCapture capture;
  EXPECT_EQ(nrt_tensor_read(t, buf, 0, sizeof buf), NRT_INVALID);
  EXPECT_EQ(capture.Stop(), "");
  nrt_tensor_free(&t);
}

TEST(ConfigEnv, ImplicitAsyncVariableLogsExactlyOneWarning) {
  setenv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS", "3", 1);
  StderrCapture capture;
  NRT_STATUS s = nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "");
  EXPECT_EQ(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_SUCCESS) << "second, idempotent nrt_init";
  std::string err = capture.Stop();
  ASSERT_EQ(s, NRT_SUCCESS);
  EXPECT_EQ(LinesWith(err, {"WARN", "NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS"}).size(), 1u) << "stderr:\n" << err;
  EXPECT_EQ(LinesWith(err, {"WARN"}).size(), 1u) << "stderr:\n" << err;
  nrt_close();
}

TEST(ConfigEnv, ImplicitAsyncVariableWarningAlsoAtWarnLevel) {
  setenv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS", "3", 1);
  setenv("NEURON_RT_LOG_LEVEL", "WARN", 1);
  StderrCapture capture;
  NRT_STATUS s = nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "");
  std::string err = capture.Stop();
  ASSERT_EQ(s, NRT_SUCCESS);
  std::vector<std::string> lines = LinesWith(err, {"WARN", "NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS"});
  ASSERT_EQ(lines.size(), 1u) << "stderr:\n" << err;
  EXPECT_NE(lines[0].find("nrt-migrate"), std::string::npos) << "points to nrt-migrate: " << lines[0];
  EXPECT_NE(lines[0].find("shim"), std::string::npos) << "points to the shim: " << lines[0];
  nrt_close();
}

TEST(ConfigEnv, ImplicitAsyncVariableZeroDoesNotWarn) {
  setenv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS", "0", 1);
  setenv("NEURON_RT_LOG_LEVEL", "WARN", 1);
  StderrCapture capture;
  NRT_STATUS s = nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "");
  std::string err = capture.Stop();
  ASSERT_EQ(s, NRT_SUCCESS);
  EXPECT_TRUE(LinesWith(err, {"NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS"}).empty()) << err;
  nrt_close();
}

std::atomic<int> g_callbacks{0};
void CountCallback(void*, uint32_t, uint32_t, uint64_t, NRT_STATUS) { g_callbacks.fetch_add(1); }

TEST(ConfigEnv, ImplicitAsyncVariableKeepsExecuteSynchronous) {
  setenv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS", "3", 1);
  NRTEST_INIT(rt);
  EXPECT_EQ(nrt_register_async_exec_callback(CountCallback, nullptr), NRT_SUCCESS);
  nrt_model_t* model = LoadModelFile(ModelPath("sync_add"));
  ASSERT_NE(model, nullptr);
  {
    ModelIo io(model, 0);
    ASSERT_EQ(io.in.size(), 2u);
    std::vector<float> a(32), b(32);
    for (int i = 0; i < 32; ++i) {
      a[i] = static_cast<float>(i);
      b[i] = 100.0f * static_cast<float>(i);
    }
    WriteAll(io.in[0], a);
    WriteAll(io.in[1], b);
    for (int round = 1; round <= 3; ++round) {
      ASSERT_EQ(nrt_execute(model, io.inputs, io.outputs), NRT_SUCCESS);
      // Done when nrt_execute returns: the output is complete without waiting.
      EXPECT_EQ(nrt_tensor_check_output_completion(io.out[0], 0, static_cast<uint64_t>(round)), NRT_SUCCESS);
      std::vector<float> out = ReadAll<float>(io.out[0]);
      for (int i = 0; i < 32; ++i) ASSERT_EQ(out[i], 101.0f * static_cast<float>(i)) << i;
    }
    EXPECT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
  }
  EXPECT_EQ(g_callbacks.load(), 0) << "the implicit-async callback must not be called without the shim";
  EXPECT_EQ(nrt_unload(model), NRT_SUCCESS);
}

}  // namespace
