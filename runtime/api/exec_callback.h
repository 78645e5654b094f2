// The application's async-exec completion callback (nrt_register_async_exec_callback). Process-wide, not part
// of a session: legacy programs register it before nrt_init, and it survives nrt_close / nrt_init. This
// runtime executes synchronously and never calls it (SDK 2.31+ behaviour); it is kept so the registration is
// observable and so the implicit-async shim finds what the application registered.
#pragma once

#include "nrt/nrt_experimental.h"

namespace nrtb {

struct ExecCallback {
  NRT_ASYNC_EXEC_STATUS_CALLBACK fn = nullptr;  // null: the default (no callback)
  void* params = nullptr;
};

void SetExecCallback(const ExecCallback& cb);
ExecCallback CurrentExecCallback();

}  // namespace nrtb
