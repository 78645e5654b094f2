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
      std::unique_ptr<Work> w = std::make_unique<LambdaWork>([&] {
        ran.fetch_add(1, std::memory_order_relaxed);
        return NRT_SUCCESS;
      });
      NRT_STATUS ret = NRT_FAILURE;
      uint64_t seq = 0;
      ASSERT_EQ(unit.Submit(w, &ret, &seq), NRT_SUCCESS);
      if (!unit.WaitCompletedFor(SeqNum(seq), kWakeTimeoutNs)) {
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
    std::unique_ptr<Work> w = std::make_unique<LambdaWork>(nullptr);
    NRT_STATUS ret = NRT_FAILURE;
    uint64_t seq = 0;
    ASSERT_EQ(unit.Submit(w, &ret, &seq), NRT_SUCCESS);
    ASSERT_TRUE(unit.WaitCompletedFor(SeqNum(seq), kWakeTimeoutNs)) << "round " << round;
    ASSERT_TRUE(WakeTestAwaitSleep(unit));
  }
}

}  // namespace
}  // namespace nrtb
