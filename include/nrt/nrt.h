/*
 * nrt-bridge — the synchronous Neuron Runtime C API (nrt.h).
 *
 * Written for nrt-bridge; ABI-identical to the Neuron SDK's nrt.h (2.28+ header level, plus
 * nrt_tensor_get_lnc_index): same type and tag names, enumerator values and struct layouts (LP64).
 * tests/abi/abi_layout_test.{c,cc} pin every size, offset and value.
 *
 * Conventions used by every function below unless its comment says otherwise:
 *   - Before nrt_init:          NRT_UNINITIALIZED.   After nrt_close: NRT_CLOSED.
 *   - In a forked child:        NRT_FAILURE.
 *   - NULL / out-of-range / freed handle or pointer argument: NRT_INVALID.
 *   - vnc / lnc indexes are logical NeuronCore indexes relative to the cores visible to the process.
 */
#ifndef NRT_NRT_H
#define NRT_NRT_H

#ifndef __cplusplus
#include <stdbool.h>
#endif
#include <stddef.h>
#include <stdint.h>

#include "nrt/nrt_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Version of this C API (unchanged since 2022). */
#define NRT_MAJOR_VERSION 2
#define NRT_MINOR_VERSION 0

/* ------------------------------------------------------------------------------------------------
 * Types
 * ---------------------------------------------------------------------------------------------- */

typedef struct nrt_model nrt_model_t;           /* opaque: a loaded NEFF */
typedef struct nrt_tensor nrt_tensor_t;         /* opaque: a byte buffer on a core or on the host */
typedef struct nrt_cc_context nrt_cc_context_t; /* opaque: a prepared host-driven collective */
typedef void nrt_tensor_set_t;                  /* opaque: name -> tensor map */

typedef enum {
  NRT_TENSOR_PLACEMENT_DEVICE = 0, /* HBM of the given logical core */
  NRT_TENSOR_PLACEMENT_HOST = 1,   /* DMA-able host memory (deprecated, <= 4 MB) */
  NRT_TENSOR_PLACEMENT_VIRTUAL = 2 /* plain host memory */
} nrt_tensor_placement_t;

typedef enum {
  NRT_FRAMEWORK_TYPE_INVALID = 0,
  NRT_FRAMEWORK_TYPE_NO_FW = 1,
  NRT_FRAMEWORK_TYPE_TENSORFLOW = 2,
  NRT_FRAMEWORK_TYPE_PYTORCH = 3,
  NRT_FRAMEWORK_TYPE_MXNET = 4,
  NRT_FRAMEWORK_TYPE_PRECHECK = 5
} nrt_framework_type_t;

/* Instance family, reported in nrt_instance_info_t.family. */
enum {
  NRT_INSTANCE_UNKNOWN = 0,
  NRT_INSTANCE_INF1 = 1,
  NRT_INSTANCE_TRN1 = 2,
  NRT_INSTANCE_TRN1N = 3,
  NRT_INSTANCE_INF2 = 4,
  NRT_INSTANCE_TRN2 = 5,
  NRT_INSTANCE_TRN2N = 6,
  NRT_INSTANCE_INF2E = 7,
  NRT_INSTANCE_TRN2P = 8,
  NRT_INSTANCE_TRN2U = 9,
  NRT_INSTANCE_TRN2E = 10,
  NRT_INSTANCE_TRN2EU = 11,
  NRT_INSTANCE_TRN2AC = 12,
  NRT_INSTANCE_TRN2UAC = 13,
  NRT_INSTANCE_TRN3 = 14,
  NRT_INSTANCE_TRN3PDS98 = 15
};

/* Instance size, reported in nrt_instance_info_t.size. */
enum {
  NRT_INSTANCE_SIZE_1XL = 0,
  NRT_INSTANCE_SIZE_2XL = 1,
  NRT_INSTANCE_SIZE_4XL = 2,
  NRT_INSTANCE_SIZE_6XL = 3,
  NRT_INSTANCE_SIZE_8XL = 4,
  NRT_INSTANCE_SIZE_24XL = 5,
  NRT_INSTANCE_SIZE_32XL = 6,
  NRT_INSTANCE_SIZE_48XL = 7,
  NRT_INSTANCE_SIZE_3XL = 8,
  NRT_INSTANCE_SIZE_UNKNOWN = 9,
  NRT_INSTANCE_SIZE_NUM = NRT_INSTANCE_SIZE_UNKNOWN
};

/* Reduction operator of a collective. */
typedef enum nrt_op_type {
  NRT_OP_ADD = 0x0,
  NRT_OP_FMA = 0x1,
  NRT_OP_MAX = 0x2,
  NRT_OP_MIN = 0x3,
  NRT_OP_INVALID = 0xF
} nrt_op_type_t;

/* Element type. The values are the hardware encodings (not sequential). */
typedef enum nrt_dtype {
  NRT_DTYPE_UNKNOWN = 0x0,
  NRT_DTYPE_INVALID = 0x0,
  NRT_DTYPE_FP8_E3 = 0xD,
  NRT_DTYPE_FP8_E4 = 0xE,
  NRT_DTYPE_FP8_E5 = 0xF,
  NRT_DTYPE_FLOAT16 = 0x7,
  NRT_DTYPE_BFLOAT16 = 0x6,
  NRT_DTYPE_FLOAT32 = 0xA,
  NRT_DTYPE_FP32R = 0xB,
  NRT_DTYPE_UINT8 = 0x3,
  NRT_DTYPE_UINT16 = 0x5,
  NRT_DTYPE_UINT32 = 0x9,
  NRT_DTYPE_UINT64 = 0x1,
  NRT_DTYPE_INT8 = 0x2,
  NRT_DTYPE_INT16 = 0x4,
  NRT_DTYPE_INT32 = 0x8,
  NRT_DTYPE_INT64 = 0xC
} nrt_dtype_t;

/* Kind of a host-driven collective. */
typedef enum nrt_cc_op_type { NRT_CC_ALLGATHER = 0, NRT_CC_ALLREDUCE = 1, NRT_CC_REDUCESCATTER = 2 } nrt_cc_op_type_t;

/* 32 bytes. Filled by nrt_get_instance_info. */
typedef struct nrt_instance_info {
  uint32_t family;         /* NRT_INSTANCE_* */
  uint32_t size;           /* NRT_INSTANCE_SIZE_* */
  char arch_name[16];      /* NUL-terminated */
  char device_revision[8]; /* NUL-terminated */
} nrt_instance_info_t;

/* One contiguous range of a batched tensor read/write. 24 bytes. */
typedef struct nrt_tensor_batch_op {
  uint64_t offset; /* byte offset in the tensor */
  uint64_t size;   /* bytes */
  void *buffer;    /* host buffer: destination (read) or source (write) */
} nrt_tensor_batch_op_t;

/* All ranges of one tensor in a batched read/write. 24 bytes. */
typedef struct nrt_tensor_batch {
  const nrt_tensor_t *tensor;
  const nrt_tensor_batch_op_t *ops;
  uint32_t num_ops;
} nrt_tensor_batch_t;

/* Where a device tensor lives. 24 bytes. */
typedef struct nrt_tensor_device_allocation_info {
  uint64_t physical_address;
  size_t size;
  int hbm_index;
} nrt_tensor_device_allocation_info_t;

/* Device memory use of one logical core. Append-only: see nrt_get_vnc_memory_stats. 16 bytes. */
typedef struct nrt_vnc_memory_stats {
  size_t bytes_used;
  size_t bytes_limit;
} nrt_vnc_memory_stats_t;

/* Communicator of a host-driven collective. 32 bytes. */
typedef struct nrt_cc_comm {
  uint32_t *replica_group; /* ranks taking part, rank_n entries */
  uint32_t rank;           /* my rank in replica_group */
  uint32_t rank_n;         /* size of replica_group */
  uint32_t ctx_device_id;
  uint32_t ctx_device_count;
  uint32_t vnc;
} nrt_cc_comm_t;

/* A list of tensors (collective inputs or outputs). 16 bytes. */
typedef struct nrt_tensor_list {
  nrt_tensor_t **tensors;
  size_t num_tensors;
} nrt_tensor_list_t;

/* ------------------------------------------------------------------------------------------------
 * Lifecycle, core counts, load / unload
 * ---------------------------------------------------------------------------------------------- */

/* Initialise the runtime: reads the environment and reserves the visible logical cores for this
 * process. Must precede every other call except the *_nc_count / *_vnc_count getters and
 * nrt_get_version. Non-framework applications pass (NRT_FRAMEWORK_TYPE_NO_FW, "", ""); the strings
 * only tag telemetry. Calling it again while initialised returns NRT_SUCCESS. After nrt_close it
 * starts a new runtime (init -> close -> init any number of times); handles of an earlier runtime
 * are NRT_INVALID in a later one. A process that forked before its first nrt_init, or after
 * nrt_close, may initialise in the child; the child of an initialised process may not.
 * Returns NRT_SUCCESS; NRT_INVALID (bad framework, bad environment value such as
 * NEURON_RT_LOG_LEVEL, no devices, bad core selection); NRT_RESOURCE; NRT_FAILURE in a forked child
 * of an initialised process. */
NRT_STATUS nrt_init(nrt_framework_type_t framework, const char *fw_version, const char *fal_version);

/* Release every model, tensor, tensor set, error tracker and core of the process: queued requests
 * complete (NRT_CLOSED if they had not started), worker threads end, memory is freed. Calls racing
 * with it return a status. Afterwards every call returns NRT_CLOSED until the next nrt_init; freeing
 * a handle then only sets the caller's pointer to NULL. In a forked child it returns at once. */
void nrt_close(void);

/* Copy min(instance_info_len, sizeof(nrt_instance_info_t)) bytes of the instance description to
 * *info. Returns NRT_SUCCESS or NRT_INVALID (NULL info). */
NRT_STATUS nrt_get_instance_info(nrt_instance_info_t *info, size_t instance_info_len);

/* Load a NEFF image (neff_bytes/size, copied; the caller keeps ownership) onto logical core vnc
 * (-1 = first free core). vnc_count is deprecated: pass -1. On NRT_SUCCESS *model receives a handle
 * owned by the caller, released with nrt_unload.
 * Returns NRT_SUCCESS; NRT_INVALID (bad arguments or NEFF); NRT_UNSUPPORTED_NEFF_VERSION;
 * NRT_LOAD_NOT_ENOUGH_NC; NRT_RESOURCE (out of device memory). */
NRT_STATUS nrt_load(const void *neff_bytes, size_t size, int32_t vnc, int32_t vnc_count, nrt_model_t **model);

/* As nrt_load, for a NEFF containing collectives: ctx_device_id is this model's rank and
 * ctx_device_count the size of its collective world. Builds the global communicator if none exists
 * (global id/count = ctx values). Same returns as nrt_load. */
NRT_STATUS nrt_load_collectives(const void *neff_bytes, size_t size, int32_t vnc, int32_t vnc_count,
                                uint32_t ctx_device_id, uint32_t ctx_device_count, nrt_model_t **model);

/* Unload a model and free its handle; the handle must not be used afterwards.
 * Returns NRT_SUCCESS or NRT_INVALID (NULL or unknown handle). */
NRT_STATUS nrt_unload(nrt_model_t *model);

/* Deprecated. Number of logical cores the model occupies, in *vnc_count. NRT_SUCCESS / NRT_INVALID. */
NRT_STATUS nrt_get_model_nc_count(const nrt_model_t *model, uint32_t *vnc_count);

/* Deprecated. Same as nrt_get_model_nc_count. */
NRT_STATUS nrt_get_model_vnc_count(const nrt_model_t *model, uint32_t *vnc_count);

/* Deprecated. Total logical cores on the host, in *vnc_count. Callable before nrt_init.
 * NRT_SUCCESS / NRT_INVALID (NULL). */
NRT_STATUS nrt_get_total_nc_count(uint32_t *vnc_count);

/* Total logical cores on the host, in *vnc_count. Callable before nrt_init. NRT_SUCCESS / NRT_INVALID. */
NRT_STATUS nrt_get_total_vnc_count(uint32_t *vnc_count);

/* Deprecated. Logical cores visible to this process, in *vnc_count. Callable before nrt_init.
 * NRT_SUCCESS / NRT_INVALID. */
NRT_STATUS nrt_get_visible_nc_count(uint32_t *vnc_count);

/* Logical cores visible to this process, in *vnc_count. NRT_SUCCESS / NRT_INVALID. */
NRT_STATUS nrt_get_visible_vnc_count(uint32_t *vnc_count);

/* ------------------------------------------------------------------------------------------------
 * Tensors
 * ---------------------------------------------------------------------------------------------- */

/* Allocate a size-byte tensor with the given placement on logical core vnc (-1 for host
 * placements). name is optional (logs only). On NRT_SUCCESS *tensor is owned by the caller, freed
 * with nrt_tensor_free. Returns NRT_SUCCESS; NRT_INVALID; NRT_RESOURCE (out of memory on that core). */
NRT_STATUS nrt_tensor_allocate(nrt_tensor_placement_t tensor_placement, int vnc, size_t size, const char *name,
                               nrt_tensor_t **tensor);

/* Free *tensor (its storage goes when the last tensor sharing it is freed) and set *tensor = NULL.
 * NULL or *tensor == NULL is a no-op. */
void nrt_tensor_free(nrt_tensor_t **tensor);

/* Copy size bytes at offset of the tensor to buf. NRT_SUCCESS; NRT_INVALID (NULL, offset+size past
 * the end). */
NRT_STATUS nrt_tensor_read(const nrt_tensor_t *tensor, void *buf, size_t offset, size_t size);

/* Copy size bytes from buf to offset of the tensor. NRT_SUCCESS; NRT_INVALID (NULL, out of bounds). */
NRT_STATUS nrt_tensor_write(nrt_tensor_t *tensor, const void *buf, size_t offset, size_t size);

/* Copy size bytes from src+src_offset to dst+dst_offset. Two device tensors must be on the same
 * core. NRT_SUCCESS; NRT_INVALID (NULL, out of bounds, different cores). */
NRT_STATUS nrt_tensor_copy(const nrt_tensor_t *src, size_t src_offset, nrt_tensor_t *dst, size_t dst_offset,
                           size_t size);

/* Size of the tensor in bytes; 0 for NULL. */
size_t nrt_tensor_get_size(const nrt_tensor_t *tensor);

/* Set size bytes at offset to (unsigned char)value. NRT_SUCCESS; NRT_INVALID. */
NRT_STATUS nrt_tensor_memset(nrt_tensor_t *tensor, uint64_t offset, int value, size_t size);

/* Allocate a tensor without storage; give it storage with nrt_tensor_attach_buffer.
 * NRT_SUCCESS; NRT_INVALID; NRT_RESOURCE. */
NRT_STATUS nrt_tensor_allocate_empty(const char *name, nrt_tensor_t **tensor);

/* Make buffer (size bytes, still owned by the caller, must outlive the tensor) the tensor's storage;
 * the tensor becomes VIRTUAL placement and nrt_tensor_free will not release buffer.
 * NRT_SUCCESS; NRT_INVALID. */
NRT_STATUS nrt_tensor_attach_buffer(nrt_tensor_t *tensor, void *buffer, size_t size);

/* Create a tensor viewing [offset, offset+size) of tensor_source, sharing its storage (no copy;
 * slices of slices compose). The slice is freed with nrt_tensor_free. NRT_SUCCESS; NRT_INVALID
 * (range outside the source); NRT_RESOURCE. */
NRT_STATUS nrt_tensor_allocate_slice(const nrt_tensor_t *tensor_source, size_t offset, size_t size, const char *name,
                                     nrt_tensor_t **tensor_slice);

/* Host-visible address of the tensor's data, or NULL (NULL tensor, not mapped). */
void *nrt_tensor_get_va(const nrt_tensor_t *tensor);

/* Perform all ranges of num_batches batches (read: tensor -> buffer; write: buffer -> tensor).
 * unsafe = true skips the wait for pending executions using the tensors. Every range is checked
 * before any is copied. nrt-bridge accepts at most 1048576 batches per call.
 * NRT_SUCCESS; NRT_INVALID (NULL, out of bounds, num_batches above the limit). */
NRT_STATUS nrt_tensor_read_batch(const nrt_tensor_batch_t *batches, uint64_t num_batches, bool unsafe);
NRT_STATUS nrt_tensor_write_batch(const nrt_tensor_batch_t *batches, uint64_t num_batches, bool unsafe);

/* Describe where a device tensor lives. NRT_SUCCESS; NRT_INVALID (NULL, not a device tensor). */
NRT_STATUS nrt_tensor_get_device_allocation_info(const nrt_tensor_t *tensor,
                                                 nrt_tensor_device_allocation_info_t *alloc_info);

/* Wait until the output tensor's completion counter reaches expected_completion_count. timeout in
 * microseconds; negative = no limit. Gated on the lifecycle like every call here (the SDK does not
 * check its state for these two, but a tensor does not outlive nrt_close); a wait in progress does
 * not hold nrt_close up. NRT_SUCCESS; NRT_INVALID (NULL); NRT_TIMEOUT. */
NRT_STATUS nrt_tensor_check_output_completion(const nrt_tensor_t *output_tensor, int64_t timeout,
                                              uint64_t expected_completion_count);

/* Set the output tensor's completion counter to 0. NRT_SUCCESS; NRT_INVALID (NULL). */
NRT_STATUS nrt_tensor_reset_output_completion(nrt_tensor_t *output_tensor);

/* Logical core index the tensor was allocated on, in *lnc_idx. NRT_SUCCESS; NRT_INVALID. */
NRT_STATUS nrt_tensor_get_lnc_index(const nrt_tensor_t *tensor, int *lnc_idx);

/* Export [va, va+size) of device memory as a dma-buf file descriptor (caller closes it).
 * Hardware only: nrt-bridge returns an error status. */
NRT_STATUS nrt_get_dmabuf_fd(uint64_t va, uint64_t size, int *fd);

/* Map HBM hbm_idx of device device_id into the process: *addr / *size receive the mapping. Walk
 * hbm_idx from 0 until NRT_INVALID_HANDLE (no more regions). On nrt-bridge: device 0 only, one region
 * per visible logical core (hbm_idx = core index; the range its device tensors are carved from, so
 * the mapping aliases their bytes), valid until nrt_close. NRT_SUCCESS; NRT_INVALID_HANDLE;
 * NRT_INVALID (NULL addr / size, bad device_id, negative hbm_idx). */
NRT_STATUS nrt_get_hbm_mmap_va(int device_id, int hbm_idx, void **addr, size_t *size);

/* Memory statistics of logical core vnc: copies min(stats_size_in, sizeof(nrt_vnc_memory_stats_t))
 * bytes to *stats and stores the runtime's struct size in *stats_size_out. NRT_SUCCESS; NRT_INVALID. */
NRT_STATUS nrt_get_vnc_memory_stats(uint32_t vnc, nrt_vnc_memory_stats_t *stats, size_t stats_size_in,
                                    size_t *stats_size_out);

/* ------------------------------------------------------------------------------------------------
 * Tensor sets and execution
 * ---------------------------------------------------------------------------------------------- */

/* Allocate an empty tensor set, owned by the caller (nrt_destroy_tensor_set). NRT_SUCCESS;
 * NRT_INVALID; NRT_RESOURCE. */
NRT_STATUS nrt_allocate_tensor_set(nrt_tensor_set_t **result);

/* Free the set (not its tensors) and set *tensor_set = NULL. NULL is a no-op. */
void nrt_destroy_tensor_set(nrt_tensor_set_t **tensor_set);

/* Add tensor under tensor_name, replacing any tensor of that name. The tensor is not owned by the
 * set and must outlive it. NRT_SUCCESS; NRT_INVALID; NRT_RESOURCE. */
NRT_STATUS nrt_add_tensor_to_tensor_set(nrt_tensor_set_t *tensor_set, const char *tensor_name, nrt_tensor_t *tensor);

/* Look up tensor_name. NRT_SUCCESS; NRT_INVALID (NULL); NRT_FAILURE (no such name; *tensor untouched). */
NRT_STATUS nrt_get_tensor_from_tensor_set(nrt_tensor_set_t *tensor_set, const char *tensor_name, nrt_tensor_t **tensor);

/* Run the model once with the named inputs, writing the named outputs; blocks until done.
 * Returns NRT_SUCCESS; NRT_INVALID (names/sizes/cores do not match the model); NRT_TIMEOUT;
 * NRT_EXEC_BAD_INPUT; NRT_EXEC_COMPLETED_WITH_NUM_ERR; NRT_EXEC_COMPLETED_WITH_ERR; NRT_EXEC_NC_BUSY;
 * NRT_EXEC_OOB; NRT_EXEC_HW_ERR_*; NRT_EXEC_UNIT_UNRECOVERABLE. */
NRT_STATUS nrt_execute(nrt_model_t *model, const nrt_tensor_set_t *input_set, nrt_tensor_set_t *output_set);

/* As nrt_execute; repeat_count > 1 (host-side loops, deprecated) is rejected with an error status. */
NRT_STATUS nrt_execute_repeat(nrt_model_t *model, const nrt_tensor_set_t *input_set, nrt_tensor_set_t *output_set,
                              int repeat_count);

/* ------------------------------------------------------------------------------------------------
 * Collectives (out-of-NEFF, host-driven) and device topology
 * ---------------------------------------------------------------------------------------------- */

/* Create the global communicator used by host-driven collectives (nrta_cc_prepare/schedule) on
 * logical core vnc, as rank g_device_id of g_device_count. NRT_SUCCESS; NRT_INVALID; NRT_FAILURE. */
NRT_STATUS nrt_cc_global_comm_init(uint32_t vnc, uint32_t g_device_id, uint32_t g_device_count);

/* Create the global communicator used by collectives inside NEFFs. NRT_SUCCESS; NRT_INVALID;
 * NRT_FAILURE. */
NRT_STATUS nrt_build_global_comm(int32_t vnc, uint32_t g_device_id, uint32_t g_device_count);

/* PCI BDF of the EFA device attached to the memory at va, NUL-terminated into efa_bdf (capacity
 * *len; *len receives the needed size). NRT_RESOURCE if the buffer is too small.
 * Hardware only: nrt-bridge returns an error status. */
NRT_STATUS nrt_get_attached_efa_bdf(const void *va, char *efa_bdf, size_t *len);

/* Host-wide id of Neuron device neuron_dev, in *host_device_id. NRT_SUCCESS; NRT_INVALID. */
NRT_STATUS nrt_host_device_id_get(int neuron_dev, uint32_t *host_device_id);

/* Map of host device ids to routing ids: fills host_did_to_rid_map and *count (entries).
 * NRT_SUCCESS; NRT_INVALID. */
NRT_STATUS nrt_host_device_id_rid_map_get(uint32_t *count, uint32_t *host_did_to_rid_map);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NRT_NRT_H */
