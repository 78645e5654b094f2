/*
 * nrt-bridge — experimental Neuron Runtime C API (nrt_experimental.h).
 *
 * Written for nrt-bridge; ABI-identical to the Neuron SDK's nrt_experimental.h (2.28+ header level).
 * The SDK marks this header as experimental / subject to change. The lifecycle conventions of nrt.h
 * apply (NRT_UNINITIALIZED before nrt_init, NRT_CLOSED after nrt_close, NRT_INVALID for NULL).
 */
#ifndef NRT_NRT_EXPERIMENTAL_H
#define NRT_NRT_EXPERIMENTAL_H

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
 * Model I/O signature and model info
 * ---------------------------------------------------------------------------------------------- */

typedef enum nrt_tensor_usage { NRT_TENSOR_USAGE_INPUT = 0, NRT_TENSOR_USAGE_OUTPUT = 1 } nrt_tensor_usage_t;

#define NRT_TENSOR_NAME_MAX 256

/* One model input or output. 296 bytes (LP64). */
typedef struct nrt_tensor_info {
  char name[NRT_TENSOR_NAME_MAX]; /* offset 0: NUL-terminated; the key to use in tensor sets */
  nrt_tensor_usage_t usage;       /* offset 256 */
  size_t size;                    /* offset 264: bytes */
  nrt_dtype_t dtype;              /* offset 272 */
  uint32_t *shape;                /* offset 280: ndim entries, owned by the enclosing array */
  uint32_t ndim;                  /* offset 288 */
} nrt_tensor_info_t;

/* Array of tensor_count entries: inputs first, then outputs. */
#if defined(__cplusplus) && defined(__GNUC__)
/* A flexible array member is C99; C++ compilers accept it as an extension. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#endif
typedef struct nrt_tensor_info_array {
  uint64_t tensor_count;
  nrt_tensor_info_t tensor_array[];
} nrt_tensor_info_array_t;
#if defined(__cplusplus) && defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

/* Describe the model's inputs and outputs. On NRT_SUCCESS *tensor_info receives an array allocated
 * by the runtime; the caller releases it (and every shape in it) with nrt_free_model_tensor_info.
 * NRT_SUCCESS; NRT_INVALID (NULL, unknown model); NRT_RESOURCE. */
NRT_STATUS nrt_get_model_tensor_info(nrt_model_t *model, nrt_tensor_info_array_t **tensor_info);

/* Free an array returned by nrt_get_model_tensor_info. NRT_SUCCESS; NRT_INVALID (NULL). */
NRT_STATUS nrt_free_model_tensor_info(nrt_tensor_info_array_t *tensor_info);

/* Deprecated. Suggested number of concurrent nrt_execute calls on the model, in *instance_count.
 * NRT_SUCCESS; NRT_INVALID. */
NRT_STATUS nrt_get_model_instance_count(nrt_model_t *model, uint32_t *instance_count);

/* Model description. Append-only: see nrt_get_model_info. 4 bytes. */
typedef struct nrt_model_info {
  uint32_t vnc; /* logical core the model is loaded on */
} nrt_model_info_t;

/* Copy min(info_size_in, sizeof(nrt_model_info_t)) bytes of the model's description to *info and
 * store the runtime's struct size in *info_size_out. NRT_SUCCESS; NRT_INVALID. */
NRT_STATUS nrt_get_model_info(const nrt_model_t *model, nrt_model_info_t *info, size_t info_size_in,
                              size_t *info_size_out);

/* ------------------------------------------------------------------------------------------------
 * Tracing, network plugin, microcode
 * ---------------------------------------------------------------------------------------------- */

/* Start recording a runtime trace (trace_mem: also record memory events). NRT_SUCCESS; NRT_FAILURE. */
NRT_STATUS nrt_trace_start(bool trace_mem);

/* Stop recording and write the trace to filename. NRT_SUCCESS; NRT_INVALID; NRT_FAILURE. */
NRT_STATUS nrt_trace_stop(const char *filename);

/* Handle of the libnccl-net plugin used by the runtime, or NULL with *err set and a message in
 * err_msg (capacity err_msg_size). Hardware only: nrt-bridge returns NULL with an error. */
void *nrt_get_libnccl_net(int *err, char *err_msg, size_t err_msg_size);

/* One microcode image. 16 bytes. */
typedef struct nrt_ucode_img {
  uint8_t *bin;
  size_t size;
} nrt_ucode_img;

/* Pool-engine microcode. 32 bytes. */
typedef struct nrt_ucode_info {
  nrt_ucode_img iram;
  nrt_ucode_img dram;
} nrt_ucode_info;

/* Replace the pool-engine microcode. Must be called BEFORE nrt_init. Hardware only: nrt-bridge
 * returns an error status. */
NRT_STATUS nrt_set_pool_eng_ucode(const nrt_ucode_info *ucode_info);

/* ------------------------------------------------------------------------------------------------
 * Host collectives and memory helpers
 * ---------------------------------------------------------------------------------------------- */

/* Block until all g_device_count participants (this one is g_device_id, on logical core vnc) reach
 * the barrier. NRT_SUCCESS; NRT_INVALID; NRT_TIMEOUT; NRT_FAILURE. */
NRT_STATUS nrt_barrier(int32_t vnc, uint32_t g_device_id, uint32_t g_device_count);

/* All-gather of rank_input_size bytes per participant: output (rank_input_size * g_device_count
 * bytes) receives every participant's input at offset rank_input_size * rank.
 * NRT_SUCCESS; NRT_INVALID; NRT_TIMEOUT; NRT_FAILURE. */
NRT_STATUS nrt_all_gather(int32_t vnc, uint32_t g_device_id, uint32_t g_device_count, uint32_t rank_input_size,
                          void *input, void *output);

/* Copy size bytes from host memory src to device memory dest (a device VA, e.g. from
 * nrt_tensor_get_va or nrt_get_hbm_mmap_va). NRT_SUCCESS; NRT_INVALID. */
NRT_STATUS nrt_memcpy_to_device(void *dest, const void *src, size_t size);

/* ------------------------------------------------------------------------------------------------
 * Legacy implicit async mode (NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS), removed in SDK 2.31.
 * The nrt-bridge runtime executes synchronously: the callback is accepted and never called, and
 * nrt_async_drain_queued_execs returns at once. The libnrt-implicit-async.so shim restores the mode.
 * ---------------------------------------------------------------------------------------------- */

/* Called once per completed execution, from a runtime thread, with the params given at registration. */
typedef void (*NRT_ASYNC_EXEC_STATUS_CALLBACK)(void *params, uint32_t model_id, uint32_t vnc, uint64_t job_id,
                                               NRT_STATUS status);

/* Register the completion callback (replacing any previous one); params (may be NULL) is passed
 * back to it. The registration is process-wide: accepted before nrt_init (and kept for the runtime
 * nrt_init starts), while initialised and after nrt_close. callback == NULL restores the default (no
 * callback; params is ignored) and returns NRT_SUCCESS. Without implicit async execution (SDK 2.31+,
 * and this runtime unless run under the implicit-async shim) the callback is never called.
 * NRT_SUCCESS; NRT_FAILURE in a forked child of an initialised process. */
NRT_STATUS nrt_register_async_exec_callback(NRT_ASYNC_EXEC_STATUS_CALLBACK callback, void *params);

/* Block until every execution queued on logical core vnc has completed. NRT_SUCCESS; NRT_INVALID. */
NRT_STATUS nrt_async_drain_queued_execs(int32_t vnc);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NRT_NRT_EXPERIMENTAL_H */
