#include "runtime/core/config.h"

#include <strings.h>

#include "runtime/core/env.h"
#include "runtime/core/error.h"
#include "runtime/core/log.h"

namespace nrtb {
namespace {

void LoadCoreSelection(RuntimeConfig& c) {
  auto visible = GetEnv("NEURON_RT_VISIBLE_CORES");
  auto num = GetEnv("NEURON_RT_NUM_CORES");
  if (visible) {
    if (num)
      NRTB_WARN(
          "both NEURON_RT_VISIBLE_CORES and NEURON_RT_NUM_CORES are set; NEURON_RT_VISIBLE_CORES takes precedence");
    auto cores = ParseCoreList("NEURON_RT_VISIBLE_CORES", *visible);
    if (cores.back() >= c.device_cores) {
      ThrowInvalid(
          "NEURON_RT_VISIBLE_CORES=\"%s\": core %u does not exist (the simulated device has %u logical cores, 0-%u)",
          visible->c_str(), cores.back(), c.device_cores, c.device_cores - 1);
    }
    c.first_visible_core = cores.front();
    c.visible_cores = static_cast<uint32_t>(cores.size());
    return;
  }
  c.first_visible_core = 0;
  c.visible_cores = c.device_cores;
  if (num) {
    uint64_t n = ParseUintEnv("NEURON_RT_NUM_CORES", *num, 0, 1u << 16);
    if (n > c.device_cores) {
      ThrowInvalid("NEURON_RT_NUM_CORES=%s: only %u logical cores are available", num->c_str(), c.device_cores);
    }
    if (n != 0) c.visible_cores = static_cast<uint32_t>(n);
  }
}

// NRT_SIM_DMA_GBPS: a rate so low that moving a tensor as large as a logical core's memory would take
// longer than the timing model can represent is refused (1e-300 once made every duration overflow).
double ParseDmaRate(const std::string& value, uint64_t lnc_memory_bytes) {
  const double rate = ParseNumberEnv("NRT_SIM_DMA_GBPS", value, 0, 1e6);
  if (rate == 0) return 0;  // unlimited
  const double min_rate = static_cast<double>(lnc_memory_bytes) / static_cast<double>(kMaxSimulatedNs);
  if (rate < min_rate) {
    ThrowInvalid(
        "NRT_SIM_DMA_GBPS=\"%s\": too slow to represent: a %llu-byte transfer (a logical core's memory) "
        "would take longer than %llu s; use 0 for unlimited or at least %g",
        value.c_str(), static_cast<unsigned long long>(lnc_memory_bytes),
        static_cast<unsigned long long>(kMaxSimulatedNs / 1'000'000'000ull), min_rate);
  }
  return rate;
}

DenormalMode ParseDenormals(const std::string& value) {
  if (strcasecmp(value.c_str(), "flush") == 0) return DenormalMode::kFlush;
  if (strcasecmp(value.c_str(), "keep") == 0) return DenormalMode::kKeep;
  ThrowInvalid("NRT_SIM_DENORMALS=\"%s\": expected flush or keep", value.c_str());
}

// NRT_SIM_VALIDATE: a boolean as NRT_SIM_ABORT_ON_FATAL takes, or "abort".
ValidateMode ParseValidate(const std::string& value) {
  if (strcasecmp(value.c_str(), "abort") == 0) return ValidateMode::kAbort;
  try {
    return ParseBoolEnv("NRT_SIM_VALIDATE", value) ? ValidateMode::kReport : ValidateMode::kOff;
  } catch (const Error&) {
    ThrowInvalid("NRT_SIM_VALIDATE=\"%s\": expected 0, 1 or abort", value.c_str());
  }
}

}  // namespace

RuntimeConfig LoadConfigFromEnv() {
  RuntimeConfig c;
  if (auto v = GetEnv("NEURON_LOGICAL_NC_CONFIG")) {
    c.lnc_size = static_cast<uint32_t>(ParseUintEnv("NEURON_LOGICAL_NC_CONFIG", *v, 1, 2));
  }
  // A trn2 chip has 8 physical cores: 4 logical cores at LNC=2, 8 at LNC=1.
  c.device_cores = c.lnc_size == 2 ? 4 : 8;
  if (auto v = GetEnv("NRT_SIM_DEVICE_LNCS")) {
    c.device_cores = static_cast<uint32_t>(ParseUintEnv("NRT_SIM_DEVICE_LNCS", *v, 1, 128));
  }
  LoadCoreSelection(c);
  if (auto v = GetEnv("NRT_SIM_LNC_MEMORY_MB")) {
    c.lnc_memory_bytes = ParseUintEnv("NRT_SIM_LNC_MEMORY_MB", *v, 1, 1ull << 30) << 20;
  }
  if (auto v = GetEnv("NRT_SIM_QUEUE_DEPTH")) {
    c.queue_depth = static_cast<uint32_t>(ParseUintEnv("NRT_SIM_QUEUE_DEPTH", *v, 1, 1u << 20));
  }
  // The upper bounds below (a year, 1000 s, an hour) keep every duration far under kMaxSimulatedNs;
  // values too small to matter round to 0 ns, and strtod underflow is refused by ParseNumberEnv.
  if (auto v = GetEnv("NEURON_RT_EXEC_TIMEOUT")) {
    c.exec_timeout_ns = static_cast<uint64_t>(ParseNumberEnv("NEURON_RT_EXEC_TIMEOUT", *v, 0.001, 86400.0 * 365) * 1e9);
  }
  if (auto v = GetEnv("NRT_SIM_DMA_LATENCY_US")) {
    c.dma_latency_ns = static_cast<uint64_t>(ParseNumberEnv("NRT_SIM_DMA_LATENCY_US", *v, 0, 1e9) * 1e3);
  }
  if (auto v = GetEnv("NRT_SIM_DMA_GBPS")) c.dma_bytes_per_ns = ParseDmaRate(*v, c.lnc_memory_bytes);
  if (auto v = GetEnv("NRT_SIM_EXEC_TIME_US")) {
    c.default_exec_time_ns = static_cast<uint64_t>(ParseNumberEnv("NRT_SIM_EXEC_TIME_US", *v, 0, 3.6e9) * 1e3);
  }
  if (auto v = GetEnv("NRT_SIM_DENORMALS")) c.denormals = ParseDenormals(*v);
  if (auto v = GetEnv("NRT_SIM_FAULTS")) c.faults = *v;
  if (auto v = GetEnv("NRT_SIM_TRACE")) c.trace_path = *v;
  if (auto v = GetEnv("NRT_SIM_ABORT_ON_FATAL")) c.abort_on_fatal = ParseBoolEnv("NRT_SIM_ABORT_ON_FATAL", *v);
  if (auto v = GetEnv("NRT_SIM_VALIDATE")) c.validate = ParseValidate(*v);
  if (auto v = GetEnv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS")) {
    // Any value is accepted (the SDK only warns); a non-number counts as "set".
    c.implicit_async_requested = *v != "0";
  }
  return c;
}

}  // namespace nrtb
