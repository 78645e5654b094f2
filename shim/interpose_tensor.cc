// Interposed tensor calls: allocation (placement tracking), host I/O (fences), free (deferred release) and the
// output-completion counters.
#include "call_real.h"
#include "export.h"
#include "nrt/nrt.h"
#include "shim_state.h"
#include "trace.h"

using namespace nrt_shim;

NRT_SHIM_EXPORT NRT_STATUS nrt_tensor_allocate(nrt_tensor_placement_t tensor_placement, int vnc, size_t size,
                                               const char* name, nrt_tensor_t** tensor) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_tensor_allocate, tensor_placement, vnc, size, name, tensor);
  TraceScope trace("nrt_tensor_allocate");
  NRT_STATUS s = Guarded("nrt_tensor_allocate", [&] {
    NRT_STATUS r = NRT_SHIM_REAL(nrt_tensor_allocate, tensor_placement, vnc, size, name, tensor);
    if (r == NRT_SUCCESS) Shim::Get().OnAllocated(*tensor, tensor_placement != NRT_TENSOR_PLACEMENT_DEVICE);
    return r;
  });
  trace.End(s, "placement=%d vnc=%d size=%zu name=\"%s\" tensor=%p", static_cast<int>(tensor_placement), vnc, size,
            name != nullptr ? name : "(null)",
            tensor != nullptr && s == NRT_SUCCESS ? static_cast<void*>(*tensor) : nullptr);
  return s;
}

NRT_SHIM_EXPORT NRT_STATUS nrt_tensor_allocate_empty(const char* name, nrt_tensor_t** tensor) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_tensor_allocate_empty, name, tensor);
  TraceScope trace("nrt_tensor_allocate_empty");
  NRT_STATUS s = Guarded("nrt_tensor_allocate_empty", [&] {
    NRT_STATUS r = NRT_SHIM_REAL(nrt_tensor_allocate_empty, name, tensor);
    // Its storage will be a host buffer (nrt_tensor_attach_buffer): not usable by an async execution.
    if (r == NRT_SUCCESS) Shim::Get().OnAllocated(*tensor, /*host=*/true);
    return r;
  });
  trace.End(s, "name=\"%s\" tensor=%p", name != nullptr ? name : "(null)",
            tensor != nullptr && s == NRT_SUCCESS ? static_cast<void*>(*tensor) : nullptr);
  return s;
}

NRT_SHIM_EXPORT NRT_STATUS nrt_tensor_allocate_slice(const nrt_tensor_t* tensor_source, size_t offset, size_t size,
                                                     const char* name, nrt_tensor_t** tensor_slice) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_tensor_allocate_slice, tensor_source, offset, size, name, tensor_slice);
  TraceScope trace("nrt_tensor_allocate_slice");
  NRT_STATUS s = Guarded("nrt_tensor_allocate_slice", [&] {
    if (Shim::Get().RejectFreed(tensor_source, "nrt_tensor_allocate_slice")) return NRT_INVALID;
    NRT_STATUS r = NRT_SHIM_REAL(nrt_tensor_allocate_slice, tensor_source, offset, size, name, tensor_slice);
    if (r == NRT_SUCCESS) Shim::Get().OnSlice(tensor_source, *tensor_slice);
    return r;
  });
  trace.End(s, "tensor_source=%p offset=%zu size=%zu name=\"%s\"", static_cast<const void*>(tensor_source), offset,
            size, name != nullptr ? name : "(null)");
  return s;
}

NRT_SHIM_EXPORT void nrt_tensor_free(nrt_tensor_t** tensor) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_tensor_free, tensor);
  TraceScope trace("nrt_tensor_free");
  const void* before = tensor != nullptr ? static_cast<void*>(*tensor) : nullptr;
  GuardedVoid("nrt_tensor_free", [&] { Shim::Get().Free(tensor); });
  trace.EndVoid("tensor=%p", before);
}

NRT_SHIM_EXPORT NRT_STATUS nrt_tensor_read(const nrt_tensor_t* tensor, void* buf, size_t offset, size_t size) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_tensor_read, tensor, buf, offset, size);
  TraceScope trace("nrt_tensor_read");
  NRT_STATUS s = Guarded("nrt_tensor_read", [&] {
    if (Shim::Get().RejectFreed(tensor, "nrt_tensor_read")) return NRT_INVALID;
    Shim::Get().FenceRead(tensor, offset, size);
    return NRT_SHIM_REAL(nrt_tensor_read, tensor, buf, offset, size);
  });
  trace.End(s, "tensor=%p buf=%p offset=%zu size=%zu", static_cast<const void*>(tensor), buf, offset, size);
  return s;
}

NRT_SHIM_EXPORT NRT_STATUS nrt_tensor_write(nrt_tensor_t* tensor, const void* buf, size_t offset, size_t size) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_tensor_write, tensor, buf, offset, size);
  TraceScope trace("nrt_tensor_write");
  NRT_STATUS s = Guarded("nrt_tensor_write", [&] {
    if (Shim::Get().RejectFreed(tensor, "nrt_tensor_write")) return NRT_INVALID;
    Shim::Get().FenceWrite(tensor, offset, size);
    return NRT_SHIM_REAL(nrt_tensor_write, tensor, buf, offset, size);
  });
  trace.End(s, "tensor=%p buf=%p offset=%zu size=%zu", static_cast<void*>(tensor), buf, offset, size);
  return s;
}

NRT_SHIM_EXPORT NRT_STATUS nrt_tensor_copy(const nrt_tensor_t* src, size_t src_offset, nrt_tensor_t* dst,
                                           size_t dst_offset, size_t size) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_tensor_copy, src, src_offset, dst, dst_offset, size);
  TraceScope trace("nrt_tensor_copy");
  NRT_STATUS s = Guarded("nrt_tensor_copy", [&] {
    if (Shim::Get().RejectFreed(src, "nrt_tensor_copy") || Shim::Get().RejectFreed(dst, "nrt_tensor_copy")) {
      return NRT_INVALID;
    }
    Shim::Get().FenceRead(src, src_offset, size);
    Shim::Get().FenceWrite(dst, dst_offset, size);
    return NRT_SHIM_REAL(nrt_tensor_copy, src, src_offset, dst, dst_offset, size);
  });
  trace.End(s, "src=%p src_offset=%zu dst=%p dst_offset=%zu size=%zu", static_cast<const void*>(src), src_offset,
            static_cast<void*>(dst), dst_offset, size);
  return s;
}

NRT_SHIM_EXPORT NRT_STATUS nrt_tensor_memset(nrt_tensor_t* tensor, uint64_t offset, int value, size_t size) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_tensor_memset, tensor, offset, value, size);
  TraceScope trace("nrt_tensor_memset");
  NRT_STATUS s = Guarded("nrt_tensor_memset", [&] {
    if (Shim::Get().RejectFreed(tensor, "nrt_tensor_memset")) return NRT_INVALID;
    Shim::Get().FenceWrite(tensor, offset, size);
    return NRT_SHIM_REAL(nrt_tensor_memset, tensor, offset, value, size);
  });
  trace.End(s, "tensor=%p offset=%llu value=%d size=%zu", static_cast<void*>(tensor),
            static_cast<unsigned long long>(offset), value, size);
  return s;
}

NRT_SHIM_EXPORT NRT_STATUS nrt_tensor_read_batch(const nrt_tensor_batch_t* batches, uint64_t num_batches, bool unsafe) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_tensor_read_batch, batches, num_batches, unsafe);
  TraceScope trace("nrt_tensor_read_batch");
  NRT_STATUS s = Guarded("nrt_tensor_read_batch", [&] {
    if (!unsafe) Shim::Get().FenceBatch(batches, num_batches, /*write=*/false);
    return NRT_SHIM_REAL(nrt_tensor_read_batch, batches, num_batches, unsafe);
  });
  trace.End(s, "batches=%p num_batches=%llu unsafe=%d", static_cast<const void*>(batches),
            static_cast<unsigned long long>(num_batches), unsafe ? 1 : 0);
  return s;
}

NRT_SHIM_EXPORT NRT_STATUS nrt_tensor_write_batch(const nrt_tensor_batch_t* batches, uint64_t num_batches,
                                                  bool unsafe) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_tensor_write_batch, batches, num_batches, unsafe);
  TraceScope trace("nrt_tensor_write_batch");
  NRT_STATUS s = Guarded("nrt_tensor_write_batch", [&] {
    if (!unsafe) Shim::Get().FenceBatch(batches, num_batches, /*write=*/true);
    return NRT_SHIM_REAL(nrt_tensor_write_batch, batches, num_batches, unsafe);
  });
  trace.End(s, "batches=%p num_batches=%llu unsafe=%d", static_cast<const void*>(batches),
            static_cast<unsigned long long>(num_batches), unsafe ? 1 : 0);
  return s;
}

NRT_SHIM_EXPORT NRT_STATUS nrt_tensor_check_output_completion(const nrt_tensor_t* output_tensor, int64_t timeout,
                                                              uint64_t expected_completion_count) {
  if (Passthrough()) {
    return NRT_SHIM_REAL(nrt_tensor_check_output_completion, output_tensor, timeout, expected_completion_count);
  }
  TraceScope trace("nrt_tensor_check_output_completion");
  NRT_STATUS s = Guarded("nrt_tensor_check_output_completion", [&] {
    return Shim::Get().CheckOutputCompletion(output_tensor, timeout, expected_completion_count);
  });
  trace.End(s, "output_tensor=%p timeout=%lld expected_completion_count=%llu", static_cast<const void*>(output_tensor),
            static_cast<long long>(timeout), static_cast<unsigned long long>(expected_completion_count));
  return s;
}

NRT_SHIM_EXPORT NRT_STATUS nrt_tensor_reset_output_completion(nrt_tensor_t* output_tensor) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_tensor_reset_output_completion, output_tensor);
  TraceScope trace("nrt_tensor_reset_output_completion");
  NRT_STATUS s =
      Guarded("nrt_tensor_reset_output_completion", [&] { return Shim::Get().ResetOutputCompletion(output_tensor); });
  trace.End(s, "output_tensor=%p", static_cast<void*>(output_tensor));
  return s;
}
