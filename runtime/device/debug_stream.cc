#include "runtime/device/debug_stream.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/core/error.h"

namespace nrtb {

int DebugStream::Connect() {
  std::lock_guard<std::mutex> lock(mu_);
  if (shut_down_) ThrowInvalid("the core's debug stream is closed");
  if (fd_ >= 0) ThrowInvalid("the core's debug stream already has a client (fd %d); one client at a time", fd_);
  // Non-blocking, so a client that reads the fd directly gets EAGAIN instead of hanging forever.
  int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) ThrowStatus(NRT_RESOURCE, "cannot create the debug stream fd: %s", std::strerror(errno));
  fd_ = fd;
  return fd;
}

bool DebugStream::Disconnect(int fd) {
  std::lock_guard<std::mutex> lock(mu_);
  if (fd < 0 || fd != fd_) return false;
  ::close(fd_);
  fd_ = -1;
  return true;
}

bool DebugStream::Connected(int fd) const {
  std::lock_guard<std::mutex> lock(mu_);
  return fd >= 0 && fd == fd_;
}

void DebugStream::Shutdown() {
  std::lock_guard<std::mutex> lock(mu_);
  shut_down_ = true;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace nrtb
