// Profiling (nrt_profile.h): per-model sessions, continuous profiling and inspect sessions, all
// written as Perfetto JSON by the device's tracer (the NTFF format is not public).
#include <cstdlib>
#include <string>

#include "nrt/nrt_profile.h"
#include "runtime/api/handles.h"
#include "runtime/api/trace_names.h"

using namespace nrtb;

struct nrt_profile_continuous_options {
  std::string output_dir = "./output";
};

struct nrt_inspect_config {
  InspectOptions options;
};

namespace {

std::string RequirePath(const char* s, const char* what) {
  if (s == nullptr) ThrowInvalid("%s is NULL", what);
  if (*s == '\0') ThrowInvalid("%s is empty", what);
  return s;
}

// NEURON_RT_INSPECT_* flags: unset -> `fallback`; "0" / "1" only.
bool InspectFlag(const char* name, bool fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  std::string s(v);
  if (s == "1") return true;
  if (s == "0") return false;
  ThrowInvalid("%s=\"%.32s\" is not 0 or 1", name, v);
}

}  // namespace

NRTB_EXPORT NRT_STATUS nrt_profile_start(nrt_model_t* model, const char* filename) {
  return Guarded("nrt_profile_start", [&] {
    Device& d = RequireDevice();
    ModelRef m = GetModel(model, "model");
    d.tracer().StartProfile(m->id, m->lnc, RequirePath(filename, "filename"));
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_profile_stop(const char* filename) {
  return Guarded("nrt_profile_stop", [&] {
    Device& d = RequireDevice();
    d.tracer().StopProfile(RequirePath(filename, "filename"));
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_profile_continuous_options_allocate(nrt_profile_continuous_options_t** options) {
  return Guarded("nrt_profile_continuous_options_allocate", [&] {
    RequireNonNull(options, "options");
    *options = new nrt_profile_continuous_options();
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_profile_continuous_options_free(nrt_profile_continuous_options_t* options) {
  delete options;
  return NRT_SUCCESS;
}

NRTB_EXPORT NRT_STATUS nrt_profile_continuous_options_set_output_dir(nrt_profile_continuous_options_t* options,
                                                                     const char* output_dir) {
  return Guarded("nrt_profile_continuous_options_set_output_dir", [&] {
    RequireNonNull(options, "options");
    options->output_dir = RequirePath(output_dir, "output_dir");
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_profile_continuous_start(nrt_profile_continuous_options_t* options) {
  return Guarded("nrt_profile_continuous_start", [&] {
    RequireDevice().tracer().StartContinuous();
    (void)options;  // only the output directory, which nrt_profile_continuous_save takes again
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_profile_continuous_save(uint32_t vnc, nrt_profile_continuous_options_t* options) {
  return Guarded("nrt_profile_continuous_save", [&] {
    Device& d = RequireDevice();
    nrt_profile_continuous_options defaults;
    std::string path = d.tracer().SaveContinuous(vnc, (options != nullptr ? *options : defaults).output_dir);
    NRTB_INFO("nrt_profile_continuous_save: wrote %s", path.c_str());
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_profile_continuous_stop(void) {
  return Guarded("nrt_profile_continuous_stop", [&] {
    RequireDevice().tracer().StopContinuous();
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_inspect_begin(void) {
  return Guarded("nrt_inspect_begin", [&] {
    Device& d = RequireDevice();
    InspectOptions o;
    o.enable_inspect = InspectFlag("NEURON_RT_INSPECT_ENABLE", false);
    o.enable_inspect_on_fail = InspectFlag("NEURON_RT_INSPECT_ON_FAIL", false);
    bool system = InspectFlag("NEURON_RT_INSPECT_SYSTEM_PROFILE", true);
    bool device = InspectFlag("NEURON_RT_INSPECT_DEVICE_PROFILE", true);
    o.activities = (system ? 1u : 0u) | (device ? 2u : 0u);
    if (const char* dir = std::getenv("NEURON_RT_INSPECT_OUTPUT_DIR"); dir != nullptr && *dir != '\0') o.output_dir = dir;
    std::string where = d.tracer().BeginInspect(o);
    if (where.empty()) NRTB_INFO("nrt_inspect_begin: NEURON_RT_INSPECT_ENABLE / _ON_FAIL not set: nothing is captured");
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_inspect_stop(void) {
  return Guarded("nrt_inspect_stop", [&] {
    RequireDevice().tracer().StopInspect();
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_inspect_config_allocate(nrt_inspect_config_t** options) {
  return Guarded("nrt_inspect_config_allocate", [&] {
    RequireNonNull(options, "options");
    *options = new nrt_inspect_config();
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_inspect_config_set_defaults(nrt_inspect_config_t* options) {
  return Guarded("nrt_inspect_config_set_defaults", [&] {
    RequireNonNull(options, "options");
    options->options = InspectOptions();
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_inspect_config_free(nrt_inspect_config_t* options) {
  delete options;
  return NRT_SUCCESS;
}

NRTB_EXPORT NRT_STATUS nrt_inspect_config_set_session_id(nrt_inspect_config_t* options, int session_id) {
  return Guarded("nrt_inspect_config_set_session_id", [&] {
    RequireNonNull(options, "options");
    if (session_id < 0) ThrowInvalid("session_id %d is negative", session_id);
    options->options.session_id = session_id;
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_inspect_config_set_output_dir(nrt_inspect_config_t* options, const char* output_dir) {
  return Guarded("nrt_inspect_config_set_output_dir", [&] {
    RequireNonNull(options, "options");
    options->options.output_dir = RequirePath(output_dir, "output_dir");
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_inspect_config_set_sys_trace_max_events_per_nc(nrt_inspect_config_t* options,
                                                                          uint64_t sys_trace_max_events_per_nc) {
  return Guarded("nrt_inspect_config_set_sys_trace_max_events_per_nc", [&] {
    RequireNonNull(options, "options");
    if (sys_trace_max_events_per_nc == 0 || sys_trace_max_events_per_nc > SysTraceOptions::kMaxEventsPerNcLimit) {
      ThrowInvalid("sys_trace_max_events_per_nc %llu is out of range (1 .. %llu)",
                   static_cast<unsigned long long>(sys_trace_max_events_per_nc),
                   static_cast<unsigned long long>(SysTraceOptions::kMaxEventsPerNcLimit));
    }
    options->options.capture.max_events_per_nc = sys_trace_max_events_per_nc;
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_inspect_config_set_capture_enabled_for_nc(nrt_inspect_config_t* options, uint32_t nc_idx,
                                                                     bool enabled) {
  return Guarded("nrt_inspect_config_set_capture_enabled_for_nc", [&] {
    RequireNonNull(options, "options");
    if (nc_idx >= SysTraceOptions::kMaxNc) ThrowInvalid("nc_idx %u is out of range (0 .. %u)", nc_idx, SysTraceOptions::kMaxNc - 1);
    options->options.capture.nc_enabled[nc_idx] = enabled;
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_inspect_config_set_capture_enabled_for_event_type_string(nrt_inspect_config_t* options,
                                                                                    const char* event_type, bool enabled) {
  return Guarded("nrt_inspect_config_set_capture_enabled_for_event_type_string", [&] {
    RequireNonNull(options, "options");
    TraceEventType t = RequireEventType(event_type);
    TraceEventMask& types = options->options.capture.types;
    types = enabled ? (types | Bit(t)) : (types & ~Bit(t));
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_inspect_config_set_enable_inspect(nrt_inspect_config_t* options, bool enable_inspect) {
  return Guarded("nrt_inspect_config_set_enable_inspect", [&] {
    RequireNonNull(options, "options");
    options->options.enable_inspect = enable_inspect;
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_inspect_config_set_enable_inspect_on_fail(nrt_inspect_config_t* options,
                                                                     bool enable_inspect_on_fail) {
  return Guarded("nrt_inspect_config_set_enable_inspect_on_fail", [&] {
    RequireNonNull(options, "options");
    options->options.enable_inspect_on_fail = enable_inspect_on_fail;
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_inspect_begin_with_options(nrt_inspect_config_t* options) {
  return Guarded("nrt_inspect_begin_with_options", [&] {
    Device& d = RequireDevice();
    std::string where = d.tracer().BeginInspect(options != nullptr ? options->options : InspectOptions());
    if (where.empty()) NRTB_INFO("nrt_inspect_begin_with_options: inspect and inspect-on-fail are off: nothing is captured");
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_inspect_config_get_all_activity_types(const char*** activity_types, size_t* count) {
  return Guarded("nrt_inspect_config_get_all_activity_types", [&] {
    RequireNonNull(activity_types, "activity_types");
    RequireNonNull(count, "count");
    return NameList(InspectOptions::kActivityNames, InspectOptions::kActivityCount, activity_types, count);
  });
}

NRTB_EXPORT NRT_STATUS nrt_inspect_config_get_enabled_activity_types(nrt_inspect_config_t* options,
                                                                     const char*** activity_types, size_t* count) {
  return Guarded("nrt_inspect_config_get_enabled_activity_types", [&] {
    RequireNonNull(options, "options");
    RequireNonNull(activity_types, "activity_types");
    RequireNonNull(count, "count");
    const char* enabled[InspectOptions::kActivityCount];
    size_t n = 0;
    for (int i = 0; i < InspectOptions::kActivityCount; ++i) {
      if ((options->options.activities & (1u << i)) != 0) enabled[n++] = InspectOptions::kActivityNames[i];
    }
    return NameList(enabled, n, activity_types, count);
  });
}

NRTB_EXPORT void nrt_inspect_config_free_activity_types(const char** activity_types, size_t count) {
  FreeNameList(activity_types, count);
}

NRTB_EXPORT NRT_STATUS nrt_inspect_config_set_activity(nrt_inspect_config_t* options, const char* activity_type, bool enabled) {
  return Guarded("nrt_inspect_config_set_activity", [&] {
    RequireNonNull(options, "options");
    RequireNonNull(activity_type, "activity_type");
    uint32_t bits = 0;
    std::string name(activity_type);
    if (name == "all") bits = (1u << InspectOptions::kActivityCount) - 1;
    for (int i = 0; i < InspectOptions::kActivityCount; ++i) {
      if (name == InspectOptions::kActivityNames[i]) bits = 1u << i;
    }
    if (bits == 0) {
      ThrowInvalid("unknown activity type \"%.64s\" (system_profile, device_profile, host_memory, cpu_util, all)", activity_type);
    }
    uint32_t& a = options->options.activities;
    a = enabled ? (a | bits) : (a & ~bits);
    return NRT_SUCCESS;
  });
}
