#include "runtime/device/tracer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "runtime/core/error.h"
#include "runtime/device/exec_unit.h"
#include "runtime/device/test_work.h"
#include "runtime/device/xu_id.h"

namespace nrtb {
namespace {

using nlohmann::json;
using testing::LambdaWork;

struct Recording : TraceSink {
  void OnRecord(const TraceRecord& r) override {
    std::lock_guard<std::mutex> lock(mu);
    records.push_back(r);
    labels.emplace_back(r.label);
    details.emplace_back(r.detail);
  }
  std::mutex mu;
  std::vector<TraceRecord> records;
  std::vector<std::string> labels, details;
};

class ModelWork final : public Work {
 public:
  NRT_STATUS Run() override { return NRT_EXEC_OOB; }
  uint64_t SimulatedNs() const override { return 0; }
  const char* Label() const override { return "model"; }
  uint32_t ModelId() const override { return 42; }
};

std::string TempPath(const char* name) { return ::testing::TempDir() + "/tracer_" + std::to_string(getpid()) + "_" + name; }

NRT_STATUS StatusOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.status();
  }
  return NRT_SUCCESS;
}

TEST(Tracer, UnitsEmitOneRecordPerRequestWithItsTimesStatusAndModel) {
  TraceHub hub;
  auto sink = std::make_shared<Recording>();
  hub.Attach(sink);
  UnitContext ctx;
  ctx.trace = &hub;
  const uint16_t id = MakeXuId(1, XuType::kCompute, 0);
  {
    ExecUnit unit(id, ctx);
    std::unique_ptr<Work> w = std::make_unique<ModelWork>();
    NRT_STATUS ret = NRT_SUCCESS;
    uint64_t seq = 0;
    ASSERT_EQ(unit.Submit(w, &ret, &seq), NRT_SUCCESS);
    unit.WaitCompleted(1);
    EXPECT_EQ(unit.RunSync(std::make_unique<LambdaWork>(nullptr, 0, "sync")), NRT_SUCCESS);
    unit.MakeFatal("test cause");
  }
  ASSERT_EQ(sink->records.size(), 3u);
  const TraceRecord& r = sink->records[0];
  EXPECT_EQ(r.kind, TraceKind::kRequest);
  EXPECT_EQ(r.lnc, 1u);
  EXPECT_EQ(r.xu_id, id);
  EXPECT_EQ(r.seq_num, 1u);
  EXPECT_EQ(r.model_id, 42u);
  EXPECT_EQ(r.status, NRT_EXEC_OOB);
  EXPECT_EQ(sink->labels[0], "model");
  EXPECT_NE(r.schedule_ns, 0u);
  EXPECT_LE(r.schedule_ns, r.start_ns);
  EXPECT_LE(r.start_ns, r.end_ns);
  EXPECT_EQ(sink->records[1].seq_num, 2u);
  EXPECT_EQ(sink->labels[1], "sync");
  EXPECT_EQ(sink->records[2].kind, TraceKind::kUnitFatal);
  EXPECT_EQ(sink->details[2], "test cause");
}

TEST(Tracer, NothingIsEmittedWithoutASink) {
  Tracer tracer("", 2);
  EXPECT_FALSE(tracer.hub()->active());
  auto sink = std::make_shared<Recording>();
  { TensorOpTrace op(tracer, 0, "read", "t", 4); }
  TraceModelEvent(tracer, TraceKind::kModelLoad, 0, 1, "m");
  tracer.hub()->Attach(sink);
  { TensorOpTrace op(tracer, 1, "write", "t", 8); }
  { TensorOpTrace host(tracer, -1, "write", "host tensor", 8); }  // host memory: no core
  TraceModelEvent(tracer, TraceKind::kModelUnload, 0, 1, "m");
  ASSERT_EQ(sink->records.size(), 2u);
  EXPECT_EQ(sink->records[0].kind, TraceKind::kTensorOp);
  EXPECT_EQ(sink->records[0].bytes, 8u);
  EXPECT_EQ(sink->details[0], "t");
  EXPECT_EQ(sink->records[1].kind, TraceKind::kModelUnload);
  tracer.hub()->Detach(sink.get());
}

TEST(Tracer, ShutdownWritesTheSimTraceAndOpenProfiles) {
  const std::string sim = TempPath("sim.json"), prof = TempPath("prof.json");
  {
    Tracer tracer(sim, 1);
    EXPECT_TRUE(tracer.hub()->active());
    tracer.StartProfile(5, 0, prof);
    TraceRecord r;
    r.kind = TraceKind::kRequest;
    r.xu_id = MakeXuId(0, XuType::kCompute, 0);
    r.seq_num = 1;
    r.model_id = 5;
    r.label = "m";
    tracer.hub()->Emit(r);
    tracer.Shutdown();
    EXPECT_FALSE(tracer.hub()->active());
  }
  for (const std::string& path : {sim, prof}) {
    std::ifstream in(path);
    json doc = json::parse(in);
    EXPECT_EQ(doc["otherData"]["requests"], 1) << path;
    std::remove(path.c_str());
  }
}

TEST(Tracer, SessionMisuseIsNrtInvalid) {
  Tracer tracer("", 2);
  EXPECT_EQ(StatusOf([&] { tracer.StopSysTrace(); }), NRT_INVALID);
  EXPECT_EQ(StatusOf([&] { tracer.FetchSysTrace(-1, 10); }), NRT_INVALID);
  SysTraceOptions bad;
  bad.max_events_per_nc = 0;
  EXPECT_EQ(StatusOf([&] { tracer.StartSysTrace(bad); }), NRT_INVALID);
  ASSERT_EQ(StatusOf([&] { tracer.StartSysTrace(SysTraceOptions()); }), NRT_SUCCESS);
  EXPECT_EQ(StatusOf([&] { tracer.StartSysTrace(SysTraceOptions()); }), NRT_INVALID);
  EXPECT_EQ(StatusOf([&] { tracer.FetchSysTrace(2, 10); }), NRT_INVALID);
  EXPECT_EQ(StatusOf([&] { tracer.StopProfile("none"); }), NRT_INVALID);
  EXPECT_EQ(StatusOf([&] { tracer.StopContinuous(); }), NRT_INVALID);
  EXPECT_EQ(StatusOf([&] { tracer.StopInspect(); }), NRT_INVALID);
  ASSERT_EQ(StatusOf([&] { tracer.StartContinuous(); }), NRT_SUCCESS);
  EXPECT_EQ(StatusOf([&] { tracer.SaveContinuous(0, TempPath("unused")); }), NRT_INVALID);
  EXPECT_EQ(StatusOf([&] { tracer.BeginInspect(InspectOptions()); }), NRT_INVALID);
  tracer.Shutdown();
}

}  // namespace
}  // namespace nrtb
