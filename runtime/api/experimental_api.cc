// nrt_experimental.h calls that are not about models or tensors: legacy implicit-async hooks,
// pool-engine microcode, traces, single-process barrier / all-gather, raw device copies.
#include <cstring>

#include "nrt/nrt_experimental.h"
#include "runtime/api/exec_callback.h"
#include "runtime/api/handles.h"
#include "runtime/api/validate_hooks.h"
#include "runtime/collectives/cc_prepare.h"
#include "runtime/collectives/cc_work.h"

using namespace nrtb;

// Accepted in every state but a forked child: before nrt_init (legacy programs register first), while
// initialised and after nrt_close; it is process-wide and outlives a session. NULL restores the default (no
// callback). As SDK 2.31+: never called, because nrt_execute is synchronous; the shim calls it.
NRTB_EXPORT NRT_STATUS nrt_register_async_exec_callback(NRT_ASYNC_EXEC_STATUS_CALLBACK callback, void* params) {
  return Guarded("nrt_register_async_exec_callback", [&] {
    if (CurrentState() == State::kChild) RequireSession();  // fails with NRT_FAILURE
    SetExecCallback(ExecCallback{callback, callback != nullptr ? params : nullptr});
    if (callback == nullptr) {
      NRTB_INFO("async exec callback cleared (default restored)");
    } else {
      NRTB_INFO(
          "async exec callback registered; without the implicit-async shim nrt_execute is synchronous and it is never "
          "called");
    }
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_async_drain_queued_execs(int32_t vnc) {
  return Guarded("nrt_async_drain_queued_execs", [&] {
    RequireLnc(RequireDevice(), vnc, "vnc");
    return NRT_SUCCESS;  // nothing is ever queued implicitly
  });
}

NRTB_EXPORT NRT_STATUS nrt_set_pool_eng_ucode(const nrt_ucode_info* ucode_info) {
  return Guarded("nrt_set_pool_eng_ucode", [&] {
    // Not gated on the lifecycle: microcode is set before nrt_init, which would load it.
    if (CurrentState() == State::kChild) RequireSession();  // fails with NRT_FAILURE
    RequireNonNull(ucode_info, "ucode_info");
    ThrowStatus(NRT_FAILURE, "the simulated device has no pool engine to load microcode into");
    return NRT_FAILURE;
  });
}

NRTB_EXPORT NRT_STATUS nrt_trace_start(bool trace_mem) {
  return Guarded("nrt_trace_start", [&] {
    RequireDevice();
    ThrowStatus(NRT_FAILURE,
                "the device-side system trace does not exist on the simulated device; set NRT_SIM_TRACE=<file> "
                "before nrt_init for a Perfetto trace of every request");
    return NRT_FAILURE;
  });
}

NRTB_EXPORT NRT_STATUS nrt_trace_stop(const char* filename) {
  return Guarded("nrt_trace_stop", [&] {
    RequireDevice();
    ThrowStatus(NRT_FAILURE, "no device-side system trace is running (see NRT_SIM_TRACE)");
    return NRT_FAILURE;
  });
}

NRTB_EXPORT void* nrt_get_libnccl_net(int* err, char* err_msg, size_t err_msg_size) {
  static const char kMessage[] = "the simulated device has no libnccl-net (EFA) plugin";
  NRTB_ERROR("nrt_get_libnccl_net: %s", kMessage);
  if (err != nullptr) *err = 1;
  if (err_msg != nullptr && err_msg_size != 0) std::snprintf(err_msg, err_msg_size, "%s", kMessage);
  return nullptr;
}

// Both run as rank g_device_id of the world on its core's COLLECTIVES queue 0, in order with the
// collectives scheduled there, and wait for the result (runtime/collectives/).
NRTB_EXPORT NRT_STATUS nrt_barrier(int32_t vnc, uint32_t g_device_id, uint32_t g_device_count) {
  return Guarded("nrt_barrier", [&] {
    Session& s = RequireSession();
    Lnc& l = RequireLnc(s.device(), vnc, "vnc");
    s.cc_world().CheckWorld(g_device_id, g_device_count);
    ExecUnit* u = l.Unit(XuType::kCollectives, 0);
    if (u == nullptr) ThrowStatus(NRT_CLOSED, "runtime closed");
    return u->RunSync(MakeCollective(PrepareBarrier(l.index(), g_device_id, g_device_count), s.cc_world(), *u, 0,
                                     s.device().dma_timing()));
  });
}

NRTB_EXPORT NRT_STATUS nrt_all_gather(int32_t vnc, uint32_t g_device_id, uint32_t g_device_count,
                                      uint32_t rank_input_size, void* input, void* output) {
  const void* site = NRTB_CALL_SITE();
  return Guarded("nrt_all_gather", [&] {
    Session& s = RequireSession();
    Lnc& l = RequireLnc(s.device(), vnc, "vnc");
    RequireNonNull(input, "input");
    RequireNonNull(output, "output");
    s.cc_world().CheckWorld(g_device_id, g_device_count);
    ExecUnit* u = l.Unit(XuType::kCollectives, 0);
    if (u == nullptr) ThrowStatus(NRT_CLOSED, "runtime closed");
    auto plan = PrepareHostAllGather(l.index(), g_device_id, g_device_count, rank_input_size, input, output);
    // It reads input and writes output on the caller's behalf while the caller waits: a host access (behind the
    // collectives already scheduled on its queue). A barrier touches no memory: nothing to check.
    ValidateHostAccess(
        s.device(), "nrt_all_gather", site, [&](RequestFootprint& r) { DescribeCollective(r, *plan); }, u);
    return u->RunSync(MakeCollective(std::move(plan), s.cc_world(), *u, 0, s.device().dma_timing()));
  });
}

NRTB_EXPORT NRT_STATUS nrt_memcpy_to_device(void* dest, const void* src, size_t size) {
  return Guarded("nrt_memcpy_to_device", [&] {
    RequireDevice();
    RequireNonNull(dest, "dest");
    RequireNonNull(src, "src");
    // dest must lie inside one live device tensor: a stray pointer is refused, not written through.
    auto* d = static_cast<uint8_t*>(dest);
    auto inside = [&](const nrt_tensor& x) {
      return x.on_device() && x.storage() && d >= x.data() && size <= x.size() &&
             d - x.data() <= static_cast<ptrdiff_t>(x.size() - size);
    };
    TensorRef found = Tensors().Find([&](nrt_tensor& x) {
      auto lock = x.LockLayout();  // the layout may only be read in use or under its lock
      return inside(x);
    });
    // In use, the layout cannot change any more; it may have changed since the search, so check again.
    TensorUse t = found ? TensorUse(found) : TensorUse();
    if (!found || !inside(*t)) ThrowInvalid("dest %p .. +%zu is not inside a device tensor", dest, size);
    std::memmove(dest, src, size);  // src may be device memory too, overlapping dest
    return NRT_SUCCESS;
  });
}
