// Object lifetimes while requests are in flight (SPEC §2 "What the application must synchronize";
// semantics: tensors, sets and models are kept alive by the requests that use them).
#include <memory>
#include <vector>

#include "nrtest.h"

using namespace nrtest;

// Freeing the source of a queued copy: the copy still moves the right bytes.
TEST(AsyncLifetime, FreeTensorWhileCopyInFlight) {
  SetEnv("NRT_SIM_DMA_LATENCY_US", "40000");
  NRTEST_INIT(rt);
  Tensor src(0, 64), dst(0, 64);
  std::vector<uint8_t> data(64);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i + 100);
  ASSERT_EQ(nrt_tensor_write(src, data.data(), 0, 64), NRT_SUCCESS);
  Req blocker, copy;
  uint32_t v = 0;
  ASSERT_EQ(nrta_tensor_write(dst, &v, 0, 4, 0, 0, &blocker.ret, &blocker.seq), NRT_SUCCESS);  // keeps the copy queued
  ASSERT_EQ(nrta_tensor_copy(src, 0, dst, 0, 64, 0, 0, &copy.ret, &copy.seq), NRT_SUCCESS);
  src.Free();
  ASSERT_TRUE(WaitSeq(copy.seq));
  EXPECT_EQ(copy.ret, NRT_SUCCESS);
  std::vector<uint8_t> got(64);
  ASSERT_EQ(nrt_tensor_read(dst, got.data(), 0, 64), NRT_SUCCESS);
  EXPECT_EQ(got, data);
}

// Freeing the destination of a queued write: no crash, the request succeeds; a slice that shares
// the storage sees the data.
TEST(AsyncLifetime, FreeTensorWhileWriteInFlight) {
  SetEnv("NRT_SIM_DMA_LATENCY_US", "40000");
  NRTEST_INIT(rt);
  Tensor t(0, 64);
  nrt_tensor_t* slice = nullptr;
  ASSERT_EQ(nrt_tensor_allocate_slice(t, 0, 64, "slice", &slice), NRT_SUCCESS);
  std::vector<uint8_t> data(64, 0xAB);
  Req w1, w2;
  ASSERT_EQ(nrta_tensor_write(t, data.data(), 0, 64, 0, 0, &w1.ret, &w1.seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_tensor_write(t, data.data(), 0, 64, 0, 0, &w2.ret, &w2.seq), NRT_SUCCESS);
  t.Free();
  ASSERT_TRUE(WaitSeq(w2.seq));
  EXPECT_EQ(w1.ret, NRT_SUCCESS);
  EXPECT_EQ(w2.ret, NRT_SUCCESS);
  std::vector<uint8_t> got(64);
  ASSERT_EQ(nrt_tensor_read(slice, got.data(), 0, 64), NRT_SUCCESS);
  EXPECT_EQ(got, data);
  nrt_tensor_free(&slice);
}

// Freeing the source of a queued read: the host buffer still receives the data.
TEST(AsyncLifetime, FreeTensorWhileReadInFlight) {
  SetEnv("NRT_SIM_DMA_LATENCY_US", "40000");
  NRTEST_INIT(rt);
  Tensor t(0, 64), other(0, 4);
  std::vector<uint8_t> data(64);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(3 * i);
  ASSERT_EQ(nrt_tensor_write(t, data.data(), 0, 64), NRT_SUCCESS);
  Req blocker, r;
  uint32_t v = 0;
  ASSERT_EQ(nrta_tensor_write(other, &v, 0, 4, 0, 0, &blocker.ret, &blocker.seq), NRT_SUCCESS);
  std::vector<uint8_t> got(64, 0);
  ASSERT_EQ(nrta_tensor_read(got.data(), t, 0, 64, 0, 0, &r.ret, &r.seq), NRT_SUCCESS);
  t.Free();
  ASSERT_TRUE(WaitSeq(r.seq));
  EXPECT_EQ(r.ret, NRT_SUCCESS);
  EXPECT_EQ(got, data);
}

// Freeing the input tensor and destroying both sets of a queued execution.
TEST(AsyncLifetime, FreeInputAndDestroySetsWhileExecutionInFlight) {
  SetEnv("NRT_SIM_EXEC_TIME_US", "40000");
  NRTEST_INIT(rt);
  Model m("async_scale", 0);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  Tensor x(0, kModelBytes), y(0, kModelBytes), x0(0, kModelBytes), y0(0, kModelBytes);
  auto in = Iota(5);
  ASSERT_EQ(nrt_tensor_write(x, in.data(), 0, kModelBytes), NRT_SUCCESS);
  Req first, r;
  {
    TensorSet is0, os0;
    ASSERT_EQ(is0.Add("x", x0), NRT_SUCCESS);
    ASSERT_EQ(os0.Add("y", y0), NRT_SUCCESS);
    ASSERT_EQ(nrta_execute_schedule(m, is0, os0, 0, &first.ret, &first.seq), NRT_SUCCESS);
  }
  auto is = std::make_unique<TensorSet>();
  auto os = std::make_unique<TensorSet>();
  ASSERT_EQ(is->Add("x", x), NRT_SUCCESS);
  ASSERT_EQ(os->Add("y", y), NRT_SUCCESS);
  ASSERT_EQ(nrta_execute_schedule(m, *is, *os, 0, &r.ret, &r.seq), NRT_SUCCESS);
  is.reset();
  os.reset();
  x.Free();
  ASSERT_TRUE(WaitSeq(r.seq));
  EXPECT_EQ(first.ret, NRT_SUCCESS);
  EXPECT_EQ(r.ret, NRT_SUCCESS);
  EXPECT_EQ(ReadFloats(y), ScaleRef(in));
}

// Changing a set after scheduling does not affect the request (sets are bound at schedule time).
TEST(AsyncLifetime, SetChangesAfterScheduleDoNotAffectTheRequest) {
  SetEnv("NRT_SIM_EXEC_TIME_US", "40000");
  NRTEST_INIT(rt);
  Model m("async_scale", 0);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  Tensor x(0, kModelBytes), y(0, kModelBytes), x2(0, kModelBytes), y2(0, kModelBytes);
  auto in = Iota(1), in2 = Iota(100);
  ASSERT_EQ(nrt_tensor_write(x, in.data(), 0, kModelBytes), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_write(x2, in2.data(), 0, kModelBytes), NRT_SUCCESS);
  std::vector<float> zeros(kModelElems, 0.0f);
  ASSERT_EQ(nrt_tensor_write(y2, zeros.data(), 0, kModelBytes), NRT_SUCCESS);
  TensorSet is, os;
  ASSERT_EQ(is.Add("x", x), NRT_SUCCESS);
  ASSERT_EQ(os.Add("y", y), NRT_SUCCESS);
  Req r;
  ASSERT_EQ(nrta_execute_schedule(m, is, os, 0, &r.ret, &r.seq), NRT_SUCCESS);
  ASSERT_EQ(is.Add("x", x2), NRT_SUCCESS);  // replaces "x"
  ASSERT_EQ(os.Add("y", y2), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r.seq));
  EXPECT_EQ(r.ret, NRT_SUCCESS);
  EXPECT_EQ(ReadFloats(y), ScaleRef(in));
  EXPECT_EQ(ReadFloats(y2), zeros);
}

// Freeing the output tensor of a queued execution: a slice sharing its storage gets the result.
TEST(AsyncLifetime, FreeOutputWhileExecutionInFlight) {
  SetEnv("NRT_SIM_EXEC_TIME_US", "40000");
  NRTEST_INIT(rt);
  Model m("async_scale", 0);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  Tensor x(0, kModelBytes), y(0, kModelBytes);
  nrt_tensor_t* view = nullptr;
  ASSERT_EQ(nrt_tensor_allocate_slice(y, 0, kModelBytes, "view", &view), NRT_SUCCESS);
  auto in = Iota(-3);
  ASSERT_EQ(nrt_tensor_write(x, in.data(), 0, kModelBytes), NRT_SUCCESS);
  TensorSet is, os;
  ASSERT_EQ(is.Add("x", x), NRT_SUCCESS);
  ASSERT_EQ(os.Add("y", y), NRT_SUCCESS);
  Req r;
  ASSERT_EQ(nrta_execute_schedule(m, is, os, 0, &r.ret, &r.seq), NRT_SUCCESS);
  os.Destroy();
  y.Free();
  ASSERT_TRUE(WaitSeq(r.seq));
  EXPECT_EQ(r.ret, NRT_SUCCESS);
  EXPECT_EQ(ReadFloats(view), ScaleRef(in));
  nrt_tensor_free(&view);
}

// nrt_unload while executions are queued: the unload succeeds and the executions complete.
TEST(AsyncLifetime, UnloadModelWhileExecutionsInFlight) {
  SetEnv("NRT_SIM_EXEC_TIME_US", "40000");
  NRTEST_INIT(rt);
  Model m("async_scale", 0);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  Tensor x(0, kModelBytes), y(0, kModelBytes);
  auto in = Iota(7);
  ASSERT_EQ(nrt_tensor_write(x, in.data(), 0, kModelBytes), NRT_SUCCESS);
  TensorSet is, os;
  ASSERT_EQ(is.Add("x", x), NRT_SUCCESS);
  ASSERT_EQ(os.Add("y", y), NRT_SUCCESS);
  Req r[3];
  for (auto& q : r) ASSERT_EQ(nrta_execute_schedule(m, is, os, 0, &q.ret, &q.seq), NRT_SUCCESS);
  EXPECT_EQ(m.Unload(), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r[2].seq));
  for (auto& q : r) EXPECT_EQ(q.ret, NRT_SUCCESS);
  EXPECT_EQ(ReadFloats(y), ScaleRef(in));
}

// Everything released while in flight at once, then nrt_close: no crash, every request done.
TEST(AsyncLifetime, ReleaseEverythingThenClose) {
  SetEnv("NRT_SIM_EXEC_TIME_US", "20000");
  SetEnv("NRT_SIM_DMA_LATENCY_US", "20000");
  NRTEST_INIT(rt);
  auto m = std::make_unique<Model>("async_scale", 0);
  ASSERT_EQ(m->status(), NRT_SUCCESS);
  auto x = std::make_unique<Tensor>(0, kModelBytes);
  auto y = std::make_unique<Tensor>(0, kModelBytes);
  auto is = std::make_unique<TensorSet>();
  auto os = std::make_unique<TensorSet>();
  ASSERT_EQ(is->Add("x", *x), NRT_SUCCESS);
  ASSERT_EQ(os->Add("y", *y), NRT_SUCCESS);
  std::vector<float> buf(kModelElems, 2.0f);
  Req r[6];
  ASSERT_EQ(nrta_tensor_write(*x, buf.data(), 0, kModelBytes, 0, 0, &r[0].ret, &r[0].seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_execute_schedule(*m, *is, *os, 0, &r[1].ret, &r[1].seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_execute_schedule(*m, *is, *os, 0, &r[2].ret, &r[2].seq), NRT_SUCCESS);
  std::vector<float> back(kModelElems, 0.0f);
  ASSERT_EQ(nrta_tensor_read(back.data(), *y, 0, kModelBytes, 0, 1, &r[3].ret, &r[3].seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_tensor_copy(*x, 0, *y, 0, kModelBytes, 0, 1, &r[4].ret, &r[4].seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_execute_schedule(*m, *is, *os, 0, &r[5].ret, &r[5].seq), NRT_SUCCESS);
  is.reset();
  os.reset();
  x.reset();
  y.reset();
  m.reset();
  rt.Close();
  for (auto& q : r) EXPECT_TRUE(q.ret == NRT_SUCCESS || q.ret == NRT_CLOSED) << q.ret;
}
