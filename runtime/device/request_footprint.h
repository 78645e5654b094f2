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

// One entry of a footprint: bytes [begin, end) read or written, and the object they belong to. An object the
// request only needs alive (a model, a tensor set) is an entry with no bytes (begin == end), which overlaps nothing.
struct MemoryAccess {
  uintptr_t begin = 0, end = 0;  // [begin, end) in the address space
  bool write = false;
  const void* object = nullptr;  // the tensor (or other object) used; null for a host buffer
  std::string tensor;            // the tensor's name, or "host buffer"
  uint64_t offset = 0;           // within that tensor (0 for a host buffer)

  bool Overlaps(const MemoryAccess& o) const { return begin < o.end && o.begin < end; }
};

// Validation mode builds one per schedule call: its entry storage comes from a small per-thread pool and goes back
// to the pool of whichever thread destroys it, so a steady stream of requests does not allocate.
class RequestFootprint {
 public:
  RequestFootprint(const char* api, const void* site);
  ~RequestFootprint();
  RequestFootprint(RequestFootprint&&) noexcept = default;
  RequestFootprint& operator=(RequestFootprint&&) noexcept = default;

  // [offset, offset + size) of a tensor; the caller holds a use of it (its layout cannot change meanwhile).
  RequestFootprint& Read(const nrt_tensor& t, uint64_t offset, uint64_t size) { return Tensor(t, offset, size, false); }
  RequestFootprint& Write(const nrt_tensor& t, uint64_t offset, uint64_t size) { return Tensor(t, offset, size, true); }
  // The application's own memory a request copies from or into.
  RequestFootprint& ReadHost(const void* p, uint64_t size) { return Host(p, size, false); }
  RequestFootprint& WriteHost(const void* p, uint64_t size) { return Host(p, size, true); }
  // An object the request needs until it completes (compared by address, never dereferenced).
  RequestFootprint& Uses(const void* object) {
    Add().object = object;
    return *this;
  }

  const char* api() const { return api_; }
  const void* site() const { return site_; }  // return address of the public call (0: unknown)
  const std::vector<MemoryAccess>& accesses() const { return accesses_; }  // includes the byte-less entries
  bool UsesObject(const void* object) const;

 private:
  RequestFootprint& Tensor(const nrt_tensor& t, uint64_t offset, uint64_t size, bool write);
  RequestFootprint& Host(const void* p, uint64_t size, bool write);
  // A new entry; the first one reserves room for a typical request's entries in one allocation.
  MemoryAccess& Add();

  const char* api_;
  const void* site_;
  std::vector<MemoryAccess> accesses_;
};

}  // namespace nrtb
