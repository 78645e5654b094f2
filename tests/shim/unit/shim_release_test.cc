// Deferred release: nrt_tensor_free / nrt_destroy_tensor_set under a pending execution return at once, and the
// release happens when it retires (no leak: ASan checks, and the core's memory use shows it).
#include <functional>

#include "shim_test_util.h"

using namespace nrtest;
using namespace shimtest;

TEST(ShimRelease, FreeUnderAPendingExecutionReturnsAtOnceAndReleasesLater) {
  HoldGate gate;
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=compute,lnc=0,nth=1"));
  EnableImplicit(3);
  NRTEST_INIT(rt);
  CallbackLog log;
  ASSERT_EQ(log.Register(), NRT_SUCCESS);
  Model model("async_scale", 0);
  ASSERT_EQ(model.status(), NRT_SUCCESS);
  const size_t base = DeviceBytesUsed(0);
  nrt_tensor_t* x = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, kModelBytes, "x");
  nrt_tensor_t* y = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, kModelBytes, "y");
  nrt_tensor_set_t *in = nullptr, *out = nullptr;
  ASSERT_EQ(nrt_allocate_tensor_set(&in), NRT_SUCCESS);
  ASSERT_EQ(nrt_allocate_tensor_set(&out), NRT_SUCCESS);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(in, "x", x), NRT_SUCCESS);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(out, "y", y), NRT_SUCCESS);
  const size_t with_tensors = DeviceBytesUsed(0);
  ASSERT_GT(with_tensors, base);
  ASSERT_EQ(nrt_execute(model, in, out), NRT_SUCCESS);
  ASSERT_TRUE(gate.WaitHolding());
  // All four return while the execution is held (waiting would hang the test), and clear the handles.
  nrt_destroy_tensor_set(&in);
  nrt_destroy_tensor_set(&out);
  nrt_tensor_free(&x);
  nrt_tensor_free(&y);
  EXPECT_EQ(in, nullptr);
  EXPECT_EQ(x, nullptr);
  EXPECT_EQ(DeviceBytesUsed(0), with_tensors) << "freed under a pending execution";
  gate.Release();
  ASSERT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
  EXPECT_EQ(DeviceBytesUsed(0), base) << "the deferred free never happened";
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log.calls()[0].status, NRT_SUCCESS);
}

// The wrapper pattern that made this matter: a tensor set per call, destroyed right after nrt_execute.
TEST(ShimRelease, PerCallTensorSetsDoNotSerialise) {
  HoldGate gate;
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=compute,lnc=0"));
  EnableImplicit(4);
  NRTEST_INIT(rt);
  CallbackLog log;
  ASSERT_EQ(log.Register(), NRT_SUCCESS);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  for (int i = 0; i < 4; ++i) {
    nrt_tensor_set_t *in = nullptr, *out = nullptr;
    ASSERT_EQ(nrt_allocate_tensor_set(&in), NRT_SUCCESS);
    ASSERT_EQ(nrt_allocate_tensor_set(&out), NRT_SUCCESS);
    ASSERT_EQ(nrt_add_tensor_to_tensor_set(in, "x", m.x), NRT_SUCCESS);
    ASSERT_EQ(nrt_add_tensor_to_tensor_set(out, "y", m.y), NRT_SUCCESS);
    ASSERT_EQ(nrt_execute(m.m, in, out), NRT_SUCCESS);
    nrt_destroy_tensor_set(&in);  // every request is held: these return without waiting
    nrt_destroy_tensor_set(&out);
  }
  EXPECT_EQ(log.size(), 0u);
  gate.Release();
  ASSERT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
  auto calls = log.calls();
  ASSERT_EQ(calls.size(), 4u);
  for (const auto& c : calls) EXPECT_EQ(c.status, NRT_SUCCESS);
  EXPECT_EQ(ReadFloats(m.y), ScaleRef(Iota(0)));
}

// To the program a deferred-freed handle is gone, as it would be without the shim: calls naming it get
// NRT_INVALID with one line, and a set naming it cannot be executed.
TEST(ShimRelease, DeferredFreedHandlesAreInvalidToTheProgram) {
  HoldGate gate;
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=compute,lnc=0,nth=1"));
  EnableImplicit(3);
  NRTEST_INIT(rt);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);
  ASSERT_TRUE(gate.WaitHolding());
  nrt_tensor_t* x = m.x.get();
  nrt_tensor_t* freed = x;
  nrt_tensor_free(&x);  // deferred: the held execution reads it
  float buf[4] = {};
  struct Case {
    const char* function;
    std::function<NRT_STATUS()> call;
  };
  std::vector<Case> cases = {
      {"nrt_tensor_read", [&] { return nrt_tensor_read(freed, buf, 0, sizeof(buf)); }},
      {"nrt_tensor_write", [&] { return nrt_tensor_write(freed, buf, 0, sizeof(buf)); }},
      {"nrt_tensor_memset", [&] { return nrt_tensor_memset(freed, 0, 0, sizeof(buf)); }},
      {"nrt_tensor_copy", [&] { return nrt_tensor_copy(freed, 0, m.y, 0, sizeof(buf)); }},
      {"nrt_tensor_check_output_completion", [&] { return nrt_tensor_check_output_completion(freed, 0, 0); }},
      {"nrt_add_tensor_to_tensor_set", [&] { return nrt_add_tensor_to_tensor_set(m.os, "z", freed); }},
      {"nrt_execute", [&] { return nrt_execute(m.m, m.is, m.os); }},  // its input set names the freed x
  };
  for (const Case& c : cases) {
    StderrCapture capture;
    EXPECT_EQ(c.call(), NRT_INVALID) << c.function;
    std::string err = capture.Stop();
    EXPECT_EQ(LinesWith(err, {c.function}).size(), 1u) << c.function << ":\n" << err;
  }
  gate.Release();
  ASSERT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
  m.x.Release();  // freed above
}
