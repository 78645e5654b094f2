// A tensor: a named view (offset, size) of a Storage, on a logical core or on the host.
// nrt.h declares `typedef struct nrt_tensor nrt_tensor_t`; this is that struct.
//
// What may change after the tensor is published (handed out as a handle):
//   - its layout (storage, offset, size, placement, lnc): only by nrt_tensor_attach_buffer (AttachBuffer),
//     under layout_mu_, and only while nothing uses the tensor (InFlight::TryBeginChange). Every reader of the
//     layout holds a TensorUse (counted without a lock while no change is under way, see in_flight.h) or holds
//     LockLayout(), so it never sees a layout change half-way;
//   - the completion counter, the in-flight count, the freed flag: atomics, any time.
// The name never changes. The state is private: only tensor.cc builds tensors (Device::AllocateTensor through
// MakeTensor) and changes their layout; the friends of nrt_tensor below are all of that code.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "nrt/nrt_status.h"
#include "runtime/core/recycled_blocks.h"
#include "runtime/device/in_flight.h"
#include "runtime/device/storage.h"

struct nrt_tensor;

namespace nrtb {
// Same values as nrt_tensor_placement_t.
enum class Placement : int { kDevice = 0, kHost = 1, kVirtual = 2 };

using TensorRef = std::shared_ptr<nrt_tensor>;
class TensorUse;
TensorRef MakeTensor(const std::string& name, Placement placement, int lnc, std::shared_ptr<Storage> storage,
                     size_t size);
TensorRef MakeSlice(const nrt_tensor& source, uint64_t offset, uint64_t size, const std::string& name);
void AttachBuffer(nrt_tensor& t, void* buffer, size_t size);
void BumpOutputCompletion(nrt_tensor& t);
}  // namespace nrtb

struct nrt_tensor {
 private:
  // Opens the constructor to the friends below only (std::make_shared cannot call a private one).
  struct Key {
    explicit Key() = default;
  };

 public:
  nrt_tensor(Key, std::string name, nrtb::Placement placement, int lnc, std::shared_ptr<nrtb::Storage> storage,
             size_t offset, size_t size)
      : name_(std::move(name)),
        placement_(placement),
        lnc_(lnc),
        storage_(std::move(storage)),
        offset_(offset),
        size_(size) {}
  nrt_tensor(const nrt_tensor&) = delete;
  nrt_tensor& operator=(const nrt_tensor&) = delete;

  const std::string& name() const { return name_; }  // never changes

  // The layout: read it only in a TensorUse or under LockLayout().
  nrtb::Placement placement() const { return placement_; }
  int lnc() const { return lnc_; }  // logical core of a device tensor; -1 for host memory
  // Null for an allocate_empty tensor not yet attached.
  const std::shared_ptr<nrtb::Storage>& storage() const { return storage_; }
  size_t offset() const { return offset_; }
  size_t size() const { return size_; }
  uint8_t* data() const { return storage_ ? storage_->data() + offset_ : nullptr; }
  bool on_device() const { return placement_ == nrtb::Placement::kDevice; }
  // Reading the layout outside a TensorUse (e.g. searching every tensor): hold this lock meanwhile. Not
  // while taking a TensorUse of the same tensor (which takes it too).
  std::unique_lock<std::mutex> LockLayout() const { return std::unique_lock<std::mutex>(layout_mu_); }

  // Output-completion counter (nrt_tensor_check_output_completion): bumped (BumpOutputCompletion) when an
  // execution that writes this tensor completes.
  uint64_t completions() const { return completions_.load(std::memory_order_seq_cst); }
  void ResetCompletions() { completions_.store(0, std::memory_order_seq_cst); }
  // Requests scheduled but not completed and calls that use the tensor (TensorUse), now: for log lines.
  uint32_t in_flight() const { return in_flight_.count(); }
  // nrt_tensor_attach_buffer is changing the layout: a call that holds the tensor by a hazard slot instead of a
  // TensorUse (TensorAccess, api layer) checks this after publishing the hazard, and AttachBuffer looks for
  // hazards after setting it (thread_slots.h).
  bool layout_changing() const { return in_flight_.changing(); }
  // Set by nrt_tensor_free; work in flight may still hold the object, tensor sets must not use it.
  // Also moves TensorChangeEpoch() on.
  void MarkFreed();
  bool freed() const { return freed_.load(std::memory_order_acquire); }

 private:
  friend class nrtb::TensorUse;
  friend nrtb::TensorRef nrtb::MakeTensor(const std::string& name, nrtb::Placement placement, int lnc,
                                          std::shared_ptr<nrtb::Storage> storage, size_t size);
  friend nrtb::TensorRef nrtb::MakeSlice(const nrt_tensor& source, uint64_t offset, uint64_t size,
                                         const std::string& name);
  friend void nrtb::AttachBuffer(nrt_tensor& t, void* buffer, size_t size);
  friend void nrtb::BumpOutputCompletion(nrt_tensor& t);

  const std::string name_;
  nrtb::Placement placement_;
  int lnc_;
  std::shared_ptr<nrtb::Storage> storage_;
  size_t offset_;
  size_t size_;
  std::atomic<uint64_t> completions_{0};
  nrtb::InFlight in_flight_;
  std::atomic<bool> freed_{false};
  // Held by AttachBuffer throughout a layout change; a TensorUse that meets the change waits on it.
  mutable std::mutex layout_mu_;
};

namespace nrtb {

// One use of a tensor by a request (from scheduling until it finishes) or by a call (while it reads the
// layout or copies): counted in in_flight, and while it lasts the layout cannot change. The one in-flight
// counter of the runtime: tensor ops, executions and the API's own checks all count through it.
class TensorUse {
 public:
  TensorUse() = default;
  explicit TensorUse(TensorRef t);
  TensorUse(TensorUse&& other) noexcept : t_(std::move(other.t_)) {}
  TensorUse& operator=(TensorUse&& other) noexcept;
  ~TensorUse() { Release(); }

  // Ends the use early (e.g. when the request finishes but the work object lives on).
  void Release();
  nrt_tensor& operator*() const { return *t_; }
  nrt_tensor* operator->() const { return t_.get(); }
  const TensorRef& ref() const { return t_; }

 private:
  TensorRef t_;
};

// The uses of a request's tensors (an execution's inputs and outputs). Made by the caller and released by the
// unit's worker once per request: recycled blocks (core/recycled_blocks.h), not a malloc and a cross-thread free.
using TensorUses = std::vector<TensorUse, RecycledAllocator<TensorUse>>;

// A new tensor viewing the whole of `storage` (`size` bytes). Device::AllocateTensor's builder; `lnc` is -1
// unless `placement` is kDevice.
TensorRef MakeTensor(const std::string& name, Placement placement, int lnc, std::shared_ptr<Storage> storage,
                     size_t size);
// nrt_tensor_allocate_empty: a tensor without memory until AttachBuffer.
TensorRef MakeEmptyTensor(const std::string& name);
// nrt_tensor_allocate_slice: a tensor viewing [offset, offset + size) of `source`'s memory (shared, freed
// with the last tensor using it). The caller holds a TensorUse of `source`. Throws Error(NRT_INVALID).
TensorRef MakeSlice(const nrt_tensor& source, uint64_t offset, uint64_t size, const std::string& name);

// nrt_tensor_attach_buffer: the tensor now views caller memory (VIRTUAL placement, no core); the caller
// keeps ownership. Throws Error(NRT_INVALID) while the tensor is in use (scheduled requests, calls counted by a
// TensorUse or holding it in their thread's hazard slot).
void AttachBuffer(nrt_tensor& t, void* buffer, size_t size);

// Checks that [offset, offset + size) lies inside the tensor (overflow-safe) and that it has
// storage. Throws Error(NRT_INVALID, "<what>: ...").
void CheckRange(const nrt_tensor& t, uint64_t offset, uint64_t size, const char* what);

// Moves on (and never back) when a tensor is freed or a buffer is attached to one: a cached binding of tensor
// sets (model/binding_cache.h) made at an older epoch may name a freed tensor or rely on an old layout.
uint64_t TensorChangeEpoch();

// Output-completion counters share one mutex/condvar (as the SDK does): waits are rare.
void BumpOutputCompletion(nrt_tensor& t);
// Waits until t.completions >= expected; timeout_us < 0 waits forever (logging every 30 s).
// Returns NRT_SUCCESS or NRT_TIMEOUT.
NRT_STATUS WaitOutputCompletion(const nrt_tensor& t, int64_t timeout_us, uint64_t expected);
void NotifyOutputCompletionWaiters();

}  // namespace nrtb
