#include "runtime/core/thread_slots.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <set>
#include <thread>

namespace nrtb {
namespace {

// Runs f in a forked child, killed by SIGALRM after 10 s so a deadlock fails instead of hanging; its exit code.
template <typename F>
int SlotsInChild(F&& f) {
  pid_t pid = fork();
  if (pid == 0) {
    alarm(10);
    _exit(f());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(ThreadSlots, ThreadsAliveTogetherHaveTheirOwnSlots) {
  ThreadSlot* mine = &MySlot();
  ThreadSlot* other = nullptr;
  std::thread([&] { other = &MySlot(); }).join();
  EXPECT_NE(mine, other);
  EXPECT_EQ(mine, &MySlot());
}

// A process that runs many short-lived threads one after another must not grow a slot per thread.
TEST(ThreadSlots, AnExitedThreadsSlotIsReused) {
  std::set<ThreadSlot*> seen;
  for (int i = 0; i < 50; ++i) {
    std::thread([&] { seen.insert(&MySlot()); }).join();
  }
  EXPECT_EQ(seen.size(), 1u);
}

TEST(ThreadSlots, WaitUntilNoSlotHoldsWaitsForTheHolder) {
  int object = 0;
  MySlot().hazard.store(&object, std::memory_order_relaxed);
  std::atomic<bool> returned{false};
  std::thread waiter([&] {
    WaitUntilNoSlotHolds(&object);
    returned = true;
  });
  for (int i = 0; i < 1000; ++i) std::this_thread::yield();
  EXPECT_FALSE(returned.load()) << "returned while a hazard was held";
  EXPECT_TRUE(AnySlotHolds(&object));
  MySlot().hazard.store(nullptr, std::memory_order_release);
  waiter.join();
  EXPECT_TRUE(returned.load());
  EXPECT_FALSE(AnySlotHolds(&object));
}

// A parent thread that held a pin and a hazard at fork time does not exist in the child: nothing may wait for it.
TEST(ThreadSlots, AForkedChildSeesNoPinOrHazardOfTheParentsThreads) {
  int object = 0;
  std::atomic<bool> held{false}, release{false};
  std::thread holder([&] {
    MySlot().pinned.store(1, std::memory_order_relaxed);
    MySlot().hazard.store(&object, std::memory_order_relaxed);
    held = true;
    while (!release.load()) std::this_thread::yield();
    MySlot().hazard.store(nullptr, std::memory_order_release);
    MySlot().pinned.store(0, std::memory_order_release);
  });
  while (!held.load()) std::this_thread::yield();
  EXPECT_EQ(SlotsInChild([&] {
              WaitUntilNoSlotHolds(&object);
              HeavyBarrier();
              return !AnySlotPinned() && !AnySlotHolds(&object) ? 0 : 1;
            }),
            0);
  release = true;
  holder.join();
}

}  // namespace
}  // namespace nrtb
