// Neuron datastore (nds/neuron_ds.h): the driver-kept shared memory through which the runtime
// publishes counters and model / process information to monitoring tools. The simulated device has
// no driver and so no datastore: every call is refused with one log line and its failure value
// (-1 for int results, NULL for handles and views), and nothing is ever opened or created.
#include "nrt/nds/neuron_ds.h"
#include "runtime/api/hardware_only.h"

using namespace nrtb;

namespace {
constexpr const char* kNoDatastore = "Neuron driver datastore (NDS)";
}  // namespace

NRTB_EXPORT int nds_open(ndl_device_t* device, pid_t pid, nds_instance_t** inst) {
  (void)device, (void)pid, (void)inst;
  RefuseHardwareOnly("nds_open", kNoDatastore);
  return -1;
}

NRTB_EXPORT int nds_close(nds_instance_t* inst) {
  (void)inst;
  RefuseHardwareOnly("nds_close", kNoDatastore);
  return -1;
}

NRTB_EXPORT int nds_increment_nc_counter(nds_instance_t* inst, int nc_index, uint32_t counter_index,
                                         uint64_t increment) {
  (void)inst, (void)nc_index, (void)counter_index, (void)increment;
  RefuseHardwareOnly("nds_increment_nc_counter", kNoDatastore);
  return -1;
}

NRTB_EXPORT int nds_decrement_nc_counter(nds_instance_t* inst, int nc_index, uint32_t counter_index,
                                         uint64_t decrement) {
  (void)inst, (void)nc_index, (void)counter_index, (void)decrement;
  RefuseHardwareOnly("nds_decrement_nc_counter", kNoDatastore);
  return -1;
}

NRTB_EXPORT int nds_get_nc_counter(nds_instance_t* inst, int nc_index, uint32_t counter_index, uint64_t* value) {
  (void)inst, (void)nc_index, (void)counter_index, (void)value;
  RefuseHardwareOnly("nds_get_nc_counter", kNoDatastore);
  return -1;
}

NRTB_EXPORT int nds_set_nc_counter(nds_instance_t* inst, int nc_index, uint32_t counter_index, uint64_t* value) {
  (void)inst, (void)nc_index, (void)counter_index, (void)value;
  RefuseHardwareOnly("nds_set_nc_counter", kNoDatastore);
  return -1;
}

NRTB_EXPORT int nds_increment_nd_counter(nds_instance_t* inst, uint32_t counter_index, uint64_t increment) {
  (void)inst, (void)counter_index, (void)increment;
  RefuseHardwareOnly("nds_increment_nd_counter", kNoDatastore);
  return -1;
}

NRTB_EXPORT int nds_decrement_nd_counter(nds_instance_t* inst, uint32_t counter_index, uint64_t decrement) {
  (void)inst, (void)counter_index, (void)decrement;
  RefuseHardwareOnly("nds_decrement_nd_counter", kNoDatastore);
  return -1;
}

NRTB_EXPORT int nds_or_nd_counter(nds_instance_t* inst, uint32_t counter_index, uint64_t bit_index) {
  (void)inst, (void)counter_index, (void)bit_index;
  RefuseHardwareOnly("nds_or_nd_counter", kNoDatastore);
  return -1;
}

NRTB_EXPORT int nds_get_nd_counter(nds_instance_t* inst, uint32_t counter_index, uint64_t* value) {
  (void)inst, (void)counter_index, (void)value;
  RefuseHardwareOnly("nds_get_nd_counter", kNoDatastore);
  return -1;
}

NRTB_EXPORT int nds_set_nd_counter(nds_instance_t* inst, uint32_t counter_index, uint64_t* value) {
  (void)inst, (void)counter_index, (void)value;
  RefuseHardwareOnly("nds_set_nd_counter", kNoDatastore);
  return -1;
}

NRTB_EXPORT int nds_obj_commit(nds_obj_handle_t obj) {
  (void)obj;
  RefuseHardwareOnly("nds_obj_commit", kNoDatastore);
  return -1;
}

NRTB_EXPORT nds_obj_handle_t nds_obj_new(nds_instance_t* inst, int type) {
  (void)inst, (void)type;
  RefuseHardwareOnly("nds_obj_new", kNoDatastore);
  return nullptr;
}

NRTB_EXPORT int nds_obj_delete(nds_obj_handle_t obj) {
  (void)obj;
  RefuseHardwareOnly("nds_obj_delete", kNoDatastore);
  return -1;
}

NRTB_EXPORT nds_model_node_info_t* nds_obj_handle_to_model_node_info(nds_obj_handle_t obj) {
  (void)obj;
  RefuseHardwareOnly("nds_obj_handle_to_model_node_info", kNoDatastore);
  return nullptr;
}

NRTB_EXPORT nds_model_node_mem_usage_info_t* nds_obj_handle_to_model_node_mem_usage(nds_obj_handle_t obj) {
  (void)obj;
  RefuseHardwareOnly("nds_obj_handle_to_model_node_mem_usage", kNoDatastore);
  return nullptr;
}

NRTB_EXPORT int nds_read_all_model_nodes(nds_instance_t* inst, nds_obj_handle_t** models, size_t* count) {
  (void)inst, (void)models, (void)count;
  RefuseHardwareOnly("nds_read_all_model_nodes", kNoDatastore);
  return -1;
}

NRTB_EXPORT nds_process_info_t* nds_obj_handle_to_process_info(nds_obj_handle_t obj) {
  (void)obj;
  RefuseHardwareOnly("nds_obj_handle_to_process_info", kNoDatastore);
  return nullptr;
}

NRTB_EXPORT nds_process_info_ext_t* nds_obj_handle_to_process_info_ext(nds_obj_handle_t obj) {
  (void)obj;
  RefuseHardwareOnly("nds_obj_handle_to_process_info_ext", kNoDatastore);
  return nullptr;
}

NRTB_EXPORT nds_obj_handle_t nds_read_process_info(nds_instance_t* inst) {
  (void)inst;
  RefuseHardwareOnly("nds_read_process_info", kNoDatastore);
  return nullptr;
}

NRTB_EXPORT nds_obj_handle_t nds_read_process_info_ext(nds_instance_t* inst) {
  (void)inst;
  RefuseHardwareOnly("nds_read_process_info_ext", kNoDatastore);
  return nullptr;
}
