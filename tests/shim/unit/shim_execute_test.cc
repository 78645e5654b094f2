// Implicit mode's nrt_execute: returns once scheduled, blocks at N in flight, absorbs NRT_QUEUE_FULL, rejects
// host tensors, nrt_execute_repeat, many threads.
#include <atomic>
#include <functional>
#include <thread>

#include "shim_test_util.h"

using namespace nrtest;
using namespace shimtest;

TEST(ShimExecute, ReturnsWhileTheRequestIsStillPending) {
  HoldGate gate;
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=compute,lnc=0,nth=1"));
  EnableImplicit(3);
  NRTEST_INIT(rt);
  CallbackLog log;
  ASSERT_EQ(log.Register(), NRT_SUCCESS);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  // The request is held by the simulator: a synchronous nrt_execute could not return here.
  ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);
  ASSERT_TRUE(gate.WaitHolding());
  EXPECT_EQ(log.size(), 0u);
  gate.Release();
  ASSERT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
  EXPECT_EQ(log.size(), 1u);
  EXPECT_EQ(ReadFloats(m.y), ScaleRef(Iota(0)));
}

TEST(ShimExecute, BlocksWhileNRequestsOfTheCoreAreInFlight) {
  HoldGate gate;
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=compute,lnc=0"));
  EnableImplicit(2);
  NRTEST_INIT(rt);
  CallbackLog log;
  ASSERT_EQ(log.Register(), NRT_SUCCESS);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);
  EXPECT_TRUE(BlocksUntilRelease(gate, [&] { EXPECT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS); }))
      << "a third nrt_execute returned while 2 were in flight with N = 2";
  ASSERT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
  EXPECT_EQ(log.size(), 3u);
}

TEST(ShimExecute, QueueFullIsAbsorbedNeverReturned) {
  SetEnv("NRT_SIM_QUEUE_DEPTH", "1");
  SetEnv("NRT_SIM_EXEC_TIME_US", "300");
  EnableImplicit(8);  // far above the runtime's queue of 1
  NRTEST_INIT(rt);
  CallbackLog log;
  ASSERT_EQ(log.Register(), NRT_SUCCESS);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  for (int i = 0; i < 20; ++i) ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS) << i;
  ASSERT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
  auto calls = log.calls();
  ASSERT_EQ(calls.size(), 20u);
  for (const auto& c : calls) EXPECT_EQ(c.status, NRT_SUCCESS);
}

TEST(ShimExecute, QueueFullWaitsForTheHeldRequest) {
  HoldGate gate;
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=compute,lnc=0,nth=1"));
  SetEnv("NRT_SIM_QUEUE_DEPTH", "1");
  EnableImplicit(8);
  NRTEST_INIT(rt);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);
  // The runtime's queue (depth 1) is full: the second call waits instead of returning NRT_QUEUE_FULL.
  EXPECT_TRUE(BlocksUntilRelease(gate, [&] { EXPECT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS); }));
  ASSERT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
}

TEST(ShimExecute, HostPlacedTensorsAreRejectedWithTheLegacyLogLine) {
  EnableImplicit(3);
  NRTEST_INIT(rt);
  Model model("async_scale", 0);
  ASSERT_EQ(model.status(), NRT_SUCCESS);
  ModelIo io(model, 0, NRT_TENSOR_PLACEMENT_HOST);
  StderrCapture capture;
  EXPECT_EQ(nrt_execute(model, io.inputs, io.outputs), NRT_INVALID);
  std::string err = capture.Stop();
  EXPECT_EQ(LinesWith(err, {"nrt-implicit-async", "nrt_execute",
                            "Async exec mode only supports device allocated "
                            "tensors"})
                .size(),
            1u)
      << err;
}

TEST(ShimExecute, RepeatOfOneIsAsynchronousToo) {
  HoldGate gate;
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=compute,lnc=0,nth=1"));
  EnableImplicit(2);
  NRTEST_INIT(rt);
  CallbackLog log;
  ASSERT_EQ(log.Register(), NRT_SUCCESS);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute_repeat(m.m, m.is, m.os, 1), NRT_SUCCESS);
  ASSERT_TRUE(gate.WaitHolding());  // returned while held
  gate.Release();
  ASSERT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
  EXPECT_EQ(log.size(), 1u);
}

TEST(ShimExecute, ManyThreadsShareTheWindow) {
  EnableImplicit(4);
  SetEnv("NRT_SIM_EXEC_TIME_US", "100");
  NRTEST_INIT(rt);
  CallbackLog log;
  ASSERT_EQ(log.Register(), NRT_SUCCESS);
  Model model("async_scale", 0);
  ASSERT_EQ(model.status(), NRT_SUCCESS);
  constexpr int kThreads = 4, kRuns = 25;
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Tensor x(0, kModelBytes, "x"), y(0, kModelBytes, "y");
      TensorSet in, out;
      in.Add("x", x);
      out.Add("y", y);
      const auto input = Iota(static_cast<float>(100 * t));
      for (int i = 0; i < kRuns; ++i) {
        if (nrt_tensor_write(x, input.data(), 0, kModelBytes) != NRT_SUCCESS) ++wrong;
        if (nrt_execute(model, in, out) != NRT_SUCCESS) ++wrong;
      }
      // The read waits for this thread's last execution (its writer).
      if (ReadFloats(y) != ScaleRef(input)) ++wrong;
      nrt_async_drain_queued_execs(0);
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
  EXPECT_EQ(wrong.load(), 0);
  auto calls = log.calls();
  ASSERT_EQ(calls.size(), static_cast<size_t>(kThreads * kRuns));
  for (size_t i = 0; i < calls.size(); ++i) EXPECT_EQ(calls[i].job_id, i + 1) << "callbacks out of order";
}

TEST(ShimExecute, BadHandlesGetTheRuntimesSingleLogLine) {
  HoldGate gate;
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=compute,lnc=0,nth=1"));
  EnableImplicit(3);
  NRTEST_INIT(rt);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  Model gone("async_scale", 0);
  ASSERT_EQ(gone.status(), NRT_SUCCESS);
  nrt_model_t* stale = gone.get();
  Tensor idle(0, kModelBytes, "idle");
  ASSERT_EQ(gone.Unload(), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);  // held: fences are pending during the bad calls
  ASSERT_TRUE(gate.WaitHolding());
  struct Case {
    const char* function;
    std::function<NRT_STATUS()> call;
  };
  float buf[4];
  nrt_tensor_batch_op_t op{0, sizeof(buf), buf};
  nrt_tensor_batch_t batch{m.y, &op, 1};
  std::vector<Case> cases = {
      {"nrt_execute", [&] { return nrt_execute(stale, m.is, m.os); }},
      {"nrt_execute", [&] { return nrt_execute(nullptr, m.is, m.os); }},
      {"nrt_execute", [&] { return nrt_execute(m.m, nullptr, m.os); }},
      {"nrt_unload", [&] { return nrt_unload(stale); }},
      {"nrt_tensor_read", [&] { return nrt_tensor_read(nullptr, nullptr, 0, 4); }},
      {"nrt_tensor_write", [&] { return nrt_tensor_write(idle, nullptr, 0, 4); }},
      // One batch, claimed to be 2^40: the runtime refuses the count before reading any; so must the fence.
      {"nrt_tensor_read_batch", [&] { return nrt_tensor_read_batch(&batch, uint64_t{1} << 40, false); }},
  };
  for (const Case& c : cases) {
    StderrCapture capture;
    EXPECT_NE(c.call(), NRT_SUCCESS) << c.function;
    std::string err = capture.Stop();
    EXPECT_EQ(LinesWith(err, {""}).size(), 1u) << c.function << ":\n" << err;
    EXPECT_EQ(LinesWith(err, {c.function}).size(), 1u) << err;
  }
  gate.Release();
}
