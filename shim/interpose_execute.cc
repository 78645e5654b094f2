// Interposed: nrt_execute, nrt_execute_repeat.
#include "call_real.h"
#include "export.h"
#include "nrt/nrt.h"
#include "shim_state.h"
#include "trace.h"

using namespace nrt_shim;

NRT_SHIM_EXPORT NRT_STATUS nrt_execute(nrt_model_t* model, const nrt_tensor_set_t* input_set,
                                       nrt_tensor_set_t* output_set) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_execute, model, input_set, output_set);
  TraceScope trace("nrt_execute");
  NRT_STATUS s = Guarded("nrt_execute", [&] { return Shim::Get().Execute(model, input_set, output_set); });
  trace.End(s, "model=%p input_set=%p output_set=%p", static_cast<void*>(model), input_set,
            static_cast<void*>(output_set));
  return s;
}

NRT_SHIM_EXPORT NRT_STATUS nrt_execute_repeat(nrt_model_t* model, const nrt_tensor_set_t* input_set,
                                              nrt_tensor_set_t* output_set, int repeat_count) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_execute_repeat, model, input_set, output_set, repeat_count);
  TraceScope trace("nrt_execute_repeat");
  NRT_STATUS s = Guarded("nrt_execute_repeat",
                         [&] { return Shim::Get().ExecuteRepeat(model, input_set, output_set, repeat_count); });
  trace.End(s, "model=%p input_set=%p output_set=%p repeat_count=%d", static_cast<void*>(model), input_set,
            static_cast<void*>(output_set), repeat_count);
  return s;
}
