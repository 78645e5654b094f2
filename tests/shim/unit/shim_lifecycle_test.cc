// Drain, unload and close drain first; output-completion counters; the variable (forwarding, garbage, clamp,
// hidden from the runtime but inherited); trace; fork; a library calling nrt_* from its constructor; binding.
#include <atomic>
#include <cstdio>
#include <thread>

#include "shim_test_util.h"

using namespace nrtest;
using namespace shimtest;

TEST(ShimDrain, DrainWaitsForEveryQueuedExecution) {
  HoldGate gate;
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=compute,lnc=0"));
  EnableImplicit(3);
  NRTEST_INIT(rt);
  CallbackLog log;
  ASSERT_EQ(log.Register(), NRT_SUCCESS);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);
  EXPECT_TRUE(BlocksUntilRelease(gate, [&] { EXPECT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS); }));
  EXPECT_EQ(log.size(), 3u);  // drain returned after every callback
}

TEST(ShimDrain, DrainOfABadCoreIsTheRuntimesAnswer) {
  EnableImplicit(3);
  NRTEST_INIT(rt);
  EXPECT_EQ(nrt_async_drain_queued_execs(-1), NRT_INVALID);
  EXPECT_EQ(nrt_async_drain_queued_execs(100000), NRT_INVALID);
}

TEST(ShimDrain, UnloadDrainsFirst) {
  HoldGate gate;
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=compute,lnc=0"));
  EnableImplicit(3);
  NRTEST_INIT(rt);
  CallbackLog log;
  ASSERT_EQ(log.Register(), NRT_SUCCESS);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  for (int i = 0; i < 2; ++i) ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);
  EXPECT_TRUE(BlocksUntilRelease(gate, [&] { EXPECT_EQ(m.m.Unload(), NRT_SUCCESS); }));
  EXPECT_EQ(log.size(), 2u);
}

TEST(ShimDrain, CloseDrainsFirst) {
  HoldGate gate;
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=compute,lnc=0"));
  EnableImplicit(3);
  CallbackLog log;
  ASSERT_EQ(log.Register(), NRT_SUCCESS);
  NRTEST_INIT(rt);
  AsyncModel m("async_scale", 0);  // its destructor's calls after close get the runtime's NRT_CLOSED
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  for (int i = 0; i < 2; ++i) ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);
  EXPECT_TRUE(BlocksUntilRelease(gate, [&] { rt.Close(); }));
  EXPECT_EQ(log.size(), 2u);
}

TEST(ShimOutputCompletion, CountsAsyncCompletionsWithMicrosecondTimeouts) {
  EnableImplicit(3);
  NRTEST_INIT(rt);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);
  EXPECT_EQ(nrt_tensor_check_output_completion(m.y, -1, 3), NRT_SUCCESS);
  EXPECT_EQ(ReadFloats(m.y), ScaleRef(Iota(0)));
  EXPECT_EQ(nrt_tensor_check_output_completion(m.y, 2000, 4), NRT_TIMEOUT);
  EXPECT_EQ(nrt_tensor_reset_output_completion(m.y), NRT_SUCCESS);
  EXPECT_EQ(nrt_tensor_check_output_completion(m.y, 0, 1), NRT_TIMEOUT);
  EXPECT_EQ(nrt_tensor_check_output_completion(m.y, 0, 0), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);
  EXPECT_EQ(nrt_tensor_check_output_completion(m.y, 30000000, 1), NRT_SUCCESS);
  EXPECT_EQ(nrt_tensor_check_output_completion(nullptr, 0, 0), NRT_INVALID);
}

TEST(ShimConfigEnv, UnsetVariableForwardsSynchronously) {
  UnsetEnv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS");
  NRTEST_INIT(rt);
  CallbackLog log;
  ASSERT_EQ(log.Register(), NRT_SUCCESS);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);
  EXPECT_EQ(ReadFloats(m.y), ScaleRef(Iota(0)));  // done when nrt_execute returned
  ASSERT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
  EXPECT_EQ(log.size(), 0u);  // synchronous, as our runtime: the callback never runs
}

TEST(ShimConfigEnv, UnsetVariableKeepsSynchronousErrors) {
  SetEnv("NRT_SIM_FAULTS", "xu=compute,lnc=0,nth=1,status=NRT_EXEC_BAD_INPUT");
  SetEnv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS", "0");
  NRTEST_INIT(rt);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  EXPECT_EQ(nrt_execute(m.m, m.is, m.os), NRT_EXEC_BAD_INPUT);
}

TEST(ShimConfigEnv, GarbageValueLogsOneLineAndForwards) {
  SetEnv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS", "three");
  StderrCapture capture;
  NRTEST_INIT(rt);
  std::string err = capture.Stop();
  EXPECT_EQ(LinesWith(err, {"nrt-implicit-async", "nrt_init", "invalid", "\"three\""}).size(), 1u) << err;
  CallbackLog log;
  ASSERT_EQ(log.Register(), NRT_SUCCESS);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);
  EXPECT_EQ(log.size(), 0u);
}

TEST(ShimConfigEnv, AboveTheCapIsClampedWithOneLine) {
  SetEnv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS", "100");
  StderrCapture capture;
  NRTEST_INIT(rt);
  std::string err = capture.Stop();
  EXPECT_EQ(LinesWith(err, {"nrt-implicit-async", "above the limit of 63"}).size(), 1u) << err;
  CallbackLog log;
  ASSERT_EQ(log.Register(), NRT_SUCCESS);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);
  ASSERT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
  EXPECT_EQ(log.size(), 1u);  // implicit mode is on
}

TEST(ShimConfigEnv, VariableHiddenFromTheRuntimeButInheritedByChildren) {
  EnableImplicit(3);
  StderrCapture capture;
  NRTEST_INIT(rt);
  std::string err = capture.Stop();
  // Our runtime warns (at the default level) whenever it sees the variable set.
  EXPECT_TRUE(LinesWith(err, {"NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS"}).empty()) << err;
  const char* v = std::getenv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS");
  ASSERT_NE(v, nullptr);
  EXPECT_STREQ(v, "3");
  FILE* child = popen("printf '%s' \"$NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS\"", "r");
  ASSERT_NE(child, nullptr);
  char buf[16] = {0};
  size_t n = fread(buf, 1, sizeof(buf) - 1, child);
  EXPECT_EQ(pclose(child), 0);
  EXPECT_EQ(std::string(buf, n), "3");
}

TEST(ShimTrace, LogsEveryCallWithArgumentsResultAndWait) {
  EnableImplicit(2);
  SetEnv("NRT_IMPLICIT_ASYNC_TRACE", "1");
  StderrCapture capture;
  {
    NRTEST_INIT(rt);
    AsyncModel m("async_scale", 0);
    ASSERT_EQ(m.m.status(), NRT_SUCCESS);
    ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);
    ReadFloats(m.y);
  }
  std::string err = capture.Stop();
  EXPECT_EQ(LinesWith(err, {"nrt-implicit-async: nrt_init(framework=1", "= NRT_SUCCESS (0)", "waited"}).size(), 1u)
      << err;
  EXPECT_EQ(
      LinesWith(err, {"nrt-implicit-async: nrt_execute(model=0x", "input_set=0x", "= NRT_SUCCESS (0)", " us, waited "})
          .size(),
      1u)
      << err;
  EXPECT_EQ(LinesWith(err, {"nrt-implicit-async: nrt_tensor_read(tensor=0x", "size=256)", "waited"}).size(), 1u) << err;
  EXPECT_EQ(LinesWith(err, {"nrt-implicit-async: nrt_unload(model=0x"}).size(), 1u) << err;
  EXPECT_EQ(LinesWith(err, {"nrt-implicit-async: nrt_close() = void"}).size(), 1u) << err;
}

TEST(ShimTrace, TracesWithImplicitModeOffToo) {
  UnsetEnv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS");
  SetEnv("NRT_IMPLICIT_ASYNC_TRACE", "1");
  StderrCapture capture;
  {
    NRTEST_INIT(rt);
    AsyncModel m("async_scale", 0);
    ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);
  }
  std::string err = capture.Stop();
  EXPECT_EQ(LinesWith(err, {"nrt-implicit-async: nrt_execute(model=0x", "= NRT_SUCCESS (0)"}).size(), 1u) << err;
}

TEST(ShimFork, ChildOfABusyParentNeverDeadlocks) {
  HoldGate gate;
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=compute,lnc=0,nth=1"));
  EnableImplicit(3);
  NRTEST_INIT(rt);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);
  ASSERT_TRUE(gate.WaitHolding());  // a retire thread is waiting, a request and its fences are pending
  ChildResult child = RunInFork([&] {
    // The runtime refuses a forked child of an initialised process; the shim must just pass that on.
    float buf[4];
    NRT_STATUS e = nrt_execute(m.m, m.is, m.os);
    NRT_STATUS r = nrt_tensor_read(m.y, buf, 0, sizeof(buf));
    NRT_STATUS d = nrt_async_drain_queued_execs(0);
    nrt_tensor_t* t = m.y.get();
    nrt_tensor_free(&t);
    return e != NRT_SUCCESS && r != NRT_SUCCESS && d != NRT_SUCCESS ? 0 : 1;
  });
  EXPECT_TRUE(child.Succeeded()) << child.Describe();
  gate.Release();
  ASSERT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
  EXPECT_EQ(ReadFloats(m.y), ScaleRef(Iota(0)));
}

TEST(ShimFork, ChildOfAnUninitialisedParentRearms) {
  EnableImplicit(2);
  CallbackLog log;
  ASSERT_EQ(log.Register(), NRT_SUCCESS);
  ChildResult child = RunInFork([&] {
    if (nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "") != NRT_SUCCESS) return 2;
    int rc = 0;
    {
      AsyncModel m("async_scale", 0);
      for (int i = 0; i < 3; ++i) rc |= nrt_execute(m.m, m.is, m.os) != NRT_SUCCESS ? 4 : 0;
      rc |= nrt_async_drain_queued_execs(0) != NRT_SUCCESS ? 8 : 0;
      rc |= log.size() != 3 ? 16 : 0;  // the registration made before fork carried over, async
      rc |= ReadFloats(m.y) != ScaleRef(Iota(0)) ? 32 : 0;
    }
    nrt_close();
    return rc;
  });
  EXPECT_TRUE(child.Succeeded()) << child.Describe();
}

TEST(ShimPreload, LibraryCallingNrtFromItsConstructor) {
  const std::string preload = std::string(NRTB_SHIM_LIBRARY_PATH) + " " + NRTB_SHIM_CTOR_CALLER_PATH;
  const std::string err = TempPath("ctor_err");
  ChildResult child = Spawn(NRTB_SHIM_BINDING_PROBE_PATH, {"ctor", ModelPath("async_scale")},
                            {"LD_PRELOAD=" + preload, "NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS=2"}, err);
  EXPECT_TRUE(child.Succeeded()) << child.Describe() << "\n" << ReadText(err);
}

TEST(ShimPreload, VersionedAndUnversionedReferencesBindToTheShim) {
  const std::string err = TempPath("bind_err");
  ChildResult child =
      Spawn(NRTB_SHIM_BINDING_PROBE_PATH, {"binding"}, {std::string("LD_PRELOAD=") + NRTB_SHIM_LIBRARY_PATH}, err);
  EXPECT_TRUE(child.Succeeded()) << child.Describe() << "\n" << ReadText(err);
  // Without the preload the same probe finds libnrt: the check can fail.
  ChildResult plain = Spawn(NRTB_SHIM_BINDING_PROBE_PATH, {"binding"}, {"LD_PRELOAD="}, err);
  EXPECT_TRUE(plain.Exited(1)) << plain.Describe();
}

TEST(ShimPreload, HandshakeWritesOneByte) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const std::string err = TempPath("hs_err");
  ChildResult child = Spawn(NRTB_SHIM_BINDING_PROBE_PATH, {"binding"},
                            {std::string("LD_PRELOAD=") + NRTB_SHIM_LIBRARY_PATH,
                             "NRT_IMPLICIT_ASYNC_HANDSHAKE_FD=" + std::to_string(fds[1])},
                            err);
  close(fds[1]);
  EXPECT_TRUE(child.Succeeded()) << child.Describe() << "\n" << ReadText(err);
  char buf[4];
  EXPECT_EQ(read(fds[0], buf, sizeof(buf)), 1);
  EXPECT_EQ(buf[0], '1');
  close(fds[0]);
}

// An execute loop racing nrt_close: close must not wait for a drain the loop keeps refilling; the loop's calls
// go to the runtime once close began and end with its NRT_CLOSED.
TEST(ShimDrain, CloseWhileAnotherThreadKeepsExecuting) {
  EnableImplicit(3);
  ASSERT_EQ(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_SUCCESS);
  Model model("async_scale", 0);
  ASSERT_EQ(model.status(), NRT_SUCCESS);
  nrt_model_t* m = model.get();
  std::atomic<int> successes{0}, last{-1};
  {
    ModelIo io(m, 0);
    std::thread runner([&] {
      for (;;) {
        NRT_STATUS s = nrt_execute(m, io.inputs, io.outputs);
        if (s != NRT_SUCCESS) {
          last = s;
          return;
        }
        ++successes;
      }
    });
    ASSERT_TRUE(WaitUntil([&] { return successes.load() > 10; }, kGenerousTimeoutS));
    nrt_close();
    runner.join();
  }
  EXPECT_EQ(last.load(), NRT_CLOSED);
}

TEST(ShimOutputCompletion, StaleTensorIsInvalid) {
  EnableImplicit(3);
  NRTEST_INIT(rt);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 8);
  nrt_tensor_t* stale = t;
  nrt_tensor_free(&t);
  EXPECT_EQ(nrt_tensor_check_output_completion(stale, 0, 0), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_reset_output_completion(stale), NRT_INVALID);
}
