#include "runtime/collectives/cc_work.h"

#include <vector>

#include "runtime/collectives/cc_prepare.h"
#include "runtime/collectives/cc_world.h"
#include "runtime/core/compute_interrupt.h"
#include "runtime/core/status_names.h"

namespace nrtb {
namespace {

class Collective final : public Work {
 public:
  Collective(std::shared_ptr<CcPlan> plan, CcWorld& world, ExecUnit& unit, uint32_t queue, const DmaTiming& t)
      : plan_(std::move(plan)), world_(world), unit_(unit), queue_(queue), sim_ns_(t.Cost(plan_->bytes())) {
    for (const Chunk& c : plan_->inputs)
      if (c.tensor) uses_.emplace_back(c.tensor);
    for (const Chunk& c : plan_->outputs)
      if (c.tensor) uses_.emplace_back(c.tensor);
    RecheckChunks(*plan_);  // layouts are fixed from here on, while the uses last
  }

  NRT_STATUS Run() override {
    std::string cause;
    NRT_STATUS s;
    try {
      s = world_.Run(*plan_, queue_, &cause);
    } catch (const ComputeInterrupted& e) {
      if (e.reason() != InterruptReason::kDeadline) throw;  // stopped by nrt_close: NRT_CLOSED
      s = NRT_TIMEOUT;
      cause = "the other ranks did not all arrive within NEURON_RT_EXEC_TIMEOUT";
    }
    if (s == NRT_EXEC_HW_ERR_COLLECTIVES || s == NRT_TIMEOUT) {
      unit_.MakeFatal(plan_->Describe() + " failed with " + StatusName(s) + ": " + cause);
      // The unit runs nothing more: peers waiting on it in its other groups would otherwise wait for their timeouts.
      world_.AbortChannel(queue_, plan_->my_rank());
    }
    return s;
  }
  uint64_t SimulatedNs() const override { return sim_ns_; }
  const char* Label() const override { return CcKindName(plan_->kind); }
  void Finish(NRT_STATUS) override { uses_.clear(); }

 private:
  std::shared_ptr<CcPlan> plan_;
  CcWorld& world_;
  ExecUnit& unit_;
  uint32_t queue_;
  uint64_t sim_ns_;
  std::vector<TensorUse> uses_;
};

}  // namespace

std::unique_ptr<Work> MakeCollective(std::shared_ptr<CcPlan> plan, CcWorld& world, ExecUnit& unit, uint32_t queue,
                                     const DmaTiming& timing) {
  return std::make_unique<Collective>(std::move(plan), world, unit, queue, timing);
}

}  // namespace nrtb
