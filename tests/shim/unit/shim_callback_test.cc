// nrt_register_async_exec_callback in implicit mode: once per execution, in completion order per core, from a
// thread of the shim's, with params, model_id, vnc, a per-core increasing job_id and the execution's status;
// injected faults and fatal units reach it; the default logs failures.
#include <atomic>

#include "shim_test_util.h"

using namespace nrtest;
using namespace shimtest;

TEST(ShimCallback, OnceEachInOrderWithParamsJobIdsAndStatus) {
  EnableImplicit(3);
  NRTEST_INIT(rt);
  CallbackLog log;
  ASSERT_EQ(log.Register(), NRT_SUCCESS);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  for (int i = 0; i < 10; ++i) ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);
  ASSERT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
  auto calls = log.calls();
  ASSERT_EQ(calls.size(), 10u);
  for (size_t i = 0; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i].params, &log);
    EXPECT_EQ(calls[i].model_id, calls[0].model_id);
    EXPECT_EQ(calls[i].vnc, 0u);
    EXPECT_EQ(calls[i].job_id, i + 1);
    EXPECT_EQ(calls[i].status, NRT_SUCCESS);
    EXPECT_NE(calls[i].thread, std::this_thread::get_id()) << "called on the application's thread";
  }
}

TEST(ShimCallback, EachCoreCountsItsOwnJobs) {
  EnableImplicit(3);
  NRTEST_INIT(rt);
  uint32_t cores = 0;
  ASSERT_EQ(nrt_get_visible_vnc_count(&cores), NRT_SUCCESS);
  if (cores < 2) GTEST_SKIP() << "needs two logical cores";
  CallbackLog log;
  ASSERT_EQ(log.Register(), NRT_SUCCESS);
  AsyncModel a("async_scale", 0), b("async_scale", 1);
  ASSERT_EQ(a.m.status(), NRT_SUCCESS);
  ASSERT_EQ(b.m.status(), NRT_SUCCESS);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(nrt_execute(a.m, a.is, a.os), NRT_SUCCESS);
    ASSERT_EQ(nrt_execute(b.m, b.is, b.os), NRT_SUCCESS);
  }
  ASSERT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
  ASSERT_EQ(nrt_async_drain_queued_execs(1), NRT_SUCCESS);
  std::vector<uint64_t> jobs[2];
  for (const auto& c : log.calls()) {
    ASSERT_LT(c.vnc, 2u);
    jobs[c.vnc].push_back(c.job_id);
  }
  EXPECT_EQ(jobs[0], (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(jobs[1], (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(ReadFloats(b.y), ScaleRef(Iota(0)));
}

TEST(ShimCallback, RegisteringAgainReplaces) {
  EnableImplicit(3);
  NRTEST_INIT(rt);
  CallbackLog first, second;
  ASSERT_EQ(first.Register(), NRT_SUCCESS);
  ASSERT_EQ(second.Register(), NRT_SUCCESS);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);
  ASSERT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
  EXPECT_EQ(first.size(), 0u);
  EXPECT_EQ(second.size(), 1u);
}

TEST(ShimCallback, InjectedFaultReachesTheCallbackNotNrtExecute) {
  SetEnv("NRT_SIM_FAULTS", "xu=compute,lnc=0,nth=2,status=NRT_EXEC_BAD_INPUT");
  EnableImplicit(3);
  NRTEST_INIT(rt);
  CallbackLog log;
  ASSERT_EQ(log.Register(), NRT_SUCCESS);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS) << i;
  ASSERT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
  auto calls = log.calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].status, NRT_SUCCESS);
  EXPECT_EQ(calls[1].status, NRT_EXEC_BAD_INPUT);
  EXPECT_EQ(calls[2].status, NRT_SUCCESS);
}

TEST(ShimCallback, DefaultLogsFailedExecutions) {
  SetEnv("NRT_SIM_FAULTS", "xu=compute,lnc=0,nth=2,status=NRT_EXEC_COMPLETED_WITH_NUM_ERR");
  EnableImplicit(3);
  NRTEST_INIT(rt);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  StderrCapture capture;
  for (int i = 0; i < 3; ++i) ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);
  ASSERT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
  std::string err = capture.Stop();
  EXPECT_EQ(LinesWith(err, {"nrt-implicit-async", "execution 2 ", "failed", "1003"}).size(), 1u) << err;
  EXPECT_EQ(LinesWith(err, {"nrt-implicit-async", "failed"}).size(), 1u) << err;
}

TEST(ShimCallback, FatalUnitMakesLaterExecutesUnrecoverable) {
  SetEnv("NRT_SIM_FAULTS", "xu=compute,lnc=0,nth=1,action=fatal");
  EnableImplicit(3);
  NRTEST_INIT(rt);
  CallbackLog log;
  ASSERT_EQ(log.Register(), NRT_SUCCESS);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);  // its own error goes to the callback
  ASSERT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_NE(log.calls()[0].status, NRT_SUCCESS);
  EXPECT_EQ(nrt_execute(m.m, m.is, m.os), NRT_EXEC_UNIT_UNRECOVERABLE);
  EXPECT_EQ(nrt_execute(m.m, m.is, m.os), NRT_EXEC_UNIT_UNRECOVERABLE);
}

namespace {
// A callback that reads the output its execution wrote (legacy completion handlers do).
struct ReadingCallback {
  nrt_tensor_t* y = nullptr;
  std::atomic<int> calls{0};
  std::vector<float> first;
  static void Run(void* params, uint32_t, uint32_t, uint64_t, NRT_STATUS) {
    auto* self = static_cast<ReadingCallback*>(params);
    if (self->calls.load() == 0) self->first = ReadFloats(self->y);
    ++self->calls;
  }
};
}  // namespace

TEST(ShimCallback, CallbackReadingAnOutputDoesNotWaitForLaterExecutions) {
  HoldGate gate;
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=compute,lnc=0,nth=2"));
  EnableImplicit(3);
  NRTEST_INIT(rt);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  ReadingCallback cb;
  cb.y = m.y;
  ASSERT_EQ(nrt_register_async_exec_callback(&ReadingCallback::Run, &cb), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);  // held, and it writes y too
  // The first callback returns although the second execution (a pending writer of y) cannot complete yet:
  // only its retire thread could retire it.
  EXPECT_TRUE(WaitUntil([&] { return cb.calls.load() == 1; }, kGenerousTimeoutS));
  EXPECT_EQ(cb.first, ScaleRef(Iota(0)));
  gate.Release();
  ASSERT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
  EXPECT_EQ(cb.calls.load(), 2);
}

TEST(ShimCallback, DrainFromTheCallbackFailsInsteadOfWaitingForItself) {
  EnableImplicit(3);
  NRTEST_INIT(rt);
  static std::atomic<int> drain_status{-1};
  ASSERT_EQ(nrt_register_async_exec_callback(
                [](void*, uint32_t, uint32_t vnc, uint64_t, NRT_STATUS) {
                  drain_status = nrt_async_drain_queued_execs(static_cast<int32_t>(vnc));
                },
                nullptr),
            NRT_SUCCESS);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  StderrCapture capture;
  ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);
  ASSERT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
  std::string err = capture.Stop();
  EXPECT_EQ(drain_status.load(), NRT_FAILURE);
  EXPECT_EQ(LinesWith(err, {"nrt-implicit-async", "nrt_async_drain_queued_execs", "completion callback"}).size(), 1u)
      << err;
}
