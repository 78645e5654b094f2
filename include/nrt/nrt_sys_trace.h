/*
 * nrt-bridge — Neuron Runtime system trace C API (nrt_sys_trace.h).
 *
 * Written for nrt-bridge; ABI-identical to the Neuron SDK's nrt_sys_trace.h: same function names and
 * signatures and the same opaque option types. Exported in the NRT_2.0.0 symbol node.
 *
 * While a system trace runs, the runtime's events (request schedule / start / end on every execution
 * unit, request errors, synchronous tensor operations, model load / unload, execution units turning
 * unrecoverable) are captured per logical core into a bounded ring; when a ring is full the oldest
 * event is dropped and counted. nrt_sys_trace_fetch_events hands them out as JSON, each event once.
 * The JSON schema is in nrt-bridge's README ("System trace").
 *
 * The void setters cannot return a status: an invalid value given to one of them is logged at once
 * and makes the next nrt_sys_trace_start / nrt_sys_trace_fetch_events with those options fail with
 * NRT_INVALID.
 */
#ifndef NRT_NRT_SYS_TRACE_H
#define NRT_NRT_SYS_TRACE_H

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
 * Capture
 * ---------------------------------------------------------------------------------------------- */

/* Opaque capture options. Defaults: 65536 events per logical core, every core and event type. */
typedef struct nrt_sys_trace_config nrt_sys_trace_config_t;

/* Allocates options set to the defaults; free them with nrt_sys_trace_config_free. */
NRT_STATUS nrt_sys_trace_config_allocate(nrt_sys_trace_config_t **options);

/* Resets options to the defaults. */
void nrt_sys_trace_config_set_defaults(nrt_sys_trace_config_t *options);

/* Frees options (NULL is accepted). */
void nrt_sys_trace_config_free(nrt_sys_trace_config_t *options);

/* Capacity of each logical core's ring (1 .. 2^20 events). */
void nrt_sys_trace_config_set_max_events_per_nc(nrt_sys_trace_config_t *options, uint64_t max_events_per_nc);

/* Captures (or not) the events of logical core `nc_idx`; no ring is allocated for a disabled core. */
void nrt_sys_trace_config_set_capture_enabled_for_nc(nrt_sys_trace_config_t *options, uint32_t nc_idx, bool enabled);

/* Captures (or not) one event type, a name from nrt_sys_trace_get_event_types. */
NRT_STATUS nrt_sys_trace_config_set_capture_enabled_for_event_type(nrt_sys_trace_config_t *options,
                                                                   const char *event_type, bool enabled);

/* Every event type the runtime emits. The array and each string are malloc'ed: free them with
 * nrt_sys_trace_free_event_types, or free() each string and then the array. */
NRT_STATUS nrt_sys_trace_get_event_types(const char ***event_types, size_t *count);

/* Frees an array returned by nrt_sys_trace_get_event_types or
 * nrt_sys_trace_config_get_enabled_event_types. */
void nrt_sys_trace_free_event_types(const char **event_types, size_t count);

/* The event types `options` captures, allocated as by nrt_sys_trace_get_event_types. */
NRT_STATUS nrt_sys_trace_config_get_enabled_event_types(nrt_sys_trace_config_t *options, const char ***event_types,
                                                        size_t *count);

/* Starts capturing (NULL options: the defaults). Needs an initialised runtime; NRT_INVALID when a
 * system trace already runs. */
NRT_STATUS nrt_sys_trace_start(nrt_sys_trace_config_t *options);

/* Stops capturing and frees the rings (events not fetched are lost). NRT_INVALID when none runs. */
NRT_STATUS nrt_sys_trace_stop(void);

/* ------------------------------------------------------------------------------------------------
 * Fetch
 * ---------------------------------------------------------------------------------------------- */

/* Opaque fetch options. Defaults: every logical core, every event held. */
typedef struct nrt_sys_trace_fetch_options nrt_sys_trace_fetch_options_t;

NRT_STATUS nrt_sys_trace_fetch_options_allocate(nrt_sys_trace_fetch_options_t **options);
void nrt_sys_trace_fetch_options_set_defaults(nrt_sys_trace_fetch_options_t *options);
void nrt_sys_trace_fetch_options_free(nrt_sys_trace_fetch_options_t *options);
/* At most this many events (the oldest) per logical core; must be >= 1. */
void nrt_sys_trace_fetch_options_set_max_events_per_nc(nrt_sys_trace_fetch_options_t *options,
                                                       uint64_t max_events_per_nc);
/* Only the events of logical core `nc_idx` (must be a visible core when fetching). */
void nrt_sys_trace_fetch_options_set_nc_idx(nrt_sys_trace_fetch_options_t *options, uint64_t nc_idx);

/* Moves captured events out of the rings into a malloc'ed, NUL-terminated JSON document: *buffer
 * points to it and *written_size is its length without the NUL. Every event is returned once across
 * fetches. NULL options: the defaults. Free the buffer with nrt_sys_trace_buffer_free. */
NRT_STATUS nrt_sys_trace_fetch_events(char **buffer, size_t *written_size, const nrt_sys_trace_fetch_options_t *options);

/* Frees a buffer returned by nrt_sys_trace_fetch_events (NULL is accepted). */
void nrt_sys_trace_buffer_free(char *buffer);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NRT_NRT_SYS_TRACE_H */
