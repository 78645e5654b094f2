#include "runtime/device/request_footprint.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "runtime/device/tensor.h"

namespace nrtb {

RequestFootprint& RequestFootprint::operator=(RequestFootprint&& o) noexcept {
  bounds_ = o.bounds_;
  api_ = o.api_;
  site_ = o.site_;
  size_ = o.size_;
  // Only the entries in use: a footprint is moved into the pending registry on every schedule call.
  std::copy(o.inline_, o.inline_ + o.size_, inline_);
  if (heap_ != nullptr) heap_->clear();  // keeps its capacity for the next long footprint moved into this slot
  if (o.on_heap()) heap_.swap(o.heap_);
  o.size_ = 0;
  o.bounds_ = Bounds{};
  return *this;
}

bool RequestFootprint::UsesObject(const void* object) const {
  for (const MemoryAccess& a : accesses()) {
    if (a.object == object) return true;
  }
  return false;
}

MemoryAccess& RequestFootprint::AddOnHeap() {
  if (!on_heap()) {
    if (heap_ == nullptr) heap_ = std::make_unique<std::vector<MemoryAccess>>();
    heap_->assign(inline_, inline_ + size_);
    size_ = 0;
  }
  return heap_->emplace_back();
}

RequestFootprint& RequestFootprint::Tensor(const nrt_tensor& t, uint64_t offset, uint64_t size, bool write) {
  MemoryAccess& a = Add();
  a.object = &t;
  const uint8_t* data = t.data();
  // A zero-byte access touches nothing; an unattached tensor has no memory to race on: no bytes.
  if (size == 0 || data == nullptr) {
    a.begin = a.end = 0;
    a.write = false;
    a.offset = 0;
    a.tensor[0] = '\0';
    return *this;
  }
  a.begin = reinterpret_cast<uintptr_t>(data) + offset;
  a.end = a.begin + size;
  a.write = write;
  a.offset = offset;
  const std::string& name = t.name();
  if (name.size() < 16) {
    // A fixed-size copy (two moves, not a call of memcpy): a std::string's buffer always holds at least 16 bytes
    // (its inline buffer, or capacity + 1 >= 16 on the heap), so the bytes after the terminator are its own.
    static_assert(MemoryAccess::kNameSize >= 16);
    std::memcpy(a.tensor, name.data(), 16);
  } else if (name.size() < MemoryAccess::kNameSize) {
    std::memcpy(a.tensor, name.c_str(), name.size() + 1);
  } else {
    constexpr size_t kKept = MemoryAccess::kNameSize - 4;
    std::memcpy(a.tensor, name.data(), kKept);
    std::memcpy(a.tensor + kKept, "...", 4);
  }
  Extend(a.begin, a.end, write);
  return *this;
}

}  // namespace nrtb
