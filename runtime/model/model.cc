#include "runtime/model/model.h"

#include <atomic>
#include <cstring>
#include <set>

#include "runtime/core/error.h"
#include "runtime/core/log.h"
#include "runtime/device/device_access.h"
#include "runtime/device/memory_pool.h"
#include "runtime/device/tensor_set.h"
#include "runtime/neff/neff_file.h"

nrt_model::~nrt_model() {
  if (pool) pool->Release(device_bytes);
}

namespace nrtb {
namespace {

std::atomic<uint32_t> g_next_model_id{1};

class Execution final : public Work {
 public:
  Execution(ModelRef model, std::vector<TensorRef> inputs, std::vector<TensorRef> outputs)
      : model_(std::move(model)), inputs_(std::move(inputs)), outputs_(std::move(outputs)) {
    model_->in_flight.fetch_add(1, std::memory_order_relaxed);
    for (auto& t : inputs_) t->in_flight.fetch_add(1, std::memory_order_relaxed);
    for (auto& t : outputs_) t->in_flight.fetch_add(1, std::memory_order_relaxed);
  }
  ~Execution() override {
    if (!finished_) Release();
  }

  NRT_STATUS Run() override {
    DeviceAccessScope device;
    if (!model_->graph) {
      for (auto& t : outputs_) std::memset(t->data(), 0, t->size);
      return NRT_SUCCESS;
    }
    std::vector<const void*> in(inputs_.size());
    std::vector<void*> out(outputs_.size());
    for (size_t i = 0; i < in.size(); ++i) in[i] = inputs_[i]->data();
    for (size_t i = 0; i < out.size(); ++i) out[i] = outputs_[i]->data();
    try {
      model_->graph->Run(in.data(), out.data());
    } catch (const Error& e) {
      NRTB_ERROR("model \"%s\": %s", model_->name.c_str(), e.what());
      return e.status();
    } catch (const std::bad_alloc&) {
      NRTB_ERROR("model \"%s\": out of host memory while computing", model_->name.c_str());
      return NRT_RESOURCE;
    }
    return NRT_SUCCESS;
  }
  uint64_t SimulatedNs() const override { return model_->device_time_ns; }
  const char* Label() const override { return model_->name.c_str(); }
  uint32_t ModelId() const override { return model_->id; }
  void Finish(NRT_STATUS) override {
    // Counted even for failed executions: an application waiting on the counter must wake up.
    for (auto& t : outputs_) BumpOutputCompletion(*t);
    Release();
    finished_ = true;
  }

 private:
  void Release() {
    model_->in_flight.fetch_sub(1, std::memory_order_relaxed);
    for (auto& t : inputs_) t->in_flight.fetch_sub(1, std::memory_order_relaxed);
    for (auto& t : outputs_) t->in_flight.fetch_sub(1, std::memory_order_relaxed);
  }

  ModelRef model_;
  std::vector<TensorRef> inputs_, outputs_;
  bool finished_ = false;
};

}  // namespace

ModelRef LoadModel(const void* neff_bytes, size_t size, const LoadOptions& options) {
  NeffFile neff = ParseNeff(neff_bytes, size);
  auto model = std::make_shared<nrt_model>();
  model->name = neff.name.empty() ? "model" : neff.name;
  model->lnc = options.lnc;
  model->neff_lnc_size = neff.lnc_size;
  if (neff.has_cpu_graph) {
    auto graph_it = neff.cpu_files.find("graph.json");
    if (graph_it == neff.cpu_files.end()) ThrowInvalid("NEFF: cpu/graph.json is missing");
    std::string graph_json = std::move(graph_it->second);
    neff.cpu_files.erase(graph_it);
    model->graph = CpuGraph::Parse(graph_json, neff.cpu_files);
    model->inputs = model->graph->inputs();
    model->outputs = model->graph->outputs();
    model->device_time_ns = model->graph->device_time_ns();
    if (!model->graph->name().empty()) model->name = model->graph->name();
  } else {
    // A compiled NEFF only runs on the logical-core size it was compiled for (neuronx-cc --lnc).
    if (neff.lnc_size != options.runtime_lnc_size) {
      ThrowInvalid("NEFF was compiled for logical core size %u but the runtime uses %u (NEURON_LOGICAL_NC_CONFIG)",
                   neff.lnc_size, options.runtime_lnc_size);
    }
    model->inputs = neff.inputs;
    model->outputs = neff.outputs;
    NRTB_INFO("model \"%s\" is not a CPU NEFF: it runs signature-only (inputs validated, outputs zero-filled)",
              model->name.c_str());
  }
  if (model->device_time_ns == 0) model->device_time_ns = options.default_exec_time_ns;
  if (options.pool) {
    if (!options.pool->Reserve(size)) {
      ThrowStatus(NRT_RESOURCE, "not enough device memory on logical core %u to load a %zu-byte NEFF (%llu of %llu bytes used)",
                  options.lnc, size, static_cast<unsigned long long>(options.pool->used()),
                  static_cast<unsigned long long>(options.pool->limit()));
    }
    model->pool = options.pool;
    model->device_bytes = size;
  }
  model->id = g_next_model_id.fetch_add(1, std::memory_order_relaxed);
  return model;
}

std::vector<TensorRef> BindTensors(const nrt_model& model, const TensorSet& set, bool outputs) {
  const char* kind = outputs ? "output" : "input";
  const auto& specs = outputs ? model.outputs : model.inputs;
  std::vector<TensorRef> bound;
  bound.reserve(specs.size());
  for (const TensorSpec& spec : specs) {
    TensorRef t = set.Get(spec.name);
    if (!t) {
      ThrowInvalid("model \"%s\": %s \"%s\" is missing from the %s tensor set (or its tensor was freed)", model.name.c_str(),
                   kind, spec.name.c_str(), kind);
    }
    if (!t->storage) ThrowInvalid("model \"%s\": %s \"%s\" is a tensor without memory", model.name.c_str(), kind, spec.name.c_str());
    if (t->size != spec.size_bytes) {
      ThrowInvalid("model \"%s\": %s \"%s\" is %zu bytes, the model expects %llu", model.name.c_str(), kind, spec.name.c_str(),
                   t->size, static_cast<unsigned long long>(spec.size_bytes));
    }
    if (t->on_device() && static_cast<uint32_t>(t->lnc) != model.lnc) {
      ThrowInvalid("model \"%s\": %s \"%s\" lives on logical core %d, the model on %u", model.name.c_str(), kind,
                   spec.name.c_str(), t->lnc, model.lnc);
    }
    bound.push_back(std::move(t));
  }
  if (set.size() != specs.size()) {
    std::set<std::string> known;
    for (const auto& s : specs) known.insert(s.name);
    for (const auto& [name, t] : set.Entries()) {
      if (!known.count(name)) {
        ThrowInvalid("model \"%s\": the %s tensor set has \"%s\", which is not one of the model's %zu %ss", model.name.c_str(),
                     kind, name.c_str(), specs.size(), kind);
      }
    }
  }
  return bound;
}

std::unique_ptr<Work> MakeExecution(ModelRef model, std::vector<TensorRef> inputs, std::vector<TensorRef> outputs) {
  return std::make_unique<Execution>(std::move(model), std::move(inputs), std::move(outputs));
}

}  // namespace nrtb
