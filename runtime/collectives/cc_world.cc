#include "runtime/collectives/cc_world.h"

#include <cstdlib>

#include "runtime/collectives/gloo_transport.h"
#include "runtime/core/error.h"

namespace nrtb {

CcWorld::CcWorld(uint32_t lnc_count, const std::string& root_comm_id, uint64_t timeout_ns)
    : lnc_count_(lnc_count), timeout_ns_(timeout_ns) {
  if (root_comm_id.empty()) return;
  const size_t colon = root_comm_id.rfind(':');
  char* end = nullptr;
  const unsigned long port = colon == std::string::npos ? 0 : std::strtoul(root_comm_id.c_str() + colon + 1, &end, 10);
  if (colon == std::string::npos || colon == 0 || end == nullptr || *end != '\0' || port == 0 || port > 65535) {
    ThrowInvalid("NEURON_RT_ROOT_COMM_ID=\"%s\" is not host:port", root_comm_id.c_str());
  }
  root_host_ = root_comm_id.substr(0, colon);
  if (root_host_.size() > 2 && root_host_.front() == '[' && root_host_.back() == ']')
    root_host_ = root_host_.substr(1, root_host_.size() - 2);
  root_port_ = static_cast<uint16_t>(port);
  gloo_ = std::make_unique<GlooTransport>(root_host_, root_port_);
}

CcWorld::~CcWorld() { Shutdown(); }

void CcWorld::RegisterRank(uint32_t lnc, uint32_t g_id, uint32_t g_count) {
  if (g_count == 0 || g_id >= g_count) ThrowInvalid("g_device_id %u must be below g_device_count %u", g_id, g_count);
  std::lock_guard<std::mutex> lock(mu_);
  if (size_ && *size_ != g_count) {
    ThrowInvalid("g_device_count %u differs from the world of %u ranks set up before", g_count, *size_);
  }
  auto r = rank_of_.find(lnc);
  if (r != rank_of_.end() && r->second != g_id)
    ThrowInvalid("logical core %u already holds global rank %u (not %u)", lnc, r->second, g_id);
  auto l = lnc_of_.find(g_id);
  if (l != lnc_of_.end() && l->second != lnc)
    ThrowInvalid("global rank %u already lives on logical core %u (not %u)", g_id, l->second, lnc);
  if (g_id == 0 && gloo_) gloo_->Serve();
  size_ = g_count;
  rank_of_[lnc] = g_id;
  lnc_of_[g_id] = lnc;
}

bool CcWorld::registered() const {
  std::lock_guard<std::mutex> lock(mu_);
  return size_.has_value();
}

uint32_t CcWorld::world_size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return size_ ? *size_ : lnc_count_;
}

void CcWorld::CheckWorld(uint32_t g_id, uint32_t g_count) {
  if (g_count == 0 || g_id >= g_count) ThrowInvalid("g_device_id %u must be below g_device_count %u", g_id, g_count);
  std::lock_guard<std::mutex> lock(mu_);
  if (size_ && *size_ != g_count) {
    ThrowInvalid("g_device_count %u differs from the world of %u ranks set up by nrt_cc_global_comm_init", g_count,
                 *size_);
  }
  if (g_id == 0 && gloo_ && g_count > 1) gloo_->Serve();
}

uint32_t CcWorld::RankOf(uint32_t lnc) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!size_) return lnc;
  auto it = rank_of_.find(lnc);
  if (it == rank_of_.end()) {
    ThrowInvalid("logical core %u holds no rank of the world (nrt_cc_global_comm_init registers one)", lnc);
  }
  return it->second;
}

NRT_STATUS CcWorld::Run(const CcPlan& plan, uint32_t channel, std::string* cause) {
  if (gloo_ && plan.size() > 1) return gloo_->Run(plan, channel, timeout_ns_, cause);
  // A deadline or stop while waiting for peers goes through to the execution unit (NRT_TIMEOUT, fatal).
  NRT_STATUS s = local_.Run(plan, channel);
  if (s != NRT_SUCCESS) *cause = "a peer rank of this process gave up (timed out or was closed)";
  return s;
}

void CcWorld::Abort() {
  if (gloo_) gloo_->Abort();
}

void CcWorld::AbortChannel(uint32_t channel, uint32_t rank) {
  if (gloo_) gloo_->AbortChannel(channel, rank);
}

void CcWorld::Shutdown() {
  if (gloo_) gloo_->Shutdown();
}

}  // namespace nrtb
