// The collectives world of one runtime session: which global ranks live on which logical cores of
// this process, and how a collective reaches the other ranks.
//
// - Without nrt_cc_global_comm_init the world is this process: global rank r = logical core r, and
//   the world has one rank per logical core.
// - nrt_cc_global_comm_init(vnc, g, count) puts global rank g of a world of `count` on core vnc;
//   every call must name the same count, a rank lives on one core, and a core holds one rank.
// - nrt_barrier / nrt_all_gather name their rank and world size themselves; they must agree with a
//   registered world but do not register.
// - Without NEURON_RT_ROOT_COMM_ID every rank is in this process (LocalExchange). With it, the ranks
//   of the world may be in other processes or on other hosts and every collective of more than one
//   rank runs over Gloo (gloo_transport.h), rank 0 serving the rendezvous at that host:port.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "nrt/nrt_status.h"
#include "runtime/collectives/cc_plan.h"
#include "runtime/collectives/local_exchange.h"

namespace nrtb {

class GlooTransport;

class CcWorld {
 public:
  // root_comm_id: NEURON_RT_ROOT_COMM_ID ("host:port"), empty when unset. Throws Error(NRT_INVALID)
  // when it is set but malformed.
  CcWorld(uint32_t lnc_count, const std::string& root_comm_id, uint64_t timeout_ns);
  ~CcWorld();
  CcWorld(const CcWorld&) = delete;
  CcWorld& operator=(const CcWorld&) = delete;

  // Puts global rank g_id of a world of g_count ranks on logical core lnc. Idempotent; throws
  // Error(NRT_INVALID) for a bad or conflicting registration.
  void RegisterRank(uint32_t lnc, uint32_t g_id, uint32_t g_count);
  uint32_t world_size() const;
  // Checks (g_id, g_count) of nrt_barrier / nrt_all_gather against the registered world, if any.
  // In a multi-process world, global rank 0 serves the rendezvous.
  void CheckWorld(uint32_t g_id, uint32_t g_count);
  // The global rank logical core lnc holds; Error(NRT_INVALID) when it holds none.
  uint32_t RankOf(uint32_t lnc) const;
  bool multi_process() const { return !root_host_.empty(); }
  // Whether nrt_cc_global_comm_init registered a rank (a multi-process world needs it).
  bool registered() const;

  // Runs this rank's part of `plan` with its peers; channel = COLLECTIVES queue. NRT_SUCCESS, or a
  // failure status with *cause saying why (NRT_EXEC_HW_ERR_COLLECTIVES, NRT_TIMEOUT). Throws
  // Error(NRT_INVALID) when the ranks' collectives disagree.
  NRT_STATUS Run(const CcPlan& plan, uint32_t channel, std::string* cause);

  // nrt_close, before the execution units stop: collectives over Gloo in flight (which only a timeout would end
  // otherwise) end at once with NRT_CLOSED, and so does every later one.
  void Abort();
  // The collectives unit of `channel` (COLLECTIVES queue) holding global rank `rank` turned fatal: its Gloo
  // connections close, so peers waiting on it fail at once instead of at their timeouts.
  void AbortChannel(uint32_t channel, uint32_t rank);
  // Stops the rendezvous server and closes the connections (nrt_close).
  void Shutdown();

 private:
  const uint32_t lnc_count_;
  const uint64_t timeout_ns_;
  std::string root_host_;
  uint16_t root_port_ = 0;
  mutable std::mutex mu_;
  std::optional<uint32_t> size_;          // set by the first registration
  std::map<uint32_t, uint32_t> rank_of_;  // lnc -> global rank
  std::map<uint32_t, uint32_t> lnc_of_;   // global rank -> lnc
  LocalExchange local_;
  std::unique_ptr<GlooTransport> gloo_;  // multi-process worlds only
};

}  // namespace nrtb
