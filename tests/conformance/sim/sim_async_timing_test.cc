// The simulated timing model: graph device_time_us, NRT_SIM_EXEC_TIME_US, DMA latency / bandwidth,
// and overlap of different units. Only generous bounds.
#include <vector>

#include "nrtest.h"

using namespace nrtest;

namespace {

// Seconds from scheduling to observed completion of one execution.
double TimeExecution(AsyncModel& io) {
  Req r;
  auto t0 = Clock::now();
  EXPECT_EQ(nrta_execute_schedule(io.m, io.is, io.os, 0, &r.ret, &r.seq), NRT_SUCCESS);
  EXPECT_TRUE(WaitSeq(r.seq));
  double s = SecondsSince(t0);
  EXPECT_EQ(r.ret, NRT_SUCCESS);
  return s;
}

}  // namespace

TEST(AsyncTiming, GraphDeviceTimeIsHonoured) {
  NRTEST_INIT(rt);
  AsyncModel io("async_timed", 0);
  ASSERT_EQ(io.m.status(), NRT_SUCCESS);
  for (int i = 0; i < 3; ++i) {
    double s = TimeExecution(io);
    EXPECT_GE(s, 0.002) << "device_time_us = 2000";
  }
  EXPECT_EQ(ReadFloats(io.y), ScaleRef(Iota(0)));
}

TEST(AsyncTiming, SyncExecuteHonoursDeviceTime) {
  NRTEST_INIT(rt);
  AsyncModel io("async_timed", 0);
  ASSERT_EQ(io.m.status(), NRT_SUCCESS);
  auto t0 = Clock::now();
  ASSERT_EQ(nrt_execute(io.m, io.is, io.os), NRT_SUCCESS);
  EXPECT_GE(SecondsSince(t0), 0.002);
}

// NRT_SIM_EXEC_TIME_US applies to graphs that declare no device time; a declared time wins.
TEST(AsyncTiming, ExecTimeEnvAppliesOnlyToGraphsWithoutDeviceTime) {
  SetEnv("NRT_SIM_EXEC_TIME_US", "250000");
  NRTEST_INIT(rt);
  AsyncModel plain("async_scale", 0), timed("async_timed", 1);
  ASSERT_EQ(plain.m.status(), NRT_SUCCESS);
  ASSERT_EQ(timed.m.status(), NRT_SUCCESS);
  const double timed_s = TimeExecution(timed), plain_s = TimeExecution(plain);
  EXPECT_GE(plain_s, 0.25);
  EXPECT_LT(timed_s, plain_s) << "the graph declares 2 ms, NRT_SIM_EXEC_TIME_US 250 ms";
}

TEST(AsyncTiming, NoSimulatedTimeByDefault) {
  NRTEST_INIT(rt);
  AsyncModel io("async_scale", 0);
  ASSERT_EQ(io.m.status(), NRT_SUCCESS);
  Tensor t(0, 1 << 20);
  std::vector<uint8_t> buf(1 << 20, 1);
  auto t0 = Clock::now();
  for (int i = 0; i < 10; ++i) {
    Req r;
    ASSERT_EQ(nrta_tensor_write(t, buf.data(), 0, buf.size(), 0, 0, &r.ret, &r.seq), NRT_SUCCESS);
    ASSERT_TRUE(WaitSeq(r.seq));
    TimeExecution(io);
  }
  // Only a sanity bound (sanitizers, a loaded machine): it catches a default simulated time of seconds.
  EXPECT_LT(SecondsSince(t0), kGenerousTimeoutS) << "10 x (1 MiB write + execution) with no simulated time";
}

TEST(AsyncTiming, DmaLatencyAppliesToEveryTensorOp) {
  SetEnv("NRT_SIM_DMA_LATENCY_US", "30000");
  NRTEST_INIT(rt);
  Tensor a(0, 16), b(0, 16);
  uint32_t v = 1, got = 0;
  Req w, r, c;
  auto t0 = Clock::now();
  ASSERT_EQ(nrta_tensor_write(a, &v, 0, 4, 0, 0, &w.ret, &w.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(w.seq));
  EXPECT_GE(SecondsSince(t0), 0.03) << "write";
  t0 = Clock::now();
  ASSERT_EQ(nrta_tensor_read(&got, a, 0, 4, 0, 0, &r.ret, &r.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r.seq));
  EXPECT_GE(SecondsSince(t0), 0.03) << "read";
  t0 = Clock::now();
  ASSERT_EQ(nrta_tensor_copy(a, 0, b, 0, 4, 0, 0, &c.ret, &c.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(c.seq));
  EXPECT_GE(SecondsSince(t0), 0.03) << "copy";
  EXPECT_EQ(got, 1u);
}

// NRT_SIM_DMA_GBPS: bytes / bandwidth of simulated time (0.1 GB/s = 100 bytes/us).
TEST(AsyncTiming, DmaBandwidthScalesWithSize) {
  SetEnv("NRT_SIM_DMA_GBPS", "0.1");
  NRTEST_INIT(rt);
  constexpr size_t kBig = 4 << 20;  // 4 MiB -> ~42 ms
  Tensor a(0, kBig), b(0, kBig);
  std::vector<uint8_t> buf(kBig, 7);
  Req big, small, copy, read;
  auto t0 = Clock::now();
  ASSERT_EQ(nrta_tensor_write(a, buf.data(), 0, kBig, 0, 0, &big.ret, &big.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(big.seq));
  double big_s = SecondsSince(t0);
  EXPECT_GE(big_s, 0.041);
  t0 = Clock::now();
  ASSERT_EQ(nrta_tensor_write(a, buf.data(), 0, 400, 0, 0, &small.ret, &small.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(small.seq));
  double small_s = SecondsSince(t0);
  EXPECT_LT(small_s, big_s / 2) << "400 bytes took as long as 4 MiB";
  t0 = Clock::now();
  ASSERT_EQ(nrta_tensor_copy(a, 0, b, 0, kBig, 0, 1, &copy.ret, &copy.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(copy.seq));
  EXPECT_GE(SecondsSince(t0), 0.041) << "copy";
  std::vector<uint8_t> back(kBig, 0);
  t0 = Clock::now();
  ASSERT_EQ(nrta_tensor_read(back.data(), b, 0, kBig, 0, 1, &read.ret, &read.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(read.seq));
  EXPECT_GE(SecondsSince(t0), 0.041) << "read";
  EXPECT_EQ(back, buf);
}

// A write on tensor_op queue 0 and an execution on compute run at the same time: together they
// take about the longer one, not the sum.
TEST(AsyncTiming, TensorOpAndComputeOverlap) {
  SetEnv("NRT_SIM_DMA_LATENCY_US", "100000");
  SetEnv("NRT_SIM_EXEC_TIME_US", "100000");
  NRTEST_INIT(rt);
  AsyncModel io("async_scale", 0);
  ASSERT_EQ(io.m.status(), NRT_SUCCESS);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req w, e;
  auto t0 = Clock::now();
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &w.ret, &w.seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_execute_schedule(io.m, io.is, io.os, 0, &e.ret, &e.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(w.seq));
  ASSERT_TRUE(WaitSeq(e.seq));
  double s = SecondsSince(t0);
  EXPECT_GE(s, 0.1);
  EXPECT_LT(s, 0.8 * 0.2) << "write and execution did not overlap";
  EXPECT_EQ(w.ret, NRT_SUCCESS);
  EXPECT_EQ(e.ret, NRT_SUCCESS);
}

// Two cores' compute units overlap as well.
TEST(AsyncTiming, ComputeUnitsOfTwoCoresOverlap) {
  SetEnv("NRT_SIM_EXEC_TIME_US", "100000");
  NRTEST_INIT(rt);
  AsyncModel a("async_scale", 0), b("async_scale", 1);
  ASSERT_EQ(a.m.status(), NRT_SUCCESS);
  ASSERT_EQ(b.m.status(), NRT_SUCCESS);
  Req ra, rb;
  auto t0 = Clock::now();
  ASSERT_EQ(nrta_execute_schedule(a.m, a.is, a.os, 0, &ra.ret, &ra.seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_execute_schedule(b.m, b.is, b.os, 0, &rb.ret, &rb.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(ra.seq));
  ASSERT_TRUE(WaitSeq(rb.seq));
  double s = SecondsSince(t0);
  EXPECT_GE(s, 0.1);
  EXPECT_LT(s, 0.8 * 0.2);
}

// Executions queued on one compute unit add up.
TEST(AsyncTiming, ExecutionsOnOneComputeUnitAddUp) {
  NRTEST_INIT(rt);
  AsyncModel io("async_timed", 0);
  ASSERT_EQ(io.m.status(), NRT_SUCCESS);
  Req r[10];
  auto t0 = Clock::now();
  for (auto& x : r) ASSERT_EQ(nrta_execute_schedule(io.m, io.is, io.os, 0, &x.ret, &x.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r[9].seq));
  EXPECT_GE(SecondsSince(t0), 0.020) << "10 x 2 ms";
  for (auto& x : r) EXPECT_EQ(x.ret, NRT_SUCCESS);
}
