// What every C entry point shares: the handle registries, the lifecycle check, and Guarded(),
// which turns the C++ errors of the layers below into one log line and an NRT_STATUS.
#pragma once

#include <new>

#include "nrt/nrt.h"
#include "nrt/nrt_async.h"
#include "runtime/core/error.h"
#include "runtime/core/lifecycle.h"
#include "runtime/core/log.h"
#include "runtime/device/device.h"
#include "runtime/device/error_log.h"
#include "runtime/api/handle_registry.h"
#include "runtime/device/tensor.h"
#include "runtime/device/tensor_set.h"
#include "runtime/model/execution.h"
#include "runtime/model/model.h"

namespace nrtb {

HandleRegistry<nrt_tensor>& Tensors();
HandleRegistry<nrt_model>& Models();
HandleRegistry<TensorSet>& TensorSets();
HandleRegistry<ErrorTracker>& Trackers();

// The device when the runtime is initialised; throws Error(NRT_UNINITIALIZED / NRT_CLOSED /
// NRT_FAILURE) otherwise.
Device& RequireDevice();

// Live object behind a handle, or Error(NRT_INVALID, "<what> is NULL / not a live ... handle").
TensorRef GetTensor(const nrt_tensor_t* handle, const char* what);
ModelRef GetModel(const nrt_model_t* handle, const char* what);
std::shared_ptr<TensorSet> GetTensorSet(const nrt_tensor_set_t* handle, const char* what);
// Error(NRT_INVALID, "<what> is NULL") when p is NULL.
void RequireNonNull(const void* p, const char* what);
// The logical core `idx` of the device, or Error(NRT_INVALID).
Lnc& RequireLnc(Device& d, int64_t idx, const char* what);

// Collectives across ranks come with runtime/collectives/; a world of one rank is complete on its
// own. Error(NRT_INVALID) for a bad (id, count), Error(NRT_FAILURE) for a multi-rank world.
void RequireSingleRankWorld(const char* api, uint32_t g_device_id, uint32_t g_device_count);

// Runs f, mapping Error to its status (logged once, as ERROR, under the API function's name),
// std::bad_alloc to NRT_RESOURCE and anything else to NRT_FAILURE. Lifecycle errors are returned
// without a log line, as the SDK does.
template <typename F>
NRT_STATUS Guarded(const char* api, F&& f) noexcept {
  try {
    return f();
  } catch (const Error& e) {
    NRT_STATUS s = e.status();
    if (s != NRT_UNINITIALIZED && s != NRT_CLOSED && LogEnabled(LogLevel::kError)) LogLine(LogLevel::kError, api, "%s", e.what());
    return s;
  } catch (const std::bad_alloc&) {
    if (LogEnabled(LogLevel::kError)) LogLine(LogLevel::kError, api, "out of host memory");
    return NRT_RESOURCE;
  } catch (const std::exception& e) {
    if (LogEnabled(LogLevel::kError)) LogLine(LogLevel::kError, api, "internal error: %s", e.what());
    return NRT_FAILURE;
  } catch (...) {
    if (LogEnabled(LogLevel::kError)) LogLine(LogLevel::kError, api, "internal error");
    return NRT_FAILURE;
  }
}

}  // namespace nrtb

#define NRTB_EXPORT extern "C" __attribute__((visibility("default")))
