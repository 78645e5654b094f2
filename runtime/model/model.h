// A loaded model (nrt.h: `typedef struct nrt_model nrt_model_t`): its I/O signature, the logical
// core it is loaded on, and how it executes — a CPU NEFF computes its graph; any other NEFF runs
// signature-only (inputs validated, outputs zero-filled).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/device/tensor.h"
#include "runtime/device/work.h"
#include "runtime/neff/cpu_graph.h"
#include "runtime/neff/tensor_spec.h"

namespace nrtb {
class MemoryPool;
class TensorSet;
}  // namespace nrtb

struct nrt_model {
  ~nrt_model();

  std::string name;
  uint32_t id = 0;   // process-unique, reported to async-exec callbacks
  uint32_t lnc = 0;  // logical core it runs on
  uint32_t neff_lnc_size = 1;
  std::vector<nrtb::TensorSpec> inputs;
  std::vector<nrtb::TensorSpec> outputs;
  std::unique_ptr<nrtb::CpuGraph> graph;  // null: signature-only
  uint64_t device_time_ns = 0;           // timing model: simulated time of one execution
  std::shared_ptr<nrtb::MemoryPool> pool;  // device memory the loaded NEFF occupies
  uint64_t device_bytes = 0;
  std::atomic<uint32_t> in_flight{0};
};

namespace nrtb {

using ModelRef = std::shared_ptr<nrt_model>;

struct LoadOptions {
  uint32_t lnc = 0;
  uint32_t runtime_lnc_size = 2;
  uint64_t default_exec_time_ns = 0;
  std::shared_ptr<MemoryPool> pool;
};

// Parses and validates the NEFF and builds the model. Throws Error(NRT_INVALID /
// NRT_UNSUPPORTED_NEFF_VERSION / NRT_RESOURCE, "...").
ModelRef LoadModel(const void* neff, size_t size, const LoadOptions& options);

// Tensors of `set` in signature order for the model's inputs (or outputs). Every name must be
// present and live, sizes must equal the signature, device tensors must be on the model's core,
// and the set must not hold names the model does not have. Throws Error(NRT_INVALID, "...").
std::vector<TensorRef> BindTensors(const nrt_model& model, const TensorSet& set, bool outputs);

// One execution as unit work. Keeps the model and tensors alive until it completes; bumps the
// outputs' completion counters when it finishes.
std::unique_ptr<Work> MakeExecution(ModelRef model, std::vector<TensorRef> inputs, std::vector<TensorRef> outputs);

}  // namespace nrtb
