#include "callback_registry.h"

#include "log.h"
#include "real_api.h"

namespace nrt_shim {

void CallbackRegistry::Register(NRT_ASYNC_EXEC_STATUS_CALLBACK callback, void* params) {
  std::lock_guard<std::mutex> lock(mu_);
  callback_ = callback;
  params_ = callback != nullptr ? params : nullptr;
}

void CallbackRegistry::Call(uint32_t model_id, uint32_t vnc, uint64_t job_id, NRT_STATUS status) const {
  NRT_ASYNC_EXEC_STATUS_CALLBACK callback;
  void* params;
  {
    std::lock_guard<std::mutex> lock(mu_);
    callback = callback_;
    params = params_;
  }
  if (callback != nullptr) {
    callback(params, model_id, vnc, job_id, status);  // outside the lock: it may re-register
    return;
  }
  if (status == NRT_SUCCESS) return;
  auto as_str = real::nrt_get_status_as_str();
  LogLine("nrt_execute", "execution %llu of model %u on logical core %u failed: %s (%d)",
          static_cast<unsigned long long>(job_id), model_id, vnc, as_str != nullptr ? as_str(status) : "error",
          static_cast<int>(status));
}

void CallbackRegistry::CopyUnlocked(const CallbackRegistry& parent) {
  callback_ = parent.callback_;
  params_ = parent.params_;
}

}  // namespace nrt_shim
