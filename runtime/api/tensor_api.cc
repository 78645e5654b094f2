// Tensors and tensor sets (nrt.h). Synchronous transfers copy directly: as in SDK 2.30+, they do not
// go through the execution units and are not ordered with queued nrta_* work.
#include <cstring>
#include <vector>

#include "runtime/api/copy_fast_path.h"
#include "runtime/api/handles.h"
#include "runtime/api/tensor_access.h"
#include "runtime/api/validate_hooks.h"
#include "runtime/device/device_access.h"

using namespace nrtb;

namespace {

const char* NameOr(const char* name) { return name != nullptr ? name : "_unknown_"; }

nrt_tensor_t* Publish(TensorRef t) { return Tensors().Add(std::move(t)); }

}  // namespace

NRTB_EXPORT NRT_STATUS nrt_tensor_allocate(nrt_tensor_placement_t placement, int vnc, size_t size, const char* name,
                                           nrt_tensor_t** tensor) {
  return Guarded("nrt_tensor_allocate", [&] {
    Device& d = RequireDevice();
    RequireNonNull(tensor, "tensor");
    *tensor = Publish(d.AllocateTensor(placement, vnc, size, NameOr(name)));
    return NRT_SUCCESS;
  });
}

// Void: the status only decides the log line. After nrt_close the tensor is already released (NRT_CLOSED,
// silent); a stale or foreign handle logs one line and changes nothing.
NRTB_EXPORT void nrt_tensor_free(nrt_tensor_t** tensor) {
  const void* site = NRTB_CALL_SITE();
  Guarded("nrt_tensor_free", [&] {
    // nrt_close released the tensor already: the caller's pointer is cleared as a free would.
    if (CurrentState() == State::kClosed && tensor != nullptr) *tensor = nullptr;
    Session& session = RequireSession();
    if (tensor == nullptr || *tensor == nullptr) return NRT_SUCCESS;  // freeing NULL is a no-op, as free()
    TensorRef t = Tensors().Remove(*tensor);
    if (!t) ThrowInvalid("%p is not a live tensor handle (double free?)", static_cast<void*>(*tensor));
    t->MarkFreed();
    // A copy on another thread may hold the tensor by its hazard slot (tensor_access.h) rather than a reference:
    // the registry's reference, perhaps the last, is dropped only after it is done.
    WaitUntilNoSlotHolds(t.get());
    if (Validator* v = session.device().validator()) {
      v->OnRelease(Check::kTensorFreed, "nrt_tensor_free", site, t.get(), "tensor \"" + t->name() + "\"");
    }
    if (uint32_t n = t->in_flight()) {
      NRTB_WARN(
          "tensor \"%s\" freed while %u scheduled request(s) still use it; its memory is released when they complete",
          t->name().c_str(), n);
    }
    *tensor = nullptr;
    return NRT_SUCCESS;
  });
}

namespace {

// The general paths of nrt_tensor_read / nrt_tensor_write (everything TryFastCopy leaves), out of line so the
// public functions stay a small frame around the fast path and a tail call.
__attribute__((noinline)) NRT_STATUS ReadGeneral(const nrt_tensor_t* tensor, void* buf, size_t offset, size_t size,
                                                 const void* site) {
  return Guarded("nrt_tensor_read", [&] {
    Session& session = RequireSession();
    Device& d = session.device();
    TensorAccess t(session, tensor, "tensor");
    RequireNonNull(buf, "buf");
    CheckRange(*t, offset, size, "nrt_tensor_read");
    ValidateHostAccess(d, "nrt_tensor_read", site,
                       [&](RequestFootprint& r) { r.Read(*t, offset, size).WriteHost(buf, size); });
    TensorOpTrace trace(d.tracer(), t->lnc(), "read", t->name(), size);
    DeviceAccessScope device;
    std::memmove(buf, t->data() + offset, size);  // buf may alias the tensor (nrt_tensor_get_va)
    return NRT_SUCCESS;
  });
}

__attribute__((noinline)) NRT_STATUS WriteGeneral(nrt_tensor_t* tensor, const void* buf, size_t offset, size_t size,
                                                  const void* site) {
  return Guarded("nrt_tensor_write", [&] {
    Session& session = RequireSession();
    Device& d = session.device();
    TensorAccess t(session, tensor, "tensor");
    RequireNonNull(buf, "buf");
    CheckRange(*t, offset, size, "nrt_tensor_write");
    ValidateHostAccess(d, "nrt_tensor_write", site,
                       [&](RequestFootprint& r) { r.Write(*t, offset, size).ReadHost(buf, size); });
    TensorOpTrace trace(d.tracer(), t->lnc(), "write", t->name(), size);
    DeviceAccessScope device;
    std::memmove(t->data() + offset, buf, size);  // buf may alias the tensor (nrt_tensor_get_va)
    return NRT_SUCCESS;
  });
}

}  // namespace

NRTB_EXPORT NRT_STATUS nrt_tensor_read(const nrt_tensor_t* tensor, void* buf, size_t offset, size_t size) {
  if (TryFastCopy<false>(tensor, buf, offset, size)) return NRT_SUCCESS;
  return ReadGeneral(tensor, buf, offset, size, NRTB_CALL_SITE());
}

NRTB_EXPORT NRT_STATUS nrt_tensor_write(nrt_tensor_t* tensor, const void* buf, size_t offset, size_t size) {
  if (TryFastCopy<true>(tensor, const_cast<void*>(buf), offset, size)) return NRT_SUCCESS;
  return WriteGeneral(tensor, buf, offset, size, NRTB_CALL_SITE());
}

NRTB_EXPORT NRT_STATUS nrt_tensor_copy(const nrt_tensor_t* src, size_t src_offset, nrt_tensor_t* dst, size_t dst_offset,
                                       size_t size) {
  const void* site = NRTB_CALL_SITE();
  return Guarded("nrt_tensor_copy", [&] {
    Device& dev = RequireDevice();
    TensorUse s = UseTensor(src, "src");
    TensorUse d = UseTensor(dst, "dst");
    CheckRange(*s, src_offset, size, "nrt_tensor_copy source");
    CheckRange(*d, dst_offset, size, "nrt_tensor_copy destination");
    if (s->on_device() && d->on_device() && s->lnc() != d->lnc()) {
      ThrowInvalid("nrt_tensor_copy: tensors must be on the same logical core (source on %d, destination on %d)",
                   s->lnc(), d->lnc());
    }
    ValidateHostAccess(dev, "nrt_tensor_copy", site,
                       [&](RequestFootprint& r) { r.Read(*s, src_offset, size).Write(*d, dst_offset, size); });
    // Traced on the device side's core, named by the tensor written there (host to host is not traced).
    const nrt_tensor& on_core = d->on_device() ? *d : *s;
    TensorOpTrace trace(dev.tracer(), on_core.lnc(), "copy", on_core.name(), size);
    DeviceAccessScope device;
    std::memmove(d->data() + dst_offset, s->data() + src_offset, size);
    return NRT_SUCCESS;
  });
}

// 0 (and one log line) for anything but a live tensor, in any lifecycle state but kInit too.
NRTB_EXPORT size_t nrt_tensor_get_size(const nrt_tensor_t* tensor) {
  size_t size = 0;
  Guarded("nrt_tensor_get_size", [&] {
    RequireSession();
    size = UseTensor(tensor, "tensor")->size();
    return NRT_SUCCESS;
  });
  return size;
}

NRTB_EXPORT NRT_STATUS nrt_tensor_memset(nrt_tensor_t* tensor, uint64_t offset, int value, size_t size) {
  const void* site = NRTB_CALL_SITE();
  return Guarded("nrt_tensor_memset", [&] {
    Device& d = RequireDevice();
    TensorUse t = UseTensor(tensor, "tensor");
    CheckRange(*t, offset, size, "nrt_tensor_memset");
    ValidateHostAccess(d, "nrt_tensor_memset", site, [&](RequestFootprint& r) { r.Write(*t, offset, size); });
    TensorOpTrace trace(d.tracer(), t->lnc(), "memset", t->name(), size);
    DeviceAccessScope device;
    std::memset(t->data() + offset, value, size);
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_tensor_allocate_empty(const char* name, nrt_tensor_t** tensor) {
  return Guarded("nrt_tensor_allocate_empty", [&] {
    RequireDevice();
    RequireNonNull(tensor, "tensor");
    *tensor = Publish(MakeEmptyTensor(NameOr(name)));
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_tensor_attach_buffer(nrt_tensor_t* tensor, void* buffer, size_t size) {
  return Guarded("nrt_tensor_attach_buffer", [&] {
    RequireDevice();
    TensorRef t = GetTensor(tensor, "tensor");
    RequireNonNull(buffer, "buffer");
    if (size == 0) ThrowInvalid("tensor \"%s\": attached buffer size must be greater than 0", t->name().c_str());
    AttachBuffer(*t, buffer, size);
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_tensor_allocate_slice(const nrt_tensor_t* tensor_source, size_t offset, size_t size,
                                                 const char* name, nrt_tensor_t** tensor_slice) {
  return Guarded("nrt_tensor_allocate_slice", [&] {
    RequireDevice();
    TensorUse src = UseTensor(tensor_source, "tensor_source");
    RequireNonNull(tensor_slice, "tensor_slice");
    *tensor_slice = Publish(MakeSlice(*src, offset, size, NameOr(name)));
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT void* nrt_tensor_get_va(const nrt_tensor_t* tensor) {
  void* va = nullptr;
  Guarded("nrt_tensor_get_va", [&] {
    RequireSession();
    va = UseTensor(tensor, "tensor")->data();
    return NRT_SUCCESS;
  });
  return va;
}

namespace {

// Per call, as documented in nrt.h: far above any real use, and it bounds what the call reserves before it
// has looked at a single batch (a garbage count must be NRT_INVALID, not an allocation failure).
constexpr uint64_t kMaxBatches = uint64_t{1} << 20;

// Validates every range of every batch before copying any, so a bad batch changes nothing.
// `writes`: the batches write the tensors (else they read them); `site` is the public call's return address.
template <typename Copy>
NRT_STATUS RunBatches(const char* api, const void* site, bool writes, const nrt_tensor_batch_t* batches,
                      uint64_t num_batches, Copy copy) {
  return Guarded(api, [&] {
    Device& d = RequireDevice();
    if (num_batches > kMaxBatches) {
      ThrowInvalid("num_batches %llu is above the limit of %llu batches per call",
                   static_cast<unsigned long long>(num_batches), static_cast<unsigned long long>(kMaxBatches));
    }
    if (num_batches != 0) RequireNonNull(batches, "batches");
    std::vector<TensorUse> tensors;
    tensors.reserve(num_batches);
    for (uint64_t b = 0; b < num_batches; ++b) {
      tensors.push_back(UseTensor(batches[b].tensor, "batches[].tensor"));
      if (batches[b].num_ops != 0) RequireNonNull(batches[b].ops, "batches[].ops");
      for (uint32_t i = 0; i < batches[b].num_ops; ++i) {
        const nrt_tensor_batch_op_t& op = batches[b].ops[i];
        RequireNonNull(op.buffer, "batches[].ops[].buffer");
        CheckRange(*tensors.back(), op.offset, op.size, api);
      }
    }
    ValidateHostAccess(d, api, site, [&](RequestFootprint& r) {
      for (uint64_t b = 0; b < num_batches; ++b) {
        for (uint32_t i = 0; i < batches[b].num_ops; ++i) {
          const nrt_tensor_batch_op_t& op = batches[b].ops[i];
          if (writes) {
            r.Write(*tensors[b], op.offset, op.size).ReadHost(op.buffer, op.size);
          } else {
            r.Read(*tensors[b], op.offset, op.size).WriteHost(op.buffer, op.size);
          }
        }
      }
    });
    DeviceAccessScope device;
    for (uint64_t b = 0; b < num_batches; ++b) {
      for (uint32_t i = 0; i < batches[b].num_ops; ++i) copy(*tensors[b], batches[b].ops[i]);
    }
    return NRT_SUCCESS;
  });
}

}  // namespace

// `unsafe` only skips implicit-async fences, which this runtime (SDK 2.31+ behaviour) does not have.
NRTB_EXPORT NRT_STATUS nrt_tensor_read_batch(const nrt_tensor_batch_t* batches, uint64_t num_batches, bool unsafe) {
  return RunBatches(
      "nrt_tensor_read_batch", NRTB_CALL_SITE(), false, batches, num_batches,
      [](nrt_tensor& t, const nrt_tensor_batch_op_t& op) { std::memmove(op.buffer, t.data() + op.offset, op.size); });
}

NRTB_EXPORT NRT_STATUS nrt_tensor_write_batch(const nrt_tensor_batch_t* batches, uint64_t num_batches, bool unsafe) {
  return RunBatches(
      "nrt_tensor_write_batch", NRTB_CALL_SITE(), true, batches, num_batches,
      [](nrt_tensor& t, const nrt_tensor_batch_op_t& op) { std::memmove(t.data() + op.offset, op.buffer, op.size); });
}

NRTB_EXPORT NRT_STATUS nrt_tensor_get_device_allocation_info(const nrt_tensor_t* tensor,
                                                             nrt_tensor_device_allocation_info_t* alloc_info) {
  return Guarded("nrt_tensor_get_device_allocation_info", [&] {
    RequireDevice();
    TensorUse t = UseTensor(tensor, "tensor");
    RequireNonNull(alloc_info, "alloc_info");
    if (!t->on_device()) ThrowInvalid("tensor \"%s\" is not in device memory", t->name().c_str());
    // The simulated device's "physical" address is the host address of its memory.
    alloc_info->physical_address = reinterpret_cast<uint64_t>(t->data());
    alloc_info->size = t->size();
    alloc_info->hbm_index = t->lnc();  // each core's memory is its own HBM region (hbm_api.cc)
    return NRT_SUCCESS;
  });
}

// Gated on the lifecycle like every other call (the SDK does not check its state here, but its tensors do
// not survive nrt_close either): after nrt_close the tensor is gone, NRT_CLOSED.
NRTB_EXPORT NRT_STATUS nrt_tensor_check_output_completion(const nrt_tensor_t* output_tensor, int64_t timeout,
                                                          uint64_t expected_completion_count) {
  return Guarded("nrt_tensor_check_output_completion", [&] {
    RequireSession();
    TensorRef t = GetTensor(output_tensor, "output_tensor");
    // The wait may be unbounded: it must not hold nrt_close up. The tensor object stays valid (t owns it).
    ReleaseSession();
    return WaitOutputCompletion(*t, timeout, expected_completion_count);
  });
}

NRTB_EXPORT NRT_STATUS nrt_tensor_reset_output_completion(nrt_tensor_t* output_tensor) {
  return Guarded("nrt_tensor_reset_output_completion", [&] {
    RequireSession();
    TensorRef t = GetTensor(output_tensor, "output_tensor");
    t->ResetCompletions();
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_tensor_get_lnc_index(const nrt_tensor_t* tensor, int* lnc_idx) {
  return Guarded("nrt_tensor_get_lnc_index", [&] {
    RequireDevice();
    TensorUse t = UseTensor(tensor, "tensor");
    RequireNonNull(lnc_idx, "lnc_idx");
    *lnc_idx = t->lnc();
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_get_dmabuf_fd(uint64_t va, uint64_t size, int* fd) {
  return Guarded("nrt_get_dmabuf_fd", [&] {
    RequireDevice();
    ThrowStatus(NRT_FAILURE,
                "the simulated device has no dma-buf exporter (device memory is host memory; use nrt_tensor_get_va)");
    return NRT_FAILURE;
  });
}

NRTB_EXPORT NRT_STATUS nrt_get_vnc_memory_stats(uint32_t vnc, nrt_vnc_memory_stats_t* stats, size_t stats_size_in,
                                                size_t* stats_size_out) {
  return Guarded("nrt_get_vnc_memory_stats", [&] {
    Device& d = RequireDevice();
    RequireNonNull(stats, "stats");
    Lnc& l = RequireLnc(d, vnc, "vnc");
    nrt_vnc_memory_stats_t ours{};
    ours.bytes_used = l.pool()->used();
    ours.bytes_limit = l.pool()->limit();
    std::memcpy(stats, &ours, std::min(stats_size_in, sizeof ours));
    if (stats_size_out != nullptr) *stats_size_out = sizeof ours;
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_allocate_tensor_set(nrt_tensor_set_t** result) {
  return Guarded("nrt_allocate_tensor_set", [&] {
    RequireDevice();
    RequireNonNull(result, "result");
    *result = TensorSets().Add(std::make_shared<TensorSet>());
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT void nrt_destroy_tensor_set(nrt_tensor_set_t** tensor_set) {
  const void* site = NRTB_CALL_SITE();
  Guarded("nrt_destroy_tensor_set", [&] {
    if (CurrentState() == State::kClosed && tensor_set != nullptr) *tensor_set = nullptr;  // as nrt_tensor_free
    Session& session = RequireSession();
    if (tensor_set == nullptr || *tensor_set == nullptr) return NRT_SUCCESS;
    if (!TensorSets().Remove(*tensor_set)) {
      ThrowInvalid("%p is not a live tensor set (destroyed twice?)", static_cast<void*>(*tensor_set));
    }
    if (Validator* v = session.device().validator()) {
      char what[48];
      std::snprintf(what, sizeof what, "tensor set %p", static_cast<void*>(*tensor_set));
      v->OnRelease(Check::kTensorSetDestroyed, "nrt_destroy_tensor_set", site, *tensor_set, what);
    }
    *tensor_set = nullptr;
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_add_tensor_to_tensor_set(nrt_tensor_set_t* tensor_set, const char* tensor_name,
                                                    nrt_tensor_t* tensor) {
  return Guarded("nrt_add_tensor_to_tensor_set", [&] {
    RequireDevice();
    auto set = GetTensorSet(tensor_set, "tensor_set");
    RequireNonNull(tensor_name, "tensor_name");
    if (*tensor_name == '\0') ThrowInvalid("tensor_name is empty");
    set->Put(tensor_name, GetTensor(tensor, "tensor"));
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_get_tensor_from_tensor_set(nrt_tensor_set_t* tensor_set, const char* tensor_name,
                                                      nrt_tensor_t** tensor) {
  return Guarded("nrt_get_tensor_from_tensor_set", [&] {
    RequireDevice();
    auto set = GetTensorSet(tensor_set, "tensor_set");
    RequireNonNull(tensor_name, "tensor_name");
    RequireNonNull(tensor, "tensor");
    TensorRef t = set->Get(tensor_name);
    // Missing name: NRT_FAILURE and *tensor untouched, as documented for the SDK.
    nrt_tensor_t* handle = t ? Tensors().HandleOf(t.get()) : nullptr;
    if (handle == nullptr) ThrowStatus(NRT_FAILURE, "tensor set has no live tensor named \"%s\"", tensor_name);
    *tensor = handle;
    return NRT_SUCCESS;
  });
}
