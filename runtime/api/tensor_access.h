// A synchronous call's hold on one tensor for the length of the call (nrt_tensor_read / nrt_tensor_write),
// with the guarantees of a TensorUse but no atomic read-modify-write on the fast path:
//   - a concurrent nrt_tensor_free cannot free the memory being copied: the free waits until no thread's hazard
//     slot holds the tensor (WaitUntilNoSlotHolds) before it drops the registry's reference;
//   - nrt_tensor_attach_buffer is refused while the copy runs: it looks for the hazard after setting the
//     tensor's change bit, and the copy looks for the bit after publishing the hazard (thread_slots.h).
// The fast path needs this thread's lookup cache to hold the handle from the current handle epoch, an empty
// hazard slot and no layout change under way; otherwise it takes a TensorUse, as every other call does.
#pragma once

#include "runtime/api/handles.h"
#include "runtime/core/thread_slots.h"

namespace nrtb {

class TensorAccess {
 public:
  // `session` is the pinned one (RequireSession). Throws as UseTensor.
  TensorAccess(Session& session, const nrt_tensor_t* handle, const char* what) {
    uint64_t epoch = 0;
    nrt_tensor* t = handle != nullptr ? session.tensors().Peek(handle, &epoch) : nullptr;
    if (t != nullptr) {
      ThreadSlot& slot = MySlot();
      if (slot.hazard.load(std::memory_order_relaxed) == nullptr) {
        slot.hazard.store(t, std::memory_order_relaxed);
        LightBarrier();
        // The epoch first: while it has not moved, no handle was removed, so the registry still owns t and reading
        // its change bit is safe; a free from here on waits for the hazard.
        if (HandleEpoch().load(std::memory_order_acquire) == epoch && !t->layout_changing()) {
          t_ = t;
          slot_ = &slot;
          return;
        }
        slot.hazard.store(nullptr, std::memory_order_release);
      }
    }
    use_ = UseTensor(handle, what);
    t_ = &*use_;
  }
  // Release: the copy happens-before the free or attach that sees the slot empty.
  ~TensorAccess() {
    if (slot_ != nullptr) slot_->hazard.store(nullptr, std::memory_order_release);
  }
  TensorAccess(const TensorAccess&) = delete;
  TensorAccess& operator=(const TensorAccess&) = delete;

  nrt_tensor& operator*() const { return *t_; }
  nrt_tensor* operator->() const { return t_; }

 private:
  nrt_tensor* t_ = nullptr;
  ThreadSlot* slot_ = nullptr;  // set when the tensor is held by the hazard slot
  TensorUse use_;               // otherwise
};

}  // namespace nrtb
