// The legacy completion callback (nrt_register_async_exec_callback): registering again replaces it, NULL
// restores the default, which logs failed executions. Called by the retire threads.
#pragma once

#include <cstdint>
#include <mutex>

#include "nrt/nrt_experimental.h"

namespace nrt_shim {

class CallbackRegistry {
 public:
  void Register(NRT_ASYNC_EXEC_STATUS_CALLBACK callback, void* params);
  // Calls the registered callback, or the default, for one retired execution.
  void Call(uint32_t model_id, uint32_t vnc, uint64_t job_id, NRT_STATUS status) const;
  // For a forked child: the parent's registration, read without the lock (a parent thread may hold it).
  void CopyUnlocked(const CallbackRegistry& parent);

 private:
  mutable std::mutex mu_;
  NRT_ASYNC_EXEC_STATUS_CALLBACK callback_ = nullptr;
  void* params_ = nullptr;
};

}  // namespace nrt_shim
