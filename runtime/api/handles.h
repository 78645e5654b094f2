// What every C entry point shares: the handle registries, the lifecycle check, and Guarded(),
// which turns the C++ errors of the layers below into one log line and an NRT_STATUS.
//
// Every entry point has the same shape: Guarded(name, f) around the whole body; f checks the lifecycle
// first (RequireDevice / RequireSession, which pin the runtime until the call returns, so nrt_close cannot
// free what the call uses), then its arguments, then calls one method below. In a forked child the lifecycle
// check fails before any lock is taken.
#pragma once

#include <new>
#include <vector>

#include "nrt/nrt.h"
#include "nrt/nrt_async.h"
#include "runtime/core/error.h"
#include "runtime/core/lifecycle.h"
#include "runtime/core/log.h"
#include "runtime/api/session.h"
#include "runtime/model/binding_cache.h"
#include "runtime/model/execution.h"

namespace nrtb {

// The current API call on this thread (Guarded makes one): names the public function in log lines and
// releases the lifecycle pin RequireSession took when the outermost call returns.
class ApiCall {
 public:
  explicit ApiCall(const char* api);
  ~ApiCall();
  ApiCall(const ApiCall&) = delete;
  ApiCall& operator=(const ApiCall&) = delete;

 private:
  ScopedApiName name_;
};

// The thread's current API call holds the lifecycle pin (a plain __thread: no TLS wrapper call).
extern __thread bool t_api_pinned;
Session& RequireSessionAndPin();
// The session when the runtime is initialised, pinned until the current ApiCall ends; throws
// Error(NRT_UNINITIALIZED / NRT_CLOSED / NRT_FAILURE) otherwise. Must be called inside an ApiCall. Inline: a call
// asks for it several times (once per handle's registry), and only the first pins.
inline Session& RequireSession() { return t_api_pinned ? *CurrentSession() : RequireSessionAndPin(); }
Device& RequireDevice();
// Gives the pin back before the call returns, for a call that goes on to wait on something it holds
// (nrt_tensor_check_output_completion), so nrt_close does not wait for it. Objects it holds stay valid.
void ReleaseSession();

// The registries of the pinned session (they pin it when the call has not yet).
HandleRegistry<nrt_tensor>& Tensors();
HandleRegistry<nrt_model>& Models();
HandleRegistry<TensorSet>& TensorSets();
HandleRegistry<ErrorTracker>& Trackers();

// Live object behind a handle, or Error(NRT_INVALID, "<what> is NULL / not a live ... handle").
TensorRef GetTensor(const nrt_tensor_t* handle, const char* what);
// GetTensor, and a use of it for the rest of the call: its layout (storage, size, core) can be read and
// cannot change until the use ends (tensor.h).
TensorUse UseTensor(const nrt_tensor_t* handle, const char* what);
ModelRef GetModel(const nrt_model_t* handle, const char* what);
std::shared_ptr<TensorSet> GetTensorSet(const nrt_tensor_set_t* handle, const char* what);
// A model's inputs and outputs bound from two tensor sets (BindTensors), each in use from before it was checked,
// so nrt_tensor_attach_buffer cannot change one between the checks and the work. The uses end with the object,
// or are handed over to the execution (MakeExecution).
struct BoundSets {
  TensorUses tensors;  // the inputs, then the outputs, in signature order
  size_t n_inputs = 0;
};
// `handles`: the sets' handles and the epochs read before they were looked up (binding_cache.h), under which the
// binding is found by handle from then on.
BoundSets BindSets(const nrt_model& model, const TensorSet& inputs, const TensorSet& outputs,
                   const BindingCache::Handles& handles);
// The sets behind two handles bound for `model`: by handle from the model's binding cache while no handle was
// removed and no set changed since (no set looked up), else looked up (GetTensorSet, which names `in_what` /
// `out_what` in its errors) and bound (BindSets).
BoundSets BindSetHandles(const nrt_model& model, const nrt_tensor_set_t* inputs, const char* in_what,
                         const nrt_tensor_set_t* outputs, const char* out_what);

// Error(NRT_INVALID, "<what> is NULL") when p is NULL.
void RequireNonNull(const void* p, const char* what);
// The logical core `idx` of the device, or Error(NRT_INVALID).
Lnc& RequireLnc(Device& d, int64_t idx, const char* what);

// Runs f, mapping Error to its status (logged once, as ERROR, under the API function's name),
// std::bad_alloc to NRT_RESOURCE and anything else to NRT_FAILURE. Lifecycle errors are returned
// without a log line, as the SDK does.
template <typename F>
NRT_STATUS Guarded(const char* api, F&& f) noexcept {
  ApiCall call(api);
  try {
    return f();
  } catch (const Error& e) {
    NRT_STATUS s = e.status();
    if (s != NRT_UNINITIALIZED && s != NRT_CLOSED && LogEnabled(LogLevel::kError))
      LogLine(LogLevel::kError, api, "%s", e.what());
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
