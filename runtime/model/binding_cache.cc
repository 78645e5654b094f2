#include "runtime/model/binding_cache.h"

namespace nrtb {
namespace {

bool LockAll(const std::vector<std::weak_ptr<nrt_tensor>>& weak, std::vector<TensorRef>& out) {
  out.clear();
  out.reserve(weak.size());
  for (const auto& w : weak) {
    TensorRef t = w.lock();
    if (!t) return false;
    out.push_back(std::move(t));
  }
  return true;
}

}  // namespace

bool BindingCache::Find(const Key& key, std::vector<TensorRef>& inputs, std::vector<TensorRef>& outputs) const {
  std::shared_ptr<const Entry> e;
  {
    std::lock_guard<std::mutex> lock(mu_);
    e = last_;
  }
  return e != nullptr && e->key == key && LockAll(e->inputs, inputs) && LockAll(e->outputs, outputs);
}

void BindingCache::Store(const Key& key, const std::vector<TensorRef>& inputs, const std::vector<TensorRef>& outputs) {
  auto e = std::make_shared<Entry>();
  e->key = key;
  e->inputs.assign(inputs.begin(), inputs.end());
  e->outputs.assign(outputs.begin(), outputs.end());
  std::lock_guard<std::mutex> lock(mu_);
  last_ = std::move(e);
}

}  // namespace nrtb
