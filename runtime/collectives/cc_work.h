// A collective as execution-unit work: the request nrta_cc_schedule (or nrt_barrier /
// nrt_all_gather, synchronously) puts on a COLLECTIVES unit. It keeps its tensors in use until it
// completes, runs through the ranks' transport (in process, or Gloo across processes), charges the
// timing model for the bytes it moves, and turns its unit fatal when a peer fails (SPEC §2: the
// collective completes with NRT_EXEC_HW_ERR_COLLECTIVES and the unit is unrecoverable).
#pragma once

#include <memory>

#include "runtime/collectives/cc_plan.h"
#include "runtime/device/exec_unit.h"
#include "runtime/device/timing_model.h"
#include "runtime/device/work.h"

namespace nrtb {

class CcWorld;

// `unit` is the unit the work will be submitted to; `world` outlives it (both belong to the session).
std::unique_ptr<Work> MakeCollective(std::shared_ptr<CcPlan> plan, CcWorld& world, ExecUnit& unit, uint32_t queue,
                                     const DmaTiming& timing);

}  // namespace nrtb
