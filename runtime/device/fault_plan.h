// Fault injection (NRT_SIM_FAULTS): decides, for request n on a unit, whether it completes normally,
// completes with an injected status, hangs (-> NEURON_RT_EXEC_TIMEOUT -> NRT_TIMEOUT, unit fatal),
// or turns its unit fatal.
//
// Grammar: rules separated by ';', each a ','-separated list of key=value:
//   xu=compute|tensor_op|collectives   which unit type (default: any)
//   lnc=N  queue=N                     which unit (default: any)
//   nth=K                              only the K-th request on each matching unit (seq number K)
//   match=NAME                         only requests labelled NAME (model name, or write/read/copy)
//   prob=P [seed=S]                    only a pseudo-random fraction P, fixed by (seed, unit, K)
//   status=NAME|NUMBER                 the status to complete with (default NRT_EXEC_COMPLETED_WITH_ERR;
//                                      NRT_EXEC_HW_ERR_NC_UE for action=fatal)
//   action=fail|hang|fatal             default fail
// Without nth/match/prob a rule matches every request of its units. The first matching rule wins.
// Example: NRT_SIM_FAULTS="xu=compute,lnc=0,nth=3,status=NRT_EXEC_BAD_INPUT;xu=tensor_op,queue=1,nth=5,action=hang"
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nrt/nrt_status.h"

namespace nrtb {

enum class FaultKind { kFail, kHang, kFatal };

struct Fault {
  FaultKind kind = FaultKind::kFail;
  NRT_STATUS status = NRT_EXEC_COMPLETED_WITH_ERR;
};

class FaultPlan {
 public:
  // Parses the spec; throws Error(NRT_INVALID, "NRT_SIM_FAULTS rule 2: ...") on a bad rule.
  static FaultPlan Parse(const std::string& spec);
  bool empty() const { return rules_.empty(); }
  // The fault for request number n (1-based) with the given label on unit xu_id, if any.
  std::optional<Fault> Match(uint16_t xu_id, uint64_t n, const char* label) const;

 private:
  struct Rule {
    int xu_type = -1, lnc = -1, queue = -1;  // -1 = any
    uint64_t nth = 0;                         // 0 = any
    std::string match;                        // empty = any
    double prob = -1;                         // < 0 = always
    uint64_t seed = 1;
    Fault fault;
  };
  std::vector<Rule> rules_;
};

}  // namespace nrtb
