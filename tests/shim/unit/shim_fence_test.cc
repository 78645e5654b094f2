// Storage fences (SPEC §3): host reads wait for pending writers, host writes for every pending user; slices
// share their parent's fence; read/write_batch unless unsafe. Each test holds one execution of async_scale
// (y = 2x + 1) and shows the host operation saw the storage as if the execution had already run.
#include "shim_test_util.h"

using namespace nrtest;
using namespace shimtest;

namespace {

// Implicit mode with the first compute request of core 0 held, a runtime and an async_scale model.
struct HeldExecution {
  HeldExecution() {
    SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=compute,lnc=0,nth=1"));
    EnableImplicit(3);
  }
  void Start(AsyncModel& m) {
    ASSERT_EQ(m.m.status(), NRT_SUCCESS);
    ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);
  }
  HoldGate gate;
};

std::vector<float> Floats(nrt_tensor_t* t, size_t n, size_t offset = 0) {
  std::vector<float> v(n, -1.0f);
  EXPECT_EQ(nrt_tensor_read(t, v.data(), offset, n * sizeof(float)), NRT_SUCCESS);
  return v;
}

}  // namespace

TEST(ShimFence, ReadWaitsForThePendingWriter) {
  HeldExecution held;
  NRTEST_INIT(rt);
  AsyncModel m("async_scale", 0);
  held.Start(m);
  std::vector<float> got;
  EXPECT_TRUE(BlocksUntilRelease(held.gate, [&] { got = ReadFloats(m.y); }));
  EXPECT_EQ(got, ScaleRef(Iota(0)));  // the execution's output, not the stale zeros
}

TEST(ShimFence, ReadOfAnInputDoesNotWait) {
  HeldExecution held;
  NRTEST_INIT(rt);
  AsyncModel m("async_scale", 0);
  held.Start(m);
  ASSERT_TRUE(held.gate.WaitHolding());
  EXPECT_EQ(ReadFloats(m.x), Iota(0));  // returns while the execution is held (else the test times out)
  held.gate.Release();
}

TEST(ShimFence, WriteWaitsForThePendingReader) {
  HeldExecution held;
  NRTEST_INIT(rt);
  AsyncModel m("async_scale", 0);
  held.Start(m);
  const auto later = Iota(100);
  EXPECT_TRUE(BlocksUntilRelease(held.gate,
                                 [&] { EXPECT_EQ(nrt_tensor_write(m.x, later.data(), 0, kModelBytes), NRT_SUCCESS); }));
  ASSERT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
  EXPECT_EQ(ReadFloats(m.y), ScaleRef(Iota(0)));  // the execution read x before the write landed
  EXPECT_EQ(ReadFloats(m.x), later);
}

TEST(ShimFence, WriteWaitsForThePendingWriter) {
  HeldExecution held;
  NRTEST_INIT(rt);
  AsyncModel m("async_scale", 0);
  held.Start(m);
  const auto mine = Iota(500);
  EXPECT_TRUE(BlocksUntilRelease(held.gate,
                                 [&] { EXPECT_EQ(nrt_tensor_write(m.y, mine.data(), 0, kModelBytes), NRT_SUCCESS); }));
  EXPECT_EQ(ReadFloats(m.y), mine);  // the host's write came after the execution's
}

TEST(ShimFence, MemsetWaitsForThePendingReader) {
  HeldExecution held;
  NRTEST_INIT(rt);
  AsyncModel m("async_scale", 0);
  held.Start(m);
  EXPECT_TRUE(
      BlocksUntilRelease(held.gate, [&] { EXPECT_EQ(nrt_tensor_memset(m.x, 0, 0, kModelBytes), NRT_SUCCESS); }));
  ASSERT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
  EXPECT_EQ(ReadFloats(m.y), ScaleRef(Iota(0)));
}

TEST(ShimFence, CopyDestinationWaitsForThePendingReader) {
  HeldExecution held;
  NRTEST_INIT(rt);
  AsyncModel m("async_scale", 0);
  Tensor z(0, kModelBytes, "z");
  WriteAll(z.get(), Iota(50));
  held.Start(m);
  EXPECT_TRUE(
      BlocksUntilRelease(held.gate, [&] { EXPECT_EQ(nrt_tensor_copy(z, 0, m.x, 0, kModelBytes), NRT_SUCCESS); }));
  ASSERT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
  EXPECT_EQ(ReadFloats(m.y), ScaleRef(Iota(0)));
}

TEST(ShimFence, CopySourceWaitsForThePendingWriter) {
  HeldExecution held;
  NRTEST_INIT(rt);
  AsyncModel m("async_scale", 0);
  Tensor z(0, kModelBytes, "z");
  held.Start(m);
  EXPECT_TRUE(
      BlocksUntilRelease(held.gate, [&] { EXPECT_EQ(nrt_tensor_copy(m.y, 0, z, 0, kModelBytes), NRT_SUCCESS); }));
  EXPECT_EQ(ReadFloats(z), ScaleRef(Iota(0)));
}

TEST(ShimFence, SliceOfAnOutputSharesItsFence) {
  HeldExecution held;
  NRTEST_INIT(rt);
  AsyncModel m("async_scale", 0);
  nrt_tensor_t* slice = nullptr;
  ASSERT_EQ(nrt_tensor_allocate_slice(m.y, 16 * sizeof(float), 8 * sizeof(float), "y_part", &slice), NRT_SUCCESS);
  held.Start(m);
  std::vector<float> got;
  EXPECT_TRUE(BlocksUntilRelease(held.gate, [&] { got = Floats(slice, 8); }));
  const auto ref = ScaleRef(Iota(0));
  EXPECT_EQ(got, std::vector<float>(ref.begin() + 16, ref.begin() + 24));
  nrt_tensor_free(&slice);
}

TEST(ShimFence, WriteToASliceOfAnInputWaits) {
  HeldExecution held;
  NRTEST_INIT(rt);
  AsyncModel m("async_scale", 0);
  nrt_tensor_t* slice = nullptr;
  ASSERT_EQ(nrt_tensor_allocate_slice(m.x, 0, 4 * sizeof(float), "x_head", &slice), NRT_SUCCESS);
  held.Start(m);
  const std::vector<float> ones(4, 1000.0f);
  EXPECT_TRUE(BlocksUntilRelease(
      held.gate, [&] { EXPECT_EQ(nrt_tensor_write(slice, ones.data(), 0, 4 * sizeof(float)), NRT_SUCCESS); }));
  ASSERT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
  EXPECT_EQ(ReadFloats(m.y), ScaleRef(Iota(0)));
  nrt_tensor_free(&slice);
}

TEST(ShimFence, ReadBatchWaitsUnlessUnsafe) {
  HeldExecution held;
  NRTEST_INIT(rt);
  AsyncModel m("async_scale", 0);
  held.Start(m);
  ASSERT_TRUE(held.gate.WaitHolding());
  std::vector<float> stale(kModelElems, -1.0f), fresh(kModelElems, -1.0f);
  nrt_tensor_batch_op_t stale_op{0, kModelBytes, stale.data()};
  nrt_tensor_batch_t stale_batch{m.y, &stale_op, 1};
  // unsafe = true skips the fence: it reads now, before the held execution wrote anything.
  ASSERT_EQ(nrt_tensor_read_batch(&stale_batch, 1, /*unsafe=*/true), NRT_SUCCESS);
  EXPECT_NE(stale, ScaleRef(Iota(0)));
  nrt_tensor_batch_op_t fresh_op{0, kModelBytes, fresh.data()};
  nrt_tensor_batch_t fresh_batch{m.y, &fresh_op, 1};
  EXPECT_TRUE(
      BlocksUntilRelease(held.gate, [&] { EXPECT_EQ(nrt_tensor_read_batch(&fresh_batch, 1, false), NRT_SUCCESS); }));
  EXPECT_EQ(fresh, ScaleRef(Iota(0)));
}

TEST(ShimFence, WriteBatchWaitsForThePendingReader) {
  HeldExecution held;
  NRTEST_INIT(rt);
  AsyncModel m("async_scale", 0);
  held.Start(m);
  auto later = Iota(100);
  nrt_tensor_batch_op_t op{0, kModelBytes, later.data()};
  nrt_tensor_batch_t batch{m.x, &op, 1};
  EXPECT_TRUE(BlocksUntilRelease(held.gate, [&] { EXPECT_EQ(nrt_tensor_write_batch(&batch, 1, false), NRT_SUCCESS); }));
  ASSERT_EQ(nrt_async_drain_queued_execs(0), NRT_SUCCESS);
  EXPECT_EQ(ReadFloats(m.y), ScaleRef(Iota(0)));
}

// A read that waited for the writer sees the writer's completion count too (the count is bumped before the
// fence opens).
TEST(ShimFence, ReadAfterTheWriterSeesItsCompletionCount) {
  EnableImplicit(3);
  SetEnv("NRT_SIM_EXEC_TIME_US", "200");
  NRTEST_INIT(rt);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  for (uint64_t n = 1; n <= 50; ++n) {
    ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);
    ReadFloats(m.y);
    ASSERT_EQ(nrt_tensor_check_output_completion(m.y, 0, n), NRT_SUCCESS) << n;
  }
}
