#include "runtime/core/thread_slots.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <set>
#include <thread>

#include "runtime/core/lifecycle.h"

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

// --- The two Dekker pairs, raced round by round, on the membarrier path and on the fence-only fallback ---
// Each round a "call" thread publishes its word (hazard or pin), passes its LightBarrier and, unless it sees the
// waiter's store, uses `payload` (a plain int) until it clears the word; the waiter stores, waits (HeavyBarrier +
// scan) and then retires the payload (writes it). The call must never find a retired payload, and under TSan the
// plain accesses must be ordered by what the slots publish (a missing release/acquire is reported as a race).

// Enough rounds to cross the windows many times, few enough that a TSan build on a loaded 2-core host (where each
// hand-over may wait for a time slice) stays near a second per test.
constexpr int kSlotRaceRounds = 300;

// Spins briefly, then yields: the two threads hand over every round on a loaded 2-core host.
template <typename Pred>
void SlotRaceAwait(Pred&& ready) {
  for (int i = 0; !ready(); ++i) {
    if (i > 64) std::this_thread::yield();
  }
}

// A delay that differs from round to round, so the waiter's store lands at varying distances from the call's (the
// window in which a missing fence shows is a few tens of nanoseconds wide).
void SlotRaceSkew(int round) {
  for (int i = 0; i < (round * 37) % 211; ++i) asm volatile("pause" ::: "memory");
}

// The hazard pair (tensor_access.h / nrt_tensor_free): the number of rounds in which the call found the payload
// retired while it held it.
int SlotRaceHazardRounds() {
  int payload = 0;
  std::atomic<int> go{0}, done{0}, retiring{0};
  int violations = 0;
  std::thread call([&] {
    ThreadSlot& slot = MySlot();
    for (int r = 1; r <= kSlotRaceRounds; ++r) {
      SlotRaceAwait([&] { return go.load(std::memory_order_acquire) == r; });
      slot.hazard.store(&payload, std::memory_order_relaxed);
      LightBarrier();
      if (retiring.load(std::memory_order_relaxed) != r) {
        // In use for a while (a copy): a waiter that missed the hazard retires the payload meanwhile.
        if (payload != r) ++violations;
        SlotRaceSkew(r + 100);
        if (payload != r) ++violations;
      }
      slot.hazard.store(nullptr, std::memory_order_release);
      done.store(r, std::memory_order_release);
    }
  });
  for (int r = 1; r <= kSlotRaceRounds; ++r) {
    payload = r;
    go.store(r, std::memory_order_release);
    SlotRaceSkew(r);
    retiring.store(r, std::memory_order_relaxed);
    WaitUntilNoSlotHolds(&payload);
    payload = -r;  // retired: a call that did not see `retiring` must be done with it by now
    SlotRaceAwait([&] { return done.load(std::memory_order_acquire) == r; });
  }
  call.join();
  return violations;
}

// The pin pair (lifecycle.h / nrt_close): TryPin against a transition that moves the state and waits for pins.
int SlotRacePinRounds() {
  int payload = 0;
  std::atomic<int> go{0}, done{0};
  int violations = 0;
  std::thread call([&] {
    for (int r = 1; r <= kSlotRaceRounds; ++r) {
      SlotRaceAwait([&] { return go.load(std::memory_order_acquire) == r; });
      if (TryPin()) {
        if (payload != r) ++violations;
        SlotRaceSkew(r + 100);
        if (payload != r) ++violations;
        Unpin();
      }
      done.store(r, std::memory_order_release);
    }
  });
  for (int r = 1; r <= kSlotRaceRounds; ++r) {
    payload = r;
    {
      auto lock = LockTransitions();
      SetState(State::kInit);
    }
    go.store(r, std::memory_order_release);
    {
      auto lock = LockTransitions();
      SetState(State::kClosed);
      WaitUntilUnpinned();
    }
    payload = -r;  // "freed": a call that pinned in kInit must have unpinned by now
    SlotRaceAwait([&] { return done.load(std::memory_order_acquire) == r; });
  }
  call.join();
  return violations;
}

TEST(ThreadSlots, HazardsHoldOffAWaiterOnTheMembarrierPath) {
  EXPECT_EQ(SlotsInChild([] { return SlotRaceHazardRounds() == 0 ? 0 : 1; }), 0);
}

TEST(ThreadSlots, PinsHoldOffATransitionOnTheMembarrierPath) {
  EXPECT_EQ(SlotsInChild([] { return SlotRacePinRounds() == 0 ? 0 : 1; }), 0);
}

// A host without membarrier (forced): LightBarrier must become a full fence, and both pairs must still hold.
TEST(ThreadSlots, TheFenceFallbackKeepsTheHazardGuarantee) {
  EXPECT_EQ(SlotsInChild([] {
              UseFenceBarriersForTesting();
              if (!g_light_barrier_fences.load()) return 2;
              return SlotRaceHazardRounds() == 0 ? 0 : 3;
            }),
            0);
}

TEST(ThreadSlots, TheFenceFallbackKeepsThePinGuarantee) {
  EXPECT_EQ(SlotsInChild([] {
              UseFenceBarriersForTesting();
              if (!g_light_barrier_fences.load()) return 2;
              return SlotRacePinRounds() == 0 ? 0 : 4;
            }),
            0);
}

// The fallback's own waits: a waiter still waits for a hazard holder and for a pinned call, and a slot claimed
// by a new thread after the switch works the same.
TEST(ThreadSlots, TheFenceFallbackWaitsForHoldersAndPins) {
  EXPECT_EQ(SlotsInChild([] {
              UseFenceBarriersForTesting();
              int object = 0;
              std::atomic<bool> held{false}, release{false}, returned{false};
              std::thread holder([&] {
                MySlot().hazard.store(&object, std::memory_order_relaxed);
                LightBarrier();
                held = true;
                while (!release.load()) std::this_thread::yield();
                MySlot().hazard.store(nullptr, std::memory_order_release);
              });
              while (!held.load()) std::this_thread::yield();
              std::thread waiter([&] {
                WaitUntilNoSlotHolds(&object);
                returned = true;
              });
              for (int i = 0; i < 1000; ++i) std::this_thread::yield();
              const bool early = returned.load();
              release = true;
              holder.join();
              waiter.join();
              if (early) return 5;
              HeavyBarrier();
              return AnySlotHolds(&object) || AnySlotPinned() ? 6 : 0;
            }),
            0);
}

}  // namespace
}  // namespace nrtb
