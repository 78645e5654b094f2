// Tensor transfers as execution-unit work (nrta_tensor_write/read/copy). The request takes over the caller's
// TensorUse of each tensor (the one its checks ran under, so no second count is taken on the schedule path) and
// keeps it until it finishes; host buffers belong to the application until then.
#pragma once

#include <cstdint>
#include <memory>

#include "runtime/device/tensor.h"
#include "runtime/device/timing_model.h"
#include "runtime/device/work.h"

namespace nrtb {

std::unique_ptr<Work> MakeTensorWrite(TensorUse dst, uint64_t offset, const void* src, uint64_t size,
                                      const DmaTiming& t);
std::unique_ptr<Work> MakeTensorRead(void* dst, TensorUse src, uint64_t offset, uint64_t size, const DmaTiming& t);
std::unique_ptr<Work> MakeTensorCopy(TensorUse src, uint64_t src_offset, TensorUse dst, uint64_t dst_offset,
                                     uint64_t size, const DmaTiming& t);

}  // namespace nrtb
