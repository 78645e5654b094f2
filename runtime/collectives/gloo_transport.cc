#include "runtime/collectives/gloo_transport.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <limits>
#include <vector>

#include "runtime/core/compute_interrupt.h"
#include "runtime/core/error.h"
#include "runtime/core/log.h"
#include "runtime/device/device_access.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define NRTB_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define NRTB_SANITIZED 1
#endif
#endif

namespace nrtb {
namespace {

constexpr size_t kErrLen = 512;

// What every rank sends before a collective: equal on all ranks, or the collective is refused.
struct Descriptor {
  uint32_t kind, dtype, op, inputs, outputs, pad;
  uint64_t in_bytes, out_bytes, first_in, first_out;
};

Descriptor Describe(const CcPlan& p) {
  Descriptor d{};
  d.kind = static_cast<uint32_t>(p.kind);
  d.dtype = static_cast<uint32_t>(p.dtype);
  d.op = p.reduce != nullptr ? static_cast<uint32_t>(p.op) : 0;
  d.inputs = static_cast<uint32_t>(p.inputs.size());
  d.outputs = static_cast<uint32_t>(p.outputs.size());
  for (const Chunk& c : p.inputs) d.in_bytes += c.size;
  for (const Chunk& c : p.outputs) d.out_bytes += c.size;
  d.first_in = p.inputs.empty() ? 0 : p.inputs[0].size;
  d.first_out = p.outputs.empty() ? 0 : p.outputs[0].size;
  return d;
}

std::string Text(const Descriptor& d) {
  return std::string(CcKindName(static_cast<CcKind>(d.kind))) + " dtype " + std::to_string(d.dtype) + " op " +
         std::to_string(d.op) + " of " + std::to_string(d.in_bytes) + " B in / " + std::to_string(d.out_bytes) +
         " B out";
}

// The local address this host uses to reach host:port (a connected UDP socket sends nothing).
std::string LocalAddressFor(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0) return "";
  std::string out;
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) == 0) {
    sockaddr_in local{};
    socklen_t len = sizeof local;
    char buf[INET_ADDRSTRLEN] = {};
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0 &&
        inet_ntop(AF_INET, &local.sin_addr, buf, sizeof buf) != nullptr)
      out = buf;
  }
  if (fd >= 0) close(fd);
  freeaddrinfo(res);
  return out;
}

NRT_STATUS StatusOf(int rc) {
  return rc == kGlooTimeout ? NRT_TIMEOUT : rc == kGlooPeerFailed ? NRT_EXEC_HW_ERR_COLLECTIVES : NRT_FAILURE;
}

}  // namespace

GlooTransport::GlooTransport(std::string root_host, uint16_t root_port)
    : root_host_(std::move(root_host)), root_port_(root_port) {}

GlooTransport::~GlooTransport() { Shutdown(); }

void GlooTransport::Serve() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!server_) server_ = std::make_unique<RendezvousServer>(root_host_, root_port_);
}

void GlooTransport::Abort() {
  std::lock_guard<std::mutex> lock(mu_);
  aborted_ = true;
  for (auto& [group, rank] : joining_) plugin_->abort(group);
  for (auto& [key, group] : groups_) plugin_->abort(group);
}

void GlooTransport::AbortChannel(uint32_t channel, uint32_t rank) {
  std::lock_guard<std::mutex> lock(mu_);
  auto ours = [&](const GroupKey& key) { return std::get<0>(key) == channel && std::get<2>(key) == rank; };
  for (auto& [group, key] : joining_)
    if (ours(key)) plugin_->abort(group);
  for (auto& [key, group] : groups_)
    if (ours(key)) plugin_->abort(group);
}

void GlooTransport::Shutdown() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [key, group] : groups_) plugin_->destroy(group);
  groups_.clear();
  if (server_) server_->Stop();
  server_.reset();
  // The plugin stays loaded: Gloo's threads and static objects must not outlive their code.
}

const NrtbGlooPlugin& GlooTransport::Plugin() {
  if (plugin_ != nullptr) return *plugin_;
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&StatusOf), &info) == 0 || info.dli_fname == nullptr) {
    ThrowStatus(NRT_FAILURE, "cannot locate libnrt to find libnrt-gloo.so.1 next to it");
  }
  std::string dir = info.dli_fname;
  dir = dir.find('/') == std::string::npos ? "." : dir.substr(0, dir.rfind('/'));
  const std::string path = dir + "/libnrt-gloo.so.1";
  int flags = RTLD_NOW | RTLD_LOCAL;
#ifndef NRTB_SANITIZED
  flags |=
      RTLD_DEEPBIND;  // Gloo binds to itself first, not to a Gloo the application brought (the sanitizers refuse it)
#endif
  dl_ = dlopen(path.c_str(), flags);
  if (dl_ == nullptr) ThrowStatus(NRT_FAILURE, "cannot load the Gloo plugin %s: %s", path.c_str(), dlerror());
  auto entry = reinterpret_cast<NrtbGlooPluginEntry>(dlsym(dl_, NRTB_GLOO_PLUGIN_ENTRY));
  const NrtbGlooPlugin* p = entry != nullptr ? entry() : nullptr;
  if (p == nullptr || p->abi != NRTB_GLOO_PLUGIN_ABI)
    ThrowStatus(NRT_FAILURE, "%s is not a matching Gloo plugin", path.c_str());
  plugin_ = p;
  bind_host_ = LocalAddressFor(root_host_, root_port_);
  if (bind_host_.empty()) ThrowStatus(NRT_FAILURE, "no local address reaches %s:%u", root_host_.c_str(), root_port_);
  return *plugin_;
}

void* GlooTransport::Group(const CcPlan& plan, uint32_t channel, int64_t timeout_ms, std::string* cause,
                           NRT_STATUS* status) {
  std::unique_lock<std::mutex> lock(mu_);
  if (aborted_) throw ComputeInterrupted(InterruptReason::kStop);
  const NrtbGlooPlugin& plugin = Plugin();
  GroupKey key{channel, plan.group, plan.my_rank()};
  if (auto it = groups_.find(key); it != groups_.end()) return it->second;
  std::string prefix = "nrt/q" + std::to_string(channel) + "/g";
  for (uint32_t r : plan.group) prefix += std::to_string(r) + ",";
  char err[kErrLen] = {};
  void* g = plugin.create(err, sizeof err);
  if (g == nullptr) ThrowStatus(NRT_FAILURE, "cannot make a Gloo group: %s", err);
  joining_.emplace(g, key);
  lock.unlock();  // joining waits for the peers: other queues' groups may join, and Abort() reach this one, meanwhile
  const int rc = plugin.join(g, root_host_.c_str(), root_port_, bind_host_.c_str(), prefix.c_str(),
                             static_cast<int>(plan.index), static_cast<int>(plan.size()), timeout_ms, err, sizeof err);
  lock.lock();
  joining_.erase(g);
  if (rc != kGlooOk) {
    plugin.destroy(g);
    if (aborted_) throw ComputeInterrupted(InterruptReason::kStop);
    *cause = std::string("joining the Gloo group failed: ") + err;
    *status = std::strstr(err, "imed out") != nullptr ? NRT_TIMEOUT : NRT_EXEC_HW_ERR_COLLECTIVES;
    return nullptr;
  }
  groups_.emplace(key, g);
  return g;
}

NRT_STATUS GlooTransport::Run(const CcPlan& plan, uint32_t channel, uint64_t timeout_ns, std::string* cause) {
  const int64_t timeout_ms = static_cast<int64_t>(timeout_ns / 1'000'000);
  NRT_STATUS status = NRT_SUCCESS;
  void* g = Group(plan, channel, timeout_ms, cause, &status);
  if (g == nullptr) return status;
  const NrtbGlooPlugin& plugin = *plugin_;
  const uint32_t n = plan.size(), me = plan.index;
  char err[kErrLen] = {};
  auto failed = [&](int rc, const char* what) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (aborted_) throw ComputeInterrupted(InterruptReason::kStop);  // nrt_close cut it short: NRT_CLOSED
    }
    *cause = std::string(what) + ": " + err;
    return StatusOf(rc);
  };

  // 1. Agree on what to do.
  Descriptor mine = Describe(plan);
  std::vector<Descriptor> all(n);
  if (int rc = plugin.allgather(g, &mine, all.data(), sizeof mine, timeout_ms, err, sizeof err))
    return failed(rc, "exchanging the collective's description");
  for (uint32_t j = 0; j < n; ++j) {
    if (std::memcmp(&all[j], &mine, sizeof mine) != 0) {
      throw Error(NRT_INVALID, "the ranks' collectives do not match: rank " + std::to_string(plan.group[j]) + " runs " +
                                   Text(all[j]) + ", rank " + std::to_string(plan.my_rank()) + " runs " + Text(mine));
    }
  }

  // 2. Move the data.
  DeviceAccessScope device;
  const size_t elem = DTypeSize(plan.dtype);
  int rc = kGlooOk;
  switch (plan.kind) {
    case CcKind::kBarrier:
      rc = plugin.barrier(g, timeout_ms, err, sizeof err);
      break;
    case CcKind::kAllGather: {
      const uint64_t chunk = plan.inputs[0].size;
      std::vector<uint8_t> gathered(chunk * n);
      rc = plugin.allgather(g, plan.inputs[0].data(), gathered.data(), chunk, timeout_ms, err, sizeof err);
      if (rc == kGlooOk) {
        for (uint32_t j = 0; j < n; ++j) std::memmove(plan.outputs[j].data(), gathered.data() + j * chunk, chunk);
      }
      break;
    }
    case CcKind::kAllReduce:
      for (size_t p = 0; p < plan.outputs.size() && rc == kGlooOk; ++p) {
        uint8_t* out = plan.outputs[p].data();
        if (out != plan.inputs[p].data()) std::memmove(out, plan.inputs[p].data(), plan.outputs[p].size);
        rc = plugin.allreduce(g, out, plan.outputs[p].size / elem, elem, plan.reduce, timeout_ms, err, sizeof err);
      }
      break;
    case CcKind::kReduceScatter: {
      // Gloo's own reduce-scatter: each rank sends and receives about (N-1)/N of the input instead of the
      // 2 (N-1)/N an all-reduce of the whole input costs. Its counts are ints: beyond that, the all-reduce.
      const uint64_t chunk = plan.outputs[0].size;
      std::vector<uint8_t> all_in(chunk * n);
      for (uint32_t j = 0; j < n; ++j) std::memcpy(all_in.data() + j * chunk, plan.inputs[j].data(), chunk);
      const uint64_t elems = all_in.size() / elem;
      if (elems <= static_cast<uint64_t>(std::numeric_limits<int>::max())) {
        std::vector<int> counts(n, static_cast<int>(chunk / elem));
        rc = plugin.reduce_scatter(g, all_in.data(), elems, elem, counts.data(), plan.reduce, err, sizeof err);
        if (rc == kGlooOk) std::memmove(plan.outputs[0].data(), all_in.data(), chunk);
      } else {
        rc = plugin.allreduce(g, all_in.data(), elems, elem, plan.reduce, timeout_ms, err, sizeof err);
        if (rc == kGlooOk) std::memmove(plan.outputs[0].data(), all_in.data() + me * chunk, chunk);
      }
      break;
    }
  }
  if (rc != kGlooOk) return failed(rc, CcKindName(plan.kind));
  return NRT_SUCCESS;
}

}  // namespace nrtb
