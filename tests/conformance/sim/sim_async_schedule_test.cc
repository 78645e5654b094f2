// Schedule calls of the explicit async API: what they do, ordering / parallelism of units, never
// blocking, argument validation and lifecycle statuses (SPEC §1.7, §2).
// This file: the cases that need the simulator (NRT_SIM_*); the portable ones are in
// portable/async_schedule_test.cc.
#include <sys/wait.h>

#include <cstring>
#include <limits>
#include <vector>

#include "nrtest.h"

using namespace nrtest;

namespace {

struct Slot {
  NRT_STATUS ret = kSentinelStatus;
  nrta_seq_t seq = kSentinelSeq;
  void ExpectUntouched(const char* what) const {
    EXPECT_EQ(ret, kSentinelStatus) << what << ": *ret written on failure";
    EXPECT_EQ(seq, kSentinelSeq) << what << ": *req_sequence written on failure";
  }
};

}  // namespace

// One unit runs its requests one at a time in submission order: the last of many writes to one
// place wins, and a read queued behind them sees it.
TEST(AsyncSchedule, RequestsOnOneUnitRunInSubmissionOrder) {
  SetEnv("NRT_SIM_DMA_LATENCY_US", "500");
  NRTEST_INIT(rt);
  Tensor t(0, 4);
  constexpr int kN = 30;
  std::vector<uint32_t> vals(kN);
  std::vector<Slot> slots(kN + 1);
  for (int i = 0; i < kN; ++i) {
    vals[i] = 1000 + i;
    ASSERT_EQ(nrta_tensor_write(t, &vals[i], 0, 4, 0, 0, &slots[i].ret, &slots[i].seq), NRT_SUCCESS);
  }
  uint32_t got = 0;
  ASSERT_EQ(nrta_tensor_read(&got, t, 0, 4, 0, 0, &slots[kN].ret, &slots[kN].seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(slots[kN].seq));
  for (auto& s : slots) EXPECT_EQ(s.ret, NRT_SUCCESS);
  EXPECT_EQ(got, 1000u + kN - 1);
}

// Two requests on one unit never overlap: their simulated times add up.
TEST(AsyncSchedule, OneUnitSerializesItsRequests) {
  SetEnv("NRT_SIM_DMA_LATENCY_US", "40000");
  NRTEST_INIT(rt);
  Tensor t(0, 4);
  uint32_t v = 1;
  Slot a, b;
  auto t0 = Clock::now();
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &a.ret, &a.seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &b.ret, &b.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(b.seq));
  EXPECT_GE(SecondsSince(t0), 0.079);
  EXPECT_EQ(a.ret, NRT_SUCCESS);
  EXPECT_EQ(b.ret, NRT_SUCCESS);
}

// Different units (other queue, other core) run in parallel: each unit's request starts (and holds) while
// the others are still running.
TEST(AsyncSchedule, DifferentUnitsRunInParallel) {
  HoldGate ga("a"), gb("b"), gc("c");
  SetEnv("NRT_SIM_FAULTS", ga.Rule("lnc=0,xu=tensor_op,queue=0") + ";" + gb.Rule("lnc=0,xu=tensor_op,queue=1") + ";" +
                               gc.Rule("lnc=1,xu=tensor_op,queue=0"));
  NRTEST_INIT(rt);
  Tensor t0(0, 4), t1(1, 4);
  uint32_t v = 1;
  Slot a, b, c;
  ASSERT_EQ(nrta_tensor_write(t0, &v, 0, 4, 0, 0, &a.ret, &a.seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_tensor_write(t0, &v, 0, 4, 0, 1, &b.ret, &b.seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_tensor_write(t1, &v, 0, 4, 1, 0, &c.ret, &c.seq), NRT_SUCCESS);
  EXPECT_TRUE(ga.WaitHolding() && gb.WaitHolding() && gc.WaitHolding()) << "a unit waited for another";
  ga.Release();
  gb.Release();
  gc.Release();
  ASSERT_TRUE(WaitSeq(a.seq));
  ASSERT_TRUE(WaitSeq(b.seq));
  ASSERT_TRUE(WaitSeq(c.seq));
  EXPECT_EQ(a.ret, NRT_SUCCESS);
  EXPECT_EQ(b.ret, NRT_SUCCESS);
  EXPECT_EQ(c.ret, NRT_SUCCESS);
}

// Schedule calls never block, even when the unit is busy indefinitely: the first request of each unit is
// held until nrt_close, so a schedule call that waited for it would never return.
TEST(AsyncSchedule, ScheduleNeverBlocks) {
  HoldGate gate;
  SetEnv("NRT_SIM_FAULTS", gate.Rule("nth=1"));
  // Declared before the runtime: the requests are still queued at nrt_close, which completes them
  // (storing their status) while the source buffer and status slots must still exist.
  std::vector<float> buf(kModelElems, 1.0f);
  std::vector<Slot> s(6);
  NRTEST_INIT(rt);
  Model m("async_scale", 0);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  // The writes target `t`, the executions read `x`: different units run in parallel, so sharing a
  // tensor between them without waiting would be a data race in the application.
  Tensor t(0, kModelBytes), x(0, kModelBytes), y(0, kModelBytes);
  TensorSet is, os;
  ASSERT_EQ(is.Add("x", x), NRT_SUCCESS);
  ASSERT_EQ(os.Add("y", y), NRT_SUCCESS);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(nrta_tensor_write(t, buf.data(), 0, kModelBytes, 0, 0, &s[i].ret, &s[i].seq), NRT_SUCCESS);
    ASSERT_EQ(nrta_execute_schedule(m, is, os, 0, &s[3 + i].ret, &s[3 + i].seq), NRT_SUCCESS);
  }
  EXPECT_EQ(CompletedNum(0, NRTA_XU_TENSOR_OP, 0), 0u);
  EXPECT_EQ(CompletedNum(0, NRTA_XU_COMPUTE, 0), 0u);
  // Not waiting for them: nrt_close ends the holds.
}

// ---------------------------------------------------------------------------------------------
// Argument validation: NRT_INVALID, and *ret / *req_sequence untouched.

// ---------------------------------------------------------------------------------------------
// Lifecycle statuses (NRT_CLOSED after nrt_close: async_close_test.cc).

// A scheduled execution bumps its output tensors' completion counters when it completes.
TEST(AsyncSchedule, ExecutionBumpsOutputCompletionCounter) {
  SetEnv("NRT_SIM_EXEC_TIME_US", "50000");
  NRTEST_INIT(rt);
  Model m("async_scale", 0);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  Tensor x(0, kModelBytes), y(0, kModelBytes);
  TensorSet is, os;
  ASSERT_EQ(is.Add("x", x), NRT_SUCCESS);
  ASSERT_EQ(os.Add("y", y), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_reset_output_completion(y), NRT_SUCCESS);
  Slot a, b;
  ASSERT_EQ(nrta_execute_schedule(m, is, os, 0, &a.ret, &a.seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_execute_schedule(m, is, os, 0, &b.ret, &b.seq), NRT_SUCCESS);
  EXPECT_EQ(nrt_tensor_check_output_completion(y, 0, 1), NRT_TIMEOUT) << "counted before the 50 ms execution ran";
  EXPECT_EQ(nrt_tensor_check_output_completion(y, 3000000, 2), NRT_SUCCESS);
  bool done = false;
  ASSERT_EQ(nrta_is_completed(a.seq, &done), NRT_SUCCESS);
  EXPECT_TRUE(done);
  ASSERT_TRUE(WaitSeq(b.seq));
  EXPECT_EQ(a.ret, NRT_SUCCESS);
  EXPECT_EQ(b.ret, NRT_SUCCESS);
}
