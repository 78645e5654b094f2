// NRT_SIM_TRACE: Chrome trace JSON written at nrt_close.
#include <dirent.h>
#include <sys/stat.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "nrtest.h"

using namespace nrtest;
using nlohmann::json;

namespace {

// A request and what the trace should call it.
struct LabeledReq : Req {
  std::string label;
};

// Runs a fixed workload with NRT_SIM_TRACE set, closes the runtime and parses the trace:
//   lnc 0 tensor_op q0: write, write, read (the 2nd write fails: fault nth=2), 2 ms latency each
//   lnc 0 tensor_op q1: copy
//   lnc 1 compute q0:   2 executions of async_timed (2 ms each)
class AsyncTrace : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = TempPath("trace.json");
    std::remove(path_.c_str());
    SetEnv("NRT_SIM_TRACE", path_.c_str());
    SetEnv("NRT_SIM_DMA_LATENCY_US", "2000");
    SetEnv("NRT_SIM_FAULTS", "xu=tensor_op,lnc=0,queue=0,nth=2,status=NRT_EXEC_OOB");
    Runtime rt;
    ASSERT_EQ(rt.status(), NRT_SUCCESS);
    {
      // The copy on queue 1 uses tensors nothing else touches: units run in parallel, so sharing
      // `a` with queue 0 would be a data race in the application.
      Tensor a(0, 16), b(0, 16), c(0, 16);
      Model m("async_timed", 1);
      ASSERT_EQ(m.status(), NRT_SUCCESS);
      Tensor x(1, kModelBytes), y(1, kModelBytes);
      TensorSet is, os;
      ASSERT_EQ(is.Add("x", x), NRT_SUCCESS);
      ASSERT_EQ(os.Add("y", y), NRT_SUCCESS);
      uint32_t v = 1, got = 0;
      reqs_.resize(6);
      ASSERT_EQ(nrta_tensor_write(a, &v, 0, 4, 0, 0, &reqs_[0].ret, &reqs_[0].seq), NRT_SUCCESS);
      reqs_[0].label = "write";
      ASSERT_EQ(nrta_execute_schedule(m, is, os, 0, &reqs_[1].ret, &reqs_[1].seq), NRT_SUCCESS);
      reqs_[1].label = "async_timed";
      ASSERT_EQ(nrta_tensor_write(a, &v, 0, 4, 0, 0, &reqs_[2].ret, &reqs_[2].seq), NRT_SUCCESS);
      reqs_[2].label = "write";
      ASSERT_EQ(nrta_tensor_copy(b, 0, c, 0, 4, 0, 1, &reqs_[3].ret, &reqs_[3].seq), NRT_SUCCESS);
      reqs_[3].label = "copy";
      ASSERT_EQ(nrta_tensor_read(&got, a, 0, 4, 0, 0, &reqs_[4].ret, &reqs_[4].seq), NRT_SUCCESS);
      reqs_[4].label = "read";
      ASSERT_EQ(nrta_execute_schedule(m, is, os, 0, &reqs_[5].ret, &reqs_[5].seq), NRT_SUCCESS);
      reqs_[5].label = "async_timed";
      for (auto& r : reqs_) ASSERT_TRUE(WaitSeq(r.seq));
    }
    existed_before_close_ = FileExists(path_);
    rt.Close();
    std::ifstream in(path_);
    ASSERT_TRUE(in.good()) << "no trace file at " << path_;
    try {
      doc_ = json::parse(in);
    } catch (const json::exception& e) {
      FAIL() << "trace is not valid JSON: " << e.what();
    }
    ASSERT_TRUE(doc_.is_object());
    ASSERT_TRUE(doc_.contains("traceEvents"));
    ASSERT_TRUE(doc_["traceEvents"].is_array());
    for (const json& e : doc_["traceEvents"]) {
      ASSERT_TRUE(e.is_object());
      ASSERT_TRUE(e.contains("ph"));
      std::string ph = e["ph"];
      if (ph == "X") xs_.push_back(e);
      if (ph == "i") instants_.push_back(e);
      if (ph == "M") meta_.push_back(e);
    }
  }
  void TearDown() override { std::remove(path_.c_str()); }

  const json* XFor(nrta_seq_t seq) const {
    for (const json& e : xs_) {
      if (e.contains("args") && e["args"].contains("seq") && e["args"]["seq"].get<uint64_t>() == seq) return &e;
    }
    return nullptr;
  }

  std::string path_;
  bool existed_before_close_ = false;
  std::vector<LabeledReq> reqs_;
  json doc_;
  std::vector<json> xs_, instants_, meta_;
};

}  // namespace

TEST_F(AsyncTrace, TraceIsWrittenAtCloseAsValidJson) {
  EXPECT_FALSE(existed_before_close_) << "trace written before nrt_close";
  // No temporary files left next to it.
  std::string dir = path_.substr(0, path_.rfind('/'));
  std::string base = path_.substr(path_.rfind('/') + 1);
  DIR* d = opendir(dir.c_str());
  ASSERT_NE(d, nullptr);
  while (dirent* ent = readdir(d)) {
    std::string name = ent->d_name;
    EXPECT_FALSE(name != base && name.rfind(base, 0) == 0) << "leftover " << name;
  }
  closedir(d);
}

TEST_F(AsyncTrace, OneCompleteEventPerRequest) {
  ASSERT_EQ(xs_.size(), reqs_.size());
  for (const LabeledReq& r : reqs_) {
    const json* e = XFor(r.seq);
    ASSERT_NE(e, nullptr) << "no X event for seq 0x" << std::hex << r.seq;
    EXPECT_EQ((*e)["name"], r.label);
    EXPECT_EQ((*e)["cat"], "request");
    EXPECT_EQ((*e)["args"]["seq_num"].get<uint64_t>(), SeqNum(r.seq));
    EXPECT_TRUE((*e)["ts"].is_number());
    EXPECT_TRUE((*e)["dur"].is_number());
    EXPECT_GE((*e)["dur"].get<double>(), 0.0);
    EXPECT_GE((*e)["args"]["queued_us"].get<double>(), 0.0);
  }
}

TEST_F(AsyncTrace, StatusIsRecordedByName) {
  for (const LabeledReq& r : reqs_) {
    const json* e = XFor(r.seq);
    ASSERT_NE(e, nullptr);
    std::string want = r.ret == NRT_SUCCESS ? "NRT_SUCCESS" : r.ret == NRT_EXEC_OOB ? "NRT_EXEC_OOB" : "?";
    EXPECT_EQ((*e)["args"]["status"], want) << r.label << " " << SeqNum(r.seq);
  }
  EXPECT_EQ(reqs_[2].ret, NRT_EXEC_OOB);
}

TEST_F(AsyncTrace, PidIsLncAndTidIsTypeTimes16PlusQueue) {
  for (const LabeledReq& r : reqs_) {
    const json* e = XFor(r.seq);
    ASSERT_NE(e, nullptr);
    nrta_xu_id_t id = SeqXu(r.seq);
    EXPECT_EQ((*e)["pid"].get<uint32_t>(), static_cast<uint32_t>(id >> 8)) << r.label;
    EXPECT_EQ((*e)["tid"].get<uint32_t>(), static_cast<uint32_t>((id & 0xF) * 16 + ((id >> 4) & 0xF))) << r.label;
  }
}

TEST_F(AsyncTrace, ScheduleInstantPrecedesStart) {
  ASSERT_EQ(instants_.size(), reqs_.size());
  for (const json& x : xs_) {
    const json* inst = nullptr;
    for (const json& i : instants_) {
      if (i["pid"] == x["pid"] && i["tid"] == x["tid"] && i["args"]["seq_num"] == x["args"]["seq_num"]) inst = &i;
    }
    ASSERT_NE(inst, nullptr) << x.dump();
    EXPECT_EQ((*inst)["name"], "schedule " + x["name"].get<std::string>());
    EXPECT_EQ((*inst)["cat"], "schedule");
    double sched = (*inst)["ts"].get<double>(), start = x["ts"].get<double>();
    EXPECT_LE(sched, start + 0.001) << x.dump();
    EXPECT_NEAR(x["args"]["queued_us"].get<double>(), start - sched, 1.0);
  }
}

// Per track: in submission order, never overlapping; a request queued behind another starts after it.
TEST_F(AsyncTrace, TracksAreInSubmissionOrderAndDoNotOverlap) {
  std::map<std::pair<uint32_t, uint32_t>, std::vector<const json*>> tracks;
  for (const json& x : xs_) tracks[{x["pid"].get<uint32_t>(), x["tid"].get<uint32_t>()}].push_back(&x);
  EXPECT_EQ(tracks.size(), 3u);
  for (auto& [key, events] : tracks) {
    std::sort(events.begin(), events.end(), [](const json* a, const json* b) { return (*a)["ts"] < (*b)["ts"]; });
    for (size_t i = 1; i < events.size(); ++i) {
      const json& prev = *events[i - 1];
      const json& cur = *events[i];
      EXPECT_LT(prev["args"]["seq_num"].get<uint64_t>(), cur["args"]["seq_num"].get<uint64_t>())
          << "track " << key.first << "/" << key.second;
      EXPECT_LE(prev["ts"].get<double>() + prev["dur"].get<double>(), cur["ts"].get<double>() + 0.01)
          << "overlap on track " << key.first << "/" << key.second;
    }
  }
  // The 2 ms simulated time is visible in the durations.
  for (const json& x : xs_) EXPECT_GE(x["dur"].get<double>(), 1900.0) << x.dump();
}

TEST_F(AsyncTrace, MetadataNamesProcessesAndThreads) {
  std::map<uint32_t, std::string> processes;
  std::map<std::pair<uint32_t, uint32_t>, std::string> threads;
  for (const json& m : meta_) {
    if (m["name"] == "process_name") processes[m["pid"].get<uint32_t>()] = m["args"]["name"];
    if (m["name"] == "thread_name") threads[{m["pid"].get<uint32_t>(), m["tid"].get<uint32_t>()}] = m["args"]["name"];
  }
  EXPECT_EQ(processes[0], "LNC 0");
  EXPECT_EQ(processes[1], "LNC 1");
  EXPECT_EQ((threads[{0, 0}]), "tensor_op q0");
  EXPECT_EQ((threads[{0, 1}]), "tensor_op q1");
  EXPECT_EQ((threads[{1, 16}]), "compute q0");
  // Every track with events has a name.
  for (const json& x : xs_) {
    EXPECT_TRUE(threads.count({x["pid"].get<uint32_t>(), x["tid"].get<uint32_t>()})) << x.dump();
  }
}
