// Lifecycle, core counts, instance info, version and status names (nrt.h, nrt_version.h, nrt_status.h).
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>

#include "nrt/nrt_version.h"
#include "runtime/api/handles.h"
#include "runtime/core/config.h"
#include "runtime/core/env.h"
#include "runtime/core/status_names.h"

using namespace nrtb;

namespace {

// The configuration of the initialised runtime, or (when nrt_close won the race) the environment's.
RuntimeConfig ConfigOfRunningDevice() {
  try {
    return RequireDevice().config();
  } catch (const Error&) {
    return LoadConfigFromEnv();
  }
}

NRT_STATUS CountFromEnv(const char* api, uint32_t* out, bool visible) {
  return Guarded(api, [&] {
    if (CurrentState() == State::kChild) RequireSession();  // fails: NRT_FAILURE, before anything else
    RequireNonNull(out, "vnc_count");
    // Callable before nrt_init: answer from the same configuration nrt_init would use.
    RuntimeConfig c = CurrentState() == State::kInit ? ConfigOfRunningDevice() : LoadConfigFromEnv();
    *out = visible ? c.visible_cores : c.device_cores;
    return NRT_SUCCESS;
  });
}

void WarnImplicitAsyncOnce() {
  static std::once_flag once;
  // Shown at the default ERROR level too (only QUIET hides it): it is the one hint a user of a
  // legacy binary gets that its requests no longer overlap.
  std::call_once(once, [] {
    if (CurrentLogLevel() == LogLevel::kQuiet) return;
    LogLine(LogLevel::kWarn, "nrt_init",
            "NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS is set, but implicit async execution was removed in Neuron SDK "
            "2.31: "
            "nrt_execute runs synchronously. To keep implicit-mode behaviour without rebuilding, run under the shim "
            "(nrt-implicit-async / LD_PRELOAD=libnrt-implicit-async.so); to port the source, run nrt-migrate to move "
            "to nrta_*.");
  });
}

}  // namespace

NRTB_EXPORT NRT_STATUS nrt_init(nrt_framework_type_t framework, const char* fw_version, const char* fal_version) {
  return Guarded("nrt_init", [&] {
    // The state before the lock: a forked child must not wait on a mutex a parent thread may hold.
    if (CurrentState() == State::kChild) RequireSession();  // fails with NRT_FAILURE
    auto lock = LockTransitions();
    if (CurrentState() == State::kInit) return NRT_SUCCESS;
    // kStart, or kClosed: after nrt_close a new runtime starts; the old one's handles stay invalid.
    std::string level = GetEnv("NEURON_RT_LOG_LEVEL").value_or("");
    if (!ReloadLogLevelFromEnv()) {
      ThrowInvalid("invalid NEURON_RT_LOG_LEVEL=\"%s\" (expected ERROR, WARN, INFO, DEBUG, TRACE or QUIET)",
                   level.c_str());
    }
    if (framework < NRT_FRAMEWORK_TYPE_NO_FW || framework > NRT_FRAMEWORK_TYPE_PRECHECK) {
      ThrowInvalid("invalid framework type %d", static_cast<int>(framework));
    }
    RuntimeConfig config = LoadConfigFromEnv();
    // A session left by a parent that forked in the middle of nrt_close belongs to threads that do not exist
    // here: it is dropped, never freed (freeing would join them).
    auto session = std::make_unique<Session>(config);
    SetCurrentSession(session.release());
    SetState(State::kInit);
    if (config.implicit_async_requested) WarnImplicitAsyncOnce();
    NRTB_INFO(
        "nrt-bridge %s: simulated trn2-class device, %u logical core(s) visible (device cores %u-%u), LNC size %u, "
        "queue depth %u, framework %d %s %s",
        NRTB_RT_VERSION, config.visible_cores, config.first_visible_core,
        config.first_visible_core + config.visible_cores - 1, config.lnc_size, config.queue_depth,
        static_cast<int>(framework), fw_version ? fw_version : "", fal_version ? fal_version : "");
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT void nrt_close(void) {
  // The state before the lock (see nrt_init): in a forked child, and when nothing is running, return at once.
  if (CurrentState() != State::kInit) return;
  auto lock = LockTransitions();
  if (CurrentState() != State::kInit) return;
  Session* session = CurrentSession();
  // Closed first, so calls racing with close fail cleanly instead of queueing more work; then every queued
  // request completes (NRT_CLOSED if it had not started) and the workers are joined, which also ends every
  // wait a pinned call may be in; then, once no call holds a pin, nothing can reach the session: free it.
  SetState(State::kClosed);
  // Validation mode: requests still pending now complete with NRT_CLOSED; say so, then the summary.
  if (Validator* v = session->device().validator()) v->OnClose(__builtin_return_address(0));
  // Gloo cannot interrupt a collective: shut its connections down first, or the workers' join would wait for it.
  session->cc_world().Abort();
  session->device().Shutdown();
  WaitUntilUnpinned();
  SetCurrentSession(nullptr);
  delete session;
}

NRTB_EXPORT NRT_STATUS nrt_get_instance_info(nrt_instance_info_t* info, size_t instance_info_len) {
  return Guarded("nrt_get_instance_info", [&] {
    RequireDevice();
    RequireNonNull(info, "info");
    nrt_instance_info_t ours{};
    ours.family = NRT_INSTANCE_TRN2;
    ours.size = NRT_INSTANCE_SIZE_3XL;
    std::snprintf(ours.arch_name, sizeof ours.arch_name, "trn2");
    std::snprintf(ours.device_revision, sizeof ours.device_revision, "sim");
    std::memcpy(info, &ours, std::min(instance_info_len, sizeof ours));
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_get_total_nc_count(uint32_t* vnc_count) {
  return CountFromEnv("nrt_get_total_nc_count", vnc_count, false);
}
NRTB_EXPORT NRT_STATUS nrt_get_total_vnc_count(uint32_t* vnc_count) {
  return CountFromEnv("nrt_get_total_vnc_count", vnc_count, false);
}
NRTB_EXPORT NRT_STATUS nrt_get_visible_nc_count(uint32_t* vnc_count) {
  return CountFromEnv("nrt_get_visible_nc_count", vnc_count, true);
}
NRTB_EXPORT NRT_STATUS nrt_get_visible_vnc_count(uint32_t* vnc_count) {
  return CountFromEnv("nrt_get_visible_vnc_count", vnc_count, true);
}

NRTB_EXPORT NRT_STATUS nrt_get_version(nrt_version_t* ver, size_t size) {
  return Guarded("nrt_get_version", [&] {
    RequireNonNull(ver, "ver");
    nrt_version_t v{};
    unsigned long long parts[4] = {0, 0, 0, 0};
    std::sscanf(NRTB_RT_VERSION, "%llu.%llu.%llu.%llu", &parts[0], &parts[1], &parts[2], &parts[3]);
    v.rt_major = parts[0];
    v.rt_minor = parts[1];
    v.rt_patch = parts[2];
    v.rt_maintenance = parts[3];
    std::snprintf(v.rt_detail, sizeof v.rt_detail, "nrt-bridge %s (simulated device)", NRTB_PROJECT_VERSION);
    std::snprintf(v.git_hash, sizeof v.git_hash, "%s", NRTB_GIT_HASH);
    std::memcpy(ver, &v, std::min(size, sizeof v));
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT const char* nrt_get_status_as_str(NRT_STATUS status) { return StatusName(status); }
