// The common case of nrt_tensor_read / nrt_tensor_write, inline and without Guarded: a live tensor this thread
// looked up before (its lookup cache, handle_registry.h), valid arguments, no tracer, no validator, not inside
// another API call. It costs ~100 instructions beside the copy; the general path (Guarded, ApiCall,
// RequireSession, TensorAccess) costs ~330, which at 4 KiB is most of the memcpy's own time.
//
// It gives the same guarantees with the same two per-thread words (thread_slots.h), stored together and ordered
// by one LightBarrier per word:
//   - the lifecycle pin (as TryPin): nrt_close, after storing a new state, waits until no slot is pinned;
//   - the hazard on the tensor (as TensorAccess): nrt_tensor_free waits until no slot holds it, and
//     nrt_tensor_attach_buffer, after setting the change bit, refuses while one does.
// Anything it cannot decide cheaply (cache miss, bad argument, a state other than kInit, a change under way, a
// trace sink or validator attached) makes it undo its stores and return false; the caller then runs the general
// path, which decides and logs as before. So it never logs and never fails: only the general path does.
#pragma once

#include <cstring>

#include "runtime/api/session.h"
#include "runtime/core/lifecycle.h"
#include "runtime/core/thread_slots.h"
#include "runtime/device/device_access.h"

namespace nrtb {

// kWrite: buf -> tensor, else tensor -> buf. True when the copy was done; false when nothing was (and no slot
// word is left set). Nothing in it throws or allocates: it runs outside Guarded.
template <bool kWrite>
__attribute__((always_inline)) inline bool TryFastCopy(const nrt_tensor_t* handle, void* buf, size_t offset,
                                                       size_t size) noexcept {
  ThreadSlot* slot = t_thread_slot;
  // No slot yet (first call on this thread), or already inside an API call (its pin or hazard is in use).
  if (__builtin_expect(slot == nullptr, 0) || slot->pinned.load(std::memory_order_relaxed) != 0 ||
      slot->hazard.load(std::memory_order_relaxed) != nullptr || buf == nullptr) {
    return false;
  }
  // Pinned in kInit: the session stays alive until the unpin (lifecycle.h). Not pinned: nothing is left set.
  if (__builtin_expect(!PinSlot(*slot), 0)) return false;
  Session& session = *CurrentSession();
  uint64_t epoch = 0;
  nrt_tensor* t = session.tensors().Peek(handle, &epoch);
  if (t != nullptr) {
    slot->hazard.store(t, std::memory_order_relaxed);
    LightBarrier();
    // The epoch first: while it has not moved, the registry still owns t (tensor_access.h).
    if (HandleEpoch().load(std::memory_order_acquire) == epoch && !t->layout_changing()) {
      Device& d = session.device();
      const size_t bytes = t->size();
      uint8_t* data = t->data();
      if (data != nullptr && offset <= bytes && size <= bytes - offset && !d.tracer().hub()->active() &&
          d.validator() == nullptr) {
        {
          DeviceAccessScope device;
          // memmove: buf may alias the tensor (nrt_tensor_get_va).
          if constexpr (kWrite) {
            std::memmove(data + offset, buf, size);
          } else {
            std::memmove(buf, data + offset, size);
          }
        }
        // Release: the copy happens-before the free, attach or close that sees the slot empty.
        slot->hazard.store(nullptr, std::memory_order_release);
        slot->pinned.store(0, std::memory_order_release);
        return true;
      }
    }
    slot->hazard.store(nullptr, std::memory_order_release);
  }
  slot->pinned.store(0, std::memory_order_release);
  return false;
}

}  // namespace nrtb
