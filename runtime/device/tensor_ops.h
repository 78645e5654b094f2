// Tensor transfers as execution-unit work (nrta_tensor_write/read/copy). The request keeps its
// tensors alive until it completes; host buffers belong to the application until then.
#pragma once

#include <cstdint>
#include <memory>

#include "runtime/device/tensor.h"
#include "runtime/device/timing_model.h"
#include "runtime/device/work.h"

namespace nrtb {

std::unique_ptr<Work> MakeTensorWrite(TensorRef dst, uint64_t offset, const void* src, uint64_t size,
                                      const DmaTiming& t);
std::unique_ptr<Work> MakeTensorRead(void* dst, TensorRef src, uint64_t offset, uint64_t size, const DmaTiming& t);
std::unique_ptr<Work> MakeTensorCopy(TensorRef src, uint64_t src_offset, TensorRef dst, uint64_t dst_offset,
                                     uint64_t size, const DmaTiming& t);

}  // namespace nrtb
