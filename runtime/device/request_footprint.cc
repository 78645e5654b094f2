#include "runtime/device/request_footprint.h"

#include <algorithm>

#include "runtime/device/tensor.h"

namespace nrtb {

bool RequestFootprint::UsesObject(const void* object) const {
  return std::find(objects_.begin(), objects_.end(), object) != objects_.end();
}

RequestFootprint& RequestFootprint::Tensor(const nrt_tensor& t, uint64_t offset, uint64_t size, bool write) {
  objects_.push_back(&t);
  // A zero-byte access touches nothing; an unattached tensor has no memory to race on.
  if (size == 0 || t.data() == nullptr) return *this;
  const auto begin = reinterpret_cast<uintptr_t>(t.data()) + offset;
  accesses_.push_back({begin, begin + size, write, t.name(), offset});
  return *this;
}

RequestFootprint& RequestFootprint::Host(const void* p, uint64_t size, bool write) {
  if (size == 0 || p == nullptr) return *this;
  const auto begin = reinterpret_cast<uintptr_t>(p);
  accesses_.push_back({begin, begin + size, write, "host buffer", 0});
  return *this;
}

}  // namespace nrtb
