// The timing model: how much simulated device time a request takes. Tensor transfers cost a fixed
// latency plus bytes / bandwidth (NRT_SIM_DMA_LATENCY_US, NRT_SIM_DMA_GBPS); a model execution costs
// the device time its graph declares, or NRT_SIM_EXEC_TIME_US. The execution unit waits the
// duration out precisely (sim_clock.h). Every duration is capped at kMaxSimulatedNs (core/config.h).
#pragma once

#include <cstdint>

namespace nrtb {

struct DmaTiming {
  uint64_t latency_ns = 0;
  double bytes_per_ns = 0;  // GB/s; 0 = unlimited
  // Simulated duration of moving `bytes`, saturating at kMaxSimulatedNs.
  uint64_t Cost(uint64_t bytes) const;
};

}  // namespace nrtb
