// Collectives across processes and hosts: each rank of a replica group joins a Gloo group (one per
// group and COLLECTIVES queue, made on first use through the rendezvous at NEURON_RT_ROOT_COMM_ID),
// and every collective starts with an exchange of the ranks' descriptions, so that ranks that
// disagree all fail with NRT_INVALID instead of exchanging mismatched buffers.
//
// Gloo lives in the plugin libnrt-gloo.so.1 next to libnrt (gloo_plugin_api.h says why), loaded on
// first use. A timeout is NRT_TIMEOUT; a peer that went away (connection closed or reset) is
// NRT_EXEC_HW_ERR_COLLECTIVES.
//
// Gloo cannot interrupt an operation; the plugin can shut a group's connections down (gloo_plugin_api.h's
// abort), which ends a join or an operation in flight at once: nrt_close and a unit turning fatal use it instead
// of waiting for the operation's timeout.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "nrt/nrt_status.h"
#include "runtime/collectives/cc_plan.h"
#include "runtime/collectives/gloo_plugin_api.h"
#include "runtime/collectives/rendezvous_server.h"

namespace nrtb {

class GlooTransport {
 public:
  GlooTransport(std::string root_host, uint16_t root_port);
  ~GlooTransport();
  GlooTransport(const GlooTransport&) = delete;
  GlooTransport& operator=(const GlooTransport&) = delete;

  // Rank 0's part: serve the rendezvous (idempotent). Throws Error(NRT_FAILURE).
  void Serve();
  // Runs plan with its peers within timeout_ns. Throws Error(NRT_INVALID) when the ranks disagree,
  // Error(NRT_FAILURE) when the plugin cannot be loaded.
  // Throws ComputeInterrupted(kStop) once Abort() was called.
  NRT_STATUS Run(const CcPlan& plan, uint32_t channel, uint64_t timeout_ns, std::string* cause);
  // nrt_close: every group's join or operation in flight, and every later Run, ends at once (ComputeInterrupted).
  void Abort();
  // The collectives unit of `channel` holding global rank `rank` turned fatal: it will never run another
  // collective, so its groups on that channel close their connections, and peers that wait on it in one of them
  // fail at once instead of at their timeouts.
  void AbortChannel(uint32_t channel, uint32_t rank);
  void Shutdown();

 private:
  using GroupKey = std::tuple<uint32_t, std::vector<uint32_t>, uint32_t>;  // channel, group, my rank
  const NrtbGlooPlugin& Plugin();
  void* Group(const CcPlan& plan, uint32_t channel, int64_t timeout_ms, std::string* cause, NRT_STATUS* status);

  const std::string root_host_;
  const uint16_t root_port_;
  std::string bind_host_;
  std::mutex mu_;
  void* dl_ = nullptr;
  const NrtbGlooPlugin* plugin_ = nullptr;
  std::unique_ptr<RendezvousServer> server_;
  std::map<GroupKey, void*> groups_;   // joined
  std::map<void*, GroupKey> joining_;  // while join() waits for the peers
  bool aborted_ = false;
};

}  // namespace nrtb
