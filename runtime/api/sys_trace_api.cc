// System trace (nrt_sys_trace.h): option objects, start / stop, fetch. The capture itself is the
// device's SysTraceBuffer on the trace hub.
#include <cstdlib>
#include <cstring>
#include <string>

#include "nrt/nrt_sys_trace.h"
#include "runtime/api/handles.h"
#include "runtime/api/trace_names.h"

using namespace nrtb;

struct nrt_sys_trace_config {
  SysTraceOptions options;
};

struct nrt_sys_trace_fetch_options {
  uint64_t max_events_per_nc = UINT64_MAX;
  int64_t nc_idx = -1;  // every core
  std::string invalid;  // set by a void setter given a bad value (already logged)
};

namespace {

// The void setters cannot return a status: they log the problem and leave a note that makes the
// next start / fetch with these options fail.
void SetterError(const char* api, std::string* note, const char* message) {
  if (LogEnabled(LogLevel::kError)) LogLine(LogLevel::kError, api, "%s", message);
  if (note != nullptr) *note = std::string(api) + ": " + message;
}

}  // namespace

NRTB_EXPORT NRT_STATUS nrt_sys_trace_config_allocate(nrt_sys_trace_config_t** options) {
  return Guarded("nrt_sys_trace_config_allocate", [&] {
    RequireNonNull(options, "options");
    *options = new nrt_sys_trace_config();
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT void nrt_sys_trace_config_set_defaults(nrt_sys_trace_config_t* options) {
  if (options == nullptr) return SetterError("nrt_sys_trace_config_set_defaults", nullptr, "options is NULL");
  options->options = SysTraceOptions();
}

NRTB_EXPORT void nrt_sys_trace_config_free(nrt_sys_trace_config_t* options) { delete options; }

NRTB_EXPORT void nrt_sys_trace_config_set_max_events_per_nc(nrt_sys_trace_config_t* options, uint64_t max_events_per_nc) {
  const char* api = "nrt_sys_trace_config_set_max_events_per_nc";
  if (options == nullptr) return SetterError(api, nullptr, "options is NULL");
  if (max_events_per_nc == 0 || max_events_per_nc > SysTraceOptions::kMaxEventsPerNcLimit) {
    std::string m = "max_events_per_nc " + std::to_string(max_events_per_nc) + " is out of range (1 .. " +
                    std::to_string(SysTraceOptions::kMaxEventsPerNcLimit) + ")";
    return SetterError(api, &options->options.invalid, m.c_str());
  }
  options->options.max_events_per_nc = max_events_per_nc;
}

NRTB_EXPORT void nrt_sys_trace_config_set_capture_enabled_for_nc(nrt_sys_trace_config_t* options, uint32_t nc_idx,
                                                                 bool enabled) {
  const char* api = "nrt_sys_trace_config_set_capture_enabled_for_nc";
  if (options == nullptr) return SetterError(api, nullptr, "options is NULL");
  if (nc_idx >= SysTraceOptions::kMaxNc) {
    std::string m = "nc_idx " + std::to_string(nc_idx) + " is out of range (0 .. " + std::to_string(SysTraceOptions::kMaxNc - 1) + ")";
    return SetterError(api, &options->options.invalid, m.c_str());
  }
  options->options.nc_enabled[nc_idx] = enabled;
}

NRTB_EXPORT NRT_STATUS nrt_sys_trace_config_set_capture_enabled_for_event_type(nrt_sys_trace_config_t* options,
                                                                               const char* event_type, bool enabled) {
  return Guarded("nrt_sys_trace_config_set_capture_enabled_for_event_type", [&] {
    RequireNonNull(options, "options");
    TraceEventType t = RequireEventType(event_type);
    if (enabled) {
      options->options.types |= Bit(t);
    } else {
      options->options.types &= ~Bit(t);
    }
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_sys_trace_get_event_types(const char*** event_types, size_t* count) {
  return Guarded("nrt_sys_trace_get_event_types", [&] {
    RequireNonNull(event_types, "event_types");
    RequireNonNull(count, "count");
    return EventTypeList(kAllTraceEvents, event_types, count);
  });
}

NRTB_EXPORT void nrt_sys_trace_free_event_types(const char** event_types, size_t count) { FreeNameList(event_types, count); }

NRTB_EXPORT NRT_STATUS nrt_sys_trace_config_get_enabled_event_types(nrt_sys_trace_config_t* options, const char*** event_types,
                                                                    size_t* count) {
  return Guarded("nrt_sys_trace_config_get_enabled_event_types", [&] {
    RequireNonNull(options, "options");
    RequireNonNull(event_types, "event_types");
    RequireNonNull(count, "count");
    return EventTypeList(options->options.types, event_types, count);
  });
}

NRTB_EXPORT NRT_STATUS nrt_sys_trace_start(nrt_sys_trace_config_t* options) {
  return Guarded("nrt_sys_trace_start", [&] {
    Device& d = RequireDevice();
    d.tracer().StartSysTrace(options != nullptr ? options->options : SysTraceOptions());
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_sys_trace_stop(void) {
  return Guarded("nrt_sys_trace_stop", [&] {
    RequireDevice().tracer().StopSysTrace();
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_sys_trace_fetch_options_allocate(nrt_sys_trace_fetch_options_t** options) {
  return Guarded("nrt_sys_trace_fetch_options_allocate", [&] {
    RequireNonNull(options, "options");
    *options = new nrt_sys_trace_fetch_options();
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT void nrt_sys_trace_fetch_options_set_defaults(nrt_sys_trace_fetch_options_t* options) {
  if (options == nullptr) return SetterError("nrt_sys_trace_fetch_options_set_defaults", nullptr, "options is NULL");
  *options = nrt_sys_trace_fetch_options();
}

NRTB_EXPORT void nrt_sys_trace_fetch_options_free(nrt_sys_trace_fetch_options_t* options) { delete options; }

NRTB_EXPORT void nrt_sys_trace_fetch_options_set_max_events_per_nc(nrt_sys_trace_fetch_options_t* options,
                                                                   uint64_t max_events_per_nc) {
  const char* api = "nrt_sys_trace_fetch_options_set_max_events_per_nc";
  if (options == nullptr) return SetterError(api, nullptr, "options is NULL");
  if (max_events_per_nc == 0) return SetterError(api, &options->invalid, "max_events_per_nc must be at least 1");
  options->max_events_per_nc = max_events_per_nc;
}

NRTB_EXPORT void nrt_sys_trace_fetch_options_set_nc_idx(nrt_sys_trace_fetch_options_t* options, uint64_t nc_idx) {
  const char* api = "nrt_sys_trace_fetch_options_set_nc_idx";
  if (options == nullptr) return SetterError(api, nullptr, "options is NULL");
  if (nc_idx >= SysTraceOptions::kMaxNc) {
    std::string m = "nc_idx " + std::to_string(nc_idx) + " is out of range (0 .. " + std::to_string(SysTraceOptions::kMaxNc - 1) + ")";
    return SetterError(api, &options->invalid, m.c_str());
  }
  options->nc_idx = static_cast<int64_t>(nc_idx);
}

NRTB_EXPORT NRT_STATUS nrt_sys_trace_fetch_events(char** buffer, size_t* written_size,
                                                  const nrt_sys_trace_fetch_options_t* options) {
  return Guarded("nrt_sys_trace_fetch_events", [&] {
    Device& d = RequireDevice();
    RequireNonNull(buffer, "buffer");
    RequireNonNull(written_size, "written_size");
    nrt_sys_trace_fetch_options defaults;
    const nrt_sys_trace_fetch_options& o = options != nullptr ? *options : defaults;
    if (!o.invalid.empty()) ThrowInvalid("the options hold an invalid value: %s", o.invalid.c_str());
    std::string json = d.tracer().FetchSysTrace(o.nc_idx, o.max_events_per_nc);
    char* out = static_cast<char*>(std::malloc(json.size() + 1));
    if (out == nullptr) throw std::bad_alloc();
    std::memcpy(out, json.c_str(), json.size() + 1);
    *buffer = out;
    *written_size = json.size();
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT void nrt_sys_trace_buffer_free(char* buffer) { std::free(buffer); }
