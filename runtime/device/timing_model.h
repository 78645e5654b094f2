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

// Simulated duration of one execution of a model: the device time its graph declares (`declared_ns`), or
// for a model that declares none (0) the runtime's default, NRT_SIM_EXEC_TIME_US (`default_ns`).
uint64_t ModelExecNs(uint64_t declared_ns, uint64_t default_ns);

}  // namespace nrtb
