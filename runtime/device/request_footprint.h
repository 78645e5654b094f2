// What a request (or a host call) touches, as validation mode (NRT_SIM_VALIDATE) sees it: byte ranges of
// memory it reads or writes, by address, so slices, attached buffers and host buffers that alias a tensor
// are matched by the memory they share rather than by handle; and the objects it uses (tensors, tensor
// sets, the model), by identity only, for the lifetime checks. Built only when validation is on.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

struct nrt_tensor;

namespace nrtb {

struct MemoryAccess {
  uintptr_t begin = 0, end = 0;  // [begin, end) in the address space
  bool write = false;
  std::string tensor;   // the tensor's name, or "host buffer"
  uint64_t offset = 0;  // within that tensor (0 for a host buffer)

  bool Overlaps(const MemoryAccess& o) const { return begin < o.end && o.begin < end; }
};

class RequestFootprint {
 public:
  RequestFootprint(const char* api, const void* site) : api_(api), site_(site) {}

  // [offset, offset + size) of a tensor; the caller holds a use of it (its layout cannot change meanwhile).
  RequestFootprint& Read(const nrt_tensor& t, uint64_t offset, uint64_t size) { return Tensor(t, offset, size, false); }
  RequestFootprint& Write(const nrt_tensor& t, uint64_t offset, uint64_t size) { return Tensor(t, offset, size, true); }
  // The application's own memory a request copies from or into.
  RequestFootprint& ReadHost(const void* p, uint64_t size) { return Host(p, size, false); }
  RequestFootprint& WriteHost(const void* p, uint64_t size) { return Host(p, size, true); }
  // An object the request needs until it completes (compared by address, never dereferenced).
  RequestFootprint& Uses(const void* object) {
    objects_.push_back(object);
    return *this;
  }

  const char* api() const { return api_; }
  const void* site() const { return site_; }  // return address of the public call (0: unknown)
  const std::vector<MemoryAccess>& accesses() const { return accesses_; }
  bool UsesObject(const void* object) const;

 private:
  RequestFootprint& Tensor(const nrt_tensor& t, uint64_t offset, uint64_t size, bool write);
  RequestFootprint& Host(const void* p, uint64_t size, bool write);

  const char* api_;
  const void* site_;
  std::vector<MemoryAccess> accesses_;
  std::vector<const void*> objects_;
};

}  // namespace nrtb
