// What the shim knows about tensors and tensor sets while implicit mode is on, learned by interposing the
// public calls that create them (so it works on any libnrt):
//   - set membership (nrt_add_tensor_to_tensor_set), to find an execution's tensors for fences;
//   - host placement (nrt_tensor_allocate with HOST/VIRTUAL, nrt_tensor_allocate_empty, slices of those),
//     because async executions take device tensors only;
//   - uses by pending executions, so nrt_tensor_free / nrt_destroy_tensor_set under a pending execution
//     return at once and the release happens when the last such execution retires.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "nrt/nrt.h"

namespace nrt_shim {

class TensorRegistry {
 public:
  struct Member {
    std::string name;
    nrt_tensor_t* tensor;
  };
  // Releases that became due: the caller performs them with the real functions.
  struct Due {
    std::vector<nrt_tensor_t*> tensors;
    std::vector<nrt_tensor_set_t*> sets;
  };

  void AddToSet(nrt_tensor_set_t* set, const char* name, nrt_tensor_t* tensor);
  std::vector<Member> Members(const nrt_tensor_set_t* set) const;
  void MarkHost(nrt_tensor_t* tensor);
  bool IsHost(const nrt_tensor_t* tensor) const;

  // An execution scheduled with these tensors and sets: each occurrence counts as one use.
  void AddUses(const std::vector<nrt_tensor_t*>& tensors, const std::vector<nrt_tensor_set_t*>& sets);
  // It retired: drops its uses; returns the releases that were deferred and are now due (forgotten already).
  Due DropUses(const std::vector<nrt_tensor_t*>& tensors, const std::vector<nrt_tensor_set_t*>& sets);

  // nrt_tensor_free: true if a pending execution uses the tensor (the free is deferred to its retirement);
  // otherwise forgets the tensor and returns false (the caller frees it now).
  bool DeferOrForgetTensor(nrt_tensor_t* tensor);
  // nrt_destroy_tensor_set, likewise.
  bool DeferOrForgetSet(nrt_tensor_set_t* set);

  // True while a free (destroy) of the handle waits for a pending execution: to the program the handle is
  // already gone. One atomic load when no release is pending.
  bool TensorReleasePending(const nrt_tensor_t* tensor) const;
  bool SetReleasePending(const nrt_tensor_set_t* set) const;

  void Clear();

 private:
  struct Use {
    size_t count = 0;
    bool release_pending = false;
  };
  void ForgetTensorLocked(nrt_tensor_t* tensor);

  mutable std::mutex mu_;
  std::unordered_map<const void*, std::vector<Member>> sets_;
  std::unordered_set<const void*> host_;
  std::unordered_map<const void*, Use> tensor_uses_;
  std::unordered_map<const void*, Use> set_uses_;
  std::atomic<size_t> pending_releases_{0};
};

}  // namespace nrt_shim
