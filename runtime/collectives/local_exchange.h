// Collectives among ranks of this process (each rank one logical core, each running its part on its
// own COLLECTIVES unit). The k-th collective a rank runs on (channel, group) meets the k-th of every
// other rank of that group in a Round; there every rank posts its plan, the last one checks that the
// plans agree (else every rank fails with NRT_INVALID), and then each rank does its share of the data
// movement and reduction in parallel, reading and writing the other ranks' buffers directly:
//
//   all-gather      pull every rank's input into my output                            | barrier
//   reduce-scatter  reduce every rank's chunk `me` into my output                      | barrier
//   all-reduce      reduce slice `me` of every input and write it into every output    | all blocks done
//                   (block by block, each block copied out while it is in the cache; then help
//                   with the blocks of slices whose ranks have not taken them yet)
//
// An all-reduce of B bytes on N ranks thus reads N * B and writes N * B bytes in all, the least it can.
// The closing barrier (for the all-reduce: every block done, after which no rank touches another's
// buffers) keeps every rank's buffers untouched by the others once its request completes.
// A rank that waits past its deadline (NEURON_RT_EXEC_TIMEOUT) or is stopped (nrt_close) marks the
// round failed and leaves once no rank is still moving data; the others then fail with
// NRT_EXEC_HW_ERR_COLLECTIVES instead of waiting for it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>
#include <vector>

#include "nrt/nrt_status.h"
#include "runtime/collectives/cc_plan.h"

namespace nrtb {

class LocalExchange {
 public:
  LocalExchange();
  ~LocalExchange();
  // Runs this rank's part of `plan` (its tensors in use by the caller). Returns NRT_SUCCESS or
  // NRT_EXEC_HW_ERR_COLLECTIVES (a peer gave up); throws Error(NRT_INVALID) when the ranks' plans
  // disagree; lets ComputeInterrupted through on a deadline or stop (after failing the round).
  NRT_STATUS Run(const CcPlan& plan, uint32_t channel);

 private:
  struct Round;
  std::shared_ptr<Round> Join(const CcPlan& plan, uint32_t channel, uint64_t* k);

  std::mutex mu_;
  std::map<std::tuple<uint32_t, std::vector<uint32_t>, uint32_t>, uint64_t> next_;  // (channel, group, rank) -> k
  std::map<std::tuple<uint32_t, std::vector<uint32_t>, uint64_t>, std::shared_ptr<Round>> rounds_;
};

}  // namespace nrtb
