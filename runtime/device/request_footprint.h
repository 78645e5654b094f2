// What a request (or a host call) touches, as validation mode (NRT_SIM_VALIDATE) sees it: byte ranges of
// memory it reads or writes, by address, so slices, attached buffers and host buffers that alias a tensor
// are matched by the memory they share rather than by handle; and the objects it uses (tensors, tensor
// sets, the model), by identity only, for the lifetime checks. Built only when validation is on.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

struct nrt_tensor;

namespace nrtb {

// One entry of a footprint: bytes [begin, end) read or written, and the object they belong to. An object the
// request only needs alive (a model, a tensor set) is an entry with no bytes (begin == end), which overlaps nothing.
struct MemoryAccess {
  // Longer tensor names are cut (ending in "..."): the name is copied on every schedule call, and a pending
  // request's tensor may be gone by the time a finding names it, so the entry cannot point at it.
  static constexpr size_t kNameSize = 48;

  // No default member initializers: a footprint's unused inline entries are left unwritten (whoever adds an entry
  // sets every field of it).
  // 80 bytes: the flag shares a word with the offset, so a transfer's two entries and the pending registry's header
  // fill four cache lines of a ring slot (each schedule writes a slot the ring has not touched for a while).
  uintptr_t begin, end;    // [begin, end) in the address space
  const void* object;      // the tensor (or other object) used; null for a host buffer
  uint64_t offset : 63;    // within that tensor (0 for a host buffer); memory offsets stay below 2^63
  uint64_t write : 1;      // written (else read)
  char tensor[kNameSize];  // the tensor's name; empty for a host buffer

  bool Overlaps(const MemoryAccess& o) const { return begin < o.end && o.begin < end; }
  bool host() const { return object == nullptr; }
};

// Validation mode builds one per schedule call and keeps it while the request is pending. Typical requests (a
// transfer: two entries; an execution with a few tensors) fit in the inline entries, so the schedule path does not
// allocate; more entries move to the heap.
class RequestFootprint {
 public:
  static constexpr size_t kInline = 4;

  RequestFootprint() : RequestFootprint(nullptr, nullptr) {}
  RequestFootprint(const char* api, const void* site) : api_(api), site_(site) {}
  RequestFootprint(RequestFootprint&& o) noexcept { *this = std::move(o); }
  RequestFootprint& operator=(RequestFootprint&& o) noexcept;

  // Empty again, for the call `api` at `site`: validation mode describes each schedule call straight into a reused
  // slot of its pending registry rather than into a new footprint that is then copied there.
  void Reset(const char* api, const void* site) {
    bounds_ = Bounds{};
    api_ = api;
    site_ = site;
    size_ = 0;
    if (__builtin_expect(heap_ != nullptr, 0)) heap_->clear();  // keeps its capacity for the next long footprint
  }

  // [offset, offset + size) of a tensor; the caller holds a use of it (its layout cannot change meanwhile).
  RequestFootprint& Read(const nrt_tensor& t, uint64_t offset, uint64_t size) { return Tensor(t, offset, size, false); }
  RequestFootprint& Write(const nrt_tensor& t, uint64_t offset, uint64_t size) { return Tensor(t, offset, size, true); }
  // The application's own memory a request copies from or into.
  RequestFootprint& ReadHost(const void* p, uint64_t size) { return Host(p, size, false); }
  RequestFootprint& WriteHost(const void* p, uint64_t size) { return Host(p, size, true); }
  // An object the request needs until it completes (compared by address, never dereferenced).
  RequestFootprint& Uses(const void* object) {
    MemoryAccess& a = Add();
    a.begin = a.end = 0;
    a.write = false;
    a.object = object;
    a.offset = 0;
    a.tensor[0] = '\0';
    return *this;
  }

  const char* api() const { return api_; }
  const void* site() const { return site_; }  // return address of the public call (0: unknown)
  // Includes the byte-less entries.
  std::span<const MemoryAccess> accesses() const {
    return on_heap() ? std::span<const MemoryAccess>(*heap_) : std::span<const MemoryAccess>(inline_, size_);
  }
  bool UsesObject(const void* object) const;
  // The smallest ranges holding every byte read / written ([0, 0) when none): a quick "cannot overlap" test.
  struct Bounds {
    uintptr_t read_lo = 0, read_hi = 0, write_lo = 0, write_hi = 0;
    // False only when no byte of one side could meet a byte the other writes.
    bool MayConflict(const Bounds& o) const {
      return Meet(write_lo, write_hi, o.read_lo, o.read_hi) || Meet(write_lo, write_hi, o.write_lo, o.write_hi) ||
             Meet(read_lo, read_hi, o.write_lo, o.write_hi);
    }
    static bool Meet(uintptr_t a_lo, uintptr_t a_hi, uintptr_t b_lo, uintptr_t b_hi) {
      return a_lo < b_hi && b_lo < a_hi;
    }
  };
  // Kept up to date as entries are added: every check and the registry read it, and a pass over the entries
  // for it cost as much as the rest of a check.
  const Bounds& bounds() const { return bounds_; }

 private:
  RequestFootprint& Tensor(const nrt_tensor& t, uint64_t offset, uint64_t size, bool write);
  // Inline, as Add and Extend: out of line, each paid a full prologue for a few instructions of work.
  RequestFootprint& Host(const void* p, uint64_t size, bool write) {
    if (size == 0 || p == nullptr) return *this;
    MemoryAccess& a = Add();
    a.begin = reinterpret_cast<uintptr_t>(p);
    a.end = a.begin + size;
    a.write = write;
    a.object = nullptr;
    a.offset = 0;
    a.tensor[0] = '\0';
    Extend(a.begin, a.end, write);
    return *this;
  }
  // A new entry, inline while there is room, then all entries on the heap. Unwritten: the caller sets every field
  // (zeroing it first cost as much as filling it in).
  MemoryAccess& Add() {
    if (__builtin_expect(size_ < kInline && !on_heap(), 1)) return inline_[size_++];
    return AddOnHeap();
  }
  bool on_heap() const { return heap_ != nullptr && !heap_->empty(); }
  MemoryAccess& AddOnHeap();
  // [begin, end) (not empty) is now read / written.
  void Extend(uintptr_t begin, uintptr_t end, bool write) {
    uintptr_t& lo = write ? bounds_.write_lo : bounds_.read_lo;
    uintptr_t& hi = write ? bounds_.write_hi : bounds_.read_hi;
    if (lo == hi) {
      lo = begin;
      hi = end;
    } else {
      lo = begin < lo ? begin : lo;
      hi = end > hi ? end : hi;
    }
  }

  // The fields a schedule call writes, first and together (bounds first: a scan reads them of every pending request).
  Bounds bounds_;
  const char* api_ = nullptr;
  const void* site_ = nullptr;
  size_t size_ = 0;  // inline entries used (0 once they moved to heap_)
  // Every entry once there are more than kInline; a pointer, not a vector, to keep the header small. It stays
  // allocated (cleared) for the next long footprint of the same registry slot.
  std::unique_ptr<std::vector<MemoryAccess>> heap_;
  MemoryAccess inline_[kInline];
};

}  // namespace nrtb
