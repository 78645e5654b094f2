#include "runtime/device/request_footprint.h"

#include "runtime/device/tensor.h"

namespace nrtb {
namespace {

// Entry vectors kept for reuse by this thread. t_pool_gone is trivially destructible, so it can be read after the
// pool itself was destroyed at thread exit (a footprint destroyed then just frees its storage).
thread_local bool t_pool_gone = false;
struct EntryPool {
  static constexpr size_t kMax = 16;
  std::vector<std::vector<MemoryAccess>> spare;
  ~EntryPool() { t_pool_gone = true; }
};
thread_local EntryPool t_pool;

}  // namespace

RequestFootprint::RequestFootprint(const char* api, const void* site) : api_(api), site_(site) {
  if (!t_pool_gone && !t_pool.spare.empty()) {
    accesses_ = std::move(t_pool.spare.back());
    t_pool.spare.pop_back();
  }
}

RequestFootprint::~RequestFootprint() {
  if (accesses_.capacity() == 0 || t_pool_gone || t_pool.spare.size() >= EntryPool::kMax) return;
  accesses_.clear();
  t_pool.spare.push_back(std::move(accesses_));
}

bool RequestFootprint::UsesObject(const void* object) const {
  for (const MemoryAccess& a : accesses_) {
    if (a.object == object) return true;
  }
  return false;
}

MemoryAccess& RequestFootprint::Add() {
  if (accesses_.empty()) accesses_.reserve(4);
  return accesses_.emplace_back();
}

RequestFootprint& RequestFootprint::Tensor(const nrt_tensor& t, uint64_t offset, uint64_t size, bool write) {
  MemoryAccess& a = Add();
  a.object = &t;
  // A zero-byte access touches nothing; an unattached tensor has no memory to race on: no bytes.
  if (size == 0 || t.data() == nullptr) return *this;
  a.begin = reinterpret_cast<uintptr_t>(t.data()) + offset;
  a.end = a.begin + size;
  a.write = write;
  a.tensor = t.name();
  a.offset = offset;
  return *this;
}

RequestFootprint& RequestFootprint::Host(const void* p, uint64_t size, bool write) {
  if (size == 0 || p == nullptr) return *this;
  MemoryAccess& a = Add();
  a.begin = reinterpret_cast<uintptr_t>(p);
  a.end = a.begin + size;
  a.write = write;
  a.tensor = "host buffer";
  return *this;
}

}  // namespace nrtb
