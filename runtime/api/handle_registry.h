// Maps the raw handles the C API hands out (nrt_tensor_t*, nrt_model_t*, ...) to the objects that
// own them, so a freed, foreign or garbage handle is rejected with NRT_INVALID instead of being
// dereferenced. Objects are shared_ptr-owned: work in flight keeps what it uses alive after the
// application frees the handle.
#pragma once

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

namespace nrtb {

template <typename T>
class HandleRegistry {
 public:
  T* Add(std::shared_ptr<T> object) {
    T* raw = object.get();
    std::unique_lock lock(mu_);
    map_.emplace(raw, std::move(object));
    return raw;
  }
  // The owner of `handle`, or null when it is not a live handle.
  std::shared_ptr<T> Get(const void* handle) const {
    std::shared_lock lock(mu_);
    auto it = map_.find(static_cast<T*>(const_cast<void*>(handle)));
    return it == map_.end() ? nullptr : it->second;
  }
  // Calls f(object) for each live object until f returns true; returns that object or null.
  template <typename F>
  std::shared_ptr<T> Find(F&& f) const {
    std::shared_lock lock(mu_);
    for (const auto& [raw, owner] : map_) {
      if (f(*owner)) return owner;
    }
    return nullptr;
  }
  // Removes `handle` and returns its owner (null when it was not live).
  std::shared_ptr<T> Remove(const void* handle) {
    std::unique_lock lock(mu_);
    auto it = map_.find(static_cast<T*>(const_cast<void*>(handle)));
    if (it == map_.end()) return nullptr;
    std::shared_ptr<T> owner = std::move(it->second);
    map_.erase(it);
    return owner;
  }

 private:
  mutable std::shared_mutex mu_;
  std::unordered_map<T*, std::shared_ptr<T>> map_;
};

}  // namespace nrtb
