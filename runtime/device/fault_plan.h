// Fault injection (NRT_SIM_FAULTS): decides, for request n on a unit, whether it completes normally,
// completes with an injected status, hangs (-> NEURON_RT_EXEC_TIMEOUT -> NRT_TIMEOUT, unit fatal),
// turns its unit fatal, or is held until a test releases it.
//
// Grammar: rules separated by ';', each a ','-separated list of key=value:
//   xu=compute|tensor_op|collectives   which unit type (default: any)
//   lnc=N  queue=N                     which unit (default: any)
//   nth=K                              only the K-th request on each matching unit (seq number K)
//   every=P                            with nth=K (default 1): requests K, K+P, K+2P, ... instead. E.g. a hold
//                                      of every P-th request only: the requests a unit queues behind a held
//                                      one wait anyway, without each checking the release file
//   match=NAME                         only requests labelled NAME (model name, or write/read/copy)
//   prob=P [seed=S]                    only a pseudo-random fraction P, fixed by (seed, unit, K)
//   status=NAME|NUMBER                 the status to complete with (default NRT_EXEC_COMPLETED_WITH_ERR;
//                                      NRT_EXEC_HW_ERR_NC_UE for action=fatal)
//   action=fail|hang|fatal|hold        default fail (hold when hold= is given)
//   hold=PATH                          hold the request when it starts until the file PATH exists, then run
//                                      it normally. On entering the hold the unit creates PATH.held, so a
//                                      test can tell "started" from "queued". Held time is not subject to
//                                      NEURON_RT_EXEC_TIMEOUT; nrt_close ends a hold (the request gets
//                                      NRT_CLOSED). PATH may not contain ',' or ';'.
// Without nth/match/prob a rule matches every request of its units. The first matching rule wins.
// Holds are how tests keep a request in flight for as long as they need, on any machine, without a
// simulated duration standing in for "long enough".
// Example: NRT_SIM_FAULTS="xu=compute,lnc=0,nth=3,status=NRT_EXEC_BAD_INPUT;xu=tensor_op,queue=1,nth=5,action=hang"
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nrt/nrt_status.h"

namespace nrtb {

enum class FaultKind { kFail, kHang, kFatal, kHold };

struct Fault {
  FaultKind kind = FaultKind::kFail;
  NRT_STATUS status = NRT_EXEC_COMPLETED_WITH_ERR;  // NRT_SUCCESS for kHold: the request runs normally
  std::string hold_path;                            // kHold: released when this file exists

  // kHold: whether the release file exists yet.
  bool Released() const;
  // kHold: creates hold_path + ".held" (best effort: a test that waits for it fails on its own bound).
  void MarkHeld() const;
};

// How often a held request looks for its release file.
inline constexpr uint64_t kHoldPollNs = 1'000'000;

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
    uint64_t nth = 0;                        // 0 = any
    uint64_t every = 0;                      // 0 = only nth; else nth (or 1) and every every-th after it
    std::string match;                       // empty = any
    double prob = -1;                        // < 0 = always
    uint64_t seed = 1;
    Fault fault;
  };
  std::vector<Rule> rules_;
};

}  // namespace nrtb
