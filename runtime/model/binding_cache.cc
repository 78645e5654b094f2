#include "runtime/model/binding_cache.h"

namespace nrtb {

bool BindingCache::Find(const Key& key, std::vector<TensorUse>& tensors) const {
  std::shared_ptr<const Entry> e;
  {
    std::lock_guard<std::mutex> lock(mu_);
    e = last_;
  }
  if (e == nullptr || !(e->key == key)) return false;
  tensors.clear();
  tensors.reserve(e->tensors.size());
  for (const auto& w : e->tensors) {
    TensorRef t = w.lock();
    if (!t) return false;
    tensors.emplace_back(std::move(t));
  }
  return true;
}

void BindingCache::Store(const Key& key, const std::vector<TensorUse>& tensors) {
  auto e = std::make_shared<Entry>();
  e->key = key;
  e->tensors.reserve(tensors.size());
  for (const TensorUse& t : tensors) e->tensors.emplace_back(t.ref());
  std::lock_guard<std::mutex> lock(mu_);
  last_ = std::move(e);
}

}  // namespace nrtb
