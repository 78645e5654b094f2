// Timing-model settings whose durations cannot be represented fail nrt_init with NRT_INVALID and
// one ERROR line naming the variable (NRT_SIM_DMA_GBPS=1e-300 once made every transfer instant).
#include "nrtest.h"

namespace {

using namespace nrtest;

void ExpectInitRejects(const char* var, const char* value) {
  setenv(var, value, 1);
  StderrCapture capture;
  const NRT_STATUS s = nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "");
  const std::string err = capture.Stop();
  EXPECT_EQ(s, NRT_INVALID) << var << "=" << value;
  EXPECT_EQ(LinesWith(err, {"ERROR", var}).size(), 1u) << err;
  if (s == NRT_SUCCESS) nrt_close();
  unsetenv(var);
}

TEST(SimTimingConfig, ADmaRateTooSlowToRepresentFailsInit) {
  for (const char* v : {"1e-300", "1e-20"}) ExpectInitRejects("NRT_SIM_DMA_GBPS", v);
}

TEST(SimTimingConfig, UnrepresentableDurationsFailInit) {
  ExpectInitRejects("NRT_SIM_DMA_LATENCY_US", "1e300");
  ExpectInitRejects("NRT_SIM_EXEC_TIME_US", "1e300");
  ExpectInitRejects("NEURON_RT_EXEC_TIMEOUT", "1e300");
}

}  // namespace
