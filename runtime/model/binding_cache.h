// The last binding of a model's tensor sets, so that scheduling the model again with unchanged sets skips the
// per-tensor work of binding (a lookup by name, the size / core / memory checks, copies of the sets' entries):
// most applications execute a model over and over with the same two sets.
//
// An entry is keyed by what the binding depended on: the two sets' versions (TensorSet::version(), new on every
// change to a set and unique in the process, so a destroyed set's key never comes back) and the tensor change
// epoch (TensorChangeEpoch(), moved on by every free and every attach_buffer). Read the key before binding: the
// stored binding may then be of a newer state than its key says, but a key is never read again once its state
// has changed, so such an entry is just never found. The entry holds the tensors weakly: it keeps no memory of
// a freed tensor alive.
//
// The stored binding can also be found by the sets' handles, without looking the sets up (two weak_ptr locks and
// releases, ≈ 190 instructions of an idle nrt_execute's ≈ 1800, bench/README.md, issue 11): the handles are never
// reused, so while no handle was removed (HandleEpoch, api layer) they still name the same sets, and while no set
// changed (TensorSetChangeEpoch) those sets still have the versions the binding was keyed by. Both epochs are read
// before the sets are looked up; a key with a stale epoch is then never found again, as above.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "runtime/core/yielding_spin_lock.h"
#include "runtime/device/tensor.h"

namespace nrtb {

class BindingCache {
 public:
  struct Key {
    uint64_t inputs = 0, outputs = 0, tensors = 0;
    bool operator==(const Key&) const = default;
  };
  // The sets' handles and the two epochs (read before the handles were looked up) under which they name the sets
  // of the binding.
  struct Handles {
    const void* inputs = nullptr;
    const void* outputs = nullptr;
    uint64_t handle_epoch = 0, set_epoch = 0;
    bool operator==(const Handles&) const = default;
  };

  // Uses of the tensors of the binding stored under `key` (inputs then outputs, in signature order), when the
  // last stored binding has that key and its tensors are all still alive; false (and `tensors` unspecified)
  // otherwise.
  // On a hit, `handles` (of the sets looked up for `key`) find the binding from now on (FindByHandles).
  bool Find(const Key& key, const Handles& handles, TensorUses& tensors) const;
  // As Find, for the binding last found or stored under `handles`, when its tensor epoch is `tensor_epoch`.
  bool FindByHandles(const Handles& handles, uint64_t tensor_epoch, TensorUses& tensors) const;
  // Replaces the stored binding (one per model: the common case is one pair of sets per model).
  void Store(const Key& key, const Handles& handles, const TensorUses& tensors);

 private:
  struct Entry {
    Key key;
    std::vector<std::weak_ptr<nrt_tensor>> tensors;
  };
  // Room reserved for the uses before the lock is taken (more are added under it).
  static constexpr size_t kTypicalTensors = 6;
  // Takes uses of `entry`'s tensors; the lock held.
  static bool UseAll(const Entry& entry, TensorUses& tensors);

  // Entries are immutable once stored. A spin lock, not a mutex: a lookup holds it while it takes a use of each
  // tensor, a store only to swap the pointer, and an uncontended pthread mutex cost ≈ 55 instructions (two locked
  // instructions and two calls) on every execution (bench/README.md, issue 11). std::atomic<std::shared_ptr> would
  // need no lock, but GCC 12's is invisible to TSan.
  mutable YieldingSpinLock lock_;
  std::shared_ptr<const Entry> last_;
  mutable Handles handles_;  // of last_; under the lock
};

}  // namespace nrtb
