// Host-driven collectives and fabric queries (nrt.h, nrt_async.h). Multi-rank collectives arrive
// with runtime/collectives/; until then a world of one rank works and anything larger is refused
// with a log line saying so. Fabric (EFA) queries have no meaning on the simulated device.
#include "runtime/api/handles.h"

using namespace nrtb;

NRTB_EXPORT NRT_STATUS nrt_cc_global_comm_init(uint32_t vnc, uint32_t g_device_id, uint32_t g_device_count) {
  return Guarded("nrt_cc_global_comm_init", [&] {
    RequireLnc(RequireDevice(), vnc, "vnc");
    RequireSingleRankWorld("nrt_cc_global_comm_init", g_device_id, g_device_count);
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_build_global_comm(int32_t vnc, uint32_t g_device_id, uint32_t g_device_count) {
  return Guarded("nrt_build_global_comm", [&] {
    RequireLnc(RequireDevice(), vnc, "vnc");
    RequireSingleRankWorld("nrt_build_global_comm", g_device_id, g_device_count);
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_get_attached_efa_bdf(const void* va, char* efa_bdf, size_t* len) {
  return Guarded("nrt_get_attached_efa_bdf", [&] {
    RequireDevice();
    ThrowStatus(NRT_FAILURE, "the simulated device has no attached EFA device");
    return NRT_FAILURE;
  });
}

NRTB_EXPORT NRT_STATUS nrt_host_device_id_get(int neuron_dev, uint32_t* host_device_id) {
  return Guarded("nrt_host_device_id_get", [&] {
    RequireDevice();
    RequireNonNull(host_device_id, "host_device_id");
    if (neuron_dev != 0) ThrowInvalid("neuron device %d does not exist (the simulated host has device 0)", neuron_dev);
    *host_device_id = 0;
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_host_device_id_rid_map_get(uint32_t* count, uint32_t* host_did_to_rid_map) {
  return Guarded("nrt_host_device_id_rid_map_get", [&] {
    RequireDevice();
    RequireNonNull(count, "count");
    RequireNonNull(host_did_to_rid_map, "host_did_to_rid_map");
    host_did_to_rid_map[0] = 0;  // one device, routing id 0
    *count = 1;
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrta_cc_prepare(nrt_cc_comm_t* comm, nrt_tensor_list_t* input, nrt_tensor_list_t* output,
                                       nrt_dtype_t dtype, nrt_op_type_t op, nrt_cc_op_type_t cc_op,
                                       nrt_cc_context_t** cc_ctx) {
  return Guarded("nrta_cc_prepare", [&] {
    RequireDevice();
    RequireNonNull(comm, "comm");
    RequireNonNull(input, "input");
    RequireNonNull(output, "output");
    RequireNonNull(cc_ctx, "cc_ctx");
    ThrowStatus(NRT_FAILURE, "host-driven collectives (nrta_cc_*) are not available yet in nrt-bridge");
    return NRT_FAILURE;
  });
}

NRTB_EXPORT NRT_STATUS nrta_cc_schedule(nrt_cc_context_t** cc_ctx, int queue, NRT_STATUS* ret,
                                        nrta_seq_t* req_sequence) {
  return Guarded("nrta_cc_schedule", [&] {
    RequireDevice();
    RequireNonNull(cc_ctx, "cc_ctx");
    ThrowInvalid(
        "cc_ctx was not produced by nrta_cc_prepare (host-driven collectives are not available yet in nrt-bridge)");
    return NRT_INVALID;
  });
}
