/*
 * nrt-bridge — Neuron debug stream C API (ndebug_stream.h).
 *
 * Written for nrt-bridge; ABI-identical to the Neuron SDK's ndebug_stream.h: same type and tag
 * names, enumerator values, struct layouts (LP64) and function signatures. tests/abi pins them.
 *
 * A client connects to one logical core's debug stream, waits for the returned fd to become readable
 * (poll / epoll), then consumes events one at a time with nrt_debug_client_read_one_event.
 *
 * On nrt-bridge the stream fd is a real, pollable file descriptor owned by the runtime, one per
 * logical core. The simulated device runs no device code that prints or hits breakpoints, so the
 * stream never becomes readable and nrt_debug_client_read_one_event reports NRT_QUEUE_EMPTY: a
 * client's reader loop runs unchanged and simply sees no events.
 *
 * Statuses (all three functions): before nrt_init NRT_UNINITIALIZED, after nrt_close NRT_CLOSED,
 * in a forked child NRT_FAILURE. The fds of a runtime are closed by nrt_close.
 */
#ifndef NRT_NDEBUG_STREAM_H
#define NRT_NDEBUG_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "nrt/nrt_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What an event's payload holds. */
typedef enum ndebug_stream_event_type {
  NDEBUG_STREAM_EVENT_TYPE_INVALID = 0,
  NDEBUG_STREAM_EVENT_TYPE_DEBUG_TENSOR_READ = 1,
} ndebug_stream_event_type_t;

/* Header of every event: the payload's size in bytes and its ndebug_stream_event_type_t. 64 bytes. */
typedef struct ndebug_stream_event_header {
  uint64_t data_size;
  uint32_t type;
  char reserved[52];
} ndebug_stream_event_header_t;

/* Payload of NDEBUG_STREAM_EVENT_TYPE_DEBUG_TENSOR_READ: a tensor printed by device code, followed
 * by tensor_data_size bytes of tensor data. 1024 bytes before tensor_data. */
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic" /* flexible array member in C++ */
#endif
typedef struct ndebug_stream_payload_debug_tensor_read {
  char prefix[512];
  uint32_t logical_nc_id;
  uint32_t pipe; /* 0: the device printed to stdout, otherwise stderr */
  char tensor_dtype[16];
  uint64_t tensor_shape[8];
  uint64_t tensor_data_size;
  char reserved0[416];
  char tensor_data[];
} ndebug_stream_payload_debug_tensor_read_t;
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

/* Connect to logical core logical_nc_idx's debug stream; *stream_fd receives the stream's fd.
 * One client per core at a time. NRT_SUCCESS; NRT_INVALID (NULL stream_fd, no such core, or the
 * core's stream already has a client). */
NRT_STATUS nrt_debug_client_connect(int logical_nc_idx, int *stream_fd);

/* Close a connection made by nrt_debug_client_connect; the core's stream accepts a new client.
 * An fd that is not an open connection is ignored (one log line). */
void nrt_debug_client_connect_close(int stream_fd);

/* Consume one event: *header receives its header, *payload a malloc'ed copy of its payload that the
 * caller frees. Call from the process that owns the core. NRT_SUCCESS; NRT_QUEUE_EMPTY (no event
 * available; *payload is set to NULL); NRT_INVALID (NULL argument or stream_fd is not an open
 * connection). */
NRT_STATUS nrt_debug_client_read_one_event(int stream_fd, ndebug_stream_event_header_t *header, void **payload);

#ifdef __cplusplus
}
#endif

#endif /* NRT_NDEBUG_STREAM_H */
