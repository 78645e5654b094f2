/*
 * The ABI of the SDK's auxiliary headers (ndebug_stream.h, nrt_async_sendrecv.h, nec.h, nds/neuron_ds.h),
 * pinned at compile time with the macros of abi_layout_checks.h (included by abi_layout_test.{c,cc} after it).
 * Layouts are the SDK's on LP64; sizes confirmed independently where public analyses of the SDK library give
 * them (nds_process_info_t 60 bytes, nds_process_info_ext_t 256 bytes, the debug-stream header 64 + payload 1024).
 */
#ifndef NRTB_ABI_LAYOUT_CHECKS_AUX_H
#define NRTB_ABI_LAYOUT_CHECKS_AUX_H

/* Each header twice: include guards must hold. */
#include "nrt/ndebug_stream.h"
#include "nrt/nrt_async_sendrecv.h"
#include "nrt/nec.h"
#include "nrt/nds/neuron_ds.h"
#include "nrt/ndebug_stream.h"
#include "nrt/nrt_async_sendrecv.h"
#include "nrt/nec.h"
#include "nrt/nds/neuron_ds.h"

/* Struct tags without a typedef, named for the field macros (C++ needs a plain name before ::). */
typedef struct enc_net_host_memory_index abi_enc_net_host_memory_index;
typedef struct enc_net_host_memory abi_enc_net_host_memory;
typedef struct enc_peer_info abi_enc_peer_info;
typedef struct enc_comm_info abi_enc_comm_info;
typedef struct enc_ring abi_enc_ring;
typedef struct enc_kangaring abi_enc_kangaring;
typedef struct enc_mesh_event abi_enc_mesh_event;

/* ---- ndebug_stream.h ---------------------------------------------------------------------------- */
ABI_SIZE(ndebug_stream_event_type_t, 4);
ABI_VAL(NDEBUG_STREAM_EVENT_TYPE_INVALID, 0);
ABI_VAL(NDEBUG_STREAM_EVENT_TYPE_DEBUG_TENSOR_READ, 1);
ABI_SIZE(ndebug_stream_event_header_t, 64);
ABI_FIELD(ndebug_stream_event_header_t, data_size, 0, 8);
ABI_FIELD(ndebug_stream_event_header_t, type, 8, 4);
ABI_FIELD(ndebug_stream_event_header_t, reserved, 12, 52);
ABI_SIZE(ndebug_stream_payload_debug_tensor_read_t, 1024);
ABI_FIELD(ndebug_stream_payload_debug_tensor_read_t, prefix, 0, 512);
ABI_FIELD(ndebug_stream_payload_debug_tensor_read_t, logical_nc_id, 512, 4);
ABI_FIELD(ndebug_stream_payload_debug_tensor_read_t, pipe, 516, 4);
ABI_FIELD(ndebug_stream_payload_debug_tensor_read_t, tensor_dtype, 520, 16);
ABI_FIELD(ndebug_stream_payload_debug_tensor_read_t, tensor_shape, 536, 64);
ABI_FIELD(ndebug_stream_payload_debug_tensor_read_t, tensor_data_size, 600, 8);
ABI_FIELD(ndebug_stream_payload_debug_tensor_read_t, reserved0, 608, 416);
ABI_OFF(ndebug_stream_payload_debug_tensor_read_t, tensor_data, 1024);
ABI_SIG(nrt_debug_client_connect, NRT_STATUS, (int, int *));
ABI_SIG(nrt_debug_client_connect_close, void, (int));
ABI_SIG(nrt_debug_client_read_one_event, NRT_STATUS, (int, ndebug_stream_event_header_t *, void **));

/* ---- nrt_async_sendrecv.h ----------------------------------------------------------------------- */
ABI_SIG(nrt_async_sendrecv_get_max_num_communicators_per_lnc, NRT_STATUS, (int *));
ABI_SIG(nrt_async_sendrecv_get_max_num_pending_request, NRT_STATUS, (int *));
ABI_SIG(nrt_async_sendrecv_init, NRT_STATUS, (int));
ABI_SIG(nrt_async_sendrecv_close, NRT_STATUS, (int));
ABI_SIG(nrt_async_sendrecv_connect, NRT_STATUS, (const char *, int, int, nrt_async_sendrecv_comm_t **));
ABI_SIG(nrt_async_sendrecv_accept, NRT_STATUS, (const char *, int, int, nrt_async_sendrecv_comm_t **));
ABI_SIG(nrt_async_sendrecv_test_comm, NRT_STATUS, (nrt_async_sendrecv_comm_t *, bool *));
ABI_SIG(nrt_async_sendrecv_send_tensor, NRT_STATUS,
        (nrt_tensor_t *, size_t, size_t, nrt_async_sendrecv_comm_t *, nrt_async_sendrecv_request_t **));
ABI_SIG(nrt_async_sendrecv_recv_tensor, NRT_STATUS,
        (nrt_tensor_t *, size_t, size_t, nrt_async_sendrecv_comm_t *, nrt_async_sendrecv_request_t **));
ABI_SIG(nrt_async_sendrecv_test_request, NRT_STATUS, (nrt_async_sendrecv_request_t *, bool *, size_t *));
ABI_SIG(nrt_async_sendrecv_flush, NRT_STATUS, (int));

/* ---- nec.h -------------------------------------------------------------------------------------- */
ABI_VAL(NEC_MAX_CHANNELS, 32);
ABI_VAL(NEC_MAX_NR_CHANNEL_CHUNKS, 32);
ABI_VAL(NEC_MAX_FOLD_N, 8);
ABI_VAL(NEC_MAX_COMM_N, 12);
ABI_VAL(NEC_MAX_NET_BUFFERS, 24);
ABI_VAL(NEC_CACHE_LINE_SIZE, 128);
ABI_VAL(NEC_NET_CONNECTOR_RANK, -1);
ABI_VAL(NEC_NET_MLA_DEV, -1);
ABI_VAL(NEC_POD_MLA_DEV, -2);
ABI_VAL(NEC_UNKNOWN_RANK, -3);
ABI_VAL(NEC_UNKNOWN_MLA_DEV, -3);
ABI_VAL(NEC_HIER_CC_PIPELINE_STAGE_N, 3);
ABI_VAL(NCCL_NET_NEURON_MAX_REQUESTS, 128);
ABI_VAL(NEC_MAX_STREAM_N, 4);
ABI_VAL(NEC_KANGARING_MAX_NUM_RANKS, 128);
ABI_VAL(KANGARING_NUM_SENG_PER_DEV, 4);
ABI_VAL(KANGARING_NUM_TPB_PER_DEV, 8);
ABI_VAL(KANGARING_MAX_SECONDARIES, 3);
ABI_VAL(ENC_MESH_MAX_NUM_EVENTS, 64);
ABI_VAL(ENC_MESH_CHANNEL_BUF_MAX_SIZE, 8388608);
ABI_VAL(ENC_MAX_OP_TYPES, 13);
ABI_VAL(ENC_MAX_MESH_SUBTYPES, 20);
ABI_VAL(ENC_MESH_MAX_NUM_DEVICES, 128);
ABI_VAL(ENC_PROXY_HISTOGRAM_OUTPUT_PATH_LENGTH_MAX, 128);
ABI_VAL(NET_SEND_COMM, 0);
ABI_VAL(LOCAL_SEND_COMM, 4);
ABI_VAL(NEC_OP_ADD, 0);
ABI_VAL(NEC_OP_FMA, 1);
ABI_VAL(NEC_OP_MAX, 2);
ABI_VAL(NEC_OP_MIN, 3);
ABI_VAL(NEC_OP_INVALID, 0xF);
ABI_VAL(NEC_DTYPE_INVALID, 0x0);
ABI_VAL(NEC_DTYPE_FP8_E3, 0xD);
ABI_VAL(NEC_DTYPE_FP8_E4, 0xE);
ABI_VAL(NEC_DTYPE_FP8_E5, 0xF);
ABI_VAL(NEC_DTYPE_FP16, 0x7);
ABI_VAL(NEC_DTYPE_BFLOAT16, 0x6);
ABI_VAL(NEC_DTYPE_FP32, 0xA);
ABI_VAL(NEC_DTYPE_UINT8, 0x3);
ABI_VAL(NEC_DTYPE_UINT16, 0x5);
ABI_VAL(NEC_DTYPE_UINT32, 0x9);
ABI_VAL(NEC_DTYPE_UINT64, 0x1);
ABI_VAL(NEC_DTYPE_INT8, 0x2);
ABI_VAL(NEC_DTYPE_INT16, 0x4);
ABI_VAL(NEC_DTYPE_INT32, 0x8);
ABI_VAL(NEC_DTYPE_INT64, 0xC);
ABI_VAL(NEC_POD_TYPE_NONE, 0);
ABI_VAL(NEC_POD_TYPE_INVALID, 3);
ABI_VAL(ENC_PATTERN_MESH, 1);
ABI_VAL(ENC_CONNECTIVITY_DEFAULT, 2);
ABI_VAL(ENC_TOPO_4_DEVS_IN_COLUMN, 2);
ABI_VAL(S3, 3);
ABI_VAL(SENGS_PER_DIE, 2);
ABI_VAL(SENGS_PER_MLA, 4);
ABI_VAL(INVALID_METARING, 4);
ABI_VAL(ENC_COMMON_NUM_EVENT_TYPE, 8);
ABI_VAL(EVT_REDUCE_COPY, 8);
ABI_VAL(ENC_MESH_NUM_EVENT_TYPE, 11);
ABI_VAL(EVT_COPY_FROM_HOST, 18);
ABI_VAL(ENC_A2A_NUM_EVENT_TYPE, 19);
ABI_VAL(EVT_RDH_LOCAL_HANDSHAKE, 28);
ABI_VAL(EVT_RDH_AXES_HANDSHAKE, 29);
ABI_VAL(EVT_2DEV_RD_STEP_4, 47);
ABI_VAL(EVT_RDH_LOCAL_PEER_HANDSHAKE, 48);
ABI_VAL(ENC_RDH_NUM_EVENT_TYPE, 49);
ABI_VAL(ENC_ALG_MESH_INVALID, 3);
ABI_VAL(EXEC_COMPLETE, 2);
ABI_SIZE(dma_addr_t, 8);
ABI_TYPE(nec_comm_t, struct enc_comm *);
ABI_TYPE(nec_channel_t, struct enc_channel *);
ABI_SIZE(abi_enc_net_host_memory_index, 128);
ABI_SIZE(abi_enc_net_host_memory, 1024);
ABI_SIZE(enc_host_mem_t, 32);
ABI_FIELD(enc_host_mem_t, mem_handle, 0, 8);
ABI_FIELD(enc_host_mem_t, va, 8, 8);
ABI_FIELD(enc_host_mem_t, pa, 16, 8);
ABI_FIELD(enc_host_mem_t, size, 24, 8);
ABI_SIZE(enc_host_mem_shared_t, 40);
ABI_FIELD(enc_host_mem_shared_t, refcnt, 32, 4);
ABI_SIZE(abi_enc_peer_info, 16);
ABI_SIZE(abi_enc_comm_info, 56);
ABI_FIELD(abi_enc_comm_info, enc_topo_mode, 24, 4);
ABI_FIELD(abi_enc_comm_info, enable_pod, 28, 1);
ABI_FIELD(abi_enc_comm_info, pod, 32, 4);
ABI_FIELD(abi_enc_comm_info, pod_node_n, 44, 4);
ABI_FIELD(abi_enc_comm_info, peers, 48, 8);
ABI_SIZE(abi_enc_ring, 24);
ABI_FIELD(abi_enc_ring, user_ranks, 8, 8);
ABI_FIELD(abi_enc_ring, duplicate, 16, 1);
ABI_SIZE(abi_enc_kangaring, 548);
ABI_FIELD(abi_enc_kangaring, logical_path, 4, 512);
ABI_FIELD(abi_enc_kangaring, prev, 516, 4);
ABI_FIELD(abi_enc_kangaring, next_peer_rmtv, 540, 4);
ABI_FIELD(abi_enc_kangaring, is_primary, 544, 1);
ABI_FIELD(abi_enc_kangaring, pattern2, 547, 1);
ABI_SIZE(abi_enc_mesh_event, 40);
ABI_FIELD(abi_enc_mesh_event, dst_neighbor_grp, 16, 16);
ABI_FIELD(abi_enc_mesh_event, valid, 32, 1);
ABI_FIELD(abi_enc_mesh_event, evt_type, 36, 4);
ABI_SIZE(nccl_comm_info_t, 1376);
ABI_FIELD(nccl_comm_info_t, epoch, 8, 8);
ABI_FIELD(nccl_comm_info_t, neuron_dev, 16, 4);
ABI_FIELD(nccl_comm_info_t, enable_pod, 40, 1);
ABI_FIELD(nccl_comm_info_t, pod, 44, 4);
ABI_FIELD(nccl_comm_info_t, peers, 64, 8);
ABI_FIELD(nccl_comm_info_t, channel_n, 72, 4);
ABI_FIELD(nccl_comm_info_t, rings, 80, 768);
ABI_FIELD(nccl_comm_info_t, kangaring_channel_n, 848, 4);
ABI_FIELD(nccl_comm_info_t, kangaring_paths, 856, 256);
ABI_FIELD(nccl_comm_info_t, mla_cycle_n, 1112, 4);
ABI_FIELD(nccl_comm_info_t, mla_cycles, 1120, 256);
ABI_SIZE(enc_nccl_comm_node_t, 80);
ABI_FIELD(enc_nccl_comm_node_t, key_sz, 16, 8);
ABI_FIELD(enc_nccl_comm_node_t, disable_graph, 24, 1);
ABI_FIELD(enc_nccl_comm_node_t, refcnt, 28, 4);
ABI_FIELD(enc_nccl_comm_node_t, stream_id, 32, 4);
ABI_FIELD(enc_nccl_comm_node_t, local_participants, 48, 8);
ABI_FIELD(enc_nccl_comm_node_t, local_barrier, 64, 8);
ABI_FIELD(enc_nccl_comm_node_t, intra_pod_interface, 72, 1);
ABI_SIZE(enc_proxy_histogram_config_t, 168);
ABI_FIELD(enc_proxy_histogram_config_t, bucket_usecs, 8, 8);
ABI_FIELD(enc_proxy_histogram_config_t, output_path, 40, 128);
ABI_SIZE(enc_neuron_device_info_t, 216);
ABI_FIELD(enc_neuron_device_info_t, pod_id, 24, 8);
ABI_FIELD(enc_neuron_device_info_t, pod_type, 32, 4);
ABI_FIELD(enc_neuron_device_info_t, virtual_server_id, 40, 4);
ABI_FIELD(enc_neuron_device_info_t, histogram_config, 48, 168);
ABI_SIZE(net_src_addr_t, 56);
ABI_FIELD(net_src_addr_t, dev_addr, 8, 8);
ABI_FIELD(net_src_addr_t, size, 32, 4);
ABI_FIELD(net_src_addr_t, mark, 36, 4);
ABI_FIELD(net_src_addr_t, proxy_histogram_tag, 40, 8);
ABI_FIELD(net_src_addr_t, dst_rank, 48, 4);
ABI_SIZE(net_dest_addr_t, 48);
ABI_FIELD(net_dest_addr_t, mark, 36, 4);
ABI_FIELD(net_dest_addr_t, src_rank, 40, 4);
ABI_SIZE(net_ops_info_t, 88);
ABI_FIELD(net_ops_info_t, early_recv_posting, 3, 1);
ABI_FIELD(net_ops_info_t, inc_send_handshake, 8, 8);
ABI_FIELD(net_ops_info_t, inc_recv_complete, 32, 8);
ABI_FIELD(net_ops_info_t, tx_entry_cnt, 40, 4);
ABI_FIELD(net_ops_info_t, ending_recv_credits, 56, 4);
ABI_FIELD(net_ops_info_t, data_type_sz, 64, 8);
ABI_FIELD(net_ops_info_t, add_to_histogram, 75, 1);
ABI_FIELD(net_ops_info_t, enc_channel, 80, 8);
ABI_SIZE(nec_version_info_t, 56);
ABI_FIELD(nec_version_info_t, git_hash, 32, 16);
ABI_FIELD(nec_version_info_t, compatibility_version, 48, 8);
ABI_OFF(nec_version_info_t, future_fields, 56);
ABI_SIG(nec_inc_semaphore, void, (volatile uint32_t *, uint32_t));
ABI_SIG(nec_get_dynamic_send_size_bytes, size_t, (enc_host_mem_t *, size_t, int, int));
ABI_SIG(nec_get_dynamic_send_offset_bytes, size_t, (enc_host_mem_t *, size_t, int, int));
ABI_SIG(nec_get_dynamic_recv_size_bytes, size_t, (enc_host_mem_t *, size_t, int, int));
ABI_SIG(nec_get_dynamic_recv_offset_bytes, size_t, (enc_host_mem_t *, size_t, int, int));
ABI_SIG(nec_set_recv_size_bytes, void, (enc_host_mem_t *, size_t, size_t, int, int));
ABI_SIG(nec_get_device_count, int, (int *, uint32_t));
ABI_SIG(nec_get_device_pci_bdf, int, (int, uint32_t *, uint32_t *, uint8_t *, uint8_t *));
ABI_SIG(nec_get_virtual_core_size, NRT_STATUS, (uint32_t *));
ABI_SIG(nec_get_version_info, NRT_STATUS, (nec_version_info_t *));
ABI_SIG(nec_build_port_and_rid_map, NRT_STATUS, (int, int *, int *, int));
ABI_SIG(nec_is_mla_available, bool, (int, int));
ABI_SIG(nec_mla_idx_to_rid, int, (int, int));
ABI_SIG(nec_rid_to_mla_idx, int, (int, int));
ABI_SIG(nec_get_peer_mla_idx, int, (int, int, int));
ABI_SIG(nec_get_p2p_pod_peer_node, int, (uint32_t, int, uint32_t, int *));
ABI_SIG(nec_pod_node_can_access_peer_node, NRT_STATUS, (nec_pod_type_t, uint32_t, uint32_t, uint32_t, uint32_t, int *));
ABI_SIG(nec_ndl_printk, void, (char *, uint32_t, uint32_t));

/* ---- nds/neuron_ds.h ---------------------------------------------------------------------------- */
ABI_VAL(OBJECT_TYPE_MODEL_NODE_INFO, 0);
ABI_VAL(OBJECT_TYPE_PROCESS_INFO, 1);
ABI_VAL(OBJECT_TYPE_PROCESS_INFO_EXT, 2);
ABI_VAL(MODEL_MEM_USAGE_LOCATION_COUNT, 2);
ABI_VAL(NDS_DMA_MEM_USAGE_SLOT_CODE, 0);
ABI_VAL(NDS_DMA_MEM_USAGE_SLOT_MISC, 4);
ABI_VAL(NDS_DMA_MEM_USAGE_SLOT_COUNT, 12);
ABI_VAL(BIT_INDEX_TEST_FEATURE, 0);
ABI_VAL(BIT_INDEX_MULTICORE_FEATURE, 1);
ABI_VAL(BIT_INDEX_COUNT, 2);
ABI_TYPE(nds_obj_handle_t, void *);
ABI_SIZE(nds_mem_usage_info_t, 16);
ABI_FIELD(nds_mem_usage_info_t, chunk_count, 8, 4);
ABI_SIZE(nds_model_node_info_t, 284);
ABI_FIELD(nds_model_node_info_t, model_node_id, 4, 4);
ABI_FIELD(nds_model_node_info_t, name, 8, 256);
ABI_FIELD(nds_model_node_info_t, uuid, 264, 16);
ABI_FIELD(nds_model_node_info_t, nc_index, 280, 1);
ABI_FIELD(nds_model_node_info_t, sg_index, 281, 1);
ABI_SIZE(nds_model_node_mem_usage_info_t, 384);
ABI_SIZE(nds_version_info_t, 8);
ABI_FIELD(nds_version_info_t, build, 4, 4);
ABI_SIZE(nds_process_info_t, 60);
ABI_FIELD(nds_process_info_t, tag, 1, 32);
ABI_FIELD(nds_process_info_t, framework_version, 36, 8);
ABI_FIELD(nds_process_info_t, fal_version, 44, 8);
ABI_FIELD(nds_process_info_t, runtime_version, 52, 8);
ABI_SIZE(nds_process_info_ext_t, 256);
ABI_SIG(nds_open, int, (ndl_device_t *, pid_t, nds_instance_t **));
ABI_SIG(nds_close, int, (nds_instance_t *));
ABI_SIG(nds_increment_nc_counter, int, (nds_instance_t *, int, uint32_t, uint64_t));
ABI_SIG(nds_decrement_nc_counter, int, (nds_instance_t *, int, uint32_t, uint64_t));
ABI_SIG(nds_get_nc_counter, int, (nds_instance_t *, int, uint32_t, uint64_t *));
ABI_SIG(nds_set_nc_counter, int, (nds_instance_t *, int, uint32_t, uint64_t *));
ABI_SIG(nds_increment_nd_counter, int, (nds_instance_t *, uint32_t, uint64_t));
ABI_SIG(nds_decrement_nd_counter, int, (nds_instance_t *, uint32_t, uint64_t));
ABI_SIG(nds_or_nd_counter, int, (nds_instance_t *, uint32_t, uint64_t));
ABI_SIG(nds_get_nd_counter, int, (nds_instance_t *, uint32_t, uint64_t *));
ABI_SIG(nds_set_nd_counter, int, (nds_instance_t *, uint32_t, uint64_t *));
ABI_SIG(nds_obj_commit, int, (nds_obj_handle_t));
ABI_SIG(nds_obj_new, nds_obj_handle_t, (nds_instance_t *, int));
ABI_SIG(nds_obj_delete, int, (nds_obj_handle_t));
ABI_SIG(nds_obj_handle_to_model_node_info, nds_model_node_info_t *, (nds_obj_handle_t));
ABI_SIG(nds_obj_handle_to_model_node_mem_usage, nds_model_node_mem_usage_info_t *, (nds_obj_handle_t));
ABI_SIG(nds_read_all_model_nodes, int, (nds_instance_t *, nds_obj_handle_t **, size_t *));
ABI_SIG(nds_obj_handle_to_process_info, nds_process_info_t *, (nds_obj_handle_t));
ABI_SIG(nds_obj_handle_to_process_info_ext, nds_process_info_ext_t *, (nds_obj_handle_t));
ABI_SIG(nds_read_process_info, nds_obj_handle_t, (nds_instance_t *));
ABI_SIG(nds_read_process_info_ext, nds_obj_handle_t, (nds_instance_t *));

#endif /* NRTB_ABI_LAYOUT_CHECKS_AUX_H */
