// Timing-model settings whose durations cannot be represented fail nrt_init with NRT_INVALID and
// one ERROR line naming the variable (NRT_SIM_DMA_GBPS=1e-300 once made every transfer instant).
#include "nrtest.h"

namespace {

using namespace nrtest;

TEST(SimTimingConfig, ADmaRateTooSlowToRepresentFailsInit) {
  for (const char* v : {"1e-300", "1e-20"}) ExpectInitRejects("NRT_SIM_DMA_GBPS", {v});
}

TEST(SimTimingConfig, UnrepresentableDurationsFailInit) {
  ExpectInitRejects("NRT_SIM_DMA_LATENCY_US", {"1e300"});
  ExpectInitRejects("NRT_SIM_EXEC_TIME_US", {"1e300"});
  ExpectInitRejects("NEURON_RT_EXEC_TIMEOUT", {"1e300"});
}

}  // namespace
