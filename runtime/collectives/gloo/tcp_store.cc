#include "tcp_store.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include <gloo/common/error.h>

#include "runtime/collectives/rendezvous_protocol.h"

namespace nrtb {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void Fail(const std::string& what) { throw gloo::IoException("rendezvous store: " + what); }

int64_t MsLeft(Clock::time_point deadline) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
}

void WriteFull(int fd, const void* buf, size_t n) {
  const auto* p = static_cast<const char*>(buf);
  while (n > 0) {
    ssize_t put = send(fd, p, n, MSG_NOSIGNAL);
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) Fail(std::string("send failed: ") + std::strerror(errno));
    p += put;
    n -= static_cast<size_t>(put);
  }
}

void ReadFull(int fd, void* buf, size_t n, Clock::time_point deadline, const std::string& key) {
  auto* p = static_cast<char*>(buf);
  while (n > 0) {
    const int64_t left = MsLeft(deadline);
    if (left <= 0) Fail("Timed out waiting for key \"" + key + "\"");
    pollfd pfd{fd, POLLIN, 0};
    int rc = poll(&pfd, 1, static_cast<int>(std::min<int64_t>(left, 1000)));
    if (rc < 0 && errno != EINTR) Fail(std::string("poll failed: ") + std::strerror(errno));
    if (rc <= 0) continue;
    ssize_t got = recv(fd, p, n, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) Fail("the rendezvous server (rank 0) closed the connection");
    p += got;
    n -= static_cast<size_t>(got);
  }
}

void PutString(std::string& msg, const void* data, uint32_t len) {
  msg.append(reinterpret_cast<const char*>(&len), sizeof len);
  msg.append(static_cast<const char*>(data), len);
}

}  // namespace

TcpStore::TcpStore(const std::string& host, uint16_t port, std::chrono::milliseconds timeout,
                   const std::atomic<bool>* abandon)
    : timeout_(timeout) {
  const auto deadline = Clock::now() + timeout;
  std::string last_error = "no address";
  while (fd_ < 0) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    const std::string service = std::to_string(port);
    if (int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &res); rc != 0) {
      Fail("cannot resolve \"" + host + "\": " + gai_strerror(rc));
    }
    for (addrinfo* a = res; a != nullptr && fd_ < 0; a = a->ai_next) {
      int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) continue;
      if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
        fd_ = fd;
      } else {
        last_error = std::strerror(errno);
        close(fd);
      }
    }
    freeaddrinfo(res);
    if (fd_ >= 0) break;
    if (abandon != nullptr && abandon->load(std::memory_order_acquire)) Fail("abandoned while connecting");
    // Rank 0 may not serve yet: retry until the deadline.
    if (MsLeft(deadline) <= 0) {
      Fail("Timed out connecting to " + host + ":" + std::to_string(port) + " (" + last_error + ")");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

TcpStore::~TcpStore() {
  if (fd_ >= 0) close(fd_);
}

void TcpStore::set(const std::string& key, const std::vector<char>& data) {
  if (key.size() > rendezvous::kMaxKey || data.size() > rendezvous::kMaxValue) Fail("key or value too large");
  std::string msg = "S";
  PutString(msg, key.data(), static_cast<uint32_t>(key.size()));
  PutString(msg, data.data(), static_cast<uint32_t>(data.size()));
  WriteFull(fd_, msg.data(), msg.size());
  char ack = 0;
  ReadFull(fd_, &ack, 1, Clock::now() + timeout_, key);
  if (ack != 'K') Fail("unexpected reply to a set");
}

std::vector<char> TcpStore::Get(const std::string& key, std::chrono::milliseconds timeout) {
  if (key.size() > rendezvous::kMaxKey) Fail("key too large");
  std::string msg = "G";
  PutString(msg, key.data(), static_cast<uint32_t>(key.size()));
  WriteFull(fd_, msg.data(), msg.size());
  const auto deadline = Clock::now() + timeout;
  uint32_t len = 0;
  ReadFull(fd_, &len, sizeof len, deadline, key);
  if (len > rendezvous::kMaxValue) Fail("value too large");
  std::vector<char> value(len);
  ReadFull(fd_, value.data(), len, deadline, key);
  return value;
}

std::vector<char> TcpStore::get(const std::string& key) { return Get(key, timeout_); }

void TcpStore::wait(const std::vector<std::string>& keys, const std::chrono::milliseconds& timeout) {
  const auto deadline = Clock::now() + timeout;
  for (const std::string& k : keys) Get(k, std::chrono::milliseconds(std::max<int64_t>(1, MsLeft(deadline))));
}

}  // namespace nrtb
