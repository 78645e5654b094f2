// Stress of the submission/completion protocol: many producer threads on several units, random
// injected faults, blocking waiters, per-seq and per-unit eventfds, then shutdown. Every id must
// complete exactly once, in order per unit, with its status stored, and no wake-up may be lost.
// Meant to run under ThreadSanitizer and AddressSanitizer too (the test command does).
#include <gtest/gtest.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "runtime/device/error_log.h"
#include "runtime/device/exec_unit.h"
#include "runtime/device/fault_plan.h"
#include "runtime/device/test_work.h"
#include "runtime/device/xu_id.h"

namespace nrtb {
namespace {

using testing::LambdaWork;

constexpr int kUnits = 4;
constexpr int kProducersPerUnit = 3;
constexpr int kRequestsPerProducer = 2500;  // 30,000 requests in all

struct Record {
  std::atomic<int> runs{0};
  NRT_STATUS ret = static_cast<NRT_STATUS>(-1);
  uint64_t seq = 0;
};

TEST(ExecUnitStress, EveryRequestCompletesExactlyOnceInOrderWithItsStatus) {
  FaultPlan plan = FaultPlan::Parse("prob=0.05,seed=42,status=NRT_EXEC_COMPLETED_WITH_ERR");
  ErrorLog errors;
  auto tracker = std::make_shared<ErrorTracker>(0);
  errors.Attach(tracker);
  UnitContext ctx;
  ctx.depth = 32;
  ctx.faults = &plan;
  ctx.errors = &errors;
  std::vector<std::unique_ptr<ExecUnit>> units;
  std::vector<int> unit_fds;
  for (int u = 0; u < kUnits; ++u) {
    units.push_back(std::make_unique<ExecUnit>(MakeXuId(0, XuType::kCollectives, u % 3) + (u / 3) * 256, ctx));
    unit_fds.push_back(eventfd(0, EFD_NONBLOCK));
    units.back()->SetUnitFd(unit_fds.back());
  }
  const int total_per_unit = kProducersPerUnit * kRequestsPerProducer;
  std::vector<std::vector<Record>> records(kUnits);
  for (auto& r : records) r = std::vector<Record>(total_per_unit);
  // last_run[u]: the seq number the unit ran last, to check in-order execution.
  std::vector<std::atomic<uint64_t>> last_run(kUnits);
  std::atomic<bool> order_violation{false};
  std::atomic<uint64_t> seq_events_expected{0}, seq_events_seen{0};

  auto producer = [&](int u, int p) {
    std::mt19937 rng(static_cast<unsigned>(u * 131 + p));
    ExecUnit& unit = *units[u];
    std::vector<std::pair<int, uint64_t>> my_fds;  // eventfd, seq number
    for (int i = 0; i < kRequestsPerProducer; ++i) {
      int slot = p * kRequestsPerProducer + i;
      Record& rec = records[u][slot];
      std::unique_ptr<Work> w = std::make_unique<LambdaWork>([&, u, &rec = rec] {
        rec.runs.fetch_add(1, std::memory_order_relaxed);
        uint64_t n = SeqNum(rec.seq);
        if (last_run[u].exchange(n) + 1 != n) order_violation = true;
        return NRT_SUCCESS;
      });
      NRT_STATUS s;
      uint64_t seq = 0;
      // rec.seq must be known before the work runs: submit under the record's own seq slot.
      while ((s = unit.Submit(w, &rec.ret, &rec.seq)) == NRT_QUEUE_FULL) {
        if (rng() % 2)
          unit.WaitCompleted(unit.completed() + 1);
        else
          std::this_thread::yield();
      }
      ASSERT_EQ(s, NRT_SUCCESS);
      seq = rec.seq;
      if (rng() % 16 == 0) {
        int efd = eventfd(0, EFD_NONBLOCK);
        unit.RegisterSeqFd(SeqNum(seq), efd, false);
        my_fds.emplace_back(efd, SeqNum(seq));
      }
      if (rng() % 64 == 0) unit.WaitCompleted(SeqNum(seq));
    }
    for (auto [efd, n] : my_fds) {
      unit.WaitCompleted(n);
      pollfd pfd{efd, POLLIN, 0};
      ASSERT_EQ(poll(&pfd, 1, 10000), 1) << "lost wake-up for seq " << n;
      uint64_t v = 0;
      ASSERT_EQ(read(efd, &v, sizeof v), 8);
      EXPECT_EQ(v, 1u) << "one write per registration";
      seq_events_expected.fetch_add(1);
      seq_events_seen.fetch_add(v);
      close(efd);
    }
  };
  std::vector<std::thread> threads;
  for (int u = 0; u < kUnits; ++u)
    for (int p = 0; p < kProducersPerUnit; ++p) threads.emplace_back(producer, u, p);
  for (auto& t : threads) t.join();

  size_t failed = 0;
  for (int u = 0; u < kUnits; ++u) {
    units[u]->WaitCompleted(total_per_unit);
    EXPECT_EQ(units[u]->completed(), static_cast<uint64_t>(total_per_unit));
    std::vector<bool> seen(total_per_unit + 1, false);
    for (auto& rec : records[u]) {
      EXPECT_EQ(rec.runs.load(), 1);
      uint64_t n = SeqNum(rec.seq);
      ASSERT_GE(n, 1u);
      ASSERT_LE(n, static_cast<uint64_t>(total_per_unit));
      EXPECT_FALSE(seen[n]) << "seq " << n << " issued twice";
      seen[n] = true;
      EXPECT_EQ(SeqXuId(rec.seq), units[u]->xu_id());
      auto expected = plan.Match(units[u]->xu_id(), n, "test");
      EXPECT_EQ(rec.ret, expected ? expected->status : NRT_SUCCESS) << "unit " << u << " seq " << n;
      if (expected) ++failed;
    }
    // The unit-wide eventfd was signalled at least once (writes to a counter coalesce).
    uint64_t v = 0;
    EXPECT_EQ(read(unit_fds[u], &v, sizeof v), 8);
    EXPECT_GE(v, 1u);
  }
  EXPECT_FALSE(order_violation);
  EXPECT_EQ(seq_events_seen.load(), seq_events_expected.load());
  EXPECT_GT(failed, 0u) << "the fault plan should have hit some requests";
  EXPECT_EQ(tracker->Take().size(), failed) << "the error tracker saw every failed request";
  for (auto& u : units) u->Shutdown();
  for (int fd : unit_fds) {
    EXPECT_NE(fcntl(fd, F_GETFD), -1) << "application fds are never closed by the runtime";
    close(fd);
  }
}

// Registration racing completion: registering exactly as the request completes must still signal
// exactly once. Many short rounds let the two sides interleave in every order.
TEST(ExecUnitStress, RegistrationRacingCompletionSignalsExactlyOnce) {
  UnitContext ctx;
  ctx.depth = 4;
  ExecUnit unit(MakeXuId(1, XuType::kTensorOp, 1), ctx);
  int efd = eventfd(0, EFD_NONBLOCK);
  for (int round = 1; round <= 3000; ++round) {
    NRT_STATUS ret;
    uint64_t seq;
    auto w = std::unique_ptr<Work>(new LambdaWork(nullptr));
    ASSERT_EQ(unit.Submit(w, &ret, &seq), NRT_SUCCESS);
    unit.RegisterSeqFd(SeqNum(seq), efd, false);
    pollfd pfd{efd, POLLIN, 0};
    ASSERT_EQ(poll(&pfd, 1, 10000), 1) << "lost wake-up in round " << round;
    uint64_t v = 0;
    ASSERT_EQ(read(efd, &v, sizeof v), 8);
    ASSERT_EQ(v, 1u) << "round " << round;
  }
  close(efd);
}

}  // namespace
}  // namespace nrtb
