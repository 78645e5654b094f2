#include "runtime/collectives/rendezvous_server.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/collectives/rendezvous_protocol.h"
#include "runtime/core/error.h"
#include "runtime/core/log.h"

namespace nrtb {
namespace {

bool ReadFull(int fd, void* buf, size_t n) {
  auto* p = static_cast<char*>(buf);
  while (n > 0) {
    ssize_t got = recv(fd, p, n, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    p += got;
    n -= static_cast<size_t>(got);
  }
  return true;
}

bool WriteFull(int fd, const void* buf, size_t n) {
  const auto* p = static_cast<const char*>(buf);
  while (n > 0) {
    ssize_t put = send(fd, p, n, MSG_NOSIGNAL);
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) return false;
    p += put;
    n -= static_cast<size_t>(put);
  }
  return true;
}

bool ReadString(int fd, uint32_t max, std::string* s) {
  uint32_t len = 0;
  if (!ReadFull(fd, &len, sizeof len) || len > max) return false;
  s->resize(len);
  return ReadFull(fd, s->data(), len);
}

}  // namespace

RendezvousServer::RendezvousServer(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &res); rc != 0) {
    ThrowStatus(NRT_FAILURE, "NEURON_RT_ROOT_COMM_ID host \"%s\" does not resolve: %s", host.c_str(), gai_strerror(rc));
  }
  int err = 0;
  for (addrinfo* a = res; a != nullptr && listen_fd_ < 0; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 128) == 0) {
      listen_fd_ = fd;
    } else {
      err = errno;
      close(fd);
    }
  }
  freeaddrinfo(res);
  if (listen_fd_ < 0) {
    ThrowStatus(NRT_FAILURE, "rank 0 cannot serve the rendezvous at %s:%u: %s", host.c_str(), port, std::strerror(err));
  }
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

RendezvousServer::~RendezvousServer() { Stop(); }

void RendezvousServer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    // shutdown() wakes the threads blocked in accept() / recv() on these sockets.
    if (listen_fd_ >= 0) shutdown(listen_fd_, SHUT_RDWR);
    for (int fd : client_fds_) shutdown(fd, SHUT_RDWR);
  }
  cv_.notify_all();
  if (acceptor_.joinable()) acceptor_.join();
  for (std::thread& t : clients_) t.join();  // no new ones once the acceptor is joined
  for (int fd : client_fds_) close(fd);
  if (listen_fd_ >= 0) close(listen_fd_);
  listen_fd_ = -1;
}

void RendezvousServer::AcceptLoop() {
  while (true) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      if (fd >= 0) close(fd);
      return;
    }
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE) continue;
      NRTB_ERROR("rendezvous server stopped accepting: %s", std::strerror(errno));
      return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    client_fds_.push_back(fd);
    clients_.emplace_back([this, fd] { Serve(fd); });
  }
}

void RendezvousServer::Serve(int fd) {
  ServeRequests(fd);
  // The peer sees the end of the connection now; the descriptor is closed by Stop(), so its number
  // cannot be reused while Stop() may still shut it down.
  shutdown(fd, SHUT_RDWR);
}

void RendezvousServer::ServeRequests(int fd) {
  while (true) {
    char op = 0;
    std::string key, value;
    if (!ReadFull(fd, &op, 1) || (op != 'S' && op != 'G')) return;  // not our protocol: drop the connection
    if (!ReadString(fd, rendezvous::kMaxKey, &key)) return;
    if (op == 'S') {
      if (!ReadString(fd, rendezvous::kMaxValue, &value)) return;
      {
        std::lock_guard<std::mutex> lock(mu_);
        values_[key] = std::move(value);
      }
      cv_.notify_all();
      if (!WriteFull(fd, "K", 1)) return;
    } else {
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || values_.count(key) != 0; });
        if (stopping_) return;
        value = values_[key];
      }
      uint32_t len = static_cast<uint32_t>(value.size());
      if (!WriteFull(fd, &len, sizeof len) || !WriteFull(fd, value.data(), len)) return;
    }
  }
}

}  // namespace nrtb
