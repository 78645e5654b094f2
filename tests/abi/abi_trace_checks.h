/*
 * ABI of nrt_profile.h and nrt_sys_trace.h, pinned at compile time with the macros of
 * abi_layout_checks.h (included after it). Both headers only declare opaque option types, so the ABI
 * is the function signatures (and, for C++ callers, the tag names, checked in abi_layout_test.cc).
 */
#ifndef NRTB_ABI_TRACE_CHECKS_H
#define NRTB_ABI_TRACE_CHECKS_H

/* Each header twice: include guards must hold. */
#include "nrt/nrt_profile.h"
#include "nrt/nrt_sys_trace.h"
#include "nrt/nrt_profile.h"
#include "nrt/nrt_sys_trace.h"

/* ---- nrt_profile.h ----------------------------------------------------------------------------- */
ABI_SIG(nrt_profile_start, NRT_STATUS, (nrt_model_t *, const char *));
ABI_SIG(nrt_profile_stop, NRT_STATUS, (const char *));
ABI_SIG(nrt_profile_continuous_options_allocate, NRT_STATUS, (nrt_profile_continuous_options_t **));
ABI_SIG(nrt_profile_continuous_options_free, NRT_STATUS, (nrt_profile_continuous_options_t *));
ABI_SIG(nrt_profile_continuous_options_set_output_dir, NRT_STATUS, (nrt_profile_continuous_options_t *, const char *));
ABI_SIG(nrt_profile_continuous_start, NRT_STATUS, (nrt_profile_continuous_options_t *));
ABI_SIG(nrt_profile_continuous_save, NRT_STATUS, (uint32_t, nrt_profile_continuous_options_t *));
ABI_SIG(nrt_profile_continuous_stop, NRT_STATUS, (void));
ABI_SIG(nrt_inspect_begin, NRT_STATUS, (void));
ABI_SIG(nrt_inspect_stop, NRT_STATUS, (void));
ABI_SIG(nrt_inspect_config_allocate, NRT_STATUS, (nrt_inspect_config_t **));
ABI_SIG(nrt_inspect_config_set_defaults, NRT_STATUS, (nrt_inspect_config_t *));
ABI_SIG(nrt_inspect_config_free, NRT_STATUS, (nrt_inspect_config_t *));
ABI_SIG(nrt_inspect_config_set_session_id, NRT_STATUS, (nrt_inspect_config_t *, int));
ABI_SIG(nrt_inspect_config_set_output_dir, NRT_STATUS, (nrt_inspect_config_t *, const char *));
ABI_SIG(nrt_inspect_config_set_sys_trace_max_events_per_nc, NRT_STATUS, (nrt_inspect_config_t *, uint64_t));
ABI_SIG(nrt_inspect_config_set_capture_enabled_for_nc, NRT_STATUS, (nrt_inspect_config_t *, uint32_t, bool));
ABI_SIG(nrt_inspect_config_set_capture_enabled_for_event_type_string, NRT_STATUS,
        (nrt_inspect_config_t *, const char *, bool));
ABI_SIG(nrt_inspect_config_set_enable_inspect, NRT_STATUS, (nrt_inspect_config_t *, bool));
ABI_SIG(nrt_inspect_config_set_enable_inspect_on_fail, NRT_STATUS, (nrt_inspect_config_t *, bool));
ABI_SIG(nrt_inspect_begin_with_options, NRT_STATUS, (nrt_inspect_config_t *));
ABI_SIG(nrt_inspect_config_get_all_activity_types, NRT_STATUS, (const char ***, size_t *));
ABI_SIG(nrt_inspect_config_get_enabled_activity_types, NRT_STATUS, (nrt_inspect_config_t *, const char ***, size_t *));
ABI_SIG(nrt_inspect_config_free_activity_types, void, (const char **, size_t));
ABI_SIG(nrt_inspect_config_set_activity, NRT_STATUS, (nrt_inspect_config_t *, const char *, bool));

/* ---- nrt_sys_trace.h --------------------------------------------------------------------------- */
ABI_SIG(nrt_sys_trace_config_allocate, NRT_STATUS, (nrt_sys_trace_config_t **));
ABI_SIG(nrt_sys_trace_config_set_defaults, void, (nrt_sys_trace_config_t *));
ABI_SIG(nrt_sys_trace_config_free, void, (nrt_sys_trace_config_t *));
ABI_SIG(nrt_sys_trace_config_set_max_events_per_nc, void, (nrt_sys_trace_config_t *, uint64_t));
ABI_SIG(nrt_sys_trace_config_set_capture_enabled_for_nc, void, (nrt_sys_trace_config_t *, uint32_t, bool));
ABI_SIG(nrt_sys_trace_config_set_capture_enabled_for_event_type, NRT_STATUS,
        (nrt_sys_trace_config_t *, const char *, bool));
ABI_SIG(nrt_sys_trace_get_event_types, NRT_STATUS, (const char ***, size_t *));
ABI_SIG(nrt_sys_trace_free_event_types, void, (const char **, size_t));
ABI_SIG(nrt_sys_trace_config_get_enabled_event_types, NRT_STATUS, (nrt_sys_trace_config_t *, const char ***, size_t *));
ABI_SIG(nrt_sys_trace_start, NRT_STATUS, (nrt_sys_trace_config_t *));
ABI_SIG(nrt_sys_trace_stop, NRT_STATUS, (void));
ABI_SIG(nrt_sys_trace_fetch_options_allocate, NRT_STATUS, (nrt_sys_trace_fetch_options_t **));
ABI_SIG(nrt_sys_trace_fetch_options_set_defaults, void, (nrt_sys_trace_fetch_options_t *));
ABI_SIG(nrt_sys_trace_fetch_options_free, void, (nrt_sys_trace_fetch_options_t *));
ABI_SIG(nrt_sys_trace_fetch_options_set_max_events_per_nc, void, (nrt_sys_trace_fetch_options_t *, uint64_t));
ABI_SIG(nrt_sys_trace_fetch_options_set_nc_idx, void, (nrt_sys_trace_fetch_options_t *, uint64_t));
ABI_SIG(nrt_sys_trace_fetch_events, NRT_STATUS, (char **, size_t *, const nrt_sys_trace_fetch_options_t *));
ABI_SIG(nrt_sys_trace_buffer_free, void, (char *));

#endif /* NRTB_ABI_TRACE_CHECKS_H */
