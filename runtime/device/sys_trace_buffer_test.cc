#include "runtime/device/sys_trace_buffer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "runtime/device/xu_id.h"

namespace nrtb {
namespace {

using nlohmann::json;

TraceRecord Request(uint32_t lnc, uint64_t n, NRT_STATUS status = NRT_SUCCESS) {
  TraceRecord r;
  r.kind = TraceKind::kRequest;
  r.lnc = lnc;
  r.xu_id = MakeXuId(lnc, XuType::kCompute, 0);
  r.seq_num = n;
  r.schedule_ns = 10 * n;
  r.start_ns = 10 * n + 1;
  r.end_ns = 10 * n + 2;
  r.status = status;
  r.label = "m";
  r.model_id = 7;
  return r;
}

TraceRecord Load(uint32_t lnc, const char* name) {
  TraceRecord r;
  r.kind = TraceKind::kModelLoad;
  r.lnc = lnc;
  r.model_id = 3;
  r.label = name;
  return r;
}

SysTraceOptions Options(uint64_t max = 1000) {
  SysTraceOptions o;
  o.max_events_per_nc = max;
  return o;
}

json Fetch(SysTraceBuffer& b, int64_t nc = -1, uint64_t max = UINT64_MAX) { return json::parse(b.Fetch(nc, max)); }

TEST(SysTraceBuffer, ARequestIsScheduleStartEndAndErrorWhenItFailed) {
  SysTraceBuffer b(Options(), 2);
  b.OnRecord(Request(0, 1));
  b.OnRecord(Request(0, 2, NRT_EXEC_OOB));
  json doc = Fetch(b);
  std::vector<std::string> types;
  for (const json& e : doc["events"]) types.push_back(e["event_type"]);
  EXPECT_EQ(types, (std::vector<std::string>{"request_schedule", "request_start", "request_end", "request_schedule",
                                             "request_start", "request_end", "request_error"}));
  const json& end = doc["events"][5];
  EXPECT_EQ(end["nc_idx"], 0);
  EXPECT_EQ(end["xu"], "compute");
  EXPECT_EQ(end["queue"], 0);
  EXPECT_EQ(end["seq_num"], 2);
  EXPECT_EQ(end["seq"].get<uint64_t>(), MakeSeq(MakeXuId(0, XuType::kCompute, 0), 2));
  EXPECT_EQ(end["status"], "NRT_EXEC_OOB");
  EXPECT_EQ(end["timestamp_ns"], 22);
  EXPECT_EQ(end["model_id"], 7);
  EXPECT_EQ(end["name"], "m");
}

TEST(SysTraceBuffer, ATensorOpUnitsRequestIsATensorOpTooUnlessItFailed) {
  SysTraceBuffer b(Options(), 1);
  TraceRecord r = Request(0, 1);
  r.xu_id = MakeXuId(0, XuType::kTensorOp, 1);
  r.model_id = 0;
  r.label = "copy";
  r.detail = "dst";
  r.bytes = 4096;
  b.OnRecord(r);
  r.seq_num = 2;
  r.status = NRT_CLOSED;
  b.OnRecord(r);
  TraceRecord sync;
  sync.kind = TraceKind::kTensorOp;
  sync.label = "memset";
  sync.detail = "t";
  sync.bytes = 8;
  sync.start_ns = 99;
  b.OnRecord(sync);
  json doc = Fetch(b);
  std::vector<std::string> types;
  for (const json& e : doc["events"]) types.push_back(e["event_type"]);
  EXPECT_EQ(types, (std::vector<std::string>{"request_schedule", "request_start", "tensor_op", "request_end",
                                             "request_schedule", "request_start", "request_end", "request_error",
                                             "tensor_op"}));
  const json& op = doc["events"][2];
  EXPECT_EQ(op["name"], "copy");
  EXPECT_EQ(op["tensor"], "dst");
  EXPECT_EQ(op["bytes"], 4096);
  EXPECT_EQ(op["timestamp_ns"], 11) << "at the request's start";
  EXPECT_EQ(op["seq"].get<uint64_t>(), MakeSeq(MakeXuId(0, XuType::kTensorOp, 1), 1));
  const json& sync_op = doc["events"][8];
  EXPECT_EQ(sync_op["name"], "memset");
  EXPECT_EQ(sync_op["bytes"], 8);
  EXPECT_FALSE(sync_op.contains("seq")) << "a synchronous transfer is no request";
}

TEST(SysTraceBuffer, EachEventIsFetchedOnce) {
  SysTraceBuffer b(Options(), 1);
  b.OnRecord(Load(0, "a"));
  EXPECT_EQ(Fetch(b)["events"].size(), 1u);
  EXPECT_EQ(Fetch(b)["events"].size(), 0u);
  b.OnRecord(Load(0, "b"));
  json doc = Fetch(b);
  ASSERT_EQ(doc["events"].size(), 1u);
  EXPECT_EQ(doc["events"][0]["name"], "b");
}

TEST(SysTraceBuffer, FullRingDropsTheOldestAndCountsThem) {
  SysTraceBuffer b(Options(4), 1);
  for (int i = 0; i < 10; ++i) b.OnRecord(Load(0, std::to_string(i).c_str()));
  json doc = Fetch(b);
  ASSERT_EQ(doc["events"].size(), 4u);
  EXPECT_EQ(doc["events"][0]["name"], "6");
  EXPECT_EQ(doc["events"][3]["name"], "9");
  EXPECT_EQ(doc["dropped_events"][0]["count"], 6);
  EXPECT_EQ(Fetch(b)["dropped_events"][0]["count"], 0);  // counted once
}

TEST(SysTraceBuffer, FetchLimitTakesTheOldestPerCoreAndLeavesTheRest) {
  SysTraceBuffer b(Options(), 2);
  for (int i = 0; i < 5; ++i) {
    b.OnRecord(Load(0, ("a" + std::to_string(i)).c_str()));
    b.OnRecord(Load(1, ("b" + std::to_string(i)).c_str()));
  }
  json first = Fetch(b, -1, 2);
  ASSERT_EQ(first["events"].size(), 4u);
  EXPECT_EQ(first["events"][0]["name"], "a0");
  EXPECT_EQ(first["events"][1]["name"], "a1");
  EXPECT_EQ(first["events"][2]["name"], "b0");
  json only1 = Fetch(b, 1);
  ASSERT_EQ(only1["events"].size(), 3u);
  for (const json& e : only1["events"]) EXPECT_EQ(e["nc_idx"], 1);
  EXPECT_EQ(Fetch(b, 0)["events"].size(), 3u);
}

TEST(SysTraceBuffer, DisabledCoresAndTypesAreNotCaptured) {
  SysTraceOptions o = Options();
  o.nc_enabled[1] = false;
  o.types = Bit(TraceEventType::kRequestEnd) | Bit(TraceEventType::kModelLoad);
  SysTraceBuffer b(o, 2);
  b.OnRecord(Request(0, 1));
  b.OnRecord(Request(1, 1));
  b.OnRecord(Load(1, "x"));
  json doc = Fetch(b);
  ASSERT_EQ(doc["events"].size(), 1u);
  EXPECT_EQ(doc["events"][0]["event_type"], "request_end");
  EXPECT_EQ(doc["dropped_events"].size(), 1u);  // only enabled cores are listed
}

TEST(SysTraceBuffer, LongAndInvalidNamesAreCutAndEscaped) {
  SysTraceBuffer b(Options(), 1);
  std::string long_name(200, 'n');
  b.OnRecord(Load(0, long_name.c_str()));
  b.OnRecord(Load(0, "\xFF\"q"));
  json doc = Fetch(b);
  EXPECT_EQ(doc["events"][0]["name"].get<std::string>().size(), SysTraceBuffer::kMaxNameBytes);
  EXPECT_EQ(doc["events"][1]["name"], "\xEF\xBF\xBD\"q");
}

}  // namespace
}  // namespace nrtb

namespace nrtb {
namespace {

// Producers on several threads and a concurrent fetcher: every event comes out exactly once.
TEST(SysTraceBuffer, ConcurrentCaptureAndFetchReturnEveryEventOnce) {
  constexpr int kThreads = 4, kPerThread = 5000;
  SysTraceBuffer b(Options(SysTraceOptions::kMaxEventsPerNcLimit), 2);
  std::atomic<bool> done{false};
  std::set<std::string> seen;
  size_t fetched = 0;
  auto drain = [&] {
    json doc = Fetch(b);
    for (const json& e : doc["events"]) {
      seen.insert(e["name"].get<std::string>());
      ++fetched;
    }
  };
  std::thread fetcher([&] {
    while (!done.load()) drain();
  });
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t) {
    producers.emplace_back([&, t] {
      for (int k = 0; k < kPerThread; ++k) {
        std::string name = std::to_string(t) + "_" + std::to_string(k);
        b.OnRecord(Load(static_cast<uint32_t>(t % 2), name.c_str()));
      }
    });
  }
  for (auto& p : producers) p.join();
  done.store(true);
  fetcher.join();
  drain();
  EXPECT_EQ(fetched, size_t{kThreads} * kPerThread);
  EXPECT_EQ(seen.size(), size_t{kThreads} * kPerThread);
}

}  // namespace
}  // namespace nrtb
