// System trace (nrt_sys_trace.h): capture per logical core into bounded rings, fetch as JSON once
// each, filters and limits from the options, documented statuses for misuse. No NRT_SIM_* variable.
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "nrt/nrt_sys_trace.h"
#include "nrtest.h"
#include "trace_test_util.h"

using namespace nrtest;
using nlohmann::json;
using trace_test::Execute;

namespace {

json FetchJson(const nrt_sys_trace_fetch_options_t* options = nullptr) {
  char* buffer = nullptr;
  size_t size = 0;
  NRT_STATUS s = nrt_sys_trace_fetch_events(&buffer, &size, options);
  EXPECT_EQ(s, NRT_SUCCESS);
  if (s != NRT_SUCCESS) return json();
  EXPECT_EQ(std::strlen(buffer), size);
  json doc;
  EXPECT_NO_THROW(doc = json::parse(buffer, buffer + size));
  nrt_sys_trace_buffer_free(buffer);
  return doc;
}

std::vector<std::string> Types(const json& doc, int nc = -1) {
  std::vector<std::string> types;
  for (const json& e : doc["events"]) {
    if (nc < 0 || e["nc_idx"] == nc) types.push_back(e["event_type"]);
  }
  return types;
}

uint64_t Dropped(const json& doc) {
  uint64_t n = 0;
  for (const json& d : doc["dropped_events"]) n += d["count"].get<uint64_t>();
  return n;
}

struct Config {
  Config() { EXPECT_EQ(nrt_sys_trace_config_allocate(&c), NRT_SUCCESS); }
  ~Config() { nrt_sys_trace_config_free(c); }
  nrt_sys_trace_config_t* c = nullptr;
};

struct FetchOptions {
  FetchOptions() { EXPECT_EQ(nrt_sys_trace_fetch_options_allocate(&o), NRT_SUCCESS); }
  ~FetchOptions() { nrt_sys_trace_fetch_options_free(o); }
  nrt_sys_trace_fetch_options_t* o = nullptr;
};

}  // namespace

TEST(SysTrace, EventTypesListWhatTheRuntimeEmits) {
  const char** types = nullptr;
  size_t count = 0;
  ASSERT_EQ(nrt_sys_trace_get_event_types(&types, &count), NRT_SUCCESS);
  std::set<std::string> names(types, types + count);
  nrt_sys_trace_free_event_types(types, count);
  EXPECT_EQ(names, (std::set<std::string>{"request_schedule", "request_start", "request_end", "request_error",
                                          "tensor_op", "model_load", "model_unload", "unit_fatal"}));
  // The caller may also free them one by one, as the SDK documents.
  ASSERT_EQ(nrt_sys_trace_get_event_types(&types, &count), NRT_SUCCESS);
  for (size_t i = 0; i < count; ++i) std::free(const_cast<char*>(types[i]));
  std::free(types);
}

TEST(SysTrace, StartNeedsAnInitialisedRuntime) {
  EXPECT_EQ(nrt_sys_trace_start(nullptr), NRT_UNINITIALIZED);
  { NRTEST_INIT(rt); }
  EXPECT_EQ(nrt_sys_trace_start(nullptr), NRT_CLOSED);
}

TEST(SysTrace, CapturesLoadExecutionsAndTensorOpsPerCoreAndFetchesEachOnce) {
  NRTEST_INIT(rt);
  ASSERT_EQ(nrt_sys_trace_start(nullptr), NRT_SUCCESS);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Execute(m), NRT_SUCCESS);
  Tensor t(1, 16, "t1");
  uint32_t v = 1;
  ASSERT_EQ(nrt_tensor_write(t, &v, 0, 4), NRT_SUCCESS);
  NRT_STATUS ret = kSentinelStatus;
  nrta_seq_t seq = 0;
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 1, 0, &ret, &seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(seq));

  json doc = FetchJson();
  std::vector<std::string> nc0 = Types(doc, 0);
  std::vector<std::string> want0 = {"model_load", "tensor_op"};  // AsyncModel writes its input
  for (int i = 0; i < 3; ++i) want0.insert(want0.end(), {"request_schedule", "request_start", "request_end"});
  EXPECT_EQ(nc0, want0);
  EXPECT_EQ(Types(doc, 1),
            (std::vector<std::string>{"tensor_op", "request_schedule", "request_start", "tensor_op", "request_end"}));
  for (const json& e : doc["events"]) {
    EXPECT_TRUE(e["timestamp_ns"].is_number_unsigned());
    if (e["event_type"] == "request_end" && e["nc_idx"] == 0) {
      EXPECT_EQ(e["name"], "async_scale");
      EXPECT_EQ(e["xu"], "compute");
      EXPECT_EQ(e["status"], "NRT_SUCCESS");
    }
    if (e["event_type"] == "request_end" && e["nc_idx"] == 1) {
      EXPECT_EQ(e["seq"].get<uint64_t>(), seq);
      EXPECT_EQ(e["xu"], "tensor_op");
    }
  }
  EXPECT_EQ(Dropped(doc), 0u);
  EXPECT_TRUE(FetchJson()["events"].empty()) << "events are returned once";
  ASSERT_EQ(nrt_sys_trace_stop(), NRT_SUCCESS);
}

// Every tensor transfer is a tensor_op event, synchronous or not: read, write, copy and memset, named by the
// operation, with the device tensor and the bytes moved; an asynchronous one also names its request.
TEST(SysTrace, CopyAndMemsetAreTensorOpsLikeReadAndWriteSyncAndAsync) {
  NRTEST_INIT(rt);
  Tensor a(0, 64, "a"), b(0, 64, "b");
  Tensor host(-1, 64, "host", NRT_TENSOR_PLACEMENT_HOST);
  ASSERT_EQ(nrt_sys_trace_start(nullptr), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_memset(a, 0, 7, 64), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_copy(a, 0, b, 8, 32), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_copy(a, 0, host, 0, 16), NRT_SUCCESS);  // traced on a's core, named a
  std::vector<uint8_t> buf(64);
  NRT_STATUS ret[3] = {kSentinelStatus, kSentinelStatus, kSentinelStatus};
  nrta_seq_t seq[3] = {};
  ASSERT_EQ(nrta_tensor_copy(b, 0, a, 0, 24, 0, 0, &ret[0], &seq[0]), NRT_SUCCESS);
  ASSERT_EQ(nrta_tensor_write(b, buf.data(), 0, 12, 0, 0, &ret[1], &seq[1]), NRT_SUCCESS);
  ASSERT_EQ(nrta_tensor_read(buf.data(), a, 4, 20, 0, 0, &ret[2], &seq[2]), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(seq[2]));  // one queue: FIFO
  for (NRT_STATUS r : ret) EXPECT_EQ(r, NRT_SUCCESS);

  struct Op {
    std::string name, tensor;
    uint64_t bytes;
    uint64_t seq;  // 0: synchronous
  };
  std::vector<Op> ops;
  const json doc = FetchJson();
  for (const json& e : doc["events"]) {
    if (e["event_type"] != "tensor_op") continue;
    EXPECT_EQ(e["nc_idx"], 0);
    ops.push_back({e["name"], e["tensor"], e["bytes"], e.contains("seq") ? e["seq"].get<uint64_t>() : 0});
  }
  ASSERT_EQ(ops.size(), 6u);
  const Op want[] = {{"memset", "a", 64, 0},    {"copy", "b", 32, 0},       {"copy", "a", 16, 0},
                     {"copy", "a", 24, seq[0]}, {"write", "b", 12, seq[1]}, {"read", "a", 20, seq[2]}};
  for (size_t i = 0; i < ops.size(); ++i) {
    EXPECT_EQ(ops[i].name, want[i].name) << i;
    EXPECT_EQ(ops[i].tensor, want[i].tensor) << i;
    EXPECT_EQ(ops[i].bytes, want[i].bytes) << i;
    EXPECT_EQ(ops[i].seq, want[i].seq) << i;
  }
  ASSERT_EQ(nrt_sys_trace_stop(), NRT_SUCCESS);
}

TEST(SysTrace, AFullRingDropsTheOldestEventsAndCountsThem) {
  NRTEST_INIT(rt);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  Config cfg;
  nrt_sys_trace_config_set_max_events_per_nc(cfg.c, 4);
  ASSERT_EQ(nrt_sys_trace_start(cfg.c), NRT_SUCCESS);
  for (int i = 0; i < 10; ++i) ASSERT_EQ(Execute(m), NRT_SUCCESS);
  json doc = FetchJson();
  EXPECT_EQ(Types(doc), (std::vector<std::string>{"request_end", "request_schedule", "request_start", "request_end"}));
  EXPECT_EQ(Dropped(doc), 26u);
  EXPECT_EQ(Dropped(FetchJson()), 0u) << "drops are reported once";
  ASSERT_EQ(nrt_sys_trace_stop(), NRT_SUCCESS);
}

TEST(SysTrace, CaptureFiltersByCoreAndEventType) {
  NRTEST_INIT(rt);
  AsyncModel a("async_scale", 0), b("async_scale", 1);
  ASSERT_EQ(a.m.status(), NRT_SUCCESS);
  ASSERT_EQ(b.m.status(), NRT_SUCCESS);
  Config cfg;
  nrt_sys_trace_config_set_capture_enabled_for_nc(cfg.c, 1, false);
  for (const char* type : {"request_schedule", "request_start", "model_load", "model_unload", "tensor_op"}) {
    ASSERT_EQ(nrt_sys_trace_config_set_capture_enabled_for_event_type(cfg.c, type, false), NRT_SUCCESS);
  }
  const char** enabled = nullptr;
  size_t n = 0;
  ASSERT_EQ(nrt_sys_trace_config_get_enabled_event_types(cfg.c, &enabled, &n), NRT_SUCCESS);
  EXPECT_EQ(std::set<std::string>(enabled, enabled + n),
            (std::set<std::string>{"request_end", "request_error", "unit_fatal"}));
  nrt_sys_trace_free_event_types(enabled, n);
  ASSERT_EQ(nrt_sys_trace_start(cfg.c), NRT_SUCCESS);
  ASSERT_EQ(Execute(a), NRT_SUCCESS);
  ASSERT_EQ(Execute(b), NRT_SUCCESS);
  json doc = FetchJson();
  ASSERT_EQ(Types(doc), std::vector<std::string>{"request_end"});
  EXPECT_EQ(doc["events"][0]["nc_idx"], 0);
  ASSERT_EQ(nrt_sys_trace_stop(), NRT_SUCCESS);
}

TEST(SysTrace, FetchOptionsSelectACoreAndLimitEventsPerCore) {
  NRTEST_INIT(rt);
  AsyncModel a("async_scale", 0), b("async_scale", 1);
  ASSERT_EQ(nrt_sys_trace_start(nullptr), NRT_SUCCESS);
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(Execute(a), NRT_SUCCESS);
    ASSERT_EQ(Execute(b), NRT_SUCCESS);
  }
  FetchOptions opt;
  nrt_sys_trace_fetch_options_set_nc_idx(opt.o, 1);
  nrt_sys_trace_fetch_options_set_max_events_per_nc(opt.o, 2);
  json first = FetchJson(opt.o);
  EXPECT_EQ(Types(first), (std::vector<std::string>{"request_schedule", "request_start"}));
  for (const json& e : first["events"]) EXPECT_EQ(e["nc_idx"], 1);
  nrt_sys_trace_fetch_options_set_defaults(opt.o);
  json rest = FetchJson(opt.o);
  EXPECT_EQ(Types(rest, 0).size(), 6u);
  EXPECT_EQ(Types(rest, 1),
            (std::vector<std::string>{"request_end", "request_schedule", "request_start", "request_end"}));
  ASSERT_EQ(nrt_sys_trace_stop(), NRT_SUCCESS);
}

TEST(SysTrace, MisuseGivesNrtInvalid) {
  NRTEST_INIT(rt);
  char* buffer = nullptr;
  size_t size = 0;
  EXPECT_EQ(nrt_sys_trace_fetch_events(&buffer, &size, nullptr), NRT_INVALID) << "fetch before start";
  EXPECT_EQ(nrt_sys_trace_stop(), NRT_INVALID) << "stop before start";
  ASSERT_EQ(nrt_sys_trace_start(nullptr), NRT_SUCCESS);
  EXPECT_EQ(nrt_sys_trace_start(nullptr), NRT_INVALID) << "started twice";
  EXPECT_EQ(nrt_sys_trace_fetch_events(nullptr, &size, nullptr), NRT_INVALID);
  EXPECT_EQ(nrt_sys_trace_fetch_events(&buffer, nullptr, nullptr), NRT_INVALID);
  FetchOptions opt;
  nrt_sys_trace_fetch_options_set_nc_idx(opt.o, 64);  // a valid index, but not a visible core
  EXPECT_EQ(nrt_sys_trace_fetch_events(&buffer, &size, opt.o), NRT_INVALID);
  ASSERT_EQ(nrt_sys_trace_stop(), NRT_SUCCESS);

  Config cfg;
  EXPECT_EQ(nrt_sys_trace_config_set_capture_enabled_for_event_type(cfg.c, "no_such_type", true), NRT_INVALID);
  EXPECT_EQ(nrt_sys_trace_config_set_capture_enabled_for_event_type(cfg.c, nullptr, true), NRT_INVALID);
  EXPECT_EQ(nrt_sys_trace_config_set_capture_enabled_for_event_type(nullptr, "tensor_op", true), NRT_INVALID);
  EXPECT_EQ(nrt_sys_trace_config_allocate(nullptr), NRT_INVALID);
  EXPECT_EQ(nrt_sys_trace_get_event_types(nullptr, &size), NRT_INVALID);
}

TEST(SysTrace, ABadValueToAVoidSetterIsLoggedOnceAndFailsTheStart) {
  NRTEST_INIT(rt);
  Config cfg;
  testing::internal::CaptureStderr();
  nrt_sys_trace_config_set_max_events_per_nc(cfg.c, 0);
  std::string log = testing::internal::GetCapturedStderr();
  EXPECT_NE(log.find("nrt_sys_trace_config_set_max_events_per_nc"), std::string::npos) << log;
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1) << log;
  EXPECT_EQ(nrt_sys_trace_start(cfg.c), NRT_INVALID);
  nrt_sys_trace_config_set_defaults(cfg.c);
  EXPECT_EQ(nrt_sys_trace_start(cfg.c), NRT_SUCCESS);
  EXPECT_EQ(nrt_sys_trace_stop(), NRT_SUCCESS);

  FetchOptions opt;
  nrt_sys_trace_fetch_options_set_max_events_per_nc(opt.o, 0);
  ASSERT_EQ(nrt_sys_trace_start(nullptr), NRT_SUCCESS);
  char* buffer = nullptr;
  size_t size = 0;
  EXPECT_EQ(nrt_sys_trace_fetch_events(&buffer, &size, opt.o), NRT_INVALID);
  EXPECT_EQ(nrt_sys_trace_stop(), NRT_SUCCESS);
}

TEST(SysTrace, StopFreesTheRingsAndAStopRuntimeCanStartAgain) {
  NRTEST_INIT(rt);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(nrt_sys_trace_start(nullptr), NRT_SUCCESS);
  ASSERT_EQ(Execute(m), NRT_SUCCESS);
  ASSERT_EQ(nrt_sys_trace_stop(), NRT_SUCCESS);
  ASSERT_EQ(Execute(m), NRT_SUCCESS);  // not captured
  ASSERT_EQ(nrt_sys_trace_start(nullptr), NRT_SUCCESS);
  EXPECT_TRUE(FetchJson()["events"].empty());
  ASSERT_EQ(Execute(m), NRT_SUCCESS);
  EXPECT_EQ(Types(FetchJson()).size(), 3u);
  ASSERT_EQ(nrt_sys_trace_stop(), NRT_SUCCESS);
}
