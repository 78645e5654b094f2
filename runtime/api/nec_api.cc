// Neuron Elastic Collectives callbacks (nec.h): the topology and signalling interface the SDK's
// collectives library calls back into libnrt for. Every function concerns hardware the simulated
// device does not have (PCI devices, MLAs and their routing ids, pod links, semaphore increment
// registers, the driver's kernel log), so each is refused with one log line and its failure value.
#include "nrt/nec.h"
#include "runtime/api/hardware_only.h"

using namespace nrtb;

namespace {
constexpr const char* kDynamicSizes = "collectives proxy with execution-time transfer sizes";
constexpr const char* kTopology = "Neuron devices, MLAs or routing ids (no device topology)";
constexpr const char* kPod = "pod of Neuron devices";
}  // namespace

NRTB_EXPORT void nec_inc_semaphore(volatile uint32_t* sem_inc_addr, uint32_t val) {
  (void)sem_inc_addr;
  (void)val;
  RefuseHardwareOnly("nec_inc_semaphore", "device semaphore registers");
}

NRTB_EXPORT size_t nec_get_dynamic_send_size_bytes(enc_host_mem_t* dyn_input, size_t data_type_sz, int dst_rank,
                                                   int rank_n) {
  (void)dyn_input, (void)data_type_sz, (void)dst_rank, (void)rank_n;
  RefuseHardwareOnly("nec_get_dynamic_send_size_bytes", kDynamicSizes);
  return 0;
}

NRTB_EXPORT size_t nec_get_dynamic_send_offset_bytes(enc_host_mem_t* dyn_input, size_t data_type_sz, int dst_rank,
                                                     int rank_n) {
  (void)dyn_input, (void)data_type_sz, (void)dst_rank, (void)rank_n;
  RefuseHardwareOnly("nec_get_dynamic_send_offset_bytes", kDynamicSizes);
  return 0;
}

NRTB_EXPORT size_t nec_get_dynamic_recv_size_bytes(enc_host_mem_t* dyn_input, size_t data_type_sz, int src_rank,
                                                   int rank_n) {
  (void)dyn_input, (void)data_type_sz, (void)src_rank, (void)rank_n;
  RefuseHardwareOnly("nec_get_dynamic_recv_size_bytes", kDynamicSizes);
  return 0;
}

NRTB_EXPORT size_t nec_get_dynamic_recv_offset_bytes(enc_host_mem_t* dyn_input, size_t data_type_sz, int src_rank,
                                                     int rank_n) {
  (void)dyn_input, (void)data_type_sz, (void)src_rank, (void)rank_n;
  RefuseHardwareOnly("nec_get_dynamic_recv_offset_bytes", kDynamicSizes);
  return 0;
}

NRTB_EXPORT void nec_set_recv_size_bytes(enc_host_mem_t* dyn_input, size_t recv_size_bytes, size_t data_type_sz,
                                         int src_rank, int rank_n) {
  (void)dyn_input, (void)recv_size_bytes, (void)data_type_sz, (void)src_rank, (void)rank_n;
  RefuseHardwareOnly("nec_set_recv_size_bytes", kDynamicSizes);
}

NRTB_EXPORT int nec_get_device_count(int* available_devices_array, uint32_t array_size) {
  (void)available_devices_array, (void)array_size;
  RefuseHardwareOnly("nec_get_device_count", "Neuron driver to enumerate devices from");
  return -1;
}

NRTB_EXPORT int nec_get_device_pci_bdf(int neuron_dev, uint32_t* domain, uint32_t* bus_num, uint8_t* pci_slot,
                                       uint8_t* dev_func) {
  (void)neuron_dev, (void)domain, (void)bus_num, (void)pci_slot, (void)dev_func;
  RefuseHardwareOnly("nec_get_device_pci_bdf", "PCI devices");
  return -1;
}

NRTB_EXPORT NRT_STATUS nec_get_virtual_core_size(uint32_t* virtual_core_size) {
  (void)virtual_core_size;
  return RefuseHardwareOnly("nec_get_virtual_core_size", "collectives engine to size virtual cores for");
}

NRTB_EXPORT NRT_STATUS nec_get_version_info(nec_version_info_t* version_info) {
  (void)version_info;
  return RefuseHardwareOnly("nec_get_version_info", "Neuron Elastic Collectives engine");
}

NRTB_EXPORT NRT_STATUS nec_build_port_and_rid_map(int local_nec_dev_id, int* mla_indexes, int* host_device_ids,
                                                  int count) {
  (void)local_nec_dev_id, (void)mla_indexes, (void)host_device_ids, (void)count;
  return RefuseHardwareOnly("nec_build_port_and_rid_map", kTopology);
}

NRTB_EXPORT bool nec_is_mla_available(int local_nec_dev_id, int mla_idx) {
  (void)local_nec_dev_id, (void)mla_idx;
  RefuseHardwareOnly("nec_is_mla_available", kTopology);
  return false;
}

NRTB_EXPORT int nec_mla_idx_to_rid(int local_nec_dev_id, int mla_idx) {
  (void)local_nec_dev_id, (void)mla_idx;
  RefuseHardwareOnly("nec_mla_idx_to_rid", kTopology);
  return -1;
}

NRTB_EXPORT int nec_rid_to_mla_idx(int local_nec_dev_id, int rid) {
  (void)local_nec_dev_id, (void)rid;
  RefuseHardwareOnly("nec_rid_to_mla_idx", kTopology);
  return -1;
}

NRTB_EXPORT int nec_get_peer_mla_idx(int local_nec_dev_id, int mla_idx, int port) {
  (void)local_nec_dev_id, (void)mla_idx, (void)port;
  RefuseHardwareOnly("nec_get_peer_mla_idx", kTopology);
  return -1;
}

NRTB_EXPORT int nec_get_p2p_pod_peer_node(uint32_t nec_dev_id, int node, uint32_t port_distance, int* peer_node) {
  (void)nec_dev_id, (void)node, (void)port_distance, (void)peer_node;
  RefuseHardwareOnly("nec_get_p2p_pod_peer_node", kPod);
  return -1;
}

NRTB_EXPORT NRT_STATUS nec_pod_node_can_access_peer_node(nec_pod_type_t pod_type, uint32_t local_rid,
                                                         uint32_t local_node_id, uint32_t remote_rid,
                                                         uint32_t remote_node_id, int* can_access_peer) {
  (void)pod_type, (void)local_rid, (void)local_node_id, (void)remote_rid, (void)remote_node_id, (void)can_access_peer;
  return RefuseHardwareOnly("nec_pod_node_can_access_peer_node", kPod);
}

NRTB_EXPORT void nec_ndl_printk(char* str, uint32_t size, uint32_t action) {
  (void)str, (void)size, (void)action;
  RefuseHardwareOnly("nec_ndl_printk", "Neuron driver kernel log");
}
