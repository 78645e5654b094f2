// Runtime configuration, read from the environment once per nrt_init. Every setting and its
// default is listed in README.md ("Configuration").
#pragma once

#include <cstdint>
#include <string>

#include "runtime/core/denormal_mode.h"

namespace nrtb {

// NRT_SIM_VALIDATE: off (0), report findings (1), or report and abort() at the first (abort). README "Validation mode".
enum class ValidateMode { kOff, kReport, kAbort };

struct RuntimeConfig {
  // Simulated device: a trn2-class chip. With LNC size 2 (the trn2 default) it has 4 logical cores.
  uint32_t lnc_size = 2;            // NEURON_LOGICAL_NC_CONFIG (1 or 2)
  uint32_t device_cores = 4;        // NRT_SIM_DEVICE_LNCS: logical cores the simulated device has
  uint32_t first_visible_core = 0;  // from NEURON_RT_VISIBLE_CORES / NEURON_RT_NUM_CORES
  uint32_t visible_cores = 4;
  uint64_t lnc_memory_bytes = 24ull << 30;  // NRT_SIM_LNC_MEMORY_MB: device memory per logical core

  // Explicit async execution units.
  uint32_t queue_depth = 64;                              // NRT_SIM_QUEUE_DEPTH: requests in flight per unit
  uint64_t exec_timeout_ns = 30ull * 1000 * 1000 * 1000;  // NEURON_RT_EXEC_TIMEOUT (seconds)

  // Timing model (all 0 = no simulated time: requests take only the real CPU time).
  uint64_t dma_latency_ns = 0;        // NRT_SIM_DMA_LATENCY_US: fixed cost of a tensor op
  double dma_bytes_per_ns = 0;        // NRT_SIM_DMA_GBPS (GB/s == bytes/ns); 0 = unlimited
  uint64_t default_exec_time_ns = 0;  // NRT_SIM_EXEC_TIME_US: device time of models that declare none

  // NRT_SIM_DENORMALS (flush|keep): subnormal floats while the device computes (README "Numerics").
  DenormalMode denormals = DenormalMode::kFlush;

  std::string faults;                          // NRT_SIM_FAULTS (grammar in device/fault_plan.h)
  std::string trace_path;                      // NRT_SIM_TRACE: Chrome/Perfetto JSON, streamed, complete at nrt_close
  bool abort_on_fatal = false;                 // NRT_SIM_ABORT_ON_FATAL: abort() when a unit turns fatal
  ValidateMode validate = ValidateMode::kOff;  // NRT_SIM_VALIDATE (0|1|abort)

  // NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS was set to a non-zero value (only warned about).
  bool implicit_async_requested = false;
};

// Longest simulated duration the timing model represents (about 31 years): every duration a setting
// can produce must stay below it, so adding one to a CLOCK_MONOTONIC time never overflows.
inline constexpr uint64_t kMaxSimulatedNs = 1'000'000'000'000'000'000ull;

// Reads and validates the environment. Throws Error(NRT_INVALID, "<VAR>=...: reason").
RuntimeConfig LoadConfigFromEnv();

}  // namespace nrtb
