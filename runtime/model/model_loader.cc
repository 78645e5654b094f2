#include "runtime/model/model_loader.h"

#include <atomic>
#include <utility>

#include "runtime/core/error.h"
#include "runtime/device/memory_pool.h"
#include "runtime/device/timing_model.h"
#include "runtime/neff/neff_file.h"

namespace nrtb {
namespace {

std::atomic<uint32_t> g_next_model_id{1};

nrt_model::Contents FromCpuGraph(NeffFile& neff) {
  auto graph_it = neff.cpu_files.find("graph.json");
  if (graph_it == neff.cpu_files.end()) ThrowInvalid("NEFF: cpu/graph.json is missing");
  const std::string graph_json = std::move(graph_it->second);
  neff.cpu_files.erase(graph_it);
  nrt_model::Contents c;
  c.graph = CpuGraph::Parse(graph_json, neff.cpu_files);
  c.inputs = c.graph->inputs();
  c.outputs = c.graph->outputs();
  c.device_time_ns = c.graph->device_time_ns();
  c.name = c.graph->name();
  return c;
}

nrt_model::Contents FromSignature(NeffFile& neff, const LoadOptions& options) {
  // A compiled NEFF only runs on the logical-core size it was compiled for (neuronx-cc --lnc).
  if (neff.lnc_size != options.runtime_lnc_size) {
    ThrowInvalid("NEFF was compiled for logical core size %u but the runtime uses %u (NEURON_LOGICAL_NC_CONFIG)",
                 neff.lnc_size, options.runtime_lnc_size);
  }
  nrt_model::Contents c;
  c.inputs = std::move(neff.inputs);
  c.outputs = std::move(neff.outputs);
  return c;
}

void Reserve(MemoryPool& pool, uint32_t lnc, size_t size) {
  if (!pool.Reserve(size)) {
    ThrowStatus(NRT_RESOURCE,
                "not enough device memory on logical core %u to load a %zu-byte NEFF (%llu of %llu bytes used)", lnc,
                size, static_cast<unsigned long long>(pool.used()), static_cast<unsigned long long>(pool.limit()));
  }
}

}  // namespace

ModelRef LoadModel(const void* neff_bytes, size_t size, const LoadOptions& options) {
  NeffFile neff = ParseNeff(neff_bytes, size);
  nrt_model::Contents c = neff.has_cpu_graph ? FromCpuGraph(neff) : FromSignature(neff, options);
  if (c.name.empty()) c.name = neff.name.empty() ? "model" : neff.name;
  c.lnc = options.lnc;
  c.neff_lnc_size = neff.lnc_size;
  c.device_time_ns = ModelExecNs(c.device_time_ns, options.default_exec_time_ns);
  // The reservation is handed to the model at once, so a failure below cannot leak it.
  if (options.pool) Reserve(*options.pool, options.lnc, size);
  return std::make_shared<nrt_model>(std::move(c), g_next_model_id.fetch_add(1, std::memory_order_relaxed),
                                     options.pool, size);
}

}  // namespace nrtb
