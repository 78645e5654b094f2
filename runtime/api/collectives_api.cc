// Host-driven collectives and fabric queries (nrt.h, nrt_async.h): the C boundary of
// runtime/collectives/. Fabric (EFA) queries have no meaning on the simulated device.
#include "runtime/api/handles.h"
#include "runtime/api/validate_hooks.h"
#include "runtime/collectives/cc_prepare.h"
#include "runtime/collectives/cc_work.h"

using namespace nrtb;

namespace {

// The tensors of a list, each in use for the rest of the call; device tensors must be on `lnc`.
constexpr size_t kMaxListTensors = 65536;
std::vector<TensorRef> ListTensors(const nrt_tensor_list_t* list, const char* what, uint32_t lnc,
                                   std::vector<TensorUse>* uses) {
  if (list->num_tensors == 0) ThrowInvalid("%s list is empty", what);
  if (list->num_tensors > kMaxListTensors)
    ThrowInvalid("%s list has %zu tensors (at most %zu)", what, list->num_tensors, kMaxListTensors);
  if (list->tensors == nullptr) ThrowInvalid("%s list has %zu tensors but tensors is NULL", what, list->num_tensors);
  std::vector<TensorRef> refs;
  for (size_t i = 0; i < list->num_tensors; ++i) {
    TensorUse t = UseTensor(list->tensors[i], what);
    if (t->storage() == nullptr)
      ThrowInvalid("%s tensor %zu (\"%s\") has no memory attached", what, i, t->name().c_str());
    if (t->on_device() && static_cast<uint32_t>(t->lnc()) != lnc) {
      ThrowInvalid("%s tensor %zu (\"%s\") lives on logical core %d, the communicator on core %u", what, i,
                   t->name().c_str(), t->lnc(), lnc);
    }
    refs.push_back(t.ref());
    uses->push_back(std::move(t));
  }
  return refs;
}

ExecUnit& CollectivesUnit(Device& d, uint32_t lnc, int queue) {
  Lnc& l = RequireLnc(d, lnc, "logical core");
  const uint32_t queues = kQueuesPerXu[static_cast<uint32_t>(XuType::kCollectives)];
  if (queue < 0 || static_cast<uint32_t>(queue) >= queues)
    ThrowInvalid("invalid queue %d for the collectives XU: it has %u queue(s)", queue, queues);
  ExecUnit* u = l.Unit(XuType::kCollectives, static_cast<uint32_t>(queue));
  if (u == nullptr) ThrowStatus(NRT_CLOSED, "runtime closed");
  return *u;
}

}  // namespace

NRTB_EXPORT NRT_STATUS nrt_cc_global_comm_init(uint32_t vnc, uint32_t g_device_id, uint32_t g_device_count) {
  return Guarded("nrt_cc_global_comm_init", [&] {
    Session& s = RequireSession();
    RequireLnc(s.device(), vnc, "vnc");
    s.cc_world().RegisterRank(vnc, g_device_id, g_device_count);
    return NRT_SUCCESS;
  });
}

// The communicator of collectives inside NEFFs. The simulated device's NEFFs (CPU graphs) have no
// collective ops, so there is nothing to connect: the arguments are checked, nothing else happens.
NRTB_EXPORT NRT_STATUS nrt_build_global_comm(int32_t vnc, uint32_t g_device_id, uint32_t g_device_count) {
  return Guarded("nrt_build_global_comm", [&] {
    RequireLnc(RequireDevice(), vnc, "vnc");
    if (g_device_count == 0 || g_device_id >= g_device_count)
      ThrowInvalid("g_device_id %u must be below g_device_count %u", g_device_id, g_device_count);
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
    Session& s = RequireSession();
    RequireNonNull(comm, "comm");
    RequireNonNull(input, "input");
    RequireNonNull(output, "output");
    RequireNonNull(cc_ctx, "cc_ctx");
    RequireLnc(s.device(), comm->vnc, "comm->vnc");
    RequireNonNull(comm->replica_group, "comm->replica_group");
    if (comm->rank_n == 0 || comm->rank_n > s.cc_world().world_size()) {
      ThrowInvalid("comm->rank_n %u must be 1 .. the world size %u", comm->rank_n, s.cc_world().world_size());
    }
    std::vector<TensorUse> uses;
    std::vector<TensorRef> ins = ListTensors(input, "input", comm->vnc, &uses);
    std::vector<TensorRef> outs = ListTensors(output, "output", comm->vnc, &uses);
    CcRequestArgs args{static_cast<uint32_t>(cc_op),
                       static_cast<uint32_t>(dtype),
                       static_cast<uint32_t>(op),
                       std::vector<uint32_t>(comm->replica_group, comm->replica_group + comm->rank_n),
                       comm->rank,
                       comm->vnc,
                       comm->ctx_device_id,
                       comm->ctx_device_count};
    std::shared_ptr<CcPlan> plan = PrepareCollective(s.cc_world(), args, ins, outs);
    *cc_ctx = reinterpret_cast<nrt_cc_context_t*>(s.cc_contexts().Add(std::move(plan)));
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrta_cc_schedule(nrt_cc_context_t** cc_ctx, int queue, NRT_STATUS* ret,
                                        nrta_seq_t* req_sequence) {
  const void* site = NRTB_CALL_SITE();
  return Guarded("nrta_cc_schedule", [&] {
    Session& s = RequireSession();
    RequireNonNull(cc_ctx, "cc_ctx");
    RequireNonNull(ret, "ret");
    RequireNonNull(req_sequence, "req_sequence");
    std::shared_ptr<CcPlan> plan = s.cc_contexts().Get(*cc_ctx);
    if (plan == nullptr) {
      ThrowInvalid("*cc_ctx %p is not a context from nrta_cc_prepare (or it was scheduled already)",
                   static_cast<void*>(*cc_ctx));
    }
    ExecUnit& unit = CollectivesUnit(s.device(), plan->lnc, queue);
    if (plan->claimed.exchange(true)) ThrowInvalid("*cc_ctx %p is being scheduled by another thread", *cc_ctx);
    NRT_STATUS st = NRT_FAILURE;
    try {
      auto work = MakeCollective(plan, s.cc_world(), unit, static_cast<uint32_t>(queue), s.device().dma_timing());
      // The footprint is read after MakeCollective took its uses of the tensors: their layouts are fixed.
      st = ValidatedSchedule(
          s.device(), "nrta_cc_schedule", site, unit, ret, req_sequence,
          [&](RequestFootprint& r) { DescribeCollective(r, *plan); },
          [&] { return unit.Submit(work, ret, req_sequence); });
    } catch (...) {
      plan->claimed.store(false);
      throw;
    }
    if (st != NRT_SUCCESS) {
      plan->claimed.store(false);  // the caller keeps the context (e.g. to retry after NRT_QUEUE_FULL)
      return st;
    }
    s.cc_contexts().Remove(*cc_ctx);
    *cc_ctx = nullptr;
    return NRT_SUCCESS;
  });
}
