// Interposed tensor-set calls: membership (for fences and host checks) and deferred destruction.
#include "call_real.h"
#include "export.h"
#include "nrt/nrt.h"
#include "shim_state.h"
#include "trace.h"

using namespace nrt_shim;

NRT_SHIM_EXPORT NRT_STATUS nrt_add_tensor_to_tensor_set(nrt_tensor_set_t* tensor_set, const char* tensor_name,
                                                        nrt_tensor_t* tensor) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_add_tensor_to_tensor_set, tensor_set, tensor_name, tensor);
  TraceScope trace("nrt_add_tensor_to_tensor_set");
  NRT_STATUS s = Guarded("nrt_add_tensor_to_tensor_set", [&] {
    if (Shim::Get().RejectFreed(tensor, "nrt_add_tensor_to_tensor_set")) return NRT_INVALID;
    NRT_STATUS r = NRT_SHIM_REAL(nrt_add_tensor_to_tensor_set, tensor_set, tensor_name, tensor);
    if (r == NRT_SUCCESS) Shim::Get().OnAddedToSet(tensor_set, tensor_name, tensor);
    return r;
  });
  trace.End(s, "tensor_set=%p tensor_name=\"%s\" tensor=%p", tensor_set,
            tensor_name != nullptr ? tensor_name : "(null)", static_cast<void*>(tensor));
  return s;
}

NRT_SHIM_EXPORT void nrt_destroy_tensor_set(nrt_tensor_set_t** tensor_set) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_destroy_tensor_set, tensor_set);
  TraceScope trace("nrt_destroy_tensor_set");
  const void* before = tensor_set != nullptr ? *tensor_set : nullptr;
  GuardedVoid("nrt_destroy_tensor_set", [&] { Shim::Get().DestroySet(tensor_set); });
  trace.EndVoid("tensor_set=%p", before);
}
