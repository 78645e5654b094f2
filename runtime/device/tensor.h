// A tensor: a named view (offset, size) of a Storage, on a logical core or on the host.
// nrt.h declares `typedef struct nrt_tensor nrt_tensor_t`; this is that struct.
//
// What may change after the tensor is published (handed out as a handle):
//   - its layout (storage, offset, size, placement, lnc): only by nrt_tensor_attach_buffer (AttachBuffer),
//     under layout_mu, and only while nothing uses the tensor. Every reader of the layout holds a
//     TensorUse, taken under the same mutex, so it never sees a layout change half-way;
//   - completions, in_flight, freed: atomics, any time.
// The name never changes.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "nrt/nrt_status.h"
#include "runtime/device/storage.h"

namespace nrtb {
// Same values as nrt_tensor_placement_t.
enum class Placement : int { kDevice = 0, kHost = 1, kVirtual = 2 };
}  // namespace nrtb

struct nrt_tensor {
  std::string name;
  nrtb::Placement placement = nrtb::Placement::kVirtual;
  int lnc = -1;  // logical core of a device tensor; -1 for host memory
  std::shared_ptr<nrtb::Storage> storage;  // null for an allocate_empty tensor not yet attached
  size_t offset = 0;
  size_t size = 0;
  // Output-completion counter (nrt_tensor_check_output_completion): bumped when an execution that
  // writes this tensor completes.
  std::atomic<uint64_t> completions{0};
  // Requests scheduled but not completed that use this tensor (to warn on free while in use).
  std::atomic<uint32_t> in_flight{0};
  // Set by nrt_tensor_free; work in flight may still hold the object, tensor sets must not use it.
  std::atomic<bool> freed{false};
  // Serialises AttachBuffer with the start of every TensorUse.
  std::mutex layout_mu;

  uint8_t* data() const { return storage ? storage->data() + offset : nullptr; }
  bool on_device() const { return placement == nrtb::Placement::kDevice; }
};

namespace nrtb {

using TensorRef = std::shared_ptr<nrt_tensor>;

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

// nrt_tensor_allocate_empty: a tensor without memory until AttachBuffer.
TensorRef MakeEmptyTensor(const std::string& name);
// nrt_tensor_allocate_slice: a tensor viewing [offset, offset + size) of `source`'s memory (shared, freed
// with the last tensor using it). The caller holds a TensorUse of `source`. Throws Error(NRT_INVALID).
TensorRef MakeSlice(const nrt_tensor& source, uint64_t offset, uint64_t size, const std::string& name);

// nrt_tensor_attach_buffer: the tensor now views caller memory (VIRTUAL placement, no core); the caller
// keeps ownership. Throws Error(NRT_INVALID) while the tensor is in use (scheduled requests, calls).
void AttachBuffer(nrt_tensor& t, void* buffer, size_t size);

// Checks that [offset, offset + size) lies inside the tensor (overflow-safe) and that it has
// storage. Throws Error(NRT_INVALID, "<what>: ...").
void CheckRange(const nrt_tensor& t, uint64_t offset, uint64_t size, const char* what);

// Output-completion counters share one mutex/condvar (as the SDK does): waits are rare.
void BumpOutputCompletion(nrt_tensor& t);
// Waits until t.completions >= expected; timeout_us < 0 waits forever (logging every 30 s).
// Returns NRT_SUCCESS or NRT_TIMEOUT.
NRT_STATUS WaitOutputCompletion(const nrt_tensor& t, int64_t timeout_us, uint64_t expected);
void NotifyOutputCompletionWaiters();

}  // namespace nrtb
