// A tensor set: name -> tensor, as nrt_execute / nrta_execute_schedule take their inputs and
// outputs. Entries are weak: the set does not keep a freed tensor's memory alive, and binding a set
// whose tensor was freed fails with NRT_INVALID instead of touching freed memory.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/device/tensor.h"

namespace nrtb {

class TensorSet {
 public:
  void Put(const std::string& name, const TensorRef& t);
  // The live tensor under `name`, or null when absent or freed.
  TensorRef Get(const std::string& name) const;
  // Snapshot of all entries (name, live tensor or null if freed).
  std::vector<std::pair<std::string, TensorRef>> Entries() const;
  size_t size() const;
  // A number that changes with every Put and is never used for another set or state in the process: equal
  // versions mean the same set with the same entries (what a cached binding, model/binding_cache.h, relies on).
  uint64_t version() const { return version_.load(std::memory_order_acquire); }

 private:
  static uint64_t NextVersion();

  mutable std::mutex mu_;
  std::atomic<uint64_t> version_{NextVersion()};
  std::map<std::string, std::weak_ptr<nrt_tensor>> entries_;
};

// Moves on after every change to any set (after its new version is stored, release). Read (acquire) before a
// set's version: while it has not moved, no set has a version newer than the one read (model/binding_cache.h binds
// by handle on that).
uint64_t TensorSetChangeEpoch();

}  // namespace nrtb
