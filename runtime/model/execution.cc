#include "runtime/model/execution.h"

#include <array>
#include <cstring>
#include <set>

#include "runtime/core/error.h"
#include "runtime/core/log.h"
#include "runtime/device/device_access.h"
#include "runtime/device/exec_unit.h"
#include "runtime/device/tensor_set.h"

namespace nrtb {
namespace {

class Execution final : public Work {
 public:
  Execution(const char* api, ModelRef model, TensorUses tensors, size_t n_inputs)
      : api_(api), model_(std::move(model)), tensors_(std::move(tensors)), n_inputs_(n_inputs) {
    model_->in_flight().Enter();
  }
  ~Execution() override {
    if (!finished_) Release();
  }

  NRT_STATUS Run() override {
    DeviceAccessScope device;
    if (model_->graph() == nullptr) {
      for (size_t i = n_inputs_; i < tensors_.size(); ++i) std::memset(tensors_[i]->data(), 0, tensors_[i]->size());
      return NRT_SUCCESS;
    }
    // On the stack for the usual few tensors: this runs for every execution, inline for nrt_execute.
    constexpr size_t kOnStack = 16;
    std::array<void*, kOnStack> small;
    std::vector<void*> large(tensors_.size() > kOnStack ? tensors_.size() : 0);
    void** data = large.empty() ? small.data() : large.data();
    for (size_t i = 0; i < tensors_.size(); ++i) data[i] = tensors_[i]->data();
    try {
      model_->graph()->Run(data, data + n_inputs_);
    } catch (const Error& e) {
      if (LogEnabled(LogLevel::kError)) {
        LogLine(LogLevel::kError, api_, "model \"%s\": %s", model_->name().c_str(), e.what());
      }
      return e.status();
    } catch (const std::bad_alloc&) {
      if (LogEnabled(LogLevel::kError)) {
        LogLine(LogLevel::kError, api_, "model \"%s\": out of host memory while computing", model_->name().c_str());
      }
      return NRT_RESOURCE;
    }
    return NRT_SUCCESS;
  }
  uint64_t SimulatedNs() const override { return model_->device_time_ns(); }
  const char* Label() const override { return model_->name().c_str(); }
  uint32_t ModelId() const override { return model_->id(); }
  void Finish(NRT_STATUS) override {
    // Counted even for failed executions: an application waiting on the counter must wake up.
    for (size_t i = n_inputs_; i < tensors_.size(); ++i) BumpOutputCompletion(*tensors_[i]);
    Release();
    finished_ = true;
  }

 private:
  void Release() {
    model_->in_flight().Leave();
    tensors_.clear();
  }

  const char* const api_;  // the public function that made it, for its log lines
  ModelRef model_;
  // The tensors are counted (and their layout held) through TensorUse, as tensor ops count theirs.
  TensorUses tensors_;
  const size_t n_inputs_;
  bool finished_ = false;
};

}  // namespace

std::vector<TensorRef> BindTensors(const nrt_model& model, const TensorSet& set, bool outputs) {
  const char* kind = outputs ? "output" : "input";
  const auto& specs = outputs ? model.outputs() : model.inputs();
  std::vector<TensorRef> bound;
  bound.reserve(specs.size());
  for (const TensorSpec& spec : specs) {
    TensorRef t = set.Get(spec.name);
    if (!t) {
      ThrowInvalid("model \"%s\": %s \"%s\" is missing from the %s tensor set (or its tensor was freed)",
                   model.name().c_str(), kind, spec.name.c_str(), kind);
    }
    if (!t->storage()) {
      ThrowInvalid("model \"%s\": %s \"%s\" is a tensor without memory", model.name().c_str(), kind, spec.name.c_str());
    }
    if (t->size() != spec.size_bytes) {
      ThrowInvalid("model \"%s\": %s \"%s\" is %zu bytes, the model expects %llu", model.name().c_str(), kind,
                   spec.name.c_str(), t->size(), static_cast<unsigned long long>(spec.size_bytes));
    }
    if (t->on_device() && static_cast<uint32_t>(t->lnc()) != model.lnc()) {
      ThrowInvalid("model \"%s\": %s \"%s\" lives on logical core %d, the model on %u", model.name().c_str(), kind,
                   spec.name.c_str(), t->lnc(), model.lnc());
    }
    bound.push_back(std::move(t));
  }
  if (set.size() != specs.size()) {
    std::set<std::string> known;
    for (const auto& s : specs) known.insert(s.name);
    for (const auto& [name, t] : set.Entries()) {
      if (!known.count(name)) {
        ThrowInvalid("model \"%s\": the %s tensor set has \"%s\", which is not one of the model's %zu %ss",
                     model.name().c_str(), kind, name.c_str(), specs.size(), kind);
      }
    }
  }
  return bound;
}

std::unique_ptr<Work> MakeExecution(const char* api, ModelRef model, TensorUses tensors, size_t n_inputs) {
  return std::make_unique<Execution>(api, std::move(model), std::move(tensors), n_inputs);
}

NRT_STATUS RunExecution(ExecUnit& unit, const char* api, ModelRef model, TensorUses tensors, size_t n_inputs) {
  Execution execution(api, std::move(model), std::move(tensors), n_inputs);
  return unit.RunSync(execution);
}

}  // namespace nrtb
