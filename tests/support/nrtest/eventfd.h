// Eventfds: an application-owned eventfd object and reads with a bound.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "nrtest/time.h"

namespace nrtest {

// Whether fd becomes readable (POLLIN) within timeout_ms (0 = just look).
inline bool Readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  int r;
  do {
    r = poll(&p, 1, timeout_ms);
  } while (r < 0 && errno == EINTR);
  return r == 1 && (p.revents & POLLIN) != 0;
}

// Waits up to timeout_ms for the eventfd to become readable and reads its counter.
// Returns the counter value, or 0 on timeout (an eventfd read never yields 0).
inline uint64_t ReadEventFd(int fd, int timeout_ms) {
  if (!Readable(fd, timeout_ms)) return 0;
  uint64_t v = 0;
  ssize_t r;
  do {
    r = read(fd, &v, sizeof v);
  } while (r < 0 && errno == EINTR);
  if (r != static_cast<ssize_t>(sizeof v)) return 0;
  return v;
}

// Sums eventfd reads until `expected` is reached or timeout_ms elapses.
inline uint64_t DrainEventFd(int fd, uint64_t expected, int timeout_ms) {
  const auto t0 = Clock::now();
  uint64_t total = 0;
  while (total < expected) {
    int left = timeout_ms - static_cast<int>(SecondsSince(t0) * 1000);
    if (left <= 0) break;
    total += ReadEventFd(fd, left);
  }
  return total;
}

inline bool FdOpen(int fd) { return fcntl(fd, F_GETFD) != -1; }

// An application-owned, non-blocking eventfd, closed on destruction.
class EventFd {
 public:
  EventFd() : fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  ~EventFd() { Close(); }
  EventFd(const EventFd&) = delete;
  EventFd& operator=(const EventFd&) = delete;
  int fd() const { return fd_; }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

}  // namespace nrtest
