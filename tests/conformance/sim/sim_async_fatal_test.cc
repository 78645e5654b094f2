// Fatal execution units (SPEC §2 "Errors / fatal errors"), driven by NRT_SIM_FAULTS action=fatal /
// action=hang and NEURON_RT_EXEC_TIMEOUT.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "nrtest.h"

using namespace nrtest;

namespace {

// Request 2 of lnc 0 tensor_op queue 0 is fatal; 4 writes of 20 ms each are queued at once.
class AsyncFatalInjected : public ::testing::Test {
 protected:
  void SetUp() override {
    SetEnv("NRT_SIM_FAULTS", "xu=tensor_op,lnc=0,queue=0,nth=2,action=fatal");
    SetEnv("NRT_SIM_DMA_LATENCY_US", "20000");
    rt_ = std::make_unique<Runtime>();
    ASSERT_EQ(rt_->status(), NRT_SUCCESS);
    t0_ = std::make_unique<Tensor>(0, 16);
    t1_ = std::make_unique<Tensor>(1, 16);
    for (auto& r : reqs_) ASSERT_EQ(nrta_tensor_write(*t0_, &v_, 0, 4, 0, 0, &r.ret, &r.seq), NRT_SUCCESS);
    ASSERT_TRUE(WaitSeq(reqs_[3].seq));
  }
  void TearDown() override {
    t0_.reset();
    t1_.reset();
    rt_.reset();
  }
  std::unique_ptr<Runtime> rt_;
  std::unique_ptr<Tensor> t0_, t1_;
  uint32_t v_ = 5;
  Req reqs_[4];
};

}  // namespace

TEST_F(AsyncFatalInjected, FatalRequestCompletesWithItsStatus) {
  EXPECT_EQ(reqs_[0].ret, NRT_SUCCESS);
  EXPECT_EQ(reqs_[1].ret, NRT_EXEC_HW_ERR_NC_UE) << "default status of action=fatal";
}

TEST_F(AsyncFatalInjected, QueuedRequestsAfterFatalCompleteUnrecoverable) {
  EXPECT_EQ(reqs_[2].ret, NRT_EXEC_UNIT_UNRECOVERABLE);
  EXPECT_EQ(reqs_[3].ret, NRT_EXEC_UNIT_UNRECOVERABLE);
  EXPECT_EQ(CompletedNum(0, NRTA_XU_TENSOR_OP, 0), 4u);
}

TEST_F(AsyncFatalInjected, LaterSchedulesReturnUnrecoverable) {
  Req r;
  uint32_t buf = 0;
  Tensor other(0, 16);
  EXPECT_EQ(nrta_tensor_write(*t0_, &v_, 0, 4, 0, 0, &r.ret, &r.seq), NRT_EXEC_UNIT_UNRECOVERABLE);
  EXPECT_EQ(nrta_tensor_read(&buf, *t0_, 0, 4, 0, 0, &r.ret, &r.seq), NRT_EXEC_UNIT_UNRECOVERABLE);
  EXPECT_EQ(nrta_tensor_copy(*t0_, 0, other, 0, 4, 0, 0, &r.ret, &r.seq), NRT_EXEC_UNIT_UNRECOVERABLE);
  EXPECT_EQ(r.ret, kSentinelStatus);
  EXPECT_EQ(r.seq, kSentinelSeq);
  SleepMs(30);
  EXPECT_EQ(nrta_tensor_write(*t0_, &v_, 0, 4, 0, 0, &r.ret, &r.seq), NRT_EXEC_UNIT_UNRECOVERABLE) << "it is permanent";
  // Queries on the unit keep working.
  EXPECT_EQ(CompletedNum(0, NRTA_XU_TENSOR_OP, 0), 4u);
}

TEST_F(AsyncFatalInjected, OtherUnitsKeepWorking) {
  Req a, b, c;
  ASSERT_EQ(nrta_tensor_write(*t0_, &v_, 0, 4, 0, 1, &a.ret, &a.seq), NRT_SUCCESS) << "other queue, same core";
  ASSERT_EQ(nrta_tensor_write(*t1_, &v_, 0, 4, 1, 0, &b.ret, &b.seq), NRT_SUCCESS) << "same queue, other core";
  Model m("async_scale", 0);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  Tensor x(0, kModelBytes), y(0, kModelBytes);
  auto in = Iota(1);
  ASSERT_EQ(nrt_tensor_write(x, in.data(), 0, kModelBytes), NRT_SUCCESS);
  TensorSet is, os;
  ASSERT_EQ(is.Add("x", x), NRT_SUCCESS);
  ASSERT_EQ(os.Add("y", y), NRT_SUCCESS);
  ASSERT_EQ(nrta_execute_schedule(m, is, os, 0, &c.ret, &c.seq), NRT_SUCCESS) << "compute on the same core";
  ASSERT_TRUE(WaitSeq(a.seq));
  ASSERT_TRUE(WaitSeq(b.seq));
  ASSERT_TRUE(WaitSeq(c.seq));
  EXPECT_EQ(a.ret, NRT_SUCCESS);
  EXPECT_EQ(b.ret, NRT_SUCCESS);
  EXPECT_EQ(c.ret, NRT_SUCCESS);
  EXPECT_EQ(ReadFloats(y), ScaleRef(in));
  EXPECT_EQ(nrt_execute(m, is, os), NRT_SUCCESS);
}

TEST(AsyncFatal, FatalWithExplicitStatus) {
  SetEnv("NRT_SIM_FAULTS", "xu=tensor_op,nth=1,action=fatal,status=NRT_EXEC_HW_ERR_HBM_UE");
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r;
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &r.ret, &r.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r.seq));
  EXPECT_EQ(r.ret, NRT_EXEC_HW_ERR_HBM_UE);
  Req r2;
  EXPECT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &r2.ret, &r2.seq), NRT_EXEC_UNIT_UNRECOVERABLE);
}

// action=hang: the request runs until NEURON_RT_EXEC_TIMEOUT, completes NRT_TIMEOUT, and the unit
// is fatal from then on.
TEST(AsyncFatal, HangTimesOutAndMakesTheUnitFatal) {
  SetEnv("NRT_SIM_FAULTS", "xu=tensor_op,lnc=0,queue=0,nth=1,action=hang");
  SetEnv("NEURON_RT_EXEC_TIMEOUT", "0.2");
  NRTEST_INIT(rt);
  Tensor t(0, 16), t1(1, 16);
  uint32_t v = 1;
  Req hung, queued;
  auto t0 = Clock::now();
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &hung.ret, &hung.seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &queued.ret, &queued.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(hung.seq));
  EXPECT_GE(SecondsSince(t0), 0.19) << "a hung request completed before the timeout";
  EXPECT_EQ(hung.ret, NRT_TIMEOUT);
  ASSERT_TRUE(WaitSeq(queued.seq));
  EXPECT_EQ(queued.ret, NRT_EXEC_UNIT_UNRECOVERABLE);
  Req later, other_q, other_lnc;
  EXPECT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &later.ret, &later.seq), NRT_EXEC_UNIT_UNRECOVERABLE);
  EXPECT_EQ(later.ret, kSentinelStatus);
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 1, &other_q.ret, &other_q.seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_tensor_write(t1, &v, 0, 4, 1, 0, &other_lnc.ret, &other_lnc.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(other_q.seq));
  ASSERT_TRUE(WaitSeq(other_lnc.seq));
  EXPECT_EQ(other_q.ret, NRT_SUCCESS);
  EXPECT_EQ(other_lnc.ret, NRT_SUCCESS);
}

// A request whose simulated time exceeds NEURON_RT_EXEC_TIMEOUT times out the same way.
TEST(AsyncFatal, ExecutionLongerThanTimeoutTimesOut) {
  SetEnv("NRT_SIM_EXEC_TIME_US", "600000000");  // 600 s: running it out would exceed the test's timeout
  SetEnv("NEURON_RT_EXEC_TIMEOUT", "0.15");
  NRTEST_INIT(rt);
  Model m("async_scale", 0);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  Tensor x(0, kModelBytes), y(0, kModelBytes);
  TensorSet is, os;
  ASSERT_EQ(is.Add("x", x), NRT_SUCCESS);
  ASSERT_EQ(os.Add("y", y), NRT_SUCCESS);
  Req r, queued, later;
  auto t0 = Clock::now();
  ASSERT_EQ(nrta_execute_schedule(m, is, os, 0, &r.ret, &r.seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_execute_schedule(m, is, os, 0, &queued.ret, &queued.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(queued.seq)) << "ran the simulated time instead of timing out";
  EXPECT_GE(SecondsSince(t0), 0.14);
  EXPECT_EQ(r.ret, NRT_TIMEOUT);
  EXPECT_EQ(queued.ret, NRT_EXEC_UNIT_UNRECOVERABLE);
  EXPECT_EQ(nrta_execute_schedule(m, is, os, 0, &later.ret, &later.seq), NRT_EXEC_UNIT_UNRECOVERABLE);
  // The tensor-op units of that core still work.
  Req w;
  std::vector<float> buf(kModelElems, 1.0f);
  ASSERT_EQ(nrta_tensor_write(x, buf.data(), 0, kModelBytes, 0, 0, &w.ret, &w.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(w.seq));
  EXPECT_EQ(w.ret, NRT_SUCCESS);
}

// A fatal compute unit: executions on it fail, synchronous nrt_execute included; other cores' compute
// units and the core's tensor-op units keep working.
TEST(AsyncFatal, FatalComputeUnitRejectsScheduledAndSyncExecutions) {
  SetEnv("NRT_SIM_FAULTS", "xu=compute,lnc=0,nth=1,action=fatal");
  NRTEST_INIT(rt);
  Model m0("async_scale", 0), m1("async_scale", 1);
  ASSERT_EQ(m0.status(), NRT_SUCCESS);
  ASSERT_EQ(m1.status(), NRT_SUCCESS);
  Tensor x0(0, kModelBytes), y0(0, kModelBytes), x1(1, kModelBytes), y1(1, kModelBytes);
  TensorSet is0, os0, is1, os1;
  ASSERT_EQ(is0.Add("x", x0), NRT_SUCCESS);
  ASSERT_EQ(os0.Add("y", y0), NRT_SUCCESS);
  ASSERT_EQ(is1.Add("x", x1), NRT_SUCCESS);
  ASSERT_EQ(os1.Add("y", y1), NRT_SUCCESS);
  Req r, later, other;
  ASSERT_EQ(nrta_execute_schedule(m0, is0, os0, 0, &r.ret, &r.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r.seq));
  EXPECT_EQ(r.ret, NRT_EXEC_HW_ERR_NC_UE);
  EXPECT_EQ(nrta_execute_schedule(m0, is0, os0, 0, &later.ret, &later.seq), NRT_EXEC_UNIT_UNRECOVERABLE);
  EXPECT_EQ(nrt_execute(m0, is0, os0), NRT_EXEC_UNIT_UNRECOVERABLE);
  ASSERT_EQ(nrta_execute_schedule(m1, is1, os1, 0, &other.ret, &other.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(other.seq));
  EXPECT_EQ(other.ret, NRT_SUCCESS);
  EXPECT_EQ(nrt_execute(m1, is1, os1), NRT_SUCCESS);
  Req w;
  uint32_t v = 1;
  ASSERT_EQ(nrta_tensor_write(x0, &v, 0, 4, 0, 0, &w.ret, &w.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(w.seq));
  EXPECT_EQ(w.ret, NRT_SUCCESS);
}

// action=fail is not fatal: the next request on the unit runs normally.
TEST(AsyncFatal, NonFatalFailureDoesNotPoisonTheUnit) {
  SetEnv("NRT_SIM_FAULTS", "xu=tensor_op,nth=1,action=fail");
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req a, b;
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &a.ret, &a.seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &b.ret, &b.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(b.seq));
  EXPECT_EQ(a.ret, NRT_EXEC_COMPLETED_WITH_ERR);
  EXPECT_EQ(b.ret, NRT_SUCCESS);
  Req c;
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &c.ret, &c.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(c.seq));
  EXPECT_EQ(c.ret, NRT_SUCCESS);
}

// Registered eventfds are signalled for failed requests too (the fatal one and those drained with
// NRT_EXEC_UNIT_UNRECOVERABLE).
TEST(AsyncFatal, FailedRequestsAreSignalled) {
  SetEnv("NRT_SIM_FAULTS", "xu=tensor_op,lnc=0,queue=0,nth=1,action=fatal");
  SetEnv("NRT_SIM_DMA_LATENCY_US", "30000");
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req a, b;
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &a.ret, &a.seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &b.ret, &b.seq), NRT_SUCCESS);
  EventFd fa, fb, unit;
  ASSERT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 0, unit.fd()), NRT_SUCCESS);
  ASSERT_EQ(nrta_event_register_seq_id_completion(a.seq, fa.fd()), NRT_SUCCESS);
  ASSERT_EQ(nrta_event_register_seq_id_completion(b.seq, fb.fd()), NRT_SUCCESS);
  EXPECT_EQ(ReadEventFd(fa.fd(), 3000), 1u);
  EXPECT_EQ(ReadEventFd(fb.fd(), 3000), 1u);
  EXPECT_EQ(DrainEventFd(unit.fd(), 2, 3000), 2u);
  EXPECT_EQ(a.ret, NRT_EXEC_HW_ERR_NC_UE);
  EXPECT_EQ(b.ret, NRT_EXEC_UNIT_UNRECOVERABLE);
  ASSERT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 0, -1), NRT_SUCCESS);
}

// A synchronous nrt_execute running past NEURON_RT_EXEC_TIMEOUT returns NRT_TIMEOUT and leaves the
// compute unit fatal.
TEST(AsyncFatal, SyncExecuteLongerThanTimeoutReturnsTimeout) {
  SetEnv("NRT_SIM_EXEC_TIME_US", "600000000");  // 600 s: running it out would exceed the test's timeout
  SetEnv("NEURON_RT_EXEC_TIMEOUT", "0.1");
  NRTEST_INIT(rt);
  Model m("async_scale", 0);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  Tensor x(0, kModelBytes), y(0, kModelBytes);
  TensorSet is, os;
  ASSERT_EQ(is.Add("x", x), NRT_SUCCESS);
  ASSERT_EQ(os.Add("y", y), NRT_SUCCESS);
  EXPECT_EQ(nrt_execute(m, is, os), NRT_TIMEOUT);
  Req r;
  EXPECT_EQ(nrta_execute_schedule(m, is, os, 0, &r.ret, &r.seq), NRT_EXEC_UNIT_UNRECOVERABLE);
}

// Helper for AbortOnFatalAborts: runs a fatal request with NRT_SIM_ABORT_ON_FATAL=1.
TEST(AsyncFatalHelper, FatalRequestInChild) {
  if (getenv("NRTB_ASYNC_ABORT_CHILD") == nullptr)
    GTEST_SKIP() << "only runs as a child of AsyncFatal.AbortOnFatalAborts";
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r;
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &r.ret, &r.seq), NRT_SUCCESS);
  WaitSeq(r.seq, 3);
  // Reaching here means no abort: exit normally so the parent sees it.
}

TEST(AsyncFatal, AbortOnFatalAborts) {
  std::string err = TempPath("abort_stderr");
  ChildResult child = RunSelf(
      "AsyncFatalHelper.FatalRequestInChild",
      {"NRTB_ASYNC_ABORT_CHILD=1", "NRT_SIM_ABORT_ON_FATAL=1", "NRT_SIM_FAULTS=xu=tensor_op,nth=1,action=fatal"}, err);
  EXPECT_TRUE(child.Signaled(SIGABRT)) << child.Describe();
  std::string log = ReadText(err);
  EXPECT_NE(log.find(" ERROR "), std::string::npos) << "the fatal cause is logged at ERROR:\n" << log;
  std::remove(err.c_str());
}

// Without NRT_SIM_ABORT_ON_FATAL the same child exits normally, and the first cause is logged at ERROR.
TEST(AsyncFatal, FatalCauseIsLoggedWithoutAborting) {
  std::string err = TempPath("fatal_stderr");
  ChildResult child = RunSelf("AsyncFatalHelper.FatalRequestInChild",
                              {"NRTB_ASYNC_ABORT_CHILD=1", "NRT_SIM_FAULTS=xu=tensor_op,nth=1,action=fatal"}, err);
  EXPECT_TRUE(child.Succeeded()) << child.Describe();
  std::string log = ReadText(err);
  EXPECT_NE(log.find(" ERROR "), std::string::npos) << log;
  std::remove(err.c_str());
}
