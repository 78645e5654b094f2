// The worker's wake-up (exec_unit.h, WaitForSubmission and Submit): submissions publish with a release store and
// look for a sleeping worker after only a compiler barrier; the worker announces its sleep, runs a process-wide
// barrier and checks again; only the submission that takes the announcement wakes it, and the worker announces
// again on every round of its wait. A lost wake-up leaves a request that never runs: every wait here is bounded.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "runtime/device/exec_unit.h"
#include "runtime/device/test_work.h"
#include "runtime/device/xu_id.h"

namespace nrtb {
namespace {

using testing::LambdaWork;

constexpr uint64_t kWakeTimeoutNs = 10'000'000'000;  // only a lost wake-up takes this long

// Busy-waits `ns` (varies where a submission lands against the worker's spin and sleep; not a stand-in for a state).
void WakeTestSpinFor(uint64_t ns) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::nanoseconds(ns);
  while (std::chrono::steady_clock::now() < until) {
  }
}

// Until the worker has announced its sleep (bounded: a worker that never sleeps fails the test).
bool WakeTestAwaitSleep(const ExecUnit& unit, std::chrono::milliseconds bound = std::chrono::seconds(10)) {
  const auto until = std::chrono::steady_clock::now() + bound;
  while (!unit.worker_sleeping_for_testing()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::yield();
  }
  return true;
}

// Submits `w` and waits for it, bounded: false when it did not complete within kWakeTimeoutNs (a lost wake-up) or
// could not be submitted (a failure of the test). *ret: its status once it completed.
bool WakeTestRunQueued(ExecUnit& unit, std::unique_ptr<Work> w, NRT_STATUS* ret) {
  uint64_t seq = 0;
  const NRT_STATUS submitted = unit.Submit(w, ret, &seq);
  EXPECT_EQ(submitted, NRT_SUCCESS);
  return submitted == NRT_SUCCESS && unit.WaitCompletedFor(SeqNum(seq), kWakeTimeoutNs);
}

// Two submitters each submit one request at a time and wait for it, landing before, during and after the worker's
// fall asleep. A submitter may take the announcement for an earlier request than the one the worker waits for (it
// published before the worker went to sleep): the worker must then announce again, or the next request is lost.
TEST(ExecUnitWake, SubmissionsRacingTheWorkerFallingAsleepAlwaysWakeIt) {
  UnitContext ctx;
  ctx.depth = 64;
  ExecUnit unit(MakeXuId(0, XuType::kTensorOp, 0), ctx);
  constexpr int kRounds = 300;
  std::atomic<int> ran{0};
  std::atomic<int> lost{0}, never_slept{0};
  auto producer = [&](int id) {
    for (int round = 0; round < kRounds && lost.load() == 0; ++round) {
      NRT_STATUS ret = NRT_FAILURE;
      if (!WakeTestRunQueued(unit, std::make_unique<LambdaWork>([&] {
                               ran.fetch_add(1, std::memory_order_relaxed);
                               return NRT_SUCCESS;
                             }),
                             &ret)) {
        lost.fetch_add(1);
        break;
      }
      EXPECT_EQ(ret, NRT_SUCCESS);
      switch ((round + id) % 4) {
        case 0:  // straight on: the worker is still spinning
          break;
        case 1:  // after the worker announced its sleep
          if (!WakeTestAwaitSleep(unit)) never_slept.fetch_add(1);
          break;
        default:  // around the end of the worker's spin (kWorkerSpinNs = 10 us)
          WakeTestSpinFor(5'000 + 1'000 * static_cast<uint64_t>((round * 7 + id * 3) % 12));
          break;
      }
    }
  };
  std::thread a(producer, 0), b(producer, 1);
  a.join();
  b.join();
  EXPECT_EQ(lost.load(), 0) << "a request never ran: a wake-up was lost";
  EXPECT_EQ(never_slept.load(), 0);
  EXPECT_EQ(ran.load(), 2 * kRounds);
}

// The wake-check hook parks the armed submission (after its publish, before it looks for a sleeping worker) until
// the worker has run it and announced its sleep for the next request.
// The worker is kept busy (by a request that waits for g_wake_test_go) until the armed submission has published, so
// that submission cannot be the one that finds the worker asleep before it ran.
std::atomic<bool> g_wake_test_armed{false};
std::atomic<bool> g_wake_test_go{false};
void WakeTestParkUntilWorkerSleeps(ExecUnit& unit) {
  if (!g_wake_test_armed.exchange(false)) return;
  const uint64_t mine = unit.submitted();
  g_wake_test_go.store(true);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while ((unit.completed() < mine || !unit.worker_sleeping_for_testing()) && std::chrono::steady_clock::now() < until) {
    std::this_thread::yield();
  }
}

// A submitter that reaches the sleeping flag late takes it (and wakes the worker) for a request the worker has
// already run: the worker finds nothing, must announce its sleep again, and the next submission must wake it.
TEST(ExecUnitWake, ALateSubmitterTakingTheFlagDoesNotSilenceTheNextWakeUp) {
  UnitContext ctx;
  ExecUnit unit(MakeXuId(0, XuType::kTensorOp, 2), ctx);
  ExecUnit::SetWakeCheckHookForTesting(&WakeTestParkUntilWorkerSleeps);
  for (int round = 0; round < 5; ++round) {
    NRT_STATUS ret = NRT_FAILURE;
    uint64_t seq = 0;
    g_wake_test_go.store(false);
    std::unique_ptr<Work> busy = std::make_unique<LambdaWork>([] {
      while (!g_wake_test_go.load()) std::this_thread::yield();
      return NRT_SUCCESS;
    });
    ASSERT_EQ(unit.Submit(busy, &ret, &seq), NRT_SUCCESS);
    g_wake_test_armed.store(true);
    std::unique_ptr<Work> late = std::make_unique<LambdaWork>(nullptr);
    ASSERT_EQ(unit.Submit(late, &ret, &seq), NRT_SUCCESS);  // parked until the worker slept after running it
    ASSERT_TRUE(unit.WaitCompletedFor(SeqNum(seq), kWakeTimeoutNs));
    // The late submitter's wake-up finds nothing to run; the worker goes back to sleep (announcing it again when it
    // is correct: a worker that did not is given a second to be back in its wait before the next submission).
    WakeTestAwaitSleep(unit, std::chrono::seconds(1));
    std::unique_ptr<Work> next = std::make_unique<LambdaWork>(nullptr);
    ASSERT_EQ(unit.Submit(next, &ret, &seq), NRT_SUCCESS);
    ASSERT_TRUE(unit.WaitCompletedFor(SeqNum(seq), kWakeTimeoutNs)) << "round " << round << ": wake-up lost";
  }
  ExecUnit::SetWakeCheckHookForTesting(nullptr);
}

// The submission that finds the worker asleep wakes it even when it is the only one: nothing else will come.
TEST(ExecUnitWake, ALoneSubmissionWakesASleepingWorker) {
  UnitContext ctx;
  ExecUnit unit(MakeXuId(0, XuType::kTensorOp, 1), ctx);
  for (int round = 0; round < 20; ++round) {
    NRT_STATUS ret = NRT_FAILURE;
    ASSERT_TRUE(WakeTestRunQueued(unit, std::make_unique<LambdaWork>(nullptr), &ret)) << "round " << round;
    ASSERT_TRUE(WakeTestAwaitSleep(unit));
  }
}

// A thread calling RunSync on an idle unit runs each request itself. The worker, awake after a queued request,
// must not follow the stream of inline requests one by one (it would pull the unit's counters to its core on
// every call): it steps over at most two in a row, then waits for a queued one only. Each group here is a queued
// request followed by inline ones, so a worker that follows the stream steps over far more than two per group.
TEST(ExecUnitWake, TheWorkerDoesNotFollowAStreamOfInlineRequests) {
  UnitContext ctx;
  ctx.depth = 64;
  ExecUnit unit(MakeXuId(0, XuType::kCompute, 0), ctx);
  constexpr int kGroups = 40, kInline = 200;
  int ran = 0;
  for (int g = 0; g < kGroups; ++g) {
    std::unique_ptr<Work> q = std::make_unique<LambdaWork>([&] {
      ++ran;
      return NRT_SUCCESS;
    });
    NRT_STATUS ret = NRT_FAILURE;
    uint64_t seq = 0;
    ASSERT_EQ(unit.Submit(q, &ret, &seq), NRT_SUCCESS);
    // Polled, not waited for on the condition variable: the inline stream starts while the worker still spins.
    const auto until = std::chrono::steady_clock::now() + std::chrono::nanoseconds(kWakeTimeoutNs);
    while (unit.completed() < SeqNum(seq)) {
      ASSERT_LT(std::chrono::steady_clock::now(), until) << "group " << g << ": the worker was not woken";
    }
    EXPECT_EQ(ret, NRT_SUCCESS);
    for (int i = 0; i < kInline; ++i) {
      ASSERT_EQ(unit.RunSync(std::make_unique<LambdaWork>([&] {
        ++ran;
        return NRT_SUCCESS;
      })),
                NRT_SUCCESS);
    }
  }
  EXPECT_EQ(ran, kGroups * (1 + kInline));
  // Per group: one step over the previous group's last inline request (the worker woke for the queued one), and at
  // most two after the queued request completed.
  EXPECT_LE(unit.inline_steps_for_testing(), uint64_t{3} * kGroups);
}

// Inline and queued requests from two threads in every mix: each queued request still wakes a worker that waits
// for queued ones only, and every request completes in order with its own status.
TEST(ExecUnitWake, QueuedRequestsAmongInlineOnesAlwaysRun) {
  UnitContext ctx;
  ctx.depth = 64;
  ExecUnit unit(MakeXuId(0, XuType::kCompute, 0), ctx);
  constexpr int kPerThread = 1500;
  std::atomic<int> lost{0};
  auto caller = [&](int id) {
    for (int i = 0; i < kPerThread && lost.load() == 0; ++i) {
      // Thread 0: mostly inline with a queued request now and then; thread 1: the reverse.
      const bool queued = id == 0 ? i % 37 == 0 : i % 5 != 0;
      if (queued) {
        NRT_STATUS ret = NRT_FAILURE;
        if (!WakeTestRunQueued(unit, std::make_unique<LambdaWork>(nullptr), &ret)) {
          lost.fetch_add(1);
          return;
        }
        EXPECT_EQ(ret, NRT_SUCCESS);
      } else {
        EXPECT_EQ(unit.RunSync(std::make_unique<LambdaWork>(nullptr)), NRT_SUCCESS);
      }
      if (i % 100 == 0) WakeTestSpinFor(20'000);  // let the worker fall asleep now and then
    }
  };
  std::thread a(caller, 0), b(caller, 1);
  a.join();
  b.join();
  EXPECT_EQ(lost.load(), 0) << "a queued request was never run";
  EXPECT_EQ(unit.completed(), unit.submitted());
}

}  // namespace
}  // namespace nrtb
