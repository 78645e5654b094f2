#include "tools/nrt-trace/analysis.h"

#include <gtest/gtest.h>

#include <sstream>

#include "tools/nrt-trace/test_traces.h"
#include "tools/nrt-trace/trace_reader.h"

namespace nrttrace {
namespace {

using testing::TraceText;

TraceData Read(const TraceText& t) {
  std::istringstream in(t.Json());
  return ReadTrace(in, "t.json");
}

TEST(Intervals, UnionMergesOverlappingAndTouchingAndDropsEmpty) {
  std::vector<Interval> u = Union({{5, 7}, {0, 2}, {1, 3}, {3, 4}, {6, 6}, {9, 9}});
  ASSERT_EQ(u.size(), 2u);
  EXPECT_DOUBLE_EQ(u[0].begin, 0);
  EXPECT_DOUBLE_EQ(u[0].end, 4);
  EXPECT_DOUBLE_EQ(u[1].begin, 5);
  EXPECT_DOUBLE_EQ(u[1].end, 7);
  EXPECT_DOUBLE_EQ(Measure(u), 6);
}

TEST(Intervals, IntersectOfMergedLists) {
  std::vector<Interval> a = {{0, 10}, {20, 30}}, b = {{5, 25}, {28, 40}};
  std::vector<Interval> i = Intersect(a, b);
  ASSERT_EQ(i.size(), 3u);
  EXPECT_DOUBLE_EQ(Measure(i), 5 + 5 + 2);
  EXPECT_TRUE(Intersect(a, {}).empty());
}

TEST(Percentiles, NearestRank) {
  std::vector<double> v;
  for (int i = 100; i >= 1; --i) v.push_back(i);
  Percentiles p = ComputePercentiles(v);
  EXPECT_EQ(p.count, 100u);
  EXPECT_DOUBLE_EQ(p.p50, 50);
  EXPECT_DOUBLE_EQ(p.p90, 90);
  EXPECT_DOUBLE_EQ(p.p99, 99);
  EXPECT_DOUBLE_EQ(p.max, 100);
  Percentiles three = ComputePercentiles({3, 1, 2});
  EXPECT_DOUBLE_EQ(three.p50, 2);
  EXPECT_DOUBLE_EQ(three.p90, 3);
  EXPECT_EQ(ComputePercentiles({}).count, 0u);
}

// A synchronous program: write, execute (the host waits), execute again; nothing overlaps.
TEST(Summary, SynchronousProgramHasNoOverlap) {
  TraceText t;
  t.Request(0, 0, 100).Transfer(120, 140).Request(150, 150, 250);
  Summary s = Summarize(Read(t));
  EXPECT_DOUBLE_EQ(s.span_us, 250);
  EXPECT_EQ(s.requests, 2u);
  EXPECT_EQ(s.host_calls, 1u);
  ASSERT_EQ(s.units.size(), 1u);
  EXPECT_EQ(s.units[0].name, "LNC 0 compute q0");
  EXPECT_DOUBLE_EQ(s.units[0].busy_us, 200);
  EXPECT_DOUBLE_EQ(s.units[0].utilisation, 0.8);
  EXPECT_EQ(s.synchronous_requests, 2u);
  EXPECT_DOUBLE_EQ(s.host_blocked_us, 220);
  EXPECT_DOUBLE_EQ(s.device_busy_us, 200);
  EXPECT_DOUBLE_EQ(s.overlap_us, 0);
  EXPECT_DOUBLE_EQ(s.overlap_fraction, 0);
  EXPECT_EQ(s.max_in_flight, 1u);
  EXPECT_DOUBLE_EQ(s.mean_in_flight, 0.8);
  EXPECT_DOUBLE_EQ(s.latency_us.p50, 100);
  EXPECT_DOUBLE_EQ(s.latency_us.max, 100);
}

// A pipeline: each request is scheduled while the previous runs; the host waits only on the last.
TEST(Summary, PipelinedProgramOverlaps) {
  TraceText t;
  t.Request(0, 0, 100).Request(10, 100, 200).Request(110, 200, 300);
  Summary s = Summarize(Read(t));
  EXPECT_EQ(s.synchronous_requests, 1u);
  EXPECT_DOUBLE_EQ(s.host_blocked_us, 190);  // [110, 300]
  EXPECT_DOUBLE_EQ(s.device_busy_us, 300);
  EXPECT_DOUBLE_EQ(s.overlap_us, 110);
  EXPECT_DOUBLE_EQ(s.overlap_fraction, 110.0 / 300.0);
  EXPECT_EQ(s.max_in_flight, 2u);
  EXPECT_DOUBLE_EQ(s.mean_in_flight, 480.0 / 300.0);
  EXPECT_DOUBLE_EQ(s.latency_us.p50, 190);
  EXPECT_DOUBLE_EQ(s.latency_us.p90, 190);
  EXPECT_DOUBLE_EQ(s.latency_us.max, 190);
  EXPECT_DOUBLE_EQ(s.units[0].utilisation, 1.0);
}

TEST(Summary, UnitsAreSortedAndDeviceBusyIsTheirUnion) {
  TraceText t;
  t.Request(0, 0, 100, 1, 16).Request(0, 50, 150, 0, 1, "write", "NRT_TIMEOUT").Request(0, 0, 40, 0, 16);
  Summary s = Summarize(Read(t));
  ASSERT_EQ(s.units.size(), 3u);
  EXPECT_EQ(s.units[0].name, "LNC 0 tensor_op q1");
  EXPECT_EQ(s.units[1].name, "LNC 0 compute q0");
  EXPECT_EQ(s.units[2].name, "LNC 1 compute q0");
  EXPECT_EQ(s.units[0].failed, 1u);
  EXPECT_EQ(s.failed, 1u);
  EXPECT_DOUBLE_EQ(s.device_busy_us, 150);
  EXPECT_EQ(s.max_in_flight, 3u);
}

TEST(Summary, WindowClipsBusyTimeAndCountsLatencyOfRequestsEndingInside) {
  TraceText t;
  t.Request(0, 0, 100).Request(10, 100, 200).Request(110, 200, 300);
  Window w;
  w.from_us = 50;
  w.to_us = 150;
  Summary s = Summarize(Read(t), w);
  EXPECT_DOUBLE_EQ(s.span_us, 100);
  EXPECT_EQ(s.requests, 3u);  // the third was scheduled (in flight) inside the window
  EXPECT_DOUBLE_EQ(s.units[0].busy_us, 100);
  EXPECT_EQ(s.latency_us.count, 1u);
  EXPECT_DOUBLE_EQ(s.latency_us.p50, 100);
  EXPECT_DOUBLE_EQ(s.host_blocked_us, 40);  // [110, 150] of the last, synchronous request
  EXPECT_DOUBLE_EQ(s.overlap_us, 60);
}

TEST(Summary, EmptyTraceIsAllZero) {
  Summary s = Summarize(TraceData{});
  EXPECT_EQ(s.requests, 0u);
  EXPECT_DOUBLE_EQ(s.span_us, 0);
  EXPECT_DOUBLE_EQ(s.overlap_fraction, 0);
  EXPECT_EQ(s.max_in_flight, 0u);
}

}  // namespace
}  // namespace nrttrace
