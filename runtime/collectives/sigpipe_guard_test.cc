#include "runtime/collectives/sigpipe_guard.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

namespace nrtb {
namespace {

bool SigpipePending() {
  sigset_t pending;
  sigpending(&pending);
  return sigismember(&pending, SIGPIPE) == 1;
}

bool SigpipeBlocked() {
  sigset_t mask;
  pthread_sigmask(SIG_BLOCK, nullptr, &mask);
  return sigismember(&mask, SIGPIPE) == 1;
}

// A write to a socket whose peer is gone: without the guard, SIGPIPE's default action ends this test binary.
int WriteToClosedPeer() {
  int sv[2];
  EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  close(sv[1]);
  const char byte = 1;
  const ssize_t n = write(sv[0], &byte, 1);
  const int err = n < 0 ? errno : 0;
  close(sv[0]);
  return err;
}

TEST(SigpipeGuard, WriteToADeadPeerFailsWithEpipeInsteadOfKillingTheProcess) {
  ASSERT_FALSE(SigpipeBlocked());
  {
    SigpipeGuard guard;
    EXPECT_TRUE(SigpipeBlocked());
    EXPECT_EQ(WriteToClosedPeer(), EPIPE);
  }
  // The signal the write raised is consumed, and the thread's mask is what it was.
  EXPECT_FALSE(SigpipePending());
  EXPECT_FALSE(SigpipeBlocked());
}

TEST(SigpipeGuard, ThreadsStartedUnderTheGuardInheritTheBlockedMask) {
  int err = 0;
  bool blocked = false;
  {
    SigpipeGuard guard;
    std::thread t([&] {
      blocked = SigpipeBlocked();
      err = WriteToClosedPeer();  // stays pending on that thread, which then ends
    });
    t.join();
  }
  EXPECT_TRUE(blocked);
  EXPECT_EQ(err, EPIPE);
  EXPECT_FALSE(SigpipeBlocked());
}

TEST(SigpipeGuard, ASigpipeTheApplicationHadPendingIsLeftForIt) {
  sigset_t pipe_only;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  sigset_t saved;
  pthread_sigmask(SIG_BLOCK, &pipe_only, &saved);
  pthread_kill(pthread_self(), SIGPIPE);
  ASSERT_TRUE(SigpipePending());
  { SigpipeGuard guard; }
  EXPECT_TRUE(SigpipePending());
  EXPECT_TRUE(SigpipeBlocked());  // the application's own mask is restored
  const timespec zero{0, 0};
  EXPECT_EQ(sigtimedwait(&pipe_only, nullptr, &zero), SIGPIPE);
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);
}

}  // namespace
}  // namespace nrtb
