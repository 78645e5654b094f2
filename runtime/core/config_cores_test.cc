// LoadConfigFromEnv: defaults, logical-core selection (NEURON_RT_VISIBLE_CORES / NEURON_RT_NUM_CORES on a
// device of NRT_SIM_DEVICE_LNCS cores) and the remaining simple settings. Timing settings: config_test.cc.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "runtime/core/config.h"
#include "runtime/core/error.h"

namespace nrtb {
namespace {

constexpr const char* kVars[] = {"NEURON_RT_VISIBLE_CORES", "NEURON_RT_NUM_CORES",
                                 "NRT_SIM_DEVICE_LNCS",     "NEURON_LOGICAL_NC_CONFIG",
                                 "NRT_SIM_LNC_MEMORY_MB",   "NRT_SIM_QUEUE_DEPTH",
                                 "NRT_SIM_ABORT_ON_FATAL",  "NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS",
                                 "NRT_SIM_FAULTS",          "NRT_SIM_TRACE",
                                 "NEURON_RT_EXEC_TIMEOUT"};

class ConfigCores : public ::testing::Test {
 protected:
  void SetUp() override { Clear(); }
  void TearDown() override { Clear(); }
  static void Clear() {
    for (const char* v : kVars) unsetenv(v);
  }
  // LoadConfigFromEnv fails with NRT_INVALID and a message naming var.
  static void ExpectRejected(const char* var) {
    try {
      LoadConfigFromEnv();
      ADD_FAILURE() << var << "=" << std::getenv(var) << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.status(), NRT_INVALID);
      EXPECT_NE(std::string(e.what()).find(var), std::string::npos) << e.what();
    }
  }
};

TEST_F(ConfigCores, DefaultsWithACleanEnvironment) {
  RuntimeConfig c = LoadConfigFromEnv();
  EXPECT_EQ(c.device_cores, 4u);
  EXPECT_EQ(c.first_visible_core, 0u);
  EXPECT_EQ(c.visible_cores, 4u);
  EXPECT_EQ(c.lnc_size, 2u);
  EXPECT_EQ(c.queue_depth, 64u);
  EXPECT_EQ(c.exec_timeout_ns, 30'000'000'000ull);
  EXPECT_EQ(c.lnc_memory_bytes, 24ull << 30);
  EXPECT_TRUE(c.faults.empty());
  EXPECT_TRUE(c.trace_path.empty());
  EXPECT_FALSE(c.abort_on_fatal);
  EXPECT_FALSE(c.implicit_async_requested);
}

TEST_F(ConfigCores, VisibleCoresSelectAContiguousRange) {
  setenv("NEURON_RT_VISIBLE_CORES", "1-2", 1);
  RuntimeConfig c = LoadConfigFromEnv();
  EXPECT_EQ(c.first_visible_core, 1u);
  EXPECT_EQ(c.visible_cores, 2u);
  setenv("NEURON_RT_VISIBLE_CORES", "3", 1);
  c = LoadConfigFromEnv();
  EXPECT_EQ(c.first_visible_core, 3u);
  EXPECT_EQ(c.visible_cores, 1u);
}

TEST_F(ConfigCores, VisibleCoresBeyondTheDeviceAreRejected) {
  setenv("NEURON_RT_VISIBLE_CORES", "2-4", 1);
  ExpectRejected("NEURON_RT_VISIBLE_CORES");
  setenv("NRT_SIM_DEVICE_LNCS", "8", 1);
  RuntimeConfig c = LoadConfigFromEnv();
  EXPECT_EQ(c.device_cores, 8u);
  EXPECT_EQ(c.first_visible_core, 2u);
  EXPECT_EQ(c.visible_cores, 3u);
}

TEST_F(ConfigCores, NumCoresCountsFromCoreZeroAndZeroMeansAll) {
  setenv("NEURON_RT_NUM_CORES", "2", 1);
  EXPECT_EQ(LoadConfigFromEnv().visible_cores, 2u);
  setenv("NEURON_RT_NUM_CORES", "0", 1);
  EXPECT_EQ(LoadConfigFromEnv().visible_cores, 4u);
  setenv("NEURON_RT_NUM_CORES", "5", 1);
  ExpectRejected("NEURON_RT_NUM_CORES");
  setenv("NEURON_RT_NUM_CORES", "two", 1);
  ExpectRejected("NEURON_RT_NUM_CORES");
}

TEST_F(ConfigCores, VisibleCoresTakePrecedenceOverNumCores) {
  setenv("NEURON_RT_VISIBLE_CORES", "2-3", 1);
  setenv("NEURON_RT_NUM_CORES", "1", 1);
  RuntimeConfig c = LoadConfigFromEnv();
  EXPECT_EQ(c.first_visible_core, 2u);
  EXPECT_EQ(c.visible_cores, 2u);
}

TEST_F(ConfigCores, DeviceSizeLncSizeMemoryAndQueueDepthAreBounded) {
  for (const char* bad : {"0", "129"}) {
    setenv("NRT_SIM_DEVICE_LNCS", bad, 1);
    ExpectRejected("NRT_SIM_DEVICE_LNCS");
  }
  unsetenv("NRT_SIM_DEVICE_LNCS");
  for (const char* bad : {"0", "3"}) {
    setenv("NEURON_LOGICAL_NC_CONFIG", bad, 1);
    ExpectRejected("NEURON_LOGICAL_NC_CONFIG");
  }
  setenv("NEURON_LOGICAL_NC_CONFIG", "1", 1);
  EXPECT_EQ(LoadConfigFromEnv().lnc_size, 1u);
  unsetenv("NEURON_LOGICAL_NC_CONFIG");
  setenv("NRT_SIM_LNC_MEMORY_MB", "0", 1);
  ExpectRejected("NRT_SIM_LNC_MEMORY_MB");
  setenv("NRT_SIM_LNC_MEMORY_MB", "16", 1);
  EXPECT_EQ(LoadConfigFromEnv().lnc_memory_bytes, 16ull << 20);
  unsetenv("NRT_SIM_LNC_MEMORY_MB");
  setenv("NRT_SIM_QUEUE_DEPTH", "0", 1);
  ExpectRejected("NRT_SIM_QUEUE_DEPTH");
  setenv("NRT_SIM_QUEUE_DEPTH", "1", 1);
  EXPECT_EQ(LoadConfigFromEnv().queue_depth, 1u);
}

TEST_F(ConfigCores, FlagsAndPassThroughSettings) {
  setenv("NRT_SIM_ABORT_ON_FATAL", "yes", 1);
  setenv("NRT_SIM_FAULTS", "nth=1", 1);
  setenv("NRT_SIM_TRACE", "/tmp/t.json", 1);
  setenv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS", "4", 1);
  RuntimeConfig c = LoadConfigFromEnv();
  EXPECT_TRUE(c.abort_on_fatal);
  EXPECT_EQ(c.faults, "nth=1") << "parsed by the device (fault_plan)";
  EXPECT_EQ(c.trace_path, "/tmp/t.json");
  EXPECT_TRUE(c.implicit_async_requested);
  setenv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS", "0", 1);
  EXPECT_FALSE(LoadConfigFromEnv().implicit_async_requested);
  setenv("NRT_SIM_ABORT_ON_FATAL", "maybe", 1);
  ExpectRejected("NRT_SIM_ABORT_ON_FATAL");
}

}  // namespace
}  // namespace nrtb
