// SigpipeGuard: keeps a write to a dead peer's socket from killing the process we are loaded into.
//
// Gloo writes to its TCP pairs with plain writev(), without MSG_NOSIGNAL. When a peer has died, the kernel
// answers such a write with EPIPE *and* a SIGPIPE, whose default action terminates the whole process — the
// application, not just the collective. A library must not change the process's signal dispositions, so instead
// the guard blocks SIGPIPE in the calling thread for its lifetime (SIGPIPE from a write is directed at the
// writing thread), and on the way out consumes a SIGPIPE that became pending meanwhile, leaving one that was
// pending before untouched. Threads created while the guard is held (Gloo's device loop, created with its
// device) inherit the blocked mask, so their writes are covered too; a SIGPIPE left pending on such a thread
// is never delivered and costs nothing.
#pragma once

#include <pthread.h>
#include <signal.h>
#include <time.h>

#include <cerrno>

namespace nrtb {

class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_only, &saved_);
  }

  ~SigpipeGuard() {
    if (!was_pending_) {
      sigset_t pending;
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        sigset_t pipe_only;
        sigemptyset(&pipe_only);
        sigaddset(&pipe_only, SIGPIPE);
        const timespec zero{0, 0};
        while (sigtimedwait(&pipe_only, nullptr, &zero) == -1 && errno == EINTR) {
        }
      }
    }
    pthread_sigmask(SIG_SETMASK, &saved_, nullptr);
  }

  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t saved_;
  bool was_pending_ = false;
};

}  // namespace nrtb
