#include "runtime/device/exec_unit.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <deque>
#include <thread>
#include <vector>

#include "runtime/device/error_log.h"
#include "runtime/device/fault_plan.h"
#include "runtime/device/test_work.h"
#include "runtime/device/xu_id.h"

namespace nrtb {
namespace {

using testing::Gate;
using testing::LambdaWork;

std::unique_ptr<Work> Noop() { return std::make_unique<LambdaWork>(nullptr); }

UnitContext Ctx(uint32_t depth = 64) {
  UnitContext c;
  c.depth = depth;
  return c;
}

TEST(ExecUnit, SequenceIdsCarryTheUnitIdAndCountFromOne) {
  const uint16_t id = MakeXuId(2, XuType::kTensorOp, 1);
  ExecUnit unit(id, Ctx());
  for (uint64_t n = 1; n <= 3; ++n) {
    auto w = Noop();
    NRT_STATUS ret = NRT_FAILURE;
    uint64_t seq = 0;
    ASSERT_EQ(unit.Submit(w, &ret, &seq), NRT_SUCCESS);
    EXPECT_EQ(seq, (uint64_t{id} << 48) | n);
    unit.WaitCompleted(n);
    EXPECT_EQ(ret, NRT_SUCCESS);
  }
  EXPECT_EQ(id, 2 << 8 | 1 << 4 | 0);
}

TEST(ExecUnit, RunsRequestsOneAtATimeInSubmissionOrder) {
  ExecUnit unit(MakeXuId(0, XuType::kCompute, 0), Ctx(16));
  std::vector<int> order;
  std::atomic<int> running{0};
  std::vector<NRT_STATUS> rets(500, NRT_FAILURE);
  uint64_t seq = 0;
  for (int i = 0; i < 500; ++i) {
    std::unique_ptr<Work> w = std::make_unique<LambdaWork>([&, i] {
      EXPECT_EQ(running.fetch_add(1), 0);
      order.push_back(i);
      running.fetch_sub(1);
      return NRT_SUCCESS;
    });
    NRT_STATUS s;
    while ((s = unit.Submit(w, &rets[i], &seq)) == NRT_QUEUE_FULL) unit.WaitCompleted(unit.completed() + 1);
    ASSERT_EQ(s, NRT_SUCCESS);
  }
  unit.WaitCompleted(500);
  ASSERT_EQ(order.size(), 500u);
  for (int i = 0; i < 500; ++i) EXPECT_EQ(order[i], i);
}

TEST(ExecUnit, FullQueueChangesNothing) {
  ExecUnit unit(MakeXuId(0, XuType::kTensorOp, 0), Ctx(4));
  Gate gate;
  NRT_STATUS rets[5];
  uint64_t seq = 0;
  auto blocker = std::unique_ptr<Work>(new LambdaWork([&] {
    gate.Wait();
    return NRT_SUCCESS;
  }));
  ASSERT_EQ(unit.Submit(blocker, &rets[0], &seq), NRT_SUCCESS);
  for (int i = 1; i < 4; ++i) {
    auto w = Noop();
    ASSERT_EQ(unit.Submit(w, &rets[i], &seq), NRT_SUCCESS);
  }
  auto extra = Noop();
  Work* raw = extra.get();
  NRT_STATUS sentinel_ret = static_cast<NRT_STATUS>(12345);
  uint64_t sentinel_seq = 777;
  EXPECT_EQ(unit.Submit(extra, &sentinel_ret, &sentinel_seq), NRT_QUEUE_FULL);
  EXPECT_EQ(extra.get(), raw) << "work must not be consumed";
  EXPECT_EQ(sentinel_ret, static_cast<NRT_STATUS>(12345));
  EXPECT_EQ(sentinel_seq, 777u);
  EXPECT_EQ(unit.submitted(), 4u);
  gate.Open();
  unit.WaitCompleted(1);
  ASSERT_EQ(unit.Submit(extra, &rets[4], &seq), NRT_SUCCESS);
  EXPECT_EQ(SeqNum(seq), 5u) << "no id was consumed by the refused call";
  unit.WaitCompleted(5);
}

TEST(ExecUnit, StatusIsVisibleOnceCompletionIsObserved) {
  ExecUnit unit(MakeXuId(0, XuType::kTensorOp, 0), Ctx(64));
  constexpr int kN = 2000;
  std::vector<NRT_STATUS> rets(kN, static_cast<NRT_STATUS>(-1));
  std::thread observer([&] {
    for (uint64_t n = 1; n <= kN; ++n) {
      while (unit.completed() < n) std::this_thread::yield();
      // Acquire on completed() pairs with the release publish after *ret was stored.
      ASSERT_EQ(rets[n - 1], (n % 7 == 0) ? NRT_EXEC_BAD_INPUT : NRT_SUCCESS) << n;
    }
  });
  uint64_t seq;
  for (int i = 0; i < kN; ++i) {
    std::unique_ptr<Work> w =
        std::make_unique<LambdaWork>([i] { return (i + 1) % 7 == 0 ? NRT_EXEC_BAD_INPUT : NRT_SUCCESS; });
    while (unit.Submit(w, &rets[i], &seq) == NRT_QUEUE_FULL) std::this_thread::yield();
  }
  observer.join();
}

TEST(ExecUnit, RunSyncRunsOnTheCallerThreadWhenIdle) {
  ExecUnit unit(MakeXuId(0, XuType::kCompute, 0), Ctx());
  std::thread::id ran_on;
  auto w = std::make_unique<LambdaWork>([&] {
    ran_on = std::this_thread::get_id();
    return NRT_EXEC_COMPLETED_WITH_ERR;
  });
  EXPECT_EQ(unit.RunSync(std::move(w)), NRT_EXEC_COMPLETED_WITH_ERR);
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  EXPECT_EQ(unit.completed(), 1u) << "the inline run still takes a sequence number";
  // Scheduled work after an inline run keeps counting.
  auto n = Noop();
  NRT_STATUS ret;
  uint64_t seq;
  ASSERT_EQ(unit.Submit(n, &ret, &seq), NRT_SUCCESS);
  EXPECT_EQ(SeqNum(seq), 2u);
  unit.WaitCompleted(2);
}

TEST(ExecUnit, RunSyncWaitsBehindScheduledWork) {
  ExecUnit unit(MakeXuId(0, XuType::kCompute, 0), Ctx());
  Gate gate;
  std::vector<int> order;
  NRT_STATUS ret;
  uint64_t seq;
  std::unique_ptr<Work> slow = std::make_unique<LambdaWork>([&] {
    gate.Wait();
    order.push_back(1);
    return NRT_SUCCESS;
  });
  ASSERT_EQ(unit.Submit(slow, &ret, &seq), NRT_SUCCESS);
  std::thread opener([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    gate.Open();
  });
  NRT_STATUS s = unit.RunSync(std::make_unique<LambdaWork>([&] {
    order.push_back(2);
    return NRT_SUCCESS;
  }));
  opener.join();
  EXPECT_EQ(s, NRT_SUCCESS);
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

// Work the caller owns (RunSync(Work&), nrt_execute's execution on its stack): run inline when idle, queued behind
// scheduled work when busy (finished through the queue, on the worker), and left unfinished when refused.
TEST(ExecUnit, RunSyncOfCallerOwnedWorkRunsInlineOrQueuedAndFinishesIt) {
  ExecUnit unit(MakeXuId(0, XuType::kCompute, 0), Ctx());
  std::thread::id ran_on;
  LambdaWork idle([&] {
    ran_on = std::this_thread::get_id();
    return NRT_EXEC_COMPLETED_WITH_ERR;
  });
  EXPECT_EQ(unit.RunSync(idle), NRT_EXEC_COMPLETED_WITH_ERR);
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  EXPECT_EQ(idle.finished_status, NRT_EXEC_COMPLETED_WITH_ERR);

  Gate gate;
  std::unique_ptr<Work> slow = std::make_unique<LambdaWork>([&] {
    gate.Wait();
    return NRT_SUCCESS;
  });
  NRT_STATUS ret;
  uint64_t seq;
  ASSERT_EQ(unit.Submit(slow, &ret, &seq), NRT_SUCCESS);
  LambdaWork busy([&] {
    ran_on = std::this_thread::get_id();
    return NRT_SUCCESS;
  });
  std::thread caller([&] { EXPECT_EQ(unit.RunSync(busy), NRT_SUCCESS); });
  while (unit.submitted() < 3) std::this_thread::yield();  // queued behind the held request
  gate.Open();
  caller.join();
  EXPECT_NE(ran_on, std::this_thread::get_id()) << "queued: run by the worker";
  EXPECT_EQ(busy.finished_status, NRT_SUCCESS);
  EXPECT_EQ(unit.completed(), 3u);

  unit.Shutdown();
  LambdaWork refused(nullptr);
  EXPECT_EQ(unit.RunSync(refused), NRT_CLOSED);
  EXPECT_EQ(refused.finished_status, NRT_FAILURE) << "never finished: it was not accepted";
}

// An inline request does not write its ring slot, which still holds the tag of the queued request a ring's length
// before it: the worker, stepping over the inline requests to reach the next queued one, must not take such a slot
// for request n (it would run a finished request's moved-from work).
TEST(ExecUnit, TheWorkerStepsOverInlineRequestsWhoseSlotsHoldOlderQueuedOnes) {
  ExecUnit unit(MakeXuId(0, XuType::kCompute, 0), Ctx(8));
  const uint64_t ring = unit.ring_capacity();
  ASSERT_EQ(ring, 8u);
  std::atomic<uint64_t> runs{0};
  std::vector<NRT_STATUS> rets(2 * ring, NRT_FAILURE);
  uint64_t seq = 0;
  auto submit_counted = [&](NRT_STATUS* ret) {
    std::unique_ptr<Work> w = std::make_unique<LambdaWork>([&] {
      runs.fetch_add(1);
      return NRT_SUCCESS;
    });
    ASSERT_EQ(unit.Submit(w, ret, &seq), NRT_SUCCESS);
  };
  for (uint64_t i = 0; i < ring; ++i) submit_counted(&rets[i]);  // every slot holds a queued request's tag
  unit.WaitCompleted(ring);
  for (uint64_t i = 0; i < ring; ++i) {  // idle: each runs inline, in a slot holding request i + 1's tag
    LambdaWork inline_work([&] {
      runs.fetch_add(1);
      return NRT_SUCCESS;
    });
    EXPECT_EQ(unit.RunSync(inline_work), NRT_SUCCESS);
  }
  for (uint64_t i = ring; i < 2 * ring; ++i) submit_counted(&rets[i]);
  unit.WaitCompleted(3 * ring);
  EXPECT_EQ(runs.load(), 3 * ring);
  for (NRT_STATUS r : rets) EXPECT_EQ(r, NRT_SUCCESS);
}

TEST(ExecUnit, InlineAndScheduledRequestsInterleaveWithoutLosingOrder) {
  ExecUnit unit(MakeXuId(0, XuType::kCompute, 0), Ctx(8));
  std::atomic<uint64_t> last{0};
  std::atomic<bool> out_of_order{false};
  auto make = [&](uint64_t) {
    return std::make_unique<LambdaWork>([&] {
      uint64_t done = unit.completed();
      if (last.exchange(done + 1) > done + 1) out_of_order = true;
      return NRT_SUCCESS;
    });
  };
  std::thread sync_caller([&] {
    for (int i = 0; i < 300; ++i) EXPECT_EQ(unit.RunSync(make(0)), NRT_SUCCESS);
  });
  std::vector<NRT_STATUS> rets(300);
  uint64_t seq;
  for (int i = 0; i < 300; ++i) {
    std::unique_ptr<Work> w = make(0);
    while (unit.Submit(w, &rets[i], &seq) == NRT_QUEUE_FULL) std::this_thread::yield();
  }
  sync_caller.join();
  unit.WaitCompleted(600);
  EXPECT_EQ(unit.completed(), 600u);
  EXPECT_FALSE(out_of_order);
}

TEST(ExecUnit, InjectedFatalFaultDrainsTheQueueAndRefusesNewWork) {
  FaultPlan plan = FaultPlan::Parse("xu=compute,nth=2,action=fatal");
  UnitContext c = Ctx();
  c.faults = &plan;
  ExecUnit unit(MakeXuId(0, XuType::kCompute, 0), c);
  Gate gate;
  NRT_STATUS rets[4];
  uint64_t seq;
  std::unique_ptr<Work> first = std::make_unique<LambdaWork>([&] {
    gate.Wait();
    return NRT_SUCCESS;
  });
  ASSERT_EQ(unit.Submit(first, &rets[0], &seq), NRT_SUCCESS);
  for (int i = 1; i < 4; ++i) {
    auto w = Noop();
    ASSERT_EQ(unit.Submit(w, &rets[i], &seq), NRT_SUCCESS);
  }
  gate.Open();
  unit.WaitCompleted(4);
  EXPECT_EQ(rets[0], NRT_SUCCESS);
  EXPECT_EQ(rets[1], NRT_EXEC_HW_ERR_NC_UE);
  EXPECT_EQ(rets[2], NRT_EXEC_UNIT_UNRECOVERABLE);
  EXPECT_EQ(rets[3], NRT_EXEC_UNIT_UNRECOVERABLE);
  EXPECT_TRUE(unit.fatal());
  EXPECT_NE(unit.fatal_cause().find("request 2"), std::string::npos);
  auto w = Noop();
  EXPECT_EQ(unit.Submit(w, &rets[0], &seq), NRT_EXEC_UNIT_UNRECOVERABLE);
  EXPECT_EQ(unit.RunSync(Noop()), NRT_EXEC_UNIT_UNRECOVERABLE);
}

TEST(ExecUnit, HangTimesOutAndTurnsTheUnitFatal) {
  FaultPlan plan = FaultPlan::Parse("nth=1,action=hang");
  UnitContext c = Ctx();
  c.faults = &plan;
  c.exec_timeout_ns = 30'000'000;
  ExecUnit unit(MakeXuId(0, XuType::kTensorOp, 0), c);
  NRT_STATUS ret;
  uint64_t seq;
  auto w = Noop();
  uint64_t start = NowNs();
  ASSERT_EQ(unit.Submit(w, &ret, &seq), NRT_SUCCESS);
  unit.WaitCompleted(1);
  EXPECT_GE(NowNs() - start, 30'000'000u);
  EXPECT_EQ(ret, NRT_TIMEOUT);
  EXPECT_TRUE(unit.fatal());
}

TEST(ExecUnit, SimulatedTimeIsHonouredWithoutBusyWaitingTheWholeTime) {
  ExecUnit unit(MakeXuId(0, XuType::kCompute, 0), Ctx());
  NRT_STATUS ret;
  uint64_t seq;
  std::unique_ptr<Work> w = std::make_unique<LambdaWork>(nullptr, 5'000'000);
  uint64_t start = NowNs();
  ASSERT_EQ(unit.Submit(w, &ret, &seq), NRT_SUCCESS);
  unit.WaitCompleted(1);
  uint64_t took = NowNs() - start;
  EXPECT_GE(took, 5'000'000u);
  EXPECT_LT(took, 500'000'000u);
}

TEST(ExecUnit, ShutdownCutsSimulatedTimeShortAndClosesQueuedRequests) {
  auto unit = std::make_unique<ExecUnit>(MakeXuId(0, XuType::kTensorOp, 0), Ctx());
  NRT_STATUS rets[3] = {static_cast<NRT_STATUS>(-1), static_cast<NRT_STATUS>(-1), static_cast<NRT_STATUS>(-1)};
  uint64_t seq;
  std::atomic<bool> started{false};
  // 20 s of simulated time: shutdown must not wait it out.
  std::unique_ptr<Work> slow = std::make_unique<LambdaWork>(
      [&] {
        started = true;
        return NRT_SUCCESS;
      },
      20'000'000'000ull);
  ASSERT_EQ(unit->Submit(slow, &rets[0], &seq), NRT_SUCCESS);
  for (int i = 1; i < 3; ++i) {
    auto w = Noop();
    ASSERT_EQ(unit->Submit(w, &rets[i], &seq), NRT_SUCCESS);
  }
  while (!started) std::this_thread::yield();
  uint64_t start = NowNs();
  unit->Shutdown();
  EXPECT_LT(NowNs() - start, 5'000'000'000ull);
  EXPECT_EQ(rets[0], NRT_SUCCESS) << "the running request keeps the status of its real work";
  EXPECT_EQ(rets[1], NRT_CLOSED);
  EXPECT_EQ(rets[2], NRT_CLOSED);
  EXPECT_FALSE(unit->fatal());
  auto w = Noop();
  EXPECT_EQ(unit->Submit(w, &rets[0], &seq), NRT_CLOSED);
}

TEST(ExecUnit, ShutdownFailsNotStartedRequestsWithClosed) {
  ExecUnit unit(MakeXuId(0, XuType::kTensorOp, 0), Ctx());
  Gate gate;
  NRT_STATUS rets[3] = {static_cast<NRT_STATUS>(-1), static_cast<NRT_STATUS>(-1), static_cast<NRT_STATUS>(-1)};
  uint64_t seq;
  std::atomic<bool> started{false};
  std::unique_ptr<Work> blocker = std::make_unique<LambdaWork>([&] {
    started = true;
    gate.Wait();
    return NRT_SUCCESS;
  });
  ASSERT_EQ(unit.Submit(blocker, &rets[0], &seq), NRT_SUCCESS);
  for (int i = 1; i < 3; ++i) {
    auto w = Noop();
    ASSERT_EQ(unit.Submit(w, &rets[i], &seq), NRT_SUCCESS);
  }
  while (!started) std::this_thread::yield();
  std::thread closer([&] { unit.Shutdown(); });
  // The gate opens only once Shutdown has begun (the unit refuses new work), not after a sleep: the
  // queued requests must not start. Probes that got in before that are queued too and closed as well.
  std::deque<NRT_STATUS> probe_rets;
  while (true) {
    auto probe = Noop();
    probe_rets.push_back(static_cast<NRT_STATUS>(-1));
    NRT_STATUS s = unit.Submit(probe, &probe_rets.back(), &seq);
    if (s == NRT_CLOSED) break;
    if (s != NRT_SUCCESS) std::this_thread::yield();
  }
  probe_rets.pop_back();
  gate.Open();
  closer.join();
  EXPECT_EQ(rets[0], NRT_SUCCESS);
  EXPECT_EQ(rets[1], NRT_CLOSED);
  EXPECT_EQ(rets[2], NRT_CLOSED);
}

uint64_t ReadEventFd(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, timeout_ms) != 1) return 0;
  uint64_t v = 0;
  EXPECT_EQ(read(fd, &v, sizeof v), static_cast<ssize_t>(sizeof v));
  return v;
}

TEST(ExecUnit, SeqEventSignalsOnceAndAtOnceWhenAlreadyComplete) {
  ExecUnit unit(MakeXuId(0, XuType::kTensorOp, 0), Ctx());
  int efd = eventfd(0, EFD_NONBLOCK);
  NRT_STATUS ret;
  uint64_t seq;
  auto w = Noop();
  ASSERT_EQ(unit.Submit(w, &ret, &seq), NRT_SUCCESS);
  unit.WaitCompleted(1);
  unit.RegisterSeqFd(1, efd, false);
  EXPECT_EQ(ReadEventFd(efd, 1000), 1u);
  EXPECT_EQ(ReadEventFd(efd, 20), 0u) << "exactly one signal";
  close(efd);
}

TEST(ExecUnit, DeregisteredFdIsNeverWrittenAgain) {
  ExecUnit unit(MakeXuId(0, XuType::kTensorOp, 0), Ctx());
  int efd = eventfd(0, EFD_NONBLOCK);
  Gate gate;
  NRT_STATUS ret;
  uint64_t seq;
  std::unique_ptr<Work> w = std::make_unique<LambdaWork>([&] {
    gate.Wait();
    return NRT_SUCCESS;
  });
  ASSERT_EQ(unit.Submit(w, &ret, &seq), NRT_SUCCESS);
  unit.RegisterSeqFd(1, efd, false);
  unit.SetUnitFd(efd);
  unit.RegisterSeqFd(1, -1, false);
  unit.SetUnitFd(-1);
  gate.Open();
  unit.WaitCompleted(1);
  EXPECT_EQ(ReadEventFd(efd, 20), 0u);
  close(efd);
}

}  // namespace
}  // namespace nrtb
