// Interposed trace/profile calls: in implicit mode they drain first, so a trace or profile started, stopped or
// read right after nrt_execute holds exactly the executions a synchronous program would see in it.
#include "call_real.h"
#include "export.h"
#include "nrt/nrt_experimental.h"
#include "nrt/nrt_profile.h"
#include "nrt/nrt_sys_trace.h"
#include "shim_state.h"
#include "trace.h"

using namespace nrt_shim;

namespace {

template <class Forward>
NRT_STATUS DrainThen(const char* function, Forward forward) {
  TraceScope trace(function);
  NRT_STATUS s = Guarded(function, [&] {
    Shim::Get().DrainForObservation();
    return forward();
  });
  trace.End(s, "%s", "");
  return s;
}

}  // namespace

NRT_SHIM_EXPORT NRT_STATUS nrt_trace_start(bool trace_mem) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_trace_start, trace_mem);
  return DrainThen("nrt_trace_start", [&] { return NRT_SHIM_REAL(nrt_trace_start, trace_mem); });
}

NRT_SHIM_EXPORT NRT_STATUS nrt_profile_start(nrt_model_t* model, const char* filename) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_profile_start, model, filename);
  return DrainThen("nrt_profile_start", [&] { return NRT_SHIM_REAL(nrt_profile_start, model, filename); });
}

NRT_SHIM_EXPORT NRT_STATUS nrt_inspect_begin(void) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_inspect_begin);
  return DrainThen("nrt_inspect_begin", [&] { return NRT_SHIM_REAL(nrt_inspect_begin); });
}

NRT_SHIM_EXPORT NRT_STATUS nrt_inspect_begin_with_options(nrt_inspect_config_t* options) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_inspect_begin_with_options, options);
  return DrainThen("nrt_inspect_begin_with_options",
                   [&] { return NRT_SHIM_REAL(nrt_inspect_begin_with_options, options); });
}

NRT_SHIM_EXPORT NRT_STATUS nrt_sys_trace_start(nrt_sys_trace_config_t* options) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_sys_trace_start, options);
  return DrainThen("nrt_sys_trace_start", [&] { return NRT_SHIM_REAL(nrt_sys_trace_start, options); });
}

NRT_SHIM_EXPORT NRT_STATUS nrt_trace_stop(const char* filename) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_trace_stop, filename);
  return DrainThen("nrt_trace_stop", [&] { return NRT_SHIM_REAL(nrt_trace_stop, filename); });
}

NRT_SHIM_EXPORT NRT_STATUS nrt_profile_stop(const char* filename) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_profile_stop, filename);
  return DrainThen("nrt_profile_stop", [&] { return NRT_SHIM_REAL(nrt_profile_stop, filename); });
}

NRT_SHIM_EXPORT NRT_STATUS nrt_inspect_stop(void) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_inspect_stop);
  return DrainThen("nrt_inspect_stop", [&] { return NRT_SHIM_REAL(nrt_inspect_stop); });
}

NRT_SHIM_EXPORT NRT_STATUS nrt_sys_trace_stop(void) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_sys_trace_stop);
  return DrainThen("nrt_sys_trace_stop", [&] { return NRT_SHIM_REAL(nrt_sys_trace_stop); });
}

NRT_SHIM_EXPORT NRT_STATUS nrt_sys_trace_fetch_events(char** buffer, size_t* written_size,
                                                      const nrt_sys_trace_fetch_options_t* options) {
  if (Passthrough()) return NRT_SHIM_REAL(nrt_sys_trace_fetch_events, buffer, written_size, options);
  return DrainThen("nrt_sys_trace_fetch_events",
                   [&] { return NRT_SHIM_REAL(nrt_sys_trace_fetch_events, buffer, written_size, options); });
}
