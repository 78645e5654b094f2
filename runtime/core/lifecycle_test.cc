#include "runtime/core/lifecycle.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

namespace nrtb {
namespace {

// Runs f in a forked child (killed by SIGALRM after 10 s, so a deadlock fails instead of hanging); returns
// its exit code, or 128 + signal.
template <typename F>
int InChild(F&& f) {
  pid_t pid = fork();
  if (pid == 0) {
    alarm(10);
    _exit(f());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(Lifecycle, StatesMapToStatuses) {
  SetState(State::kStart);
  EXPECT_EQ(CheckInitialized(), NRT_UNINITIALIZED);
  SetState(State::kInit);
  EXPECT_EQ(CheckInitialized(), NRT_SUCCESS);
  SetState(State::kClosed);
  EXPECT_EQ(CheckInitialized(), NRT_CLOSED);
  SetState(State::kStart);
}

TEST(Lifecycle, PinsOnlyWhileInitialised) {
  SetState(State::kStart);
  EXPECT_FALSE(TryPin());
  SetState(State::kInit);
  ASSERT_TRUE(TryPin());
  Unpin();
  SetState(State::kClosed);
  EXPECT_FALSE(TryPin());
  WaitUntilUnpinned();  // a failed TryPin holds nothing
  SetState(State::kStart);
}

TEST(Lifecycle, WaitUntilUnpinnedWaitsForThePinHolder) {
  SetState(State::kInit);
  ASSERT_TRUE(TryPin());
  SetState(State::kClosed);
  std::atomic<bool> returned{false};
  std::thread closer([&] {
    WaitUntilUnpinned();
    returned = true;
  });
  EXPECT_FALSE(returned.load()) << "returned while a pin was held";
  Unpin();
  closer.join();
  EXPECT_TRUE(returned.load());
  SetState(State::kStart);
}

TEST(Lifecycle, ForkedChildOfInitialisedProcessIsChild) {
  SetState(State::kInit);
  EXPECT_EQ(InChild([] { return CheckInitialized() == NRT_FAILURE && !TryPin() ? 0 : 1; }), 0);
  SetState(State::kStart);
}

TEST(Lifecycle, ForkedChildBeforeInitOrAfterCloseKeepsItsState) {
  SetState(State::kStart);
  EXPECT_EQ(InChild([] { return CurrentState() == State::kStart ? 0 : 1; }), 0);
  SetState(State::kClosed);
  EXPECT_EQ(InChild([] { return CurrentState() == State::kClosed ? 0 : 1; }), 0);
  SetState(State::kStart);
}

// The transition lock and the pins of parent threads do not exist in the child: it can start a runtime.
TEST(Lifecycle, ChildIsNotBlockedByLocksAndPinsHeldAtFork) {
  SetState(State::kInit);
  ASSERT_TRUE(TryPin());  // a call in progress in the parent
  SetState(State::kClosed);
  auto lock = LockTransitions();  // held by "another thread" at fork time
  EXPECT_EQ(InChild([] {
              auto child_lock = LockTransitions();
              WaitUntilUnpinned();
              SetState(State::kInit);
              return TryPin() ? 0 : 1;
            }),
            0);
  lock.unlock();
  Unpin();
  SetState(State::kStart);
}

}  // namespace
}  // namespace nrtb
