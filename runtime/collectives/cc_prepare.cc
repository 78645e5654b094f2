#include "runtime/collectives/cc_prepare.h"

#include <numeric>

#include "runtime/core/error.h"

namespace nrtb {
namespace {

std::vector<uint32_t> WholeWorld(uint32_t count) {
  std::vector<uint32_t> g(count);
  std::iota(g.begin(), g.end(), 0u);
  return g;
}

}  // namespace

std::shared_ptr<CcPlan> PrepareCollective(const CcWorld& world, const CcRequestArgs& a,
                                          const std::vector<TensorRef>& inputs, const std::vector<TensorRef>& outputs) {
  auto plan = std::make_shared<CcPlan>();
  if (a.cc_op > static_cast<uint32_t>(CcKind::kReduceScatter)) {
    ThrowInvalid("cc_op %u is not a collective (0 all-gather, 1 all-reduce, 2 reduce-scatter)", a.cc_op);
  }
  plan->kind = static_cast<CcKind>(a.cc_op);
  plan->dtype = static_cast<DType>(a.dtype);
  if (DTypeSize(plan->dtype) == 0) ThrowInvalid("dtype %u is not a tensor dtype", a.dtype);
  if (plan->kind != CcKind::kAllGather) {
    if (a.op != 0 && a.op != 2 && a.op != 3) {
      ThrowInvalid(
          "op %u is not a reduction collectives support (NRT_OP_ADD, NRT_OP_MAX, NRT_OP_MIN; NRT_OP_FMA has "
          "no meaning for a collective)",
          a.op);
    }
    plan->op = static_cast<ReduceOp>(a.op);
    plan->reduce = ReduceFunction(plan->dtype, plan->op);
    if (plan->reduce == nullptr) {
      ThrowInvalid(
          "%s is not defined over dtype %s (reductions cover float32, float16, bfloat16 and the integer types)",
          ReduceOpName(plan->op), DTypeName(plan->dtype));
    }
  }
  if (world.multi_process() && !world.registered()) {
    ThrowInvalid("NEURON_RT_ROOT_COMM_ID is set, but no rank was placed with nrt_cc_global_comm_init");
  }
  const uint32_t world_size = world.world_size();
  if (a.group.size() > world_size) {
    ThrowInvalid("replica group of %zu ranks is larger than the world of %u ranks", a.group.size(), world_size);
  }
  CheckGroup(a.group, a.rank, world_size);
  plan->group = a.group;
  plan->index = a.rank;
  plan->lnc = a.lnc;
  const uint32_t me = world.RankOf(a.lnc);
  if (plan->group[a.rank] != me) {
    ThrowInvalid("replica group position %u names global rank %u, but logical core %u holds global rank %u", a.rank,
                 plan->group[a.rank], a.lnc, me);
  }
  if (a.ctx_device_id != 0 || a.ctx_device_count != 0) {
    if (a.ctx_device_count != world_size || a.ctx_device_id != me) {
      ThrowInvalid("comm ctx_device_id %u / ctx_device_count %u do not match global rank %u of a world of %u",
                   a.ctx_device_id, a.ctx_device_count, me, world_size);
    }
  }
  BindChunks(*plan, inputs, outputs);
  return plan;
}

std::shared_ptr<CcPlan> PrepareBarrier(uint32_t lnc, uint32_t g_id, uint32_t g_count) {
  auto plan = std::make_shared<CcPlan>();
  plan->kind = CcKind::kBarrier;
  plan->group = WholeWorld(g_count);
  plan->index = g_id;
  plan->lnc = lnc;
  return plan;
}

std::shared_ptr<CcPlan> PrepareHostAllGather(uint32_t lnc, uint32_t g_id, uint32_t g_count, uint32_t bytes, void* input,
                                             void* output) {
  auto plan = PrepareBarrier(lnc, g_id, g_count);
  plan->kind = CcKind::kAllGather;
  plan->inputs = {{nullptr, 0, bytes, static_cast<uint8_t*>(input)}};
  for (uint32_t j = 0; j < g_count; ++j)
    plan->outputs.push_back({nullptr, 0, bytes, static_cast<uint8_t*>(output) + static_cast<uint64_t>(j) * bytes});
  return plan;
}

void RecheckChunks(const CcPlan& plan) {
  for (const auto* list : {&plan.inputs, &plan.outputs}) {
    for (const Chunk& c : *list) {
      if (!c.tensor) continue;
      if (c.tensor->freed()) ThrowInvalid("tensor \"%s\" was freed after nrta_cc_prepare", c.tensor->name().c_str());
      if (c.tensor->storage() == nullptr || c.offset + c.size > c.tensor->size()) {
        ThrowInvalid("tensor \"%s\" no longer holds the %llu B nrta_cc_prepare saw", c.tensor->name().c_str(),
                     static_cast<unsigned long long>(c.offset + c.size));
      }
    }
  }
}

}  // namespace nrtb
