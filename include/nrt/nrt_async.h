/*
 * nrt-bridge — explicit asynchronous Neuron Runtime C API (nrt_async.h).
 *
 * Written for nrt-bridge; ABI-identical to the API of the Neuron SDK 2.30+ libnrt (async API v3.0,
 * ELF symbol version NRT_3.0.0): NRT_STATUS *ret completion statuses, int lnc_idx before int queue
 * in nrta_tensor_read/write/copy (as the shipped library and its callers have it), and the eventfd
 * registration calls. A second section holds two nrt-bridge extensions that the SDK 2.30+ library
 * does not export.
 *
 * Model
 *   Work runs on execution units (XUs). An XU queue is identified by (logical core, XU type, queue
 *   index); queues per logical core: NRTA_XU_COMPUTE 1, NRTA_XU_TENSOR_OP 2, NRTA_XU_COLLECTIVES 3.
 *   Each XU queue runs its requests one at a time in submission order; different queues run in
 *   parallel, and the application orders work across queues itself (wait for the producer to
 *   complete before scheduling the consumer).
 *
 * Rules shared by every schedule call (nrta_execute_schedule, nrta_cc_schedule, nrta_tensor_*):
 *   - NRT_SUCCESS means accepted and queued, not completed. Only on NRT_SUCCESS are *req_sequence
 *     (at once) and *ret (later) written.
 *   - The request's final status is stored into *ret before its completion is published (before
 *     nrta_is_completed / nrta_get_sequence can report it, and before any registered fd is signalled).
 *     Read *ret only after observing completion.
 *   - Keep alive until completion: the *ret storage, host buffers, tensors, tensor sets and model
 *     passed to the call.
 *   - NRT_QUEUE_FULL: the queue is full; nothing changed (no sequence consumed, *ret and
 *     *req_sequence untouched). Wait for a completion on that queue and retry.
 *   - NRT_EXEC_UNIT_UNRECOVERABLE: the XU queue hit a fatal error and accepts no more work; requests
 *     still queued on it complete with that status.
 *   - NRT_INVALID: NULL pointer, bad logical core or queue index, out-of-bounds range, or tensors not
 *     usable on that logical core.
 *   - NRT_UNINITIALIZED before nrt_init, NRT_CLOSED after nrt_close, NRT_FAILURE in a forked child.
 */
#ifndef NRT_NRT_ASYNC_H
#define NRT_NRT_ASYNC_H

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

/* Execution unit types. New types are only ever appended. */
typedef enum {
  NRTA_XU_TENSOR_OP = 0,   /* host <-> device transfers and device copies */
  NRTA_XU_COMPUTE = 1,     /* model executions */
  NRTA_XU_COLLECTIVES = 2, /* host-driven collectives */
  NRTA_XU_TYPE_NUM = 3
} nrta_xu_t;

/* Sequence ID of a request: bits 63..48 = id of the XU queue (bits 3..0 XU type, 7..4 queue index,
 * 15..8 logical core), bits 47..0 = per-queue counter. Counters start at 1; consecutive requests on
 * one queue get consecutive numbers. Compare sequence numbers only within one XU queue. */
typedef uint64_t nrta_seq_t;
typedef uint16_t nrta_xu_id_t;

#define NRTA_SEQ_NUM_MAX ((1ull << 48) - 1)
#define NRTA_SEQ_NUM_MASK NRTA_SEQ_NUM_MAX
/* Same results as the SDK's macros, with the argument parenthesised. */
#define NRTA_SEQ_GET_SEQ_NUM(seq_id) ((seq_id)&NRTA_SEQ_NUM_MASK)
#define NRTA_SEQ_GET_XU_ID(seq_id) ((seq_id) >> 48)

/* ------------------------------------------------------------------------------------------------
 * Scheduling
 * ---------------------------------------------------------------------------------------------- */

/* Schedule one execution of model with input / output tensor sets on the COMPUTE XU of the model's
 * logical core. queue must be 0. Synchronous nrt_execute calls on that core are ordered with it.
 * Returns NRT_SUCCESS (queued; *req_sequence set, *ret written at completion with any execution
 * status of nrt_execute), NRT_QUEUE_FULL, NRT_EXEC_UNIT_UNRECOVERABLE, NRT_INVALID (also: set names
 * or sizes do not match the model), NRT_UNINITIALIZED, NRT_CLOSED, NRT_FAILURE.
 * model, both sets, their tensors and *ret must stay valid until completion. */
NRT_STATUS nrta_execute_schedule(nrt_model_t *model, const nrt_tensor_set_t *input, nrt_tensor_set_t *output, int queue,
                                 NRT_STATUS *ret, nrta_seq_t *req_sequence);

/* Prepare a collective (cc_op, reducing with op over dtype elements) from input to output over
 * comm (which names the logical core, comm->vnc). On NRT_SUCCESS *cc_ctx receives a context for
 * nrta_cc_schedule. Returns NRT_SUCCESS, NRT_INVALID (NULL, bad dtype/op, tensor lists that do not
 * fit the collective), NRT_RESOURCE, NRT_UNINITIALIZED, NRT_CLOSED, NRT_FAILURE.
 * comm, the tensor lists and their tensors must stay valid until the scheduled collective completes. */
NRT_STATUS nrta_cc_prepare(nrt_cc_comm_t *comm, nrt_tensor_list_t *input, nrt_tensor_list_t *output, nrt_dtype_t dtype,
                           nrt_op_type_t op, nrt_cc_op_type_t cc_op, nrt_cc_context_t **cc_ctx);

/* Schedule the prepared collective *cc_ctx on COLLECTIVES XU queue `queue` (0..2) of its logical
 * core. On NRT_SUCCESS the runtime takes ownership of the context, frees it after the collective
 * has run, and sets *cc_ctx = NULL; on any other return *cc_ctx is left as it was (it may be
 * scheduled again, e.g. after NRT_QUEUE_FULL).
 * Returns NRT_SUCCESS, NRT_QUEUE_FULL, NRT_EXEC_UNIT_UNRECOVERABLE, NRT_INVALID, NRT_UNINITIALIZED,
 * NRT_CLOSED, NRT_FAILURE. *ret must stay valid until completion. */
NRT_STATUS nrta_cc_schedule(nrt_cc_context_t **cc_ctx, int queue, NRT_STATUS *ret, nrta_seq_t *req_sequence);

/* Schedule a device-to-device copy of size bytes from src+src_offset to dst+dst_offset on
 * TENSOR_OP XU queue `queue` (0..1) of logical core lnc_idx. Both tensors must be on that core.
 * Returns NRT_SUCCESS, NRT_QUEUE_FULL, NRT_EXEC_UNIT_UNRECOVERABLE, NRT_INVALID, NRT_UNINITIALIZED,
 * NRT_CLOSED, NRT_FAILURE. src, dst and *ret must stay valid until completion. */
NRT_STATUS nrta_tensor_copy(nrt_tensor_t *src, uint64_t src_offset, nrt_tensor_t *dst, uint64_t dst_offset,
                            uint64_t size, int lnc_idx, int queue, NRT_STATUS *ret, nrta_seq_t *req_sequence);

/* Schedule a device-to-host copy of size bytes from tensor+offset into buf on TENSOR_OP XU queue
 * `queue` (0..1) of logical core lnc_idx (normally the tensor's: nrt_tensor_get_lnc_index).
 * Returns NRT_SUCCESS, NRT_QUEUE_FULL, NRT_EXEC_UNIT_UNRECOVERABLE, NRT_INVALID, NRT_UNINITIALIZED,
 * NRT_CLOSED, NRT_FAILURE. buf, tensor and *ret must stay valid until completion; buf holds
 * the data only after completion. */
NRT_STATUS nrta_tensor_read(void *buf, nrt_tensor_t *tensor, uint64_t offset, uint64_t size, int lnc_idx, int queue,
                            NRT_STATUS *ret, nrta_seq_t *req_sequence);

/* Schedule a host-to-device copy of size bytes from buf into tensor+offset on TENSOR_OP XU queue
 * `queue` (0..1) of logical core lnc_idx (normally the tensor's: nrt_tensor_get_lnc_index).
 * Returns NRT_SUCCESS, NRT_QUEUE_FULL, NRT_EXEC_UNIT_UNRECOVERABLE, NRT_INVALID, NRT_UNINITIALIZED,
 * NRT_CLOSED, NRT_FAILURE. buf (unmodified), tensor and *ret must stay valid until completion. */
NRT_STATUS nrta_tensor_write(nrt_tensor_t *tensor, const void *buf, uint64_t offset, uint64_t size, int lnc_idx,
                             int queue, NRT_STATUS *ret, nrta_seq_t *req_sequence);

/* ------------------------------------------------------------------------------------------------
 * Completion
 * ---------------------------------------------------------------------------------------------- */

/* Last completed sequence of XU queue (lnc_idx, xu_type, queue), in *seq. The XU id bits are set
 * even when nothing has completed yet (sequence number 0), so `*seq >= last_submitted` works.
 * Returns NRT_SUCCESS, NRT_INVALID (NULL, bad core / type / queue), NRT_UNINITIALIZED, NRT_CLOSED,
 * NRT_FAILURE. */
NRT_STATUS nrta_get_sequence(uint32_t lnc_idx, nrta_xu_t xu_type, int queue, nrta_seq_t *seq);

/* Whether request seq has completed, in *is_completed (its *ret is then readable).
 * Returns NRT_SUCCESS for a valid seq, NRT_INVALID (NULL, seq not issued by this runtime),
 * NRT_UNINITIALIZED, NRT_CLOSED, NRT_FAILURE. */
NRT_STATUS nrta_is_completed(nrta_seq_t seq, bool *is_completed);

/* Signal the application-owned eventfd fd (the runtime writes to it; it never reads or closes it)
 * when request seq completes. If seq has already completed, fd is signalled at once. fd < 0 removes
 * the registration for seq; remove it before closing fd if seq may still be pending.
 * Returns NRT_SUCCESS, NRT_INVALID (seq not issued by this runtime), NRT_UNINITIALIZED, NRT_CLOSED,
 * NRT_FAILURE. */
NRT_STATUS nrta_event_register_seq_id_completion(nrta_seq_t seq, int fd);

/* Signal the application-owned eventfd fd every time XU queue (lnc, xu, queue) completes a
 * request. Completions accumulate in the eventfd counter (one read() drains several): re-check with
 * nrta_get_sequence after each wake-up. One fd per XU queue: registering replaces the previous fd;
 * fd < 0 removes it (do so before closing fd).
 * Returns NRT_SUCCESS, NRT_INVALID (bad core / type / queue), NRT_UNINITIALIZED, NRT_CLOSED,
 * NRT_FAILURE. */
NRT_STATUS nrta_event_register_xu_completion(int lnc, nrta_xu_t xu, int queue, int fd);

/* ================================================================================================
 * nrt-bridge extensions, not in the SDK 2.30+ library.
 * (They come from the SDK 2.28 async API and are kept because real code and nrt-migrate use them.
 * Exported under NRT_3.0.0 like the rest of nrta_*. Code that must also run on the SDK's libnrt
 * must not call them.)
 * ============================================================================================== */

/* One failed request. 16 bytes. */
typedef struct nrta_error {
  nrta_seq_t seq_id;   /* the request */
  uint64_t error_code; /* its NRT_STATUS, widened */
} nrta_error_t;

#if defined(__cplusplus) && __cplusplus >= 201103L
static_assert(sizeof(nrta_error_t) == 16, "nrta_error_t must be 16 bytes");
#elif !defined(__cplusplus) && defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(sizeof(nrta_error_t) == 16, "nrta_error_t must be 16 bytes");
#endif

typedef struct nrta_error_tracker nrta_error_tracker_t; /* opaque */

/* Create an error tracker for logical core lnc_idx: from now on it logs (seq, status) of every
 * request on that core, on any XU, that completes with a status other than NRT_SUCCESS.
 * On NRT_SUCCESS *error_tracker is owned by the caller (nrta_error_tracker_destroy).
 * Returns NRT_SUCCESS, NRT_INVALID (NULL, bad core), NRT_RESOURCE, NRT_UNINITIALIZED, NRT_CLOSED,
 * NRT_FAILURE. */
NRT_STATUS nrta_error_tracker_create(uint32_t lnc_idx, nrta_error_tracker_t **error_tracker);

/* Destroy a tracker; any list it returned becomes invalid. NULL is a no-op. */
void nrta_error_tracker_destroy(nrta_error_tracker_t *error_tracker);

/* Errors logged since the previous call (or since creation), in completion order: *list receives
 * an array of *error_count entries owned by the tracker (NULL when the count is 0), valid until the
 * next nrta_error_tracker_get_list or nrta_error_tracker_destroy on this tracker. The returned
 * errors are removed from the log. To see every error of a batch, call it after the batch's
 * completion has been observed.
 * Returns NRT_SUCCESS, NRT_INVALID (NULL argument). */
NRT_STATUS nrta_error_tracker_get_list(nrta_error_tracker_t *error_tracker, const nrta_error_t **list,
                                       size_t *error_count);

/* Create a pollable file descriptor, owned by the caller, that becomes readable (POLLIN) when
 * request seq completes (at once if it already has). Use it only with poll/select/epoll and close;
 * the caller must close it. Returns NRT_SUCCESS, NRT_INVALID (NULL, seq not issued by this runtime),
 * NRT_RESOURCE (no file descriptor available), NRT_UNINITIALIZED, NRT_CLOSED, NRT_FAILURE. */
NRT_STATUS nrta_get_completion_handle(nrta_seq_t seq, int *fd);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NRT_NRT_ASYNC_H */
