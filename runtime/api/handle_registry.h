// Maps the opaque handles the C API hands out (nrt_tensor_t*, nrt_model_t*, ...) to the objects that
// own them, so a freed, foreign or garbage handle is rejected with NRT_INVALID instead of being
// dereferenced. Objects are shared_ptr-owned: work in flight keeps what it uses alive after the
// application frees the handle.
//
// A handle is not the object's address but a number that is never handed out twice in the process
// (a 60-bit serial and a 4-bit kind, see handle_value.h), so a stale handle stays invalid forever,
// even after its object's memory is reused, and even across nrt_close / nrt_init.
//
// Lookups are on every API call's path, so each thread keeps a small cache of its recent lookups: a hit costs a
// load of the process-wide handle epoch (read-mostly, so not a cache line the threads fight over, unlike the
// registry lock's reader count) and a weak_ptr lock, instead of the lock and a hash lookup. An entry is used only
// while the epoch it was filled at is current: every Remove (and every registry's destruction) moves the epoch on
// after the handle is gone, so once nrt_tensor_free returns no thread finds the handle in its cache, even while
// work in flight keeps the object alive. The cache holds weak references: it never keeps an object alive (only,
// until the entry is replaced, the few bytes of its shared_ptr control block).
#pragma once

#include <array>
#include <atomic>
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
  // Its handles die with it: cached lookups of them must miss from now on.
  ~HandleRegistry() { HandleEpoch().fetch_add(1, std::memory_order_release); }
  HandleRegistry(const HandleRegistry&) = delete;
  HandleRegistry& operator=(const HandleRegistry&) = delete;

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
    const uintptr_t h = reinterpret_cast<uintptr_t>(handle);
    // Read before the lookup: an entry filled now is stale as soon as a Remove that may follow the lookup bumps it.
    const uint64_t epoch = HandleEpoch().load(std::memory_order_acquire);
    CacheEntry& entry = ThreadCache()[(h >> 4) % kCacheWays];
    if (entry.handle == h && entry.epoch == epoch && entry.registry == this) {
      if (std::shared_ptr<T> object = entry.object.lock()) return object;
    }
    std::shared_ptr<T> object;
    {
      std::shared_lock lock(mu_);
      auto it = by_handle_.find(h);
      if (it == by_handle_.end()) return nullptr;
      object = it->second;
    }
    entry = CacheEntry{h, epoch, this, object.get(), object};
    return object;
  }
  // The object behind `handle` when this thread's cache has it from the current epoch, without taking a
  // reference (null otherwise: use Get). The caller owns nothing: the object is alive as long as the epoch has
  // not moved since *epoch, so it publishes a hazard (thread_slots.h) and re-checks HandleEpoch() before use.
  T* Peek(const void* handle, uint64_t* epoch) const {
    const uintptr_t h = reinterpret_cast<uintptr_t>(handle);
    *epoch = HandleEpoch().load(std::memory_order_acquire);
    // Never creates the cache: Peek runs outside Guarded too (copy_fast_path.h), where bad_alloc must not escape.
    const Cache* cache = CacheOfThread().get();
    if (cache == nullptr) return nullptr;
    const CacheEntry& entry = (*cache)[(h >> 4) % kCacheWays];
    return entry.handle == h && entry.epoch == *epoch && entry.registry == this ? entry.raw : nullptr;
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
    // After the erase: a lookup that read the old epoch may have cached this handle, and must now miss.
    HandleEpoch().fetch_add(1, std::memory_order_release);
    return owner;
  }

 private:
  struct CacheEntry {
    uintptr_t handle = 0;
    uint64_t epoch = 0;
    const HandleRegistry* registry = nullptr;
    T* raw = nullptr;  // object.get(), for Peek
    std::weak_ptr<T> object;
  };
  static constexpr size_t kCacheWays = 8;
  using Cache = std::array<CacheEntry, kCacheWays>;
  // On the heap: static TLS (which libnrt's thread_locals use, runtime/CMakeLists.txt) stays a few bytes.
  static std::unique_ptr<Cache>& CacheOfThread() {
    thread_local std::unique_ptr<Cache> cache;
    return cache;
  }
  static Cache& ThreadCache() {
    std::unique_ptr<Cache>& cache = CacheOfThread();
    if (!cache) cache = std::make_unique<Cache>();
    return *cache;
  }

  const HandleKind kind_;
  mutable std::shared_mutex mu_;
  std::unordered_map<uintptr_t, std::shared_ptr<T>> by_handle_;
  std::unordered_map<const T*, uintptr_t> by_object_;
};

}  // namespace nrtb
