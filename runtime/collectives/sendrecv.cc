#include "runtime/collectives/sendrecv.h"

#include <arpa/inet.h>
#include <endian.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <thread>
#include <vector>

#include "runtime/collectives/sendrecv_socket.h"
#include "runtime/core/error.h"
#include "runtime/core/log.h"

namespace nrtb {
namespace {

constexpr uint32_t kHelloMagic = 0x4e525453;  // "NRTS"
constexpr uint32_t kHelloVersion = 1;
constexpr char kAck = 'A';
// Connections that arrived before their accept(): beyond this many a listener drops new ones.
constexpr size_t kMaxUnmatched = 64;
// How long a listener waits for a new connection's hello (a silent peer must not stall it longer).
constexpr int kHelloTimeoutMs = 2000;
constexpr const char* kWhere = "nrt_async_sendrecv";

struct Hello {
  uint32_t magic, version, from_lnc, to_lnc;
};

// Process-wide and only increasing, so a handle is never reused, not even by a later session.
uintptr_t NewHandle(uintptr_t kind) {
  static std::atomic<uintptr_t> serial{0};
  return (serial.fetch_add(1, std::memory_order_relaxed) + 1) << 4 | kind;
}

std::string Ip(in_addr a) {
  char buf[INET_ADDRSTRLEN] = "?";
  inet_ntop(AF_INET, &a, buf, sizeof buf);
  return buf;
}

}  // namespace

struct SrRequest {
  bool send = false;
  TensorUse use;
  uint8_t* data = nullptr;
  size_t length = 0;
  int lnc = 0;
  std::atomic<bool> done{false};
  // Written by the communicator's thread before `done` is published.
  NRT_STATUS status = NRT_SUCCESS;
  size_t size = 0;
  std::string cause;

  void Complete(NRT_STATUS s, size_t n, std::string why) {
    status = s;
    size = n;
    cause = std::move(why);
    use.Release();
    done.store(true, std::memory_order_release);
  }
};

struct SrComm {
  enum class State { kConnecting, kConnected, kFailed };

  bool send = false;
  int lnc = 0;
  in_addr peer{};
  int peer_lnc = 0;
  uint16_t peer_port = 0;
  SrClock::time_point deadline;
  std::atomic<bool> stop{false};
  std::thread thread;

  std::mutex mu;
  std::condition_variable cv;
  State state = State::kConnecting;
  NRT_STATUS failure = NRT_SUCCESS;
  std::string cause;
  int fd = -1;
  std::deque<std::shared_ptr<SrRequest>> queue;  // the front one is moving

  std::string Name() const {
    return std::string(send ? "send" : "receive") + " communicator lnc " + std::to_string(lnc) + " <-> " + Ip(peer) +
           " lnc " + std::to_string(peer_lnc);
  }

  // With mu held: the communicator is unusable from now on; its queued requests fail with it.
  void FailLocked(NRT_STATUS s, const std::string& why) {
    if (state != State::kFailed) {
      state = State::kFailed;
      failure = s;
      cause = why;
    }
    for (auto& r : queue) r->Complete(s, 0, why);
    queue.clear();
  }
  void Fail(NRT_STATUS s, const std::string& why) {
    std::lock_guard l(mu);
    FailLocked(stop ? NRT_CLOSED : s, stop ? "closed" : why);
  }

  bool ConnectOut() {
    std::string err;
    bool timed_out = false;
    int s = SrConnect(peer, peer_port, deadline, stop, &err, &timed_out);
    if (s < 0) {
      Fail(timed_out ? NRT_TIMEOUT : NRT_EXEC_HW_ERR_COLLECTIVES,
           Name() + (timed_out ? ": the peer did not listen in time (last: " + err + ")" : ": " + err));
      return false;
    }
    {
      std::lock_guard l(mu);
      fd = s;
      if (stop) return false;
    }
    Hello h{htonl(kHelloMagic), htonl(kHelloVersion), htonl(static_cast<uint32_t>(lnc)),
            htonl(static_cast<uint32_t>(peer_lnc))};
    char ack = 0;
    if (!SrSendAll(fd, &h, sizeof h, &err)) {
      Fail(NRT_EXEC_HW_ERR_COLLECTIVES, Name() + ": " + err);
      return false;
    }
    if (!SrWaitReadable(fd, deadline, stop)) {
      Fail(NRT_TIMEOUT, Name() + ": the peer did not accept in time");
      return false;
    }
    if (!SrRecvAll(fd, &ack, 1, &err) || ack != kAck) {
      Fail(NRT_EXEC_HW_ERR_COLLECTIVES, Name() + ": the peer refused the connection (" + err + ")");
      return false;
    }
    return true;
  }

  bool WaitIn() {
    std::unique_lock l(mu);
    if (!cv.wait_until(l, deadline, [&] { return stop || fd >= 0; })) {
      FailLocked(NRT_TIMEOUT, Name() + ": no connection from the peer in time");
      return false;
    }
    return !stop;
  }

  NRT_STATUS Move(SrRequest& r, size_t* moved, std::string* err) {
    uint64_t header = 0;
    if (r.send) {
      header = htobe64(r.length);
      if (!SrSendAll(fd, &header, sizeof header, err) || !SrSendAll(fd, r.data, r.length, err))
        return NRT_EXEC_HW_ERR_COLLECTIVES;
      *moved = r.length;
      return NRT_SUCCESS;
    }
    if (!SrRecvAll(fd, &header, sizeof header, err)) return NRT_EXEC_HW_ERR_COLLECTIVES;
    const uint64_t n = be64toh(header);
    if (n > r.length) {
      *err = "the peer sent " + std::to_string(n) + " bytes to a receive of " + std::to_string(r.length);
      return NRT_INVALID;
    }
    if (!SrRecvAll(fd, r.data, n, err)) return NRT_EXEC_HW_ERR_COLLECTIVES;
    *moved = n;
    return NRT_SUCCESS;
  }

  void Run() {
    if (!(send ? ConnectOut() : WaitIn())) return;
    {
      std::lock_guard l(mu);
      if (stop) return;
      state = State::kConnected;
    }
    for (;;) {
      std::shared_ptr<SrRequest> r;
      {
        std::unique_lock l(mu);
        cv.wait(l, [&] { return stop || !queue.empty(); });
        if (stop) break;
        r = queue.front();
      }
      std::string err;
      size_t moved = 0;
      NRT_STATUS s = Move(*r, &moved, &err);
      std::lock_guard l(mu);
      queue.pop_front();
      if (s != NRT_SUCCESS) {
        if (stop) s = NRT_CLOSED;
        // No log line here: test_request reports it, once, under its own name.
        const std::string why = Name() + ": " + err;
        r->Complete(s, 0, why);
        FailLocked(s, why);
        return;
      }
      r->Complete(NRT_SUCCESS, moved, "");
    }
    Fail(NRT_CLOSED, "closed");
  }

  void Stop() {
    {
      std::lock_guard l(mu);
      stop = true;
      // Ends a blocking send / recv at once.
      if (fd >= 0) shutdown(fd, SHUT_RDWR);
    }
    cv.notify_all();
    if (thread.joinable()) thread.join();
    std::lock_guard l(mu);
    FailLocked(NRT_CLOSED, "closed");
    if (fd >= 0) close(fd);
    fd = -1;
  }
};

struct SrEndpoint {
  struct Arrival {
    int fd;
    in_addr from;
    uint32_t from_lnc;
  };
  int lnc = 0;
  int listen_fd = -1;
  int wake_fd = -1;
  std::thread thread;
  // Guarded by SendRecv::mu_.
  std::vector<Arrival> unmatched;
  std::vector<std::weak_ptr<SrComm>> accepting;

  ~SrEndpoint() {
    for (const Arrival& a : unmatched) close(a.fd);
    if (listen_fd >= 0) close(listen_fd);
    if (wake_fd >= 0) close(wake_fd);
  }
  void Stop() {
    uint64_t one = 1;
    if (write(wake_fd, &one, sizeof one) < 0) {
      // An eventfd write only fails on overflow, which a single wake cannot reach.
    }
    if (thread.joinable()) thread.join();
  }
};

SendRecv::SendRecv(uint32_t first_core, uint32_t core_count, uint64_t timeout_ns, std::string base_port)
    : first_core_(first_core), core_count_(core_count), timeout_ns_(timeout_ns), base_port_(std::move(base_port)) {}

SendRecv::~SendRecv() { Shutdown(); }

uint16_t SendRecv::BasePort() const {
  if (base_port_.empty()) return kDefaultBasePort;
  char* end = nullptr;
  long v = std::strtol(base_port_.c_str(), &end, 10);
  if (end == base_port_.c_str() || *end != '\0' || v < 1 || v > 65535) {
    ThrowInvalid("NEURON_RT_ASYNC_SENDRECV_BOOTSTRAP_PORT='%s' is not a port number (1-65535)", base_port_.c_str());
  }
  return static_cast<uint16_t>(v);
}

void SendRecv::Init(int lnc) {
  if (lnc < 0 || static_cast<uint32_t>(lnc) < first_core_ || static_cast<uint32_t>(lnc) >= first_core_ + core_count_)
    ThrowInvalid("lnc %d is not a logical core of this process (cores %u-%u)", lnc, first_core_,
                 first_core_ + core_count_ - 1);
  const uint32_t port = BasePort() + static_cast<uint32_t>(lnc);
  if (port > 65535) ThrowInvalid("lnc %d has no port: bootstrap port %u + lnc is past 65535", lnc, BasePort());
  std::lock_guard l(mu_);
  if (endpoints_.count(lnc) != 0) ThrowStatus(NRT_FAILURE, "send/receive is already initialised on lnc %d", lnc);
  auto ep = std::make_shared<SrEndpoint>();
  ep->lnc = lnc;
  std::string err;
  ep->listen_fd = SrListen(static_cast<uint16_t>(port), &err);
  if (ep->listen_fd < 0) ThrowStatus(NRT_FAILURE, "lnc %d cannot serve send/receive: %s", lnc, err.c_str());
  ep->wake_fd = eventfd(0, EFD_CLOEXEC);
  if (ep->wake_fd < 0) ThrowStatus(NRT_RESOURCE, "lnc %d: no eventfd for the listener", lnc);
  ep->thread = std::thread([this, ep] { Listen(ep); });
  endpoints_.emplace(lnc, std::move(ep));
}

void SendRecv::Listen(const std::shared_ptr<SrEndpoint>& ep) {
  for (;;) {
    pollfd p[2] = {{ep->listen_fd, POLLIN, 0}, {ep->wake_fd, POLLIN, 0}};
    if (poll(p, 2, -1) < 0) continue;
    if (p[1].revents != 0) return;
    if (p[0].revents == 0) continue;
    sockaddr_in from{};
    socklen_t len = sizeof from;
    int fd = accept4(ep->listen_fd, reinterpret_cast<sockaddr*>(&from), &len, SOCK_CLOEXEC);
    if (fd < 0) continue;
    // A silent or hostile connection costs the listener at most kHelloTimeoutMs.
    timeval tv{kHelloTimeoutMs / 1000, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    Hello h{};
    std::string err;
    bool ok = SrRecvAll(fd, &h, sizeof h, &err);
    if (ok && (ntohl(h.magic) != kHelloMagic || ntohl(h.version) != kHelloVersion ||
               ntohl(h.to_lnc) != static_cast<uint32_t>(ep->lnc))) {
      ok = false;
      err = "not a send/receive hello for lnc " + std::to_string(ep->lnc);
    }
    if (!ok) {
      LogLine(LogLevel::kWarn, kWhere, "lnc %d dropped a connection from %s: %s", ep->lnc, Ip(from.sin_addr).c_str(),
              err.c_str());
      close(fd);
      continue;
    }
    timeval none{0, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof none);
    std::lock_guard l(mu_);
    Match(*ep, fd, from.sin_addr, ntohl(h.from_lnc));
  }
}

// With mu_ held: gives the connection to the first receive communicator waiting for it, or keeps it.
void SendRecv::Match(SrEndpoint& ep, int fd, in_addr from, uint32_t from_lnc) {
  for (auto it = ep.accepting.begin(); it != ep.accepting.end();) {
    std::shared_ptr<SrComm> c = it->lock();
    if (!c) {
      it = ep.accepting.erase(it);
      continue;
    }
    std::lock_guard cl(c->mu);
    if (c->state != SrComm::State::kConnecting || c->stop) {
      it = ep.accepting.erase(it);
      continue;
    }
    if (c->fd < 0 && c->peer.s_addr == from.s_addr && static_cast<uint32_t>(c->peer_lnc) == from_lnc) {
      std::string err;
      if (SrSendAll(fd, &kAck, 1, &err)) {
        c->fd = fd;
        c->cv.notify_all();
      } else {
        close(fd);
      }
      ep.accepting.erase(it);
      return;
    }
    ++it;
  }
  if (ep.unmatched.size() >= kMaxUnmatched) {
    LogLine(LogLevel::kWarn, kWhere, "lnc %d dropped a connection from %s lnc %u: %zu connections wait for accept",
            ep.lnc, Ip(from).c_str(), from_lnc, ep.unmatched.size());
    close(fd);
    return;
  }
  ep.unmatched.push_back({fd, from, from_lnc});
}

std::shared_ptr<SrEndpoint> SendRecv::RequireEndpoint(int lnc, const char* what) {
  auto it = endpoints_.find(lnc);
  if (it == endpoints_.end())
    ThrowStatus(NRT_FAILURE, "%s %d: send/receive is not initialised there (nrt_async_sendrecv_init)", what, lnc);
  return it->second;
}

uintptr_t SendRecv::NewComm(bool send, const char* peer_ip, int peer_lnc, int lnc) {
  auto c = std::make_shared<SrComm>();
  if (inet_pton(AF_INET, peer_ip, &c->peer) != 1) ThrowInvalid("peer_ip '%.64s' is not an IPv4 address", peer_ip);
  if (peer_lnc < 0 || lnc < 0) ThrowInvalid("peer_lnc %d / lnc %d must not be negative", peer_lnc, lnc);
  const uint32_t port = BasePort() + static_cast<uint32_t>(peer_lnc);
  if (port > 65535)
    ThrowInvalid("peer_lnc %d has no port: bootstrap port %u + lnc is past 65535", peer_lnc, BasePort());
  c->send = send;
  c->lnc = lnc;
  c->peer_lnc = peer_lnc;
  c->peer_port = static_cast<uint16_t>(port);
  c->deadline = SrClock::now() + std::chrono::nanoseconds(timeout_ns_);

  std::lock_guard l(mu_);
  std::shared_ptr<SrEndpoint> ep = RequireEndpoint(lnc, "lnc");
  int count = 0;
  for (const auto& [h, other] : comms_) count += other->lnc == lnc;
  if (count >= kMaxCommsPerLnc)
    ThrowStatus(NRT_RESOURCE, "lnc %d already has %d communicators (the limit)", lnc, kMaxCommsPerLnc);
  if (!send) {
    // The connection may already be waiting (the peer connected first); a dead one is dropped.
    for (auto it = ep->unmatched.begin(); it != ep->unmatched.end() && c->fd < 0;) {
      if (it->from.s_addr != c->peer.s_addr || it->from_lnc != static_cast<uint32_t>(peer_lnc)) {
        ++it;
        continue;
      }
      pollfd p{it->fd, POLLIN, 0};
      std::string err;
      // Before our ack the peer sends nothing, so a readable connection is a closed one.
      if (poll(&p, 1, 0) == 0 && SrSendAll(it->fd, &kAck, 1, &err)) {
        c->fd = it->fd;
      } else {
        close(it->fd);
      }
      it = ep->unmatched.erase(it);
    }
    if (c->fd < 0) ep->accepting.push_back(c);
  }
  const uintptr_t handle = NewHandle(send ? 6 : 7);
  comms_.emplace(handle, c);
  try {
    c->thread = std::thread([c] { c->Run(); });
  } catch (...) {
    comms_.erase(handle);
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
    ThrowStatus(NRT_RESOURCE, "no thread for a new communicator on lnc %d", lnc);
  }
  return handle;
}

uintptr_t SendRecv::Connect(const char* peer_ip, int peer_lnc, int lnc) {
  return NewComm(true, peer_ip, peer_lnc, lnc);
}

uintptr_t SendRecv::Accept(const char* peer_ip, int peer_lnc, int lnc) {
  return NewComm(false, peer_ip, peer_lnc, lnc);
}

bool SendRecv::TestComm(uintptr_t handle) {
  std::shared_ptr<SrComm> c;
  {
    std::lock_guard l(mu_);
    auto it = comms_.find(handle);
    if (it == comms_.end())
      ThrowStatus(NRT_INVALID_HANDLE, "comm %#lx is not a live send/receive communicator",
                  static_cast<unsigned long>(handle));
    c = it->second;
  }
  std::lock_guard l(c->mu);
  if (c->state == SrComm::State::kFailed) ThrowStatus(c->failure, "%s", c->cause.c_str());
  return c->state == SrComm::State::kConnected;
}

uintptr_t SendRecv::Post(bool send, TensorUse use, size_t offset, size_t length, uintptr_t handle) {
  const char* what = send ? "send_comm" : "recv_comm";
  std::lock_guard l(mu_);
  auto it = comms_.find(handle);
  if (it == comms_.end())
    ThrowStatus(NRT_INVALID_HANDLE, "%s %#lx is not a live send/receive communicator", what,
                static_cast<unsigned long>(handle));
  SrComm& c = *it->second;
  if (c.send != send) ThrowInvalid("%s is a %s communicator", what, c.send ? "send" : "receive");
  if (offset > use->size() || length > use->size() - offset)
    ThrowInvalid("offset %zu + length %zu is past the tensor's %zu bytes", offset, length, use->size());
  if (use->data() == nullptr && length > 0) ThrowInvalid("the tensor has no memory (allocate_empty, nothing attached)");
  auto r = std::make_shared<SrRequest>();
  r->send = send;
  r->data = use->data() == nullptr ? nullptr : use->data() + offset;
  r->length = length;
  r->lnc = c.lnc;
  r->use = std::move(use);
  {
    std::lock_guard cl(c.mu);
    if (c.state == SrComm::State::kFailed) ThrowStatus(c.failure, "%s", c.cause.c_str());
    if (c.state != SrComm::State::kConnected)
      ThrowInvalid("%s is not connected yet (nrt_async_sendrecv_test_comm has not reported done)", what);
    if (c.queue.size() >= static_cast<size_t>(kMaxPendingRequests))
      ThrowStatus(NRT_RESOURCE, "%s already has %d pending requests (the limit)", what, kMaxPendingRequests);
    c.queue.push_back(r);
  }
  c.cv.notify_all();
  const uintptr_t h = NewHandle(8);
  requests_.emplace(h, std::move(r));
  return h;
}

bool SendRecv::TestRequest(uintptr_t handle, bool* done, size_t* size) {
  std::shared_ptr<SrRequest> r;
  {
    std::lock_guard l(mu_);
    auto it = requests_.find(handle);
    if (it == requests_.end())
      ThrowStatus(NRT_INVALID_HANDLE, "request %#lx is not a live send/receive request (or it already reported done)",
                  static_cast<unsigned long>(handle));
    if (!it->second->done.load(std::memory_order_acquire)) {
      *done = false;
      *size = 0;
      return false;
    }
    r = std::move(it->second);
    requests_.erase(it);
  }
  *done = true;
  *size = r->size;
  if (r->status != NRT_SUCCESS) ThrowStatus(r->status, "%s", r->cause.c_str());
  return true;
}

void SendRecv::Flush(int lnc) {
  std::lock_guard l(mu_);
  RequireEndpoint(lnc, "lnc");
  // A receive writes the tensor before it completes, under its communicator's lock, so taking each lock of
  // the core once orders every receive completed so far before this call returns, for every thread that
  // reads the tensor after it (not only for the one that saw test_request report done).
  for (const auto& [h, c] : comms_) {
    if (c->lnc == lnc) std::lock_guard cl(c->mu);
  }
}

void SendRecv::Close(int lnc) {
  std::shared_ptr<SrEndpoint> ep;
  std::vector<std::shared_ptr<SrComm>> comms;
  {
    std::lock_guard l(mu_);
    ep = RequireEndpoint(lnc, "lnc");
    endpoints_.erase(lnc);
    for (auto it = comms_.begin(); it != comms_.end();) {
      if (it->second->lnc != lnc) {
        ++it;
        continue;
      }
      comms.push_back(std::move(it->second));
      it = comms_.erase(it);
    }
    for (auto it = requests_.begin(); it != requests_.end();) it = it->second->lnc == lnc ? requests_.erase(it) : ++it;
  }
  ep->Stop();
  for (auto& c : comms) c->Stop();
}

void SendRecv::Shutdown() {
  std::vector<int> lncs;
  {
    std::lock_guard l(mu_);
    for (const auto& [lnc, ep] : endpoints_) lncs.push_back(lnc);
  }
  for (int lnc : lncs) Close(lnc);
}

}  // namespace nrtb
