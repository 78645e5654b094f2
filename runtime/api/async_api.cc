// The explicit async API (nrt_async.h): schedule calls, completion queries, eventfd registration,
// and the nrt-bridge extensions (error trackers, completion handles).
#include <fcntl.h>

#include "runtime/api/handles.h"
#include "runtime/api/validate_hooks.h"
#include "runtime/device/completion_handle.h"

using namespace nrtb;

namespace {

XuType RequireXuType(int xu) {
  if (xu < 0 || xu >= static_cast<int>(kXuTypeCount))
    ThrowInvalid("invalid XU type %d (expected 0-%u)", xu, kXuTypeCount - 1);
  return static_cast<XuType>(xu);
}

void RequireQueue(XuType type, int queue) {
  uint32_t n = kQueuesPerXu[static_cast<uint32_t>(type)];
  if (queue < 0 || static_cast<uint32_t>(queue) >= n) {
    ThrowInvalid("invalid queue %d for the %s XU: it has %u queue(s)", queue, XuTypeName(type), n);
  }
}

ExecUnit& RequireUnit(Device& d, int64_t lnc, XuType type, int queue) {
  Lnc& l = RequireLnc(d, lnc, "lnc_idx");
  RequireQueue(type, queue);
  ExecUnit* u = l.Unit(type, static_cast<uint32_t>(queue));
  if (u == nullptr) ThrowStatus(NRT_CLOSED, "runtime closed");
  return *u;
}

// A device tensor can only be reached by its own core's DMA engines.
void RequireOnCore(const nrt_tensor& t, int lnc_idx, const char* what) {
  if (t.on_device() && t.lnc() != lnc_idx) {
    ThrowInvalid("%s \"%s\" lives on logical core %d, the request names core %d", what, t.name().c_str(), t.lnc(),
                 lnc_idx);
  }
}

NRT_STATUS Schedule(ExecUnit& unit, std::unique_ptr<Work> work, NRT_STATUS* ret, nrta_seq_t* req_sequence) {
  NRT_STATUS s = unit.Submit(work, ret, req_sequence);
  if (s == NRT_EXEC_UNIT_UNRECOVERABLE) NRTB_DEBUG("unit is unrecoverable: %s", unit.fatal_cause().c_str());
  return s;
}

// The unit a previously returned sequence id belongs to, with its number validated: n must have
// been handed out (0 = "before the first request", which is always complete).
struct SeqRef {
  ExecUnit* unit;  // null only when n == 0 and the unit was never used
  uint64_t n;
};
SeqRef ResolveSeq(Device& d, nrta_seq_t seq) {
  uint16_t id = SeqXuId(seq);
  uint32_t type = XuIdType(id), queue = XuIdQueue(id), lnc = XuIdLnc(id);
  if (!IsValidUnit(type, queue) || d.lnc(lnc) == nullptr) {
    ThrowInvalid("sequence id 0x%016llx names no execution unit (core %u, XU type %u, queue %u)",
                 static_cast<unsigned long long>(seq), lnc, type, queue);
  }
  uint64_t n = SeqNum(seq);
  ExecUnit* unit = d.UnitForSeq(seq);
  uint64_t submitted = unit != nullptr ? unit->submitted() : 0;
  if (n > submitted) {
    ThrowInvalid("sequence id 0x%016llx was never issued (last issued on that unit: %llu)",
                 static_cast<unsigned long long>(seq), static_cast<unsigned long long>(submitted));
  }
  return {unit, n};
}

void RequireOpenFd(int fd) {
  if (fcntl(fd, F_GETFD) == -1) ThrowInvalid("fd %d is not an open file descriptor", fd);
}

// The checks nrta_tensor_write and nrta_tensor_read share: a live tensor, a host buffer, the
// status and sequence outputs, the range, the tensor-op unit, and a device tensor on that core.
struct Transfer {
  Device& device;
  TensorUse tensor;
  ExecUnit& unit;
};
Transfer CheckTransfer(const char* api, const nrt_tensor_t* tensor, const void* buf, uint64_t offset, uint64_t size,
                       int lnc_idx, int queue, NRT_STATUS* ret, nrta_seq_t* req_sequence) {
  Device& d = RequireDevice();
  TensorUse t = UseTensor(tensor, "tensor");
  RequireNonNull(buf, "buf");
  RequireNonNull(ret, "ret");
  RequireNonNull(req_sequence, "req_sequence");
  CheckRange(*t, offset, size, api);
  ExecUnit& unit = RequireUnit(d, lnc_idx, XuType::kTensorOp, queue);
  RequireOnCore(*t, lnc_idx, "tensor");
  return {d, std::move(t), unit};
}

}  // namespace

NRTB_EXPORT NRT_STATUS nrta_tensor_write(nrt_tensor_t* tensor, const void* buf, uint64_t offset, uint64_t size,
                                         int lnc_idx, int queue, NRT_STATUS* ret, nrta_seq_t* req_sequence) {
  const void* site = NRTB_CALL_SITE();
  return Guarded("nrta_tensor_write", [&] {
    Transfer x = CheckTransfer("nrta_tensor_write", tensor, buf, offset, size, lnc_idx, queue, ret, req_sequence);
    return ValidatedSchedule(
        x.device, "nrta_tensor_write", site, x.unit, ret, req_sequence,
        [&](RequestFootprint& r) { r.Write(*x.tensor, offset, size).ReadHost(buf, size); },
        [&] {
          return Schedule(x.unit, MakeTensorWrite(std::move(x.tensor), offset, buf, size, x.device.dma_timing()), ret,
                          req_sequence);
        });
  });
}

NRTB_EXPORT NRT_STATUS nrta_tensor_read(void* buf, nrt_tensor_t* tensor, uint64_t offset, uint64_t size, int lnc_idx,
                                        int queue, NRT_STATUS* ret, nrta_seq_t* req_sequence) {
  const void* site = NRTB_CALL_SITE();
  return Guarded("nrta_tensor_read", [&] {
    Transfer x = CheckTransfer("nrta_tensor_read", tensor, buf, offset, size, lnc_idx, queue, ret, req_sequence);
    return ValidatedSchedule(
        x.device, "nrta_tensor_read", site, x.unit, ret, req_sequence,
        [&](RequestFootprint& r) { r.Read(*x.tensor, offset, size).WriteHost(buf, size); },
        [&] {
          return Schedule(x.unit, MakeTensorRead(buf, std::move(x.tensor), offset, size, x.device.dma_timing()), ret,
                          req_sequence);
        });
  });
}

NRTB_EXPORT NRT_STATUS nrta_tensor_copy(nrt_tensor_t* src, uint64_t src_offset, nrt_tensor_t* dst, uint64_t dst_offset,
                                        uint64_t size, int lnc_idx, int queue, NRT_STATUS* ret,
                                        nrta_seq_t* req_sequence) {
  const void* site = NRTB_CALL_SITE();
  return Guarded("nrta_tensor_copy", [&] {
    Device& d = RequireDevice();
    TensorUse s = UseTensor(src, "src");
    TensorUse t = UseTensor(dst, "dst");
    RequireNonNull(ret, "ret");
    RequireNonNull(req_sequence, "req_sequence");
    CheckRange(*s, src_offset, size, "nrta_tensor_copy source");
    CheckRange(*t, dst_offset, size, "nrta_tensor_copy destination");
    ExecUnit& unit = RequireUnit(d, lnc_idx, XuType::kTensorOp, queue);
    RequireOnCore(*s, lnc_idx, "src");
    RequireOnCore(*t, lnc_idx, "dst");
    return ValidatedSchedule(
        d, "nrta_tensor_copy", site, unit, ret, req_sequence,
        [&](RequestFootprint& r) { r.Read(*s, src_offset, size).Write(*t, dst_offset, size); },
        [&] {
          return Schedule(unit,
                          MakeTensorCopy(std::move(s), src_offset, std::move(t), dst_offset, size, d.dma_timing()), ret,
                          req_sequence);
        });
  });
}

NRTB_EXPORT NRT_STATUS nrta_execute_schedule(nrt_model_t* model, const nrt_tensor_set_t* input,
                                             nrt_tensor_set_t* output, int queue, NRT_STATUS* ret,
                                             nrta_seq_t* req_sequence) {
  const void* site = NRTB_CALL_SITE();
  return Guarded("nrta_execute_schedule", [&] {
    Device& d = RequireDevice();
    ModelRef m = GetModel(model, "model");
    RequireNonNull(ret, "ret");
    RequireNonNull(req_sequence, "req_sequence");
    ExecUnit& unit = RequireUnit(d, m->lnc(), XuType::kCompute, queue);
    // The sets are bound now: later changes to them, or destroying them, do not affect this request.
    BoundSets bound = BindSetHandles(*m, input, "input", output, "output");
    return ValidatedSchedule(
        d, "nrta_execute_schedule", site, unit, ret, req_sequence,
        [&](RequestFootprint& r) { DescribeExecution(r, m.get(), input, output, bound); },
        [&] {
          return Schedule(
              unit, MakeExecution("nrta_execute_schedule", std::move(m), std::move(bound.tensors), bound.n_inputs), ret,
              req_sequence);
        });
  });
}

NRTB_EXPORT NRT_STATUS nrta_get_sequence(uint32_t lnc_idx, nrta_xu_t xu_type, int queue, nrta_seq_t* seq) {
  return Guarded("nrta_get_sequence", [&] {
    Device& d = RequireDevice();
    RequireNonNull(seq, "seq");
    Lnc& l = RequireLnc(d, lnc_idx, "lnc_idx");
    XuType type = RequireXuType(xu_type);
    RequireQueue(type, queue);
    ExecUnit* u = l.ExistingUnit(type, static_cast<uint32_t>(queue));
    // The unit's id is set even when nothing has completed, so `completed >= submitted` comparisons work.
    *seq = MakeSeq(MakeXuId(lnc_idx, type, static_cast<uint32_t>(queue)), u != nullptr ? u->completed() : 0);
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrta_is_completed(nrta_seq_t seq, bool* is_completed) {
  return Guarded("nrta_is_completed", [&] {
    Device& d = RequireDevice();
    RequireNonNull(is_completed, "is_completed");
    SeqRef r = ResolveSeq(d, seq);
    *is_completed = r.n == 0 || r.unit->completed() >= r.n;
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrta_event_register_seq_id_completion(nrta_seq_t seq, int fd) {
  const void* site = NRTB_CALL_SITE();
  return Guarded("nrta_event_register_seq_id_completion", [&] {
    Device& d = RequireDevice();
    SeqRef r = ResolveSeq(d, seq);
    if (r.n == 0)
      ThrowInvalid("sequence id 0x%016llx has number 0, which no request has", static_cast<unsigned long long>(seq));
    if (fd >= 0) RequireOpenFd(fd);
    if (Validator* v = d.validator(); v != nullptr && fd < 0) {
      v->OnEventFdRemoved("nrta_event_register_seq_id_completion", site, *r.unit, r.n);
    } else if (v != nullptr) {
      v->OnEventFdRegistered("nrta_event_register_seq_id_completion", site, *r.unit, r.n, fd);
    }
    r.unit->RegisterSeqFd(r.n, fd, false);
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrta_event_register_xu_completion(int lnc, nrta_xu_t xu, int queue, int fd) {
  const void* site = NRTB_CALL_SITE();
  return Guarded("nrta_event_register_xu_completion", [&] {
    Device& d = RequireDevice();
    ExecUnit& unit = RequireUnit(d, lnc, RequireXuType(xu), queue);
    if (fd >= 0) RequireOpenFd(fd);
    if (Validator* v = d.validator(); v != nullptr && fd < 0) {
      v->OnEventFdRemoved("nrta_event_register_xu_completion", site, unit, 0);
    } else if (v != nullptr) {
      v->OnEventFdRegistered("nrta_event_register_xu_completion", site, unit, 0, fd);
    }
    unit.SetUnitFd(fd);
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrta_get_completion_handle(nrta_seq_t seq, int* fd) {
  return Guarded("nrta_get_completion_handle", [&] {
    Device& d = RequireDevice();
    RequireNonNull(fd, "fd");
    SeqRef r = ResolveSeq(d, seq);
    if (r.n == 0)
      ThrowInvalid("sequence id 0x%016llx has number 0, which no request has", static_cast<unsigned long long>(seq));
    *fd = NewCompletionHandle(*r.unit, r.n);
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrta_error_tracker_create(uint32_t lnc_idx, nrta_error_tracker_t** error_tracker) {
  return Guarded("nrta_error_tracker_create", [&] {
    Device& d = RequireDevice();
    RequireNonNull(error_tracker, "error_tracker");
    Lnc& l = RequireLnc(d, lnc_idx, "lnc_idx");
    auto tracker = std::make_shared<ErrorTracker>(lnc_idx);
    l.errors().Attach(tracker);
    *error_tracker = reinterpret_cast<nrta_error_tracker_t*>(Trackers().Add(std::move(tracker)));
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT void nrta_error_tracker_destroy(nrta_error_tracker_t* error_tracker) {
  Guarded("nrta_error_tracker_destroy", [&] {
    Device& d = RequireDevice();
    if (error_tracker == nullptr) return NRT_SUCCESS;
    auto tracker = Trackers().Remove(error_tracker);
    if (!tracker) ThrowInvalid("%p is not a live error tracker (destroyed twice?)", static_cast<void*>(error_tracker));
    if (Lnc* l = d.lnc(tracker->lnc())) l->errors().Detach(tracker.get());
    return NRT_SUCCESS;
  });
}

static_assert(sizeof(ErrorRecord) == sizeof(nrta_error_t) &&
                  offsetof(nrta_error_t, seq_id) == offsetof(ErrorRecord, seq) &&
                  offsetof(nrta_error_t, error_code) == offsetof(ErrorRecord, error_code),
              "ErrorRecord must have nrta_error_t's layout");

NRTB_EXPORT NRT_STATUS nrta_error_tracker_get_list(nrta_error_tracker_t* error_tracker, const nrta_error_t** list,
                                                   size_t* error_count) {
  return Guarded("nrta_error_tracker_get_list", [&] {
    RequireDevice();
    RequireNonNull(error_tracker, "error_tracker");
    RequireNonNull(list, "list");
    RequireNonNull(error_count, "error_count");
    auto tracker = Trackers().Get(error_tracker);
    if (!tracker) ThrowInvalid("error_tracker (%p) is not a live error tracker", static_cast<void*>(error_tracker));
    const auto& errors = tracker->Take();
    *error_count = errors.size();
    *list = errors.empty() ? nullptr : reinterpret_cast<const nrta_error_t*>(errors.data());
    return NRT_SUCCESS;
  });
}
