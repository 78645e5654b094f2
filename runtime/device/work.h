// One request's work, as an execution unit runs it. Concrete kinds: tensor transfers
// (device/tensor_ops.h) and model executions (model/model.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <string_view>

#include "nrt/nrt_status.h"
#include "runtime/core/recycled_blocks.h"

namespace nrtb {

class Work {
 public:
  virtual ~Work() = default;
  // A work item is made on the submitting thread and destroyed on the unit's worker: its memory is a block
  // recycled per thread (core/recycled_blocks.h), not a global allocator call on each side.
  static void* operator new(std::size_t size) { return AllocateRecycled(size); }
  static void operator delete(void* p) noexcept { FreeRecycled(p); }
  // The blocks are 16-byte aligned: an over-aligned work item would not fit them.
  static void* operator new(std::size_t, std::align_val_t) = delete;
  // Does the real work (copy, compute) and returns the request's status.
  virtual NRT_STATUS Run() = 0;
  // Device time the timing model charges for this request (0 = none).
  virtual uint64_t SimulatedNs() const = 0;
  // Short label for traces and fault matching: the model name, or "write"/"read"/"copy".
  virtual const char* Label() const = 0;
  // The executed model's id for traces and profiles (0: not a model execution).
  virtual uint32_t ModelId() const { return 0; }
  // A tensor transfer's bytes and the device-side tensor's name, for its tensor_op trace event (0 / empty:
  // not a transfer). The name is valid until Finish.
  virtual uint64_t TransferBytes() const { return 0; }
  virtual std::string_view TransferTensor() const { return {}; }
  // Called once with the final status, before the completion is published (e.g. to bump output
  // completion counters). Runs even when the request was failed without running.
  virtual void Finish(NRT_STATUS status) {}
};

}  // namespace nrtb
