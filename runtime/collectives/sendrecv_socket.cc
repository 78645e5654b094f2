#include "runtime/collectives/sendrecv_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace nrtb {
namespace {

// Short enough that close() and nrt_close() are prompt, long enough not to spin.
constexpr int kSliceMs = 20;

int MsUntil(SrClock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SrClock::now()).count();
  if (left <= 0) return 0;
  return left < kSliceMs ? static_cast<int>(left) : kSliceMs;
}

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

}  // namespace

bool SrConnectedToItself(int fd) {
  sockaddr_in local{}, peer{};
  socklen_t a = sizeof local, b = sizeof peer;
  return getsockname(fd, reinterpret_cast<sockaddr*>(&local), &a) == 0 &&
         getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &b) == 0 && local.sin_port == peer.sin_port &&
         local.sin_addr.s_addr == peer.sin_addr.s_addr;
}

int SrListen(uint16_t port, std::string* err) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *err = Errno("socket");
    return -1;
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  a.sin_port = htons(port);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 64) != 0) {
    *err = Errno(("listening on port " + std::to_string(port)).c_str());
    close(fd);
    return -1;
  }
  return fd;
}

int SrConnect(in_addr addr, uint16_t port, SrClock::time_point deadline, const std::atomic<bool>& stop,
              std::string* err, bool* timed_out) {
  *timed_out = false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr = addr;
  a.sin_port = htons(port);
  *err = "no attempt";
  while (!stop.load(std::memory_order_acquire)) {
    if (SrClock::now() >= deadline) {
      *timed_out = true;
      return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
      *err = Errno("socket");
      return -1;
    }
    int rc = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    if (rc != 0 && errno == EINPROGRESS) {
      // Non-blocking, so that an unreachable host cannot hold us past the deadline or a close.
      pollfd p{fd, POLLOUT, 0};
      while (!stop.load(std::memory_order_acquire) && SrClock::now() < deadline) {
        if (poll(&p, 1, MsUntil(deadline)) > 0) break;
      }
      int so_error = ETIMEDOUT;
      socklen_t len = sizeof so_error;
      if (p.revents != 0) getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
      rc = so_error == 0 ? 0 : -1;
      errno = so_error;
    }
    if (rc == 0 && SrConnectedToItself(fd)) {
      // Dialing a port of the ephemeral range nobody listens on can make TCP connect the socket to itself
      // (simultaneous open, when the kernel picks that port as the source): that is not the peer.
      rc = -1;
      errno = ECONNREFUSED;
    }
    if (rc == 0) {
      fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      return fd;
    }
    *err = Errno("connect");
    close(fd);
    // The peer may not listen yet (it calls nrt_async_sendrecv_init later): try again shortly.
    std::this_thread::sleep_for(std::chrono::milliseconds(MsUntil(deadline)));
  }
  *err = "closed while connecting";
  return -1;
}

bool SrWaitReadable(int fd, SrClock::time_point deadline, const std::atomic<bool>& stop) {
  pollfd p{fd, POLLIN, 0};
  while (!stop.load(std::memory_order_acquire) && SrClock::now() < deadline) {
    if (poll(&p, 1, MsUntil(deadline)) > 0) return true;
  }
  return false;
}

bool SrSendAll(int fd, const void* data, size_t n, std::string* err) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) {
      *err = Errno("send");
      return false;
    }
    p += k;
    n -= static_cast<size_t>(k);
  }
  return true;
}

bool SrRecvAll(int fd, void* data, size_t n, std::string* err) {
  char* p = static_cast<char*>(data);
  while (n > 0) {
    ssize_t k = recv(fd, p, n, 0);
    if (k < 0 && errno == EINTR) continue;
    if (k == 0) {
      *err = "the peer closed the connection";
      return false;
    }
    if (k < 0) {
      *err = Errno("recv");
      return false;
    }
    p += k;
    n -= static_cast<size_t>(k);
  }
  return true;
}

}  // namespace nrtb
