// Interposed: nrt_init, nrt_close, nrt_load, nrt_load_collectives, nrt_unload, nrt_register_async_exec_callback,
// nrt_async_drain_queued_execs; and the shim's constructor.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "call_real.h"
#include "config.h"
#include "export.h"
#include "nrt/nrt.h"
#include "nrt/nrt_experimental.h"
#include "shim_state.h"
#include "trace.h"

using namespace nrt_shim;

namespace {

// NRT_IMPLICIT_ASYNC_HANDSHAKE_FD: the launcher's proof that the preload really loaded (glibc silently skips a
// preload it cannot load). One byte '1', then the fd is closed and the variable removed, so the program and its
// children never see either.
void Handshake() {
  const char* value = std::getenv(kHandshakeVar);
  if (value == nullptr) return;
  char* end = nullptr;
  errno = 0;
  long fd = std::strtol(value, &end, 10);
  if (*value == '\0' || *end != '\0' || errno != 0 || fd < 0 || fd > 1 << 20 ||
      fcntl(static_cast<int>(fd), F_GETFD) < 0) {
    LogLine("constructor", "%s=\"%s\" is not an open file descriptor: no handshake sent", kHandshakeVar, value);
  } else {
    const char one = '1';
    while (write(static_cast<int>(fd), &one, 1) < 0 && errno == EINTR) {
    }
    close(static_cast<int>(fd));
  }
  unsetenv(kHandshakeVar);
}

__attribute__((constructor)) void ShimConstructor() {
  Shim::Initialize();
  Handshake();
}

}  // namespace

NRT_SHIM_EXPORT NRT_STATUS nrt_init(nrt_framework_type_t framework, const char* fw_version, const char* fal_version) {
  // Always through the shim: the variable is read (and hidden from the runtime) here.
  Shim::RefreshTraceFlag();
  TraceScope trace("nrt_init");
  NRT_STATUS s = Guarded("nrt_init", [&] { return Shim::Get().Init(framework, fw_version, fal_version); });
  trace.End(s, "framework=%d fw_version=\"%s\" fal_version=\"%s\"", static_cast<int>(framework),
            fw_version != nullptr ? fw_version : "(null)", fal_version != nullptr ? fal_version : "(null)");
  return s;
}

NRT_SHIM_EXPORT void nrt_close(void) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_close);
  TraceScope trace("nrt_close");
  GuardedVoid("nrt_close", [&] { Shim::Get().Close(); });
  trace.EndVoid("%s", "");
}

NRT_SHIM_EXPORT NRT_STATUS nrt_load(const void* neff_bytes, size_t size, int32_t vnc, int32_t vnc_count,
                                    nrt_model_t** model) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_load, neff_bytes, size, vnc, vnc_count, model);
  TraceScope trace("nrt_load");
  NRT_STATUS s = Guarded("nrt_load", [&] {
    NRT_STATUS r = NRT_SHIM_REAL(nrt_load, neff_bytes, size, vnc, vnc_count, model);
    if (r == NRT_SUCCESS) Shim::Get().OnLoaded(*model, vnc);
    return r;
  });
  trace.End(s, "neff_bytes=%p size=%zu vnc=%d vnc_count=%d model=%p", neff_bytes, size, vnc, vnc_count,
            model != nullptr && s == NRT_SUCCESS ? static_cast<void*>(*model) : nullptr);
  return s;
}

NRT_SHIM_EXPORT NRT_STATUS nrt_load_collectives(const void* neff_bytes, size_t size, int32_t vnc, int32_t vnc_count,
                                                uint32_t ctx_device_id, uint32_t ctx_device_count,
                                                nrt_model_t** model) {
  if (Passthrough()) {
    return NRT_SHIM_REAL(nrt_load_collectives, neff_bytes, size, vnc, vnc_count, ctx_device_id, ctx_device_count,
                         model);
  }
  TraceScope trace("nrt_load_collectives");
  NRT_STATUS s = Guarded("nrt_load_collectives", [&] {
    NRT_STATUS r =
        NRT_SHIM_REAL(nrt_load_collectives, neff_bytes, size, vnc, vnc_count, ctx_device_id, ctx_device_count, model);
    if (r == NRT_SUCCESS) Shim::Get().OnLoaded(*model, vnc);
    return r;
  });
  trace.End(s, "neff_bytes=%p size=%zu vnc=%d vnc_count=%d ctx_device_id=%u ctx_device_count=%u", neff_bytes, size, vnc,
            vnc_count, ctx_device_id, ctx_device_count);
  return s;
}

NRT_SHIM_EXPORT NRT_STATUS nrt_unload(nrt_model_t* model) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_unload, model);
  TraceScope trace("nrt_unload");
  NRT_STATUS s = Guarded("nrt_unload", [&] { return Shim::Get().Unload(model); });
  trace.End(s, "model=%p", static_cast<void*>(model));
  return s;
}

NRT_SHIM_EXPORT NRT_STATUS nrt_register_async_exec_callback(NRT_ASYNC_EXEC_STATUS_CALLBACK callback, void* params) {
  // Always recorded: legacy programs register before nrt_init decides the mode.
  TraceScope trace("nrt_register_async_exec_callback");
  NRT_STATUS s =
      Guarded("nrt_register_async_exec_callback", [&] { return Shim::Get().RegisterCallback(callback, params); });
  trace.End(s, "callback=%p params=%p", reinterpret_cast<void*>(callback), params);
  return s;
}

NRT_SHIM_EXPORT NRT_STATUS nrt_async_drain_queued_execs(int32_t vnc) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_async_drain_queued_execs, vnc);
  TraceScope trace("nrt_async_drain_queued_execs");
  NRT_STATUS s = Guarded("nrt_async_drain_queued_execs", [&] { return Shim::Get().Drain(vnc); });
  trace.End(s, "vnc=%d", vnc);
  return s;
}
