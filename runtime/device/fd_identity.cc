#include "runtime/device/fd_identity.h"

#include <fcntl.h>
#include <linux/kcmp.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace nrtb {
namespace {

// Duplicates live in the upper half of the fd table: applications (and tests) expect close-then-open to give
// back the lowest free number.
int HighFdFloor() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) != 0 || r.rlim_cur == RLIM_INFINITY) return 512;
  return static_cast<int>(std::min<rlim_t>(r.rlim_cur / 2, 1 << 20));
}

// fdinfo "eventfd-id", or -1.
long long EventFdId(int fd) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
  int info = open(path, O_RDONLY | O_CLOEXEC);
  if (info < 0) return -1;
  char buf[512];
  ssize_t n;
  do {
    n = read(info, buf, sizeof buf - 1);
  } while (n < 0 && errno == EINTR);
  close(info);
  if (n <= 0) return -1;
  buf[n] = '\0';
  const char* id = std::strstr(buf, "eventfd-id:");
  return id != nullptr ? std::strtoll(id + 11, nullptr, 10) : -1;
}

}  // namespace

FdIdentity FdIdentity::Of(int fd) {
  static const int floor = HighFdFloor();
  int held = fcntl(fd, F_DUPFD_CLOEXEC, floor);
  // Only when the limit is below the floor (EINVAL): with the upper half full (EMFILE), a low number would take
  // the one the application expects back next, so that registration goes unchecked instead.
  if (held < 0 && errno == EINVAL) held = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  return FdIdentity(held);
}

FdIdentity::~FdIdentity() {
  if (held_ >= 0) close(held_);
}

FdIdentity& FdIdentity::operator=(FdIdentity&& o) noexcept {
  if (this != &o) {
    if (held_ >= 0) close(held_);
    held_ = o.held_;
    o.held_ = -1;
  }
  return *this;
}

FdIdentity::Now FdIdentity::Compare(int fd) const {
  if (fcntl(fd, F_GETFD) == -1) return Now::kClosed;
  if (held_ < 0) return Now::kSame;
  const pid_t pid = getpid();
  const long r = syscall(SYS_kcmp, pid, pid, KCMP_FILE, fd, held_);
  if (r == 0) return Now::kSame;
  if (r > 0) return Now::kOtherFile;
  // kcmp not allowed (seccomp, no CONFIG_KCMP): another inode, or another eventfd (ids are unique while held).
  struct stat a {
  }, b{};
  if (fstat(fd, &a) != 0 || fstat(held_, &b) != 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
    return Now::kOtherFile;
  }
  return EventFdId(fd) == EventFdId(held_) ? Now::kSame : Now::kOtherFile;
}

}  // namespace nrtb
