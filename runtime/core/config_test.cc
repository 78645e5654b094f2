// Validation of the timing and numerics settings read by LoadConfigFromEnv: values whose durations
// cannot be represented are refused with an error naming the variable.
#include "runtime/core/config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "runtime/core/error.h"

namespace nrtb {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const char* v : {"NRT_SIM_DMA_GBPS", "NRT_SIM_DMA_LATENCY_US", "NRT_SIM_EXEC_TIME_US",
                          "NEURON_RT_EXEC_TIMEOUT", "NRT_SIM_LNC_MEMORY_MB", "NRT_SIM_DENORMALS"}) {
      unsetenv(v);
    }
  }

  // LoadConfigFromEnv with var=value fails with NRT_INVALID and a message naming var.
  static void ExpectRejected(const char* var, const char* value) {
    setenv(var, value, 1);
    try {
      LoadConfigFromEnv();
      ADD_FAILURE() << var << "=" << value << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.status(), NRT_INVALID);
      EXPECT_NE(std::string(e.what()).find(var), std::string::npos) << e.what();
    }
    unsetenv(var);
  }
};

TEST_F(ConfigTest, ADmaRateWhoseDurationsOverflowIsRefused) {
  for (const char* v : {"1e-300", "1e-30", "1e-12", "4.9e-324", "1e-320"}) ExpectRejected("NRT_SIM_DMA_GBPS", v);
}

TEST_F(ConfigTest, SlowButRepresentableDmaRatesAreAccepted) {
  setenv("NRT_SIM_DMA_GBPS", "0.001", 1);
  EXPECT_DOUBLE_EQ(LoadConfigFromEnv().dma_bytes_per_ns, 0.001);
  setenv("NRT_SIM_DMA_GBPS", "0", 1);
  EXPECT_EQ(LoadConfigFromEnv().dma_bytes_per_ns, 0.0) << "0 = unlimited";
}

TEST_F(ConfigTest, TheSlowestRateDependsOnTheCoreMemory) {
  // 1e-8 GB/s moves 24 GiB in ~2.6e18 ns (too long) but 1 MiB in ~1e14 ns.
  setenv("NRT_SIM_DMA_GBPS", "1e-8", 1);
  EXPECT_THROW(LoadConfigFromEnv(), Error);
  setenv("NRT_SIM_LNC_MEMORY_MB", "1", 1);
  EXPECT_DOUBLE_EQ(LoadConfigFromEnv().dma_bytes_per_ns, 1e-8);
}

TEST_F(ConfigTest, OtherDurationsAreBoundedAndNeverOverflow) {
  for (const char* v : {"1e300", "inf", "nan", "-1", "1e-320"}) {
    ExpectRejected("NRT_SIM_DMA_LATENCY_US", v);
    ExpectRejected("NRT_SIM_EXEC_TIME_US", v);
    ExpectRejected("NEURON_RT_EXEC_TIMEOUT", v);
  }
  ExpectRejected("NEURON_RT_EXEC_TIMEOUT", "1e-300");
  setenv("NRT_SIM_DMA_LATENCY_US", "1e9", 1);
  setenv("NRT_SIM_EXEC_TIME_US", "3.6e9", 1);
  setenv("NEURON_RT_EXEC_TIMEOUT", "31536000", 1);
  const RuntimeConfig c = LoadConfigFromEnv();
  EXPECT_LT(c.dma_latency_ns, kMaxSimulatedNs);
  EXPECT_LT(c.default_exec_time_ns, kMaxSimulatedNs);
  EXPECT_LT(c.exec_timeout_ns, kMaxSimulatedNs);
}

TEST_F(ConfigTest, DenormalsDefaultToFlushAndAcceptKeep) {
  EXPECT_EQ(LoadConfigFromEnv().denormals, DenormalMode::kFlush);
  setenv("NRT_SIM_DENORMALS", "keep", 1);
  EXPECT_EQ(LoadConfigFromEnv().denormals, DenormalMode::kKeep);
  setenv("NRT_SIM_DENORMALS", "FLUSH", 1);
  EXPECT_EQ(LoadConfigFromEnv().denormals, DenormalMode::kFlush);
  for (const char* v : {"ieee", "1", "flush-to-zero"}) ExpectRejected("NRT_SIM_DENORMALS", v);
}

}  // namespace
}  // namespace nrtb
