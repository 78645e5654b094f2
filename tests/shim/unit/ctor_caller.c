/* A library that uses the runtime from its own constructor, as some framework plugins do. Preloaded after the
 * shim (LD_PRELOAD="shim ctor_caller"), its constructor runs before the shim's, so the shim must resolve the
 * runtime lazily on that first call. It initialises the runtime (implicit mode, if the variable says so) and
 * registers a callback that counts completions; shim_ctor_caller_* report what happened. */
#include <stdatomic.h>
#include <stdint.h>

#include "nrt/nrt.h"
#include "nrt/nrt_experimental.h"

static NRT_STATUS g_init_status = NRT_FAILURE;
static atomic_int g_callbacks;
static atomic_int g_failures;

static void CountCompletion(void *params, uint32_t model_id, uint32_t vnc, uint64_t job_id, NRT_STATUS status) {
  (void)model_id;
  (void)vnc;
  (void)job_id;
  if (params != &g_callbacks || status != NRT_SUCCESS) atomic_fetch_add(&g_failures, 1);
  atomic_fetch_add(&g_callbacks, 1);
}

__attribute__((constructor)) static void CallRuntimeEarly(void) {
  nrt_register_async_exec_callback(CountCompletion, &g_callbacks);
  g_init_status = nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "");
}

__attribute__((visibility("default"))) int shim_ctor_caller_init_status(void) { return (int)g_init_status; }
__attribute__((visibility("default"))) int shim_ctor_caller_callbacks(void) { return atomic_load(&g_callbacks); }
__attribute__((visibility("default"))) int shim_ctor_caller_failures(void) { return atomic_load(&g_failures); }
