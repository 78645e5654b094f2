#include "runtime/collectives/local_exchange.h"

#include <gtest/gtest.h>
#include <time.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "runtime/core/compute_interrupt.h"
#include "runtime/core/error.h"

namespace nrtb {
namespace {

uint64_t MonoNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// An all-reduce plan over host buffers for rank `index` of `n`.
std::unique_ptr<CcPlan> HostAllReduce(uint32_t n, uint32_t index, std::vector<int32_t>& in, std::vector<int32_t>& out) {
  auto plan = std::make_unique<CcPlan>();
  CcPlan& p = *plan;
  p.kind = CcKind::kAllReduce;
  p.dtype = DType::kInt32;
  p.op = ReduceOp::kAdd;
  p.reduce = ReduceFunction(p.dtype, p.op);
  for (uint32_t r = 0; r < n; ++r) p.group.push_back(r);
  p.index = index;
  p.inputs = {{nullptr, 0, in.size() * 4, reinterpret_cast<uint8_t*>(in.data())}};
  p.outputs = {{nullptr, 0, out.size() * 4, reinterpret_cast<uint8_t*>(out.data())}};
  return plan;
}

TEST(LocalExchange, ThreeRanksAllReduceManyRoundsInStep) {
  LocalExchange ex;
  const uint32_t n = 3;
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (uint32_t r = 0; r < n; ++r) {
    threads.emplace_back([&, r] {
      for (int k = 0; k < 200; ++k) {
        std::vector<int32_t> in(1000 + k, static_cast<int32_t>(r + k)), out(1000 + k, -1);
        auto p = HostAllReduce(n, r, in, out);
        if (ex.Run(*p, 0) != NRT_SUCCESS) ++bad;
        for (int32_t v : out) bad += v != static_cast<int32_t>(3 * k + 3);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
}

TEST(LocalExchange, DisagreeingRanksAllGetInvalid) {
  LocalExchange ex;
  std::vector<NRT_STATUS> got(2, NRT_SUCCESS);
  std::vector<std::thread> threads;
  for (uint32_t r = 0; r < 2; ++r) {
    threads.emplace_back([&, r] {
      std::vector<int32_t> in(8 + r), out(8 + r);
      auto p = HostAllReduce(2, r, in, out);
      try {
        ex.Run(*p, 0);
      } catch (const Error& e) {
        got[r] = e.status();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(got, (std::vector<NRT_STATUS>{NRT_INVALID, NRT_INVALID}));
}

TEST(LocalExchange, RankPastItsDeadlineFailsTheRoundForLateComers) {
  LocalExchange ex;
  std::vector<int32_t> in0(4), out0(4), in1(4), out1(4);
  auto p0 = HostAllReduce(2, 0, in0, out0), p1 = HostAllReduce(2, 1, in1, out1);
  bool interrupted = false;
  {
    ComputeInterruptScope limits(MonoNs() + 50'000'000, nullptr);
    try {
      ex.Run(*p0, 0);
    } catch (const ComputeInterrupted& e) {
      interrupted = e.reason() == InterruptReason::kDeadline;
    }
  }
  EXPECT_TRUE(interrupted);
  EXPECT_EQ(ex.Run(*p1, 0), NRT_EXEC_HW_ERR_COLLECTIVES);
  // The next round of the same group starts afresh.
  std::thread t([&] { EXPECT_EQ(ex.Run(*p0, 0), NRT_SUCCESS); });
  EXPECT_EQ(ex.Run(*p1, 0), NRT_SUCCESS);
  t.join();
}

TEST(LocalExchange, StopEndsTheWaitWithoutAPeer) {
  LocalExchange ex;
  std::vector<int32_t> in(4), out(4);
  auto p = HostAllReduce(2, 0, in, out);
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    stop.store(true);
  });
  bool stopped = false;
  {
    ComputeInterruptScope limits(0, &stop);
    try {
      ex.Run(*p, 1);
    } catch (const ComputeInterrupted& e) {
      stopped = e.reason() == InterruptReason::kStop;
    }
  }
  stopper.join();
  EXPECT_TRUE(stopped);
}

}  // namespace
}  // namespace nrtb
