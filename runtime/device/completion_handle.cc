#include "runtime/device/completion_handle.h"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/core/error.h"
#include "runtime/device/exec_unit.h"

namespace nrtb {

int NewCompletionHandle(ExecUnit& unit, uint64_t n) {
  int ours = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (ours < 0) ThrowStatus(NRT_RESOURCE, "eventfd: %s", std::strerror(errno));
  int theirs = fcntl(ours, F_DUPFD_CLOEXEC, 0);
  if (theirs < 0) {
    int e = errno;
    close(ours);
    ThrowStatus(NRT_RESOURCE, "dup of eventfd: %s", std::strerror(e));
  }
  unit.RegisterSeqFd(n, ours, true);
  return theirs;
}

}  // namespace nrtb
