#include "model_registry.h"

#include "nrt/nrt_experimental.h"
#include "real_api.h"

namespace nrt_shim {

ModelRegistry::Record ModelRegistry::Add(const nrt_model_t* model, int32_t vnc) {
  Record r;
  r.lnc = vnc >= 0 ? vnc : 0;
  // The runtime knows where it put the model (vnc = -1 lets it choose); a libnrt without
  // nrt_get_model_info leaves the vnc the caller gave.
  nrt_model_info_t info{};
  size_t size_out = 0;
  auto get_info = real::nrt_get_model_info();
  if (get_info != nullptr && get_info(model, &info, sizeof(info), &size_out) == NRT_SUCCESS) {
    r.lnc = static_cast<int>(info.vnc);
  }
  std::lock_guard<std::mutex> lock(mu_);
  r.id = next_id_++;
  models_[model] = r;
  return r;
}

std::optional<ModelRegistry::Record> ModelRegistry::Find(const nrt_model_t* model) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = models_.find(model);
  if (it == models_.end()) return std::nullopt;
  return it->second;
}

void ModelRegistry::Remove(const nrt_model_t* model) {
  std::lock_guard<std::mutex> lock(mu_);
  models_.erase(model);
}

void ModelRegistry::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  models_.clear();
}

}  // namespace nrt_shim
