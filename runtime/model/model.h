// A loaded model (nrt.h: `typedef struct nrt_model nrt_model_t`): its I/O signature, the logical core it is
// loaded on, and how it executes — a CPU NEFF computes its graph; any other NEFF runs signature-only
// (inputs validated, outputs zero-filled).
//
// Immutable once built: the loader (model_loader.h) supplies everything to the constructor, and after the
// handle is published nothing changes but the in-flight count, which is atomic, and the binding cache, which
// locks itself. Readers on any thread (executions on worker threads, queries through the C API) need no lock.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/device/in_flight.h"
#include "runtime/model/binding_cache.h"
#include "runtime/neff/cpu_graph.h"
#include "runtime/neff/tensor_spec.h"

namespace nrtb {
class MemoryPool;
}  // namespace nrtb

struct nrt_model {
 public:
  struct Contents {
    std::string name;
    uint32_t lnc = 0;  // logical core it runs on
    uint32_t neff_lnc_size = 1;
    std::vector<nrtb::TensorSpec> inputs;
    std::vector<nrtb::TensorSpec> outputs;
    std::unique_ptr<nrtb::CpuGraph> graph;  // null: signature-only
    uint64_t device_time_ns = 0;            // timing model: simulated time of one execution
  };

  // `pool` (may be null) holds `device_bytes` reserved for this model; they are released with it.
  nrt_model(Contents contents, uint32_t id, std::shared_ptr<nrtb::MemoryPool> pool, uint64_t device_bytes);
  ~nrt_model();
  nrt_model(const nrt_model&) = delete;
  nrt_model& operator=(const nrt_model&) = delete;

  const std::string& name() const { return c_.name; }
  uint32_t id() const { return id_; }  // process-unique, reported to async-exec callbacks
  uint32_t lnc() const { return c_.lnc; }
  uint32_t neff_lnc_size() const { return c_.neff_lnc_size; }
  const std::vector<nrtb::TensorSpec>& inputs() const { return c_.inputs; }
  const std::vector<nrtb::TensorSpec>& outputs() const { return c_.outputs; }
  const nrtb::CpuGraph* graph() const { return c_.graph.get(); }
  uint64_t device_time_ns() const { return c_.device_time_ns; }
  uint64_t device_bytes() const { return device_bytes_; }

  // Executions scheduled or running with this model (mutable through a const model: it is the one
  // piece of state that changes after publication).
  nrtb::InFlight& in_flight() const { return in_flight_; }
  // The last binding of its tensor sets (BindSets in the API).
  nrtb::BindingCache& binding_cache() const { return binding_cache_; }

 private:
  const Contents c_;
  const uint32_t id_;
  const std::shared_ptr<nrtb::MemoryPool> pool_;
  const uint64_t device_bytes_;
  mutable nrtb::InFlight in_flight_;
  mutable nrtb::BindingCache binding_cache_;
};

namespace nrtb {

using ModelRef = std::shared_ptr<nrt_model>;

}  // namespace nrtb
