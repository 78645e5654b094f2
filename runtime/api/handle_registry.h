// Maps the opaque handles the C API hands out (nrt_tensor_t*, nrt_model_t*, ...) to the objects that
// own them, so a freed, foreign or garbage handle is rejected with NRT_INVALID instead of being
// dereferenced. Objects are shared_ptr-owned: work in flight keeps what it uses alive after the
// application frees the handle.
//
// A handle is not the object's address but a number that is never handed out twice in the process
// (a 60-bit serial and a 4-bit kind, see handle_value.h), so a stale handle stays invalid forever,
// even after its object's memory is reused, and even across nrt_close / nrt_init.
#pragma once

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "runtime/api/handle_value.h"

namespace nrtb {

template <typename T>
class HandleRegistry {
 public:
  explicit HandleRegistry(HandleKind kind) : kind_(kind) {}

  // Registers `object` under a new handle and returns the handle.
  T* Add(std::shared_ptr<T> object) {
    uintptr_t handle = NewHandleValue(kind_);
    const T* raw = object.get();
    std::unique_lock lock(mu_);
    by_object_.emplace(raw, handle);
    by_handle_.emplace(handle, std::move(object));
    return reinterpret_cast<T*>(handle);
  }
  // The owner of `handle`, or null when it is not a live handle.
  std::shared_ptr<T> Get(const void* handle) const {
    std::shared_lock lock(mu_);
    auto it = by_handle_.find(reinterpret_cast<uintptr_t>(handle));
    return it == by_handle_.end() ? nullptr : it->second;
  }
  // The handle `object` was published under, or null when it is not registered (any more).
  T* HandleOf(const T* object) const {
    std::shared_lock lock(mu_);
    auto it = by_object_.find(object);
    return it == by_object_.end() ? nullptr : reinterpret_cast<T*>(it->second);
  }
  // Calls f(object) for each live object until f returns true; returns that object or null.
  template <typename F>
  std::shared_ptr<T> Find(F&& f) const {
    std::shared_lock lock(mu_);
    for (const auto& [handle, owner] : by_handle_) {
      if (f(*owner)) return owner;
    }
    return nullptr;
  }
  // Removes `handle` and returns its owner (null when it was not live).
  std::shared_ptr<T> Remove(const void* handle) {
    std::unique_lock lock(mu_);
    auto it = by_handle_.find(reinterpret_cast<uintptr_t>(handle));
    if (it == by_handle_.end()) return nullptr;
    std::shared_ptr<T> owner = std::move(it->second);
    by_handle_.erase(it);
    by_object_.erase(owner.get());
    return owner;
  }

 private:
  const HandleKind kind_;
  mutable std::shared_mutex mu_;
  std::unordered_map<uintptr_t, std::shared_ptr<T>> by_handle_;
  std::unordered_map<const T*, uintptr_t> by_object_;
};

}  // namespace nrtb
