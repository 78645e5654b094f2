/*
 * nrt-bridge — Neuron Runtime profiling C API (nrt_profile.h).
 *
 * Written for nrt-bridge; ABI-identical to the Neuron SDK's nrt_profile.h: same function names and
 * signatures, and the same opaque option types (their layout is private to the library, so callers
 * only ever hold pointers). Exported in the NRT_2.0.0 symbol node with the synchronous API.
 *
 * On the simulated device a profile is a Chrome/Perfetto trace-event JSON file (open it in
 * ui.perfetto.dev or chrome://tracing), not NTFF: the NTFF format is not public. A profile holds
 * the requests of the profiled scope (executions and tensor operations) with their schedule, start
 * and end times, statuses and sequence ids, one track per execution unit.
 *
 * Conventions (unless a function says otherwise): NRT_INVALID for a NULL / empty / out-of-range
 * argument or a call out of order (stop without start, start twice), with one log line naming the
 * function and the problem; NRT_UNINITIALIZED before nrt_init, NRT_CLOSED after nrt_close for calls
 * that need the runtime; NRT_FAILURE when an output file cannot be written.
 */
#ifndef NRT_NRT_PROFILE_H
#define NRT_NRT_PROFILE_H

#ifndef __cplusplus
#include <stdbool.h>
#endif
#include <stddef.h>
#include <stdint.h>

#include "nrt/nrt.h"
#include "nrt/nrt_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------------
 * Per-model profiling
 * ---------------------------------------------------------------------------------------------- */

/* Starts profiling `model`: every execution of it, and every tensor operation on its logical core,
 * until nrt_profile_stop(filename) is recorded. `filename` names the session and the file that
 * nrt_profile_stop writes; several sessions may run at once under different file names. */
NRT_STATUS nrt_profile_start(nrt_model_t *model, const char *filename);

/* Stops the session started with the same `filename` and writes its profile there (a temporary
 * file renamed into place, so the file is never seen half-written). */
NRT_STATUS nrt_profile_stop(const char *filename);

/* ------------------------------------------------------------------------------------------------
 * Continuous profiling: every execution is captured; a profile reaches disk only when saved.
 * ---------------------------------------------------------------------------------------------- */

/* Opaque options. Defaults: output_dir "./output". */
typedef struct nrt_profile_continuous_options nrt_profile_continuous_options_t;

/* Allocates options set to their defaults; free them with nrt_profile_continuous_options_free. */
NRT_STATUS nrt_profile_continuous_options_allocate(nrt_profile_continuous_options_t **options);

/* Frees options (NULL is accepted and does nothing). */
NRT_STATUS nrt_profile_continuous_options_free(nrt_profile_continuous_options_t *options);

/* Sets the directory saved profiles go to (created when missing); the file names are chosen by the
 * runtime so that saves never overwrite each other. The string is copied. */
NRT_STATUS nrt_profile_continuous_options_set_output_dir(nrt_profile_continuous_options_t *options,
                                                         const char *output_dir);

/* Starts continuous profiling (NULL options: the defaults). Refused while an inspect session runs
 * or continuous profiling already runs. */
NRT_STATUS nrt_profile_continuous_start(nrt_profile_continuous_options_t *options);

/* Writes the profile of the latest execution on logical core `vnc` (with the tensor operations on
 * that core since the execution before it) into the options' output directory. Does not stop
 * continuous profiling. NRT_INVALID when nothing has executed on that core yet. */
NRT_STATUS nrt_profile_continuous_save(uint32_t vnc, nrt_profile_continuous_options_t *options);

/* Stops continuous profiling without saving. */
NRT_STATUS nrt_profile_continuous_stop(void);

/* ------------------------------------------------------------------------------------------------
 * Inspect: capture of the whole runtime's activity into an output directory.
 * ---------------------------------------------------------------------------------------------- */

/* Begins an inspect session configured by the environment:
 *   NEURON_RT_INSPECT_ENABLE=1          capture (otherwise nothing is captured)
 *   NEURON_RT_INSPECT_OUTPUT_DIR        output directory, default ./output
 *   NEURON_RT_INSPECT_SYSTEM_PROFILE=0  no system profile (default 1)
 *   NEURON_RT_INSPECT_DEVICE_PROFILE=0  no device profile (default 1)
 *   NEURON_RT_INSPECT_ON_FAIL=1         keep the device profile only when an execution failed
 */
NRT_STATUS nrt_inspect_begin(void);

/* Ends the inspect session and writes its files. */
NRT_STATUS nrt_inspect_stop(void);

/* Opaque options for nrt_inspect_begin_with_options. */
typedef struct nrt_inspect_config nrt_inspect_config_t;

/* Allocates a configuration set to the defaults of nrt_inspect_config_set_defaults. */
NRT_STATUS nrt_inspect_config_allocate(nrt_inspect_config_t **options);

/* Defaults (not taken from the environment): session id 1, output directory "./output", every
 * activity type enabled, every logical core and event type captured, inspect and inspect-on-fail
 * disabled. */
NRT_STATUS nrt_inspect_config_set_defaults(nrt_inspect_config_t *options);

/* Frees a configuration (NULL is accepted and does nothing). */
NRT_STATUS nrt_inspect_config_free(nrt_inspect_config_t *options);

/* Session id: names the session's subdirectory of the output directory. Must be >= 0. */
NRT_STATUS nrt_inspect_config_set_session_id(nrt_inspect_config_t *options, int session_id);

/* Output directory, a non-empty string (copied). */
NRT_STATUS nrt_inspect_config_set_output_dir(nrt_inspect_config_t *options, const char *output_dir);

/* Bound on the events kept per logical core for the system profile (1 .. 2^20). */
NRT_STATUS nrt_inspect_config_set_sys_trace_max_events_per_nc(nrt_inspect_config_t *options,
                                                               uint64_t sys_trace_max_events_per_nc);

/* Captures (or not) the events of logical core `nc_idx`. */
NRT_STATUS nrt_inspect_config_set_capture_enabled_for_nc(nrt_inspect_config_t *options, uint32_t nc_idx, bool enabled);

/* Captures (or not) one event type, a name from nrt_sys_trace_get_event_types (nrt_sys_trace.h). */
NRT_STATUS nrt_inspect_config_set_capture_enabled_for_event_type_string(nrt_inspect_config_t *options,
                                                                        const char *event_type, bool enabled);

/* Capture profiles for every execution (default: disabled). */
NRT_STATUS nrt_inspect_config_set_enable_inspect(nrt_inspect_config_t *options, bool enable_inspect);

/* Keep device profiles when an execution fails (default: disabled). With both this and
 * enable_inspect disabled, the session captures nothing. */
NRT_STATUS nrt_inspect_config_set_enable_inspect_on_fail(nrt_inspect_config_t *options, bool enable_inspect_on_fail);

/* Begins an inspect session with `options` (NULL: the defaults); ignores NEURON_RT_INSPECT_*. */
NRT_STATUS nrt_inspect_begin_with_options(nrt_inspect_config_t *options);

/* Every activity type name: "system_profile", "device_profile", "host_memory", "cpu_util". The array
 * and each string are malloc'ed; free them with nrt_inspect_config_free_activity_types (or free()). */
NRT_STATUS nrt_inspect_config_get_all_activity_types(const char ***activity_types, size_t *count);

/* The activity types enabled in `options`, allocated as above. */
NRT_STATUS nrt_inspect_config_get_enabled_activity_types(nrt_inspect_config_t *options, const char ***activity_types,
                                                         size_t *count);

/* Frees an array returned by the two functions above. */
void nrt_inspect_config_free_activity_types(const char **activity_types, size_t count);

/* Enables or disables one activity type by name, or all of them with "all". */
NRT_STATUS nrt_inspect_config_set_activity(nrt_inspect_config_t *options, const char *activity_type, bool enabled);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NRT_NRT_PROFILE_H */
