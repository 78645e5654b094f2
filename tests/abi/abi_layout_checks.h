/*
 * The ABI of the public headers (include/nrt/), pinned at compile time. Shared by abi_layout_test.c (C11) and
 * abi_layout_test.cc (C++20); the including file defines:
 *   ABI_SIZE(T, n)        sizeof(T) == n
 *   ABI_OFF(T, f, n)      offsetof(T, f) == n
 *   ABI_FIELD(T, f, o, n) offsetof(T, f) == o and sizeof(T::f) == n
 *   ABI_VAL(e, n)         integer constant expression e == n
 *   ABI_SIG(fn, R, ARGS)  &fn has exactly type R (*)ARGS
 *   ABI_TYPE(T, U)        T and U are the same (object or void) type
 *   ABI_FNPTR(T, R, ARGS) T is exactly the function pointer type R (*)ARGS
 * Any accidental change of a size, offset, enumerator, macro or function signature fails the build.
 * Layouts are the SDK's on LP64 (x86_64 / aarch64 Linux).
 */
#ifndef NRTB_ABI_LAYOUT_CHECKS_H
#define NRTB_ABI_LAYOUT_CHECKS_H

/* Each header twice: include guards must hold. */
#include "nrt/nrt_status.h"
#include "nrt/nrt.h"
#include "nrt/nrt_experimental.h"
#include "nrt/nrt_async.h"
#include "nrt/nrt_version.h"
#include "nrt/nrt_status.h"
#include "nrt/nrt.h"
#include "nrt/nrt_experimental.h"
#include "nrt/nrt_async.h"
#include "nrt/nrt_version.h"

ABI_SIZE(void *, 8);
ABI_SIZE(size_t, 8);

/* ---- nrt_status.h ------------------------------------------------------------------------------ */
ABI_SIZE(NRT_STATUS, 4);
ABI_VAL(NRT_SUCCESS, 0);
ABI_VAL(NRT_FAILURE, 1);
ABI_VAL(NRT_INVALID, 2);
ABI_VAL(NRT_INVALID_HANDLE, 3);
ABI_VAL(NRT_RESOURCE, 4);
ABI_VAL(NRT_TIMEOUT, 5);
ABI_VAL(NRT_HW_ERROR, 6);
ABI_VAL(NRT_QUEUE_FULL, 7);
ABI_VAL(NRT_LOAD_NOT_ENOUGH_NC, 9);
ABI_VAL(NRT_UNSUPPORTED_NEFF_VERSION, 10);
ABI_VAL(NRT_FAIL_HOST_MEM_ALLOC, 11);
ABI_VAL(NRT_UNINITIALIZED, 13);
ABI_VAL(NRT_CLOSED, 14);
ABI_VAL(NRT_QUEUE_EMPTY, 15);
ABI_VAL(NRT_EXEC_UNIT_UNRECOVERABLE, 101);
ABI_VAL(NRT_EXEC_BAD_INPUT, 1002);
ABI_VAL(NRT_EXEC_COMPLETED_WITH_NUM_ERR, 1003);
ABI_VAL(NRT_EXEC_COMPLETED_WITH_ERR, 1004);
ABI_VAL(NRT_EXEC_NC_BUSY, 1005);
ABI_VAL(NRT_EXEC_OOB, 1006);
ABI_VAL(NRT_COLL_PENDING, 1100);
ABI_VAL(NRT_EXEC_HW_ERR_COLLECTIVES, 1200);
ABI_VAL(NRT_EXEC_HW_ERR_HBM_UE, 1201);
ABI_VAL(NRT_EXEC_HW_ERR_NC_UE, 1202);
ABI_VAL(NRT_EXEC_HW_ERR_DMA_ABORT, 1203);
ABI_VAL(NRT_EXEC_SW_NQ_OVERFLOW, 1204);
ABI_VAL(NRT_EXEC_HW_ERR_REPAIRABLE_HBM_UE, 1205);
ABI_VAL(NRT_NETWORK_PROXY_FAILURE, 1206);

/* ---- nrt.h: macros and enums ------------------------------------------------------------------ */
ABI_VAL(NRT_MAJOR_VERSION, 2);
ABI_VAL(NRT_MINOR_VERSION, 0);

ABI_SIZE(nrt_tensor_placement_t, 4);
ABI_VAL(NRT_TENSOR_PLACEMENT_DEVICE, 0);
ABI_VAL(NRT_TENSOR_PLACEMENT_HOST, 1);
ABI_VAL(NRT_TENSOR_PLACEMENT_VIRTUAL, 2);

ABI_SIZE(nrt_framework_type_t, 4);
ABI_VAL(NRT_FRAMEWORK_TYPE_INVALID, 0);
ABI_VAL(NRT_FRAMEWORK_TYPE_NO_FW, 1);
ABI_VAL(NRT_FRAMEWORK_TYPE_TENSORFLOW, 2);
ABI_VAL(NRT_FRAMEWORK_TYPE_PYTORCH, 3);
ABI_VAL(NRT_FRAMEWORK_TYPE_MXNET, 4);
ABI_VAL(NRT_FRAMEWORK_TYPE_PRECHECK, 5);

ABI_VAL(NRT_INSTANCE_UNKNOWN, 0);
ABI_VAL(NRT_INSTANCE_INF1, 1);
ABI_VAL(NRT_INSTANCE_TRN1, 2);
ABI_VAL(NRT_INSTANCE_TRN1N, 3);
ABI_VAL(NRT_INSTANCE_INF2, 4);
ABI_VAL(NRT_INSTANCE_TRN2, 5);
ABI_VAL(NRT_INSTANCE_TRN2N, 6);
ABI_VAL(NRT_INSTANCE_INF2E, 7);
ABI_VAL(NRT_INSTANCE_TRN2P, 8);
ABI_VAL(NRT_INSTANCE_TRN2U, 9);
ABI_VAL(NRT_INSTANCE_TRN2E, 10);
ABI_VAL(NRT_INSTANCE_TRN2EU, 11);
ABI_VAL(NRT_INSTANCE_TRN2AC, 12);
ABI_VAL(NRT_INSTANCE_TRN2UAC, 13);
ABI_VAL(NRT_INSTANCE_TRN3, 14);
ABI_VAL(NRT_INSTANCE_TRN3PDS98, 15);

ABI_VAL(NRT_INSTANCE_SIZE_1XL, 0);
ABI_VAL(NRT_INSTANCE_SIZE_2XL, 1);
ABI_VAL(NRT_INSTANCE_SIZE_4XL, 2);
ABI_VAL(NRT_INSTANCE_SIZE_6XL, 3);
ABI_VAL(NRT_INSTANCE_SIZE_8XL, 4);
ABI_VAL(NRT_INSTANCE_SIZE_24XL, 5);
ABI_VAL(NRT_INSTANCE_SIZE_32XL, 6);
ABI_VAL(NRT_INSTANCE_SIZE_48XL, 7);
ABI_VAL(NRT_INSTANCE_SIZE_3XL, 8);
ABI_VAL(NRT_INSTANCE_SIZE_UNKNOWN, 9);
ABI_VAL(NRT_INSTANCE_SIZE_NUM, 9);

ABI_SIZE(nrt_op_type_t, 4);
ABI_VAL(NRT_OP_ADD, 0x0);
ABI_VAL(NRT_OP_FMA, 0x1);
ABI_VAL(NRT_OP_MAX, 0x2);
ABI_VAL(NRT_OP_MIN, 0x3);
ABI_VAL(NRT_OP_INVALID, 0xF);

ABI_SIZE(nrt_dtype_t, 4);
ABI_VAL(NRT_DTYPE_UNKNOWN, 0x0);
ABI_VAL(NRT_DTYPE_INVALID, 0x0);
ABI_VAL(NRT_DTYPE_UINT64, 0x1);
ABI_VAL(NRT_DTYPE_INT8, 0x2);
ABI_VAL(NRT_DTYPE_UINT8, 0x3);
ABI_VAL(NRT_DTYPE_INT16, 0x4);
ABI_VAL(NRT_DTYPE_UINT16, 0x5);
ABI_VAL(NRT_DTYPE_BFLOAT16, 0x6);
ABI_VAL(NRT_DTYPE_FLOAT16, 0x7);
ABI_VAL(NRT_DTYPE_INT32, 0x8);
ABI_VAL(NRT_DTYPE_UINT32, 0x9);
ABI_VAL(NRT_DTYPE_FLOAT32, 0xA);
ABI_VAL(NRT_DTYPE_FP32R, 0xB);
ABI_VAL(NRT_DTYPE_INT64, 0xC);
ABI_VAL(NRT_DTYPE_FP8_E3, 0xD);
ABI_VAL(NRT_DTYPE_FP8_E4, 0xE);
ABI_VAL(NRT_DTYPE_FP8_E5, 0xF);

ABI_SIZE(nrt_cc_op_type_t, 4);
ABI_VAL(NRT_CC_ALLGATHER, 0);
ABI_VAL(NRT_CC_ALLREDUCE, 1);
ABI_VAL(NRT_CC_REDUCESCATTER, 2);

/* ---- nrt.h: structs --------------------------------------------------------------------------- */
ABI_SIZE(nrt_instance_info_t, 32);
ABI_FIELD(nrt_instance_info_t, family, 0, 4);
ABI_FIELD(nrt_instance_info_t, size, 4, 4);
ABI_FIELD(nrt_instance_info_t, arch_name, 8, 16);
ABI_FIELD(nrt_instance_info_t, device_revision, 24, 8);

ABI_SIZE(nrt_tensor_batch_op_t, 24);
ABI_FIELD(nrt_tensor_batch_op_t, offset, 0, 8);
ABI_FIELD(nrt_tensor_batch_op_t, size, 8, 8);
ABI_FIELD(nrt_tensor_batch_op_t, buffer, 16, 8);

ABI_SIZE(nrt_tensor_batch_t, 24);
ABI_FIELD(nrt_tensor_batch_t, tensor, 0, 8);
ABI_FIELD(nrt_tensor_batch_t, ops, 8, 8);
ABI_FIELD(nrt_tensor_batch_t, num_ops, 16, 4);

ABI_SIZE(nrt_tensor_device_allocation_info_t, 24);
ABI_FIELD(nrt_tensor_device_allocation_info_t, physical_address, 0, 8);
ABI_FIELD(nrt_tensor_device_allocation_info_t, size, 8, 8);
ABI_FIELD(nrt_tensor_device_allocation_info_t, hbm_index, 16, 4);

ABI_SIZE(nrt_vnc_memory_stats_t, 16);
ABI_FIELD(nrt_vnc_memory_stats_t, bytes_used, 0, 8);
ABI_FIELD(nrt_vnc_memory_stats_t, bytes_limit, 8, 8);

ABI_SIZE(nrt_cc_comm_t, 32);
ABI_FIELD(nrt_cc_comm_t, replica_group, 0, 8);
ABI_FIELD(nrt_cc_comm_t, rank, 8, 4);
ABI_FIELD(nrt_cc_comm_t, rank_n, 12, 4);
ABI_FIELD(nrt_cc_comm_t, ctx_device_id, 16, 4);
ABI_FIELD(nrt_cc_comm_t, ctx_device_count, 20, 4);
ABI_FIELD(nrt_cc_comm_t, vnc, 24, 4);

ABI_TYPE(nrt_tensor_set_t, void);

ABI_SIZE(nrt_tensor_list_t, 16);
ABI_FIELD(nrt_tensor_list_t, tensors, 0, 8);
ABI_FIELD(nrt_tensor_list_t, num_tensors, 8, 8);

/* ---- nrt_experimental.h ------------------------------------------------------------------------ */
ABI_VAL(NRT_TENSOR_NAME_MAX, 256);
ABI_SIZE(nrt_tensor_usage_t, 4);
ABI_VAL(NRT_TENSOR_USAGE_INPUT, 0);
ABI_VAL(NRT_TENSOR_USAGE_OUTPUT, 1);

ABI_SIZE(nrt_tensor_info_t, 296);
ABI_FIELD(nrt_tensor_info_t, name, 0, 256);
ABI_FIELD(nrt_tensor_info_t, usage, 256, 4);
ABI_FIELD(nrt_tensor_info_t, size, 264, 8);
ABI_FIELD(nrt_tensor_info_t, dtype, 272, 4);
ABI_FIELD(nrt_tensor_info_t, shape, 280, 8);
ABI_FIELD(nrt_tensor_info_t, ndim, 288, 4);

ABI_SIZE(nrt_tensor_info_array_t, 8);
ABI_FIELD(nrt_tensor_info_array_t, tensor_count, 0, 8);
ABI_OFF(nrt_tensor_info_array_t, tensor_array, 8);

ABI_SIZE(nrt_model_info_t, 4);
ABI_FIELD(nrt_model_info_t, vnc, 0, 4);

ABI_SIZE(nrt_ucode_img, 16);
ABI_FIELD(nrt_ucode_img, bin, 0, 8);
ABI_FIELD(nrt_ucode_img, size, 8, 8);
ABI_SIZE(nrt_ucode_info, 32);
ABI_FIELD(nrt_ucode_info, iram, 0, 16);
ABI_FIELD(nrt_ucode_info, dram, 16, 16);

/* ---- nrt_version.h ----------------------------------------------------------------------------- */
ABI_VAL(RT_VERSION_DETAIL_LEN, 128);
ABI_VAL(GIT_HASH_LEN, 64);
ABI_SIZE(nrt_version_t, 224);
ABI_FIELD(nrt_version_t, rt_major, 0, 8);
ABI_FIELD(nrt_version_t, rt_minor, 8, 8);
ABI_FIELD(nrt_version_t, rt_patch, 16, 8);
ABI_FIELD(nrt_version_t, rt_maintenance, 24, 8);
ABI_FIELD(nrt_version_t, rt_detail, 32, 128);
ABI_FIELD(nrt_version_t, git_hash, 160, 64);

/* ---- nrt_async.h ------------------------------------------------------------------------------- */
ABI_SIZE(nrta_xu_t, 4);
ABI_VAL(NRTA_XU_TENSOR_OP, 0);
ABI_VAL(NRTA_XU_COMPUTE, 1);
ABI_VAL(NRTA_XU_COLLECTIVES, 2);
ABI_VAL(NRTA_XU_TYPE_NUM, 3);

ABI_SIZE(nrta_seq_t, 8);
ABI_SIZE(nrta_xu_id_t, 2);
ABI_VAL(NRTA_SEQ_NUM_MAX, 0xFFFFFFFFFFFFull);
ABI_VAL(NRTA_SEQ_NUM_MASK, 0xFFFFFFFFFFFFull);
ABI_SIZE(NRTA_SEQ_NUM_MAX, 8);
/* Macro behaviour, including arguments that are expressions (the SDK's unparenthesised macros get
 * the last three wrong). */
ABI_VAL(NRTA_SEQ_GET_XU_ID((1ull << 48) * 5 + 7), 5);
ABI_VAL(NRTA_SEQ_GET_SEQ_NUM((1ull << 48) * 5 + 7), 7);
ABI_VAL(NRTA_SEQ_GET_XU_ID(0xFFFFFFFFFFFFFFFFull), 0xFFFF);
ABI_VAL(NRTA_SEQ_GET_SEQ_NUM(0xFFFFFFFFFFFFFFFFull), 0xFFFFFFFFFFFFull);
ABI_VAL(NRTA_SEQ_GET_XU_ID(0x0210000000000001ull), 0x0210);
ABI_VAL(NRTA_SEQ_GET_SEQ_NUM(0x0210000000000001ull), 1);
ABI_VAL(NRTA_SEQ_GET_SEQ_NUM(0x0005000000000000ull | 7u), 7);
ABI_VAL(NRTA_SEQ_GET_XU_ID(1 ? 0x0102000000000000ull : 0ull), 0x0102);
ABI_VAL(NRTA_SEQ_GET_SEQ_NUM(1 ? 0x0102000000000009ull : 0ull), 9);
ABI_SIZE(NRTA_SEQ_GET_XU_ID((nrta_seq_t)0), 8);
ABI_SIZE(NRTA_SEQ_GET_SEQ_NUM((nrta_seq_t)0), 8);

ABI_TYPE(nrta_seq_t, uint64_t);
ABI_TYPE(nrta_xu_id_t, uint16_t);

ABI_SIZE(nrta_error_t, 16);
ABI_FIELD(nrta_error_t, seq_id, 0, 8);
ABI_FIELD(nrta_error_t, error_code, 8, 8);

/* ---- function signatures ----------------------------------------------------------------------- */
/* nrt_status.h */
ABI_SIG(nrt_get_status_as_str, const char *, (NRT_STATUS));
/* nrt.h */
ABI_SIG(nrt_init, NRT_STATUS, (nrt_framework_type_t, const char *, const char *));
ABI_SIG(nrt_close, void, (void));
ABI_SIG(nrt_get_instance_info, NRT_STATUS, (nrt_instance_info_t *, size_t));
ABI_SIG(nrt_load, NRT_STATUS, (const void *, size_t, int32_t, int32_t, nrt_model_t **));
ABI_SIG(nrt_load_collectives, NRT_STATUS, (const void *, size_t, int32_t, int32_t, uint32_t, uint32_t, nrt_model_t **));
ABI_SIG(nrt_unload, NRT_STATUS, (nrt_model_t *));
ABI_SIG(nrt_get_model_nc_count, NRT_STATUS, (const nrt_model_t *, uint32_t *));
ABI_SIG(nrt_get_model_vnc_count, NRT_STATUS, (const nrt_model_t *, uint32_t *));
ABI_SIG(nrt_get_total_nc_count, NRT_STATUS, (uint32_t *));
ABI_SIG(nrt_get_total_vnc_count, NRT_STATUS, (uint32_t *));
ABI_SIG(nrt_get_visible_nc_count, NRT_STATUS, (uint32_t *));
ABI_SIG(nrt_get_visible_vnc_count, NRT_STATUS, (uint32_t *));
ABI_SIG(nrt_tensor_allocate, NRT_STATUS, (nrt_tensor_placement_t, int, size_t, const char *, nrt_tensor_t **));
ABI_SIG(nrt_tensor_free, void, (nrt_tensor_t **));
ABI_SIG(nrt_tensor_read, NRT_STATUS, (const nrt_tensor_t *, void *, size_t, size_t));
ABI_SIG(nrt_tensor_write, NRT_STATUS, (nrt_tensor_t *, const void *, size_t, size_t));
ABI_SIG(nrt_tensor_copy, NRT_STATUS, (const nrt_tensor_t *, size_t, nrt_tensor_t *, size_t, size_t));
ABI_SIG(nrt_tensor_get_size, size_t, (const nrt_tensor_t *));
ABI_SIG(nrt_tensor_memset, NRT_STATUS, (nrt_tensor_t *, uint64_t, int, size_t));
ABI_SIG(nrt_tensor_allocate_empty, NRT_STATUS, (const char *, nrt_tensor_t **));
ABI_SIG(nrt_tensor_attach_buffer, NRT_STATUS, (nrt_tensor_t *, void *, size_t));
ABI_SIG(nrt_tensor_allocate_slice, NRT_STATUS, (const nrt_tensor_t *, size_t, size_t, const char *, nrt_tensor_t **));
ABI_SIG(nrt_tensor_get_va, void *, (const nrt_tensor_t *));
ABI_SIG(nrt_tensor_read_batch, NRT_STATUS, (const nrt_tensor_batch_t *, uint64_t, bool));
ABI_SIG(nrt_tensor_write_batch, NRT_STATUS, (const nrt_tensor_batch_t *, uint64_t, bool));
ABI_SIG(nrt_tensor_get_device_allocation_info, NRT_STATUS,
        (const nrt_tensor_t *, nrt_tensor_device_allocation_info_t *));
ABI_SIG(nrt_tensor_check_output_completion, NRT_STATUS, (const nrt_tensor_t *, int64_t, uint64_t));
ABI_SIG(nrt_tensor_reset_output_completion, NRT_STATUS, (nrt_tensor_t *));
ABI_SIG(nrt_tensor_get_lnc_index, NRT_STATUS, (const nrt_tensor_t *, int *));
ABI_SIG(nrt_get_dmabuf_fd, NRT_STATUS, (uint64_t, uint64_t, int *));
ABI_SIG(nrt_get_hbm_mmap_va, NRT_STATUS, (int, int, void **, size_t *));
ABI_SIG(nrt_get_vnc_memory_stats, NRT_STATUS, (uint32_t, nrt_vnc_memory_stats_t *, size_t, size_t *));
ABI_SIG(nrt_allocate_tensor_set, NRT_STATUS, (nrt_tensor_set_t **));
ABI_SIG(nrt_destroy_tensor_set, void, (nrt_tensor_set_t **));
ABI_SIG(nrt_add_tensor_to_tensor_set, NRT_STATUS, (nrt_tensor_set_t *, const char *, nrt_tensor_t *));
ABI_SIG(nrt_get_tensor_from_tensor_set, NRT_STATUS, (nrt_tensor_set_t *, const char *, nrt_tensor_t **));
ABI_SIG(nrt_execute, NRT_STATUS, (nrt_model_t *, const nrt_tensor_set_t *, nrt_tensor_set_t *));
ABI_SIG(nrt_execute_repeat, NRT_STATUS, (nrt_model_t *, const nrt_tensor_set_t *, nrt_tensor_set_t *, int));
ABI_SIG(nrt_cc_global_comm_init, NRT_STATUS, (uint32_t, uint32_t, uint32_t));
ABI_SIG(nrt_build_global_comm, NRT_STATUS, (int32_t, uint32_t, uint32_t));
ABI_SIG(nrt_get_attached_efa_bdf, NRT_STATUS, (const void *, char *, size_t *));
ABI_SIG(nrt_host_device_id_get, NRT_STATUS, (int, uint32_t *));
ABI_SIG(nrt_host_device_id_rid_map_get, NRT_STATUS, (uint32_t *, uint32_t *));
/* nrt_experimental.h */
ABI_SIG(nrt_get_model_tensor_info, NRT_STATUS, (nrt_model_t *, nrt_tensor_info_array_t **));
ABI_SIG(nrt_free_model_tensor_info, NRT_STATUS, (nrt_tensor_info_array_t *));
ABI_SIG(nrt_get_model_instance_count, NRT_STATUS, (nrt_model_t *, uint32_t *));
ABI_SIG(nrt_get_model_info, NRT_STATUS, (const nrt_model_t *, nrt_model_info_t *, size_t, size_t *));
ABI_SIG(nrt_trace_start, NRT_STATUS, (bool));
ABI_SIG(nrt_trace_stop, NRT_STATUS, (const char *));
ABI_SIG(nrt_get_libnccl_net, void *, (int *, char *, size_t));
ABI_SIG(nrt_set_pool_eng_ucode, NRT_STATUS, (const nrt_ucode_info *));
ABI_SIG(nrt_barrier, NRT_STATUS, (int32_t, uint32_t, uint32_t));
ABI_SIG(nrt_all_gather, NRT_STATUS, (int32_t, uint32_t, uint32_t, uint32_t, void *, void *));
ABI_SIG(nrt_memcpy_to_device, NRT_STATUS, (void *, const void *, size_t));
ABI_FNPTR(NRT_ASYNC_EXEC_STATUS_CALLBACK, void, (void *, uint32_t, uint32_t, uint64_t, NRT_STATUS));
ABI_SIG(nrt_register_async_exec_callback, NRT_STATUS, (NRT_ASYNC_EXEC_STATUS_CALLBACK, void *));
ABI_SIG(nrt_async_drain_queued_execs, NRT_STATUS, (int32_t));
/* nrt_version.h */
ABI_SIG(nrt_get_version, NRT_STATUS, (nrt_version_t *, size_t));
/* nrt_async.h */
ABI_SIG(nrta_execute_schedule, NRT_STATUS,
        (nrt_model_t *, const nrt_tensor_set_t *, nrt_tensor_set_t *, int, NRT_STATUS *, nrta_seq_t *));
ABI_SIG(nrta_cc_prepare, NRT_STATUS,
        (nrt_cc_comm_t *, nrt_tensor_list_t *, nrt_tensor_list_t *, nrt_dtype_t, nrt_op_type_t, nrt_cc_op_type_t,
         nrt_cc_context_t **));
ABI_SIG(nrta_cc_schedule, NRT_STATUS, (nrt_cc_context_t **, int, NRT_STATUS *, nrta_seq_t *));
ABI_SIG(nrta_tensor_copy, NRT_STATUS,
        (nrt_tensor_t *, uint64_t, nrt_tensor_t *, uint64_t, uint64_t, int, int, NRT_STATUS *, nrta_seq_t *));
ABI_SIG(nrta_tensor_read, NRT_STATUS,
        (void *, nrt_tensor_t *, uint64_t, uint64_t, int, int, NRT_STATUS *, nrta_seq_t *));
ABI_SIG(nrta_tensor_write, NRT_STATUS,
        (nrt_tensor_t *, const void *, uint64_t, uint64_t, int, int, NRT_STATUS *, nrta_seq_t *));
ABI_SIG(nrta_get_sequence, NRT_STATUS, (uint32_t, nrta_xu_t, int, nrta_seq_t *));
ABI_SIG(nrta_is_completed, NRT_STATUS, (nrta_seq_t, bool *));
ABI_SIG(nrta_event_register_seq_id_completion, NRT_STATUS, (nrta_seq_t, int));
ABI_SIG(nrta_event_register_xu_completion, NRT_STATUS, (int, nrta_xu_t, int, int));
ABI_SIG(nrta_error_tracker_create, NRT_STATUS, (uint32_t, nrta_error_tracker_t **));
ABI_SIG(nrta_error_tracker_destroy, void, (nrta_error_tracker_t *));
ABI_SIG(nrta_error_tracker_get_list, NRT_STATUS, (nrta_error_tracker_t *, const nrta_error_t **, size_t *));
ABI_SIG(nrta_get_completion_handle, NRT_STATUS, (nrta_seq_t, int *));

#endif /* NRTB_ABI_LAYOUT_CHECKS_H */
