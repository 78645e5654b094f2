// Calls the simulated device cannot honour: nec.h and nds/neuron_ds.h (hardware only). Each is refused with its
// documented failure value and exactly one ERROR line naming the function, after the lifecycle check; none fakes
// success.
#include <functional>
#include <string>
#include <vector>

#include "nrtest.h"
#include "nrt/nds/neuron_ds.h"
#include "nrt/nec.h"

namespace {

using nrtest::LinesWith;
using nrtest::StderrCapture;

struct StatusCall {
  const char* name;
  std::function<NRT_STATUS()> call;
  NRT_STATUS refused;  // the status once the runtime is up
};

std::vector<StatusCall> StatusCalls(nrt_tensor_t* /*tensor*/) {
  static uint32_t u32;
  static nec_version_info_t version;
  static int ints[4];
  return {
      {"nec_get_virtual_core_size", [] { return nec_get_virtual_core_size(&u32); }, NRT_FAILURE},
      {"nec_get_version_info", [] { return nec_get_version_info(&version); }, NRT_FAILURE},
      {"nec_build_port_and_rid_map", [] { return nec_build_port_and_rid_map(0, ints, ints + 2, 2); }, NRT_FAILURE},
      {"nec_pod_node_can_access_peer_node",
       [] { return nec_pod_node_can_access_peer_node(NEC_POD_TYPE_P2P, 0, 0, 1, 1, ints); }, NRT_FAILURE},
  };
}

// Calls whose result is not an NRT_STATUS: true when the result is the function's failure value.
struct ValueCall {
  const char* name;
  std::function<bool()> refused;
};

std::vector<ValueCall> ValueCalls() {
  static int ints[4];
  static uint32_t u32[2];
  static uint8_t u8[2];
  static uint64_t u64;
  static enc_host_mem_t mem;
  static nds_instance_t* inst;
  static nds_obj_handle_t* handles;
  static size_t count;
  nds_instance_t* foreign = reinterpret_cast<nds_instance_t*>(0x3000);
  nds_obj_handle_t obj = reinterpret_cast<nds_obj_handle_t>(0x4000);
  return {
      {"nec_get_device_count", [] { return nec_get_device_count(ints, 4) == -1; }},
      {"nec_get_device_pci_bdf", [] { return nec_get_device_pci_bdf(0, u32, u32 + 1, u8, u8 + 1) == -1; }},
      {"nec_get_dynamic_send_size_bytes", [] { return nec_get_dynamic_send_size_bytes(&mem, 4, 1, 2) == 0; }},
      {"nec_get_dynamic_send_offset_bytes", [] { return nec_get_dynamic_send_offset_bytes(&mem, 4, 1, 2) == 0; }},
      {"nec_get_dynamic_recv_size_bytes", [] { return nec_get_dynamic_recv_size_bytes(&mem, 4, 1, 2) == 0; }},
      {"nec_get_dynamic_recv_offset_bytes", [] { return nec_get_dynamic_recv_offset_bytes(&mem, 4, 1, 2) == 0; }},
      {"nec_set_recv_size_bytes", [] { return nec_set_recv_size_bytes(&mem, 64, 4, 1, 2), true; }},
      {"nec_inc_semaphore", [] { return nec_inc_semaphore(nullptr, 1), true; }},
      {"nec_is_mla_available", [] { return !nec_is_mla_available(0, 0); }},
      {"nec_mla_idx_to_rid", [] { return nec_mla_idx_to_rid(0, 0) == -1; }},
      {"nec_rid_to_mla_idx", [] { return nec_rid_to_mla_idx(0, 0) == -1; }},
      {"nec_get_peer_mla_idx", [] { return nec_get_peer_mla_idx(0, 0, 0) == -1; }},
      {"nec_get_p2p_pod_peer_node", [] { return nec_get_p2p_pod_peer_node(0, 0, 1, ints) == -1; }},
      {"nec_ndl_printk",
       [] {
         char s[] = "hello";
         return nec_ndl_printk(s, 5, 0), true;
       }},
      {"nds_open", [] { return nds_open(nullptr, 0, &inst) != 0; }},
      {"nds_close", [foreign] { return nds_close(foreign) != 0; }},
      {"nds_increment_nc_counter", [foreign] { return nds_increment_nc_counter(foreign, 0, 0, 1) != 0; }},
      {"nds_decrement_nc_counter", [foreign] { return nds_decrement_nc_counter(foreign, 0, 0, 1) != 0; }},
      {"nds_get_nc_counter", [foreign] { return nds_get_nc_counter(foreign, 0, 0, &u64) != 0; }},
      {"nds_set_nc_counter", [foreign] { return nds_set_nc_counter(foreign, 0, 0, &u64) != 0; }},
      {"nds_increment_nd_counter", [foreign] { return nds_increment_nd_counter(foreign, 0, 1) != 0; }},
      {"nds_decrement_nd_counter", [foreign] { return nds_decrement_nd_counter(foreign, 0, 1) != 0; }},
      {"nds_or_nd_counter", [foreign] { return nds_or_nd_counter(foreign, 0, BIT_INDEX_MULTICORE_FEATURE) != 0; }},
      {"nds_get_nd_counter", [foreign] { return nds_get_nd_counter(foreign, 0, &u64) != 0; }},
      {"nds_set_nd_counter", [foreign] { return nds_set_nd_counter(foreign, 0, &u64) != 0; }},
      {"nds_obj_commit", [obj] { return nds_obj_commit(obj) != 0; }},
      {"nds_obj_new", [foreign] { return nds_obj_new(foreign, OBJECT_TYPE_PROCESS_INFO) == nullptr; }},
      {"nds_obj_delete", [obj] { return nds_obj_delete(obj) != 0; }},
      {"nds_obj_handle_to_model_node_info", [obj] { return nds_obj_handle_to_model_node_info(obj) == nullptr; }},
      {"nds_obj_handle_to_model_node_mem_usage",
       [obj] { return nds_obj_handle_to_model_node_mem_usage(obj) == nullptr; }},
      {"nds_read_all_model_nodes", [foreign] { return nds_read_all_model_nodes(foreign, &handles, &count) != 0; }},
      {"nds_obj_handle_to_process_info", [obj] { return nds_obj_handle_to_process_info(obj) == nullptr; }},
      {"nds_obj_handle_to_process_info_ext", [obj] { return nds_obj_handle_to_process_info_ext(obj) == nullptr; }},
      {"nds_read_process_info", [foreign] { return nds_read_process_info(foreign) == nullptr; }},
      {"nds_read_process_info_ext", [foreign] { return nds_read_process_info_ext(foreign) == nullptr; }},
  };
}

TEST(SimUnavailableApis, LifecycleComesFirst) {
  for (const StatusCall& c : StatusCalls(nullptr)) EXPECT_EQ(c.call(), NRT_UNINITIALIZED) << c.name;
  { NRTEST_INIT(rt); }
  for (const StatusCall& c : StatusCalls(nullptr)) EXPECT_EQ(c.call(), NRT_CLOSED) << c.name;
  for (const ValueCall& c : ValueCalls()) EXPECT_TRUE(c.refused()) << c.name << " after nrt_close";
}

TEST(SimUnavailableApis, RefusedWithOneLogLineNamingTheFunction) {
  NRTEST_INIT(rt);
  nrt_tensor_t* tensor = nrtest::MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64);
  ASSERT_NE(tensor, nullptr);
  for (const StatusCall& c : StatusCalls(tensor)) {
    StderrCapture capture;
    NRT_STATUS s = c.call();
    std::string err = capture.Stop();
    EXPECT_EQ(s, c.refused) << c.name;
    EXPECT_EQ(LinesWith(err, {}).size(), 1u) << c.name << " logged:\n" << err;
    EXPECT_EQ(LinesWith(err, {"ERROR", std::string("NRT:") + c.name + " "}).size(), 1u) << c.name << " logged:\n"
                                                                                        << err;
  }
  for (const ValueCall& c : ValueCalls()) {
    StderrCapture capture;
    bool refused = c.refused();
    std::string err = capture.Stop();
    EXPECT_TRUE(refused) << c.name;
    EXPECT_EQ(LinesWith(err, {}).size(), 1u) << c.name << " logged:\n" << err;
    EXPECT_EQ(LinesWith(err, {"ERROR", std::string("NRT:") + c.name + " ", "simulated device has no"}).size(), 1u)
        << c.name << " logged:\n"
        << err;
  }
  nrt_tensor_free(&tensor);
}

}  // namespace
