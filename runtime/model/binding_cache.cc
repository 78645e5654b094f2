#include "runtime/model/binding_cache.h"

#include <mutex>

namespace nrtb {

bool BindingCache::UseAll(const Entry& entry, TensorUses& tensors) {
  for (const auto& w : entry.tensors) {
    TensorRef t = w.lock();
    if (!t) return false;
    tensors.emplace_back(std::move(t));
  }
  return true;
}

bool BindingCache::Find(const Key& key, const Handles& handles, TensorUses& tensors) const {
  tensors.clear();
  tensors.reserve(kTypicalTensors);  // outside the lock: it may allocate
  // The uses are taken under the lock, so the entry needs no reference of its own (two atomics fewer per
  // execution). A use waits only while nrt_tensor_attach_buffer changes that tensor, which takes microseconds.
  std::lock_guard<YieldingSpinLock> lock(lock_);
  if (last_ == nullptr || !(last_->key == key) || !UseAll(*last_, tensors)) return false;
  handles_ = handles;
  return true;
}

bool BindingCache::FindByHandles(const Handles& handles, uint64_t tensor_epoch, TensorUses& tensors) const {
  tensors.clear();
  tensors.reserve(kTypicalTensors);
  std::lock_guard<YieldingSpinLock> lock(lock_);
  return last_ != nullptr && handles_ == handles && last_->key.tensors == tensor_epoch && UseAll(*last_, tensors);
}

void BindingCache::Store(const Key& key, const Handles& handles, const TensorUses& tensors) {
  auto made = std::make_shared<Entry>();
  made->key = key;
  made->tensors.reserve(tensors.size());
  for (const TensorUse& t : tensors) made->tensors.emplace_back(t.ref());
  std::shared_ptr<const Entry> e = std::move(made);
  std::lock_guard<YieldingSpinLock> lock(lock_);
  last_.swap(e);  // the old entry is freed after the lock is released
  handles_ = handles;
}

}  // namespace nrtb
