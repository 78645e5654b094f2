// A tensor: a named view (offset, size) of a Storage, on a logical core or on the host.
// nrt.h declares `typedef struct nrt_tensor nrt_tensor_t`; this is that struct.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
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

  uint8_t* data() const { return storage ? storage->data() + offset : nullptr; }
  bool on_device() const { return placement == nrtb::Placement::kDevice; }
};

namespace nrtb {

using TensorRef = std::shared_ptr<nrt_tensor>;

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
