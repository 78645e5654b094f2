// Builds the plans the public calls run: nrta_cc_prepare's collectives and the synchronous helpers
// nrt_barrier / nrt_all_gather. Every check that one rank can make alone happens here, so a bad
// argument is refused (Error(NRT_INVALID)) on the rank that made it, before any peer waits for it.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "runtime/collectives/cc_plan.h"
#include "runtime/collectives/cc_world.h"

namespace nrtb {

struct CcRequestArgs {
  uint32_t cc_op;  // nrt_cc_op_type_t
  uint32_t dtype;  // nrt_dtype_t
  uint32_t op;     // nrt_op_type_t
  std::vector<uint32_t> group;
  uint32_t rank;  // index in group
  uint32_t lnc;
  uint32_t ctx_device_id, ctx_device_count;  // 0, 0 = not given; else must be my global rank and the world size
};

// The tensors must be in use by the caller (their sizes are read).
std::shared_ptr<CcPlan> PrepareCollective(const CcWorld& world, const CcRequestArgs& args,
                                          const std::vector<TensorRef>& inputs, const std::vector<TensorRef>& outputs);

// nrt_barrier / nrt_all_gather over the whole world (ranks 0 .. count-1) as rank g_id on lnc.
std::shared_ptr<CcPlan> PrepareBarrier(uint32_t lnc, uint32_t g_id, uint32_t g_count);
std::shared_ptr<CcPlan> PrepareHostAllGather(uint32_t lnc, uint32_t g_id, uint32_t g_count, uint32_t bytes, void* input,
                                             void* output);

// Re-checks that every chunk still lies inside its tensor (whose layout may have changed since the
// plan was made) and that no tensor was freed; the tensors must be in use. Throws Error(NRT_INVALID).
void RecheckChunks(const CcPlan& plan);

}  // namespace nrtb
