// The legacy samples, synchronously and under the shim: byte-identical outputs for every N, the overlap the
// shim gives back (seen in the simulator's trace), fences that hold under randomised timing, callbacks, and
// execution errors reaching the callback.
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "nrtest.h"
#include "shim_runs.h"

namespace {

using namespace shim_test;

const std::vector<int> kInflight = {1, 2, 3, 8, 63};
// Device time per execution (the legacy model declares none): enough that executions are still running
// when the next call comes, short enough that the suite stays fast.
const char* kExecUs = "300";

class Differential : public ::testing::TestWithParam<std::string> {};

TEST_P(Differential, SameDigestSynchronouslyAndUnderTheShimForEveryN) {
  const std::string sample = GetParam();
  const std::vector<std::string> args = {"--iterations", "24", "--slots", "3", "--host-us", "100"};
  const EnvEdits env = {{"NRT_SIM_EXEC_TIME_US", kExecUs}};
  ProgramRun ref = RunLegacy(Sync(), sample, args, env);
  ASSERT_TRUE(ref.child.Succeeded()) << ref.Describe();
  ASSERT_FALSE(ref.Digest().empty()) << ref.out;
  std::vector<Mode> modes = {Shim(std::nullopt), Shim(0)};
  for (int n : kInflight) modes.push_back(Shim(n));
  for (const Mode& mode : modes) {
    ProgramRun r = RunLegacy(mode, sample, args, env);
    ASSERT_TRUE(r.child.Succeeded()) << mode.Name() << ": " << r.Describe();
    EXPECT_EQ(r.Digest(), ref.Digest()) << mode.Name() << ": " << r.out;
    if (sample == "callbacks") {
      // One callback per execution in implicit mode, none when the shim only forwards.
      const bool async = mode.inflight.value_or(0) > 0;
      EXPECT_EQ(r.Field("callbacks"), async ? r.Field("executions") : "0") << mode.Name() << ": " << r.out;
      EXPECT_EQ(r.Field("order-errors"), "0") << mode.Name();
    }
  }
  // Validation mode, with more executions in flight than the program has slots: every fence the program relies
  // on comes from the shim, and the validator sees every request it schedules.
  ProgramRun v = RunLegacy(Shim(63), sample, args, Validated(env));
  ASSERT_TRUE(v.child.Succeeded()) << v.Describe();
  EXPECT_EQ(v.Digest(), ref.Digest()) << v.out;
  EXPECT_TRUE(NoValidationFindings(v));
}

INSTANTIATE_TEST_SUITE_P(Legacy, Differential,
                         ::testing::Values("pipeline", "callbacks", "drain", "completion", "threads"));

// The compute requests of LNC 0 in a trace written by NRT_SIM_TRACE: (schedule time, end time), in order.
struct Interval {
  double scheduled = 0, end = 0;
};
std::vector<Interval> ComputeRequests(const std::string& trace_path) {
  std::vector<Interval> out;
  nlohmann::json trace = nlohmann::json::parse(nrtest::ReadText(trace_path), nullptr, false);
  EXPECT_FALSE(trace.is_discarded()) << trace_path << " is not JSON";
  if (trace.is_discarded()) return out;
  int compute_tid = -1;
  for (const auto& e : trace["traceEvents"]) {
    if (e.value("ph", "") == "M" && e.value("name", "") == "thread_name" && e.value("pid", -1) == 0 &&
        e["args"].value("name", "") == "compute q0") {
      compute_tid = e.value("tid", -1);
    }
  }
  EXPECT_GE(compute_tid, 0) << "no compute lane in " << trace_path;
  std::map<int64_t, Interval> by_seq;
  for (const auto& e : trace["traceEvents"]) {
    if (e.value("pid", -1) != 0 || e.value("tid", -2) != compute_tid || !e.contains("args")) continue;
    const int64_t seq = e["args"].value("seq_num", int64_t{-1});
    if (e.value("cat", "") == "schedule") by_seq[seq].scheduled = e.value("ts", 0.0);
    if (e.value("cat", "") == "request") by_seq[seq].end = e.value("ts", 0.0) + e.value("dur", 0.0);
  }
  for (const auto& [seq, interval] : by_seq) out.push_back(interval);
  return out;
}

// Requests scheduled while the one before them was still running.
int Overlaps(const std::vector<Interval>& requests) {
  int n = 0;
  for (size_t i = 1; i < requests.size(); ++i) n += requests[i].scheduled < requests[i - 1].end ? 1 : 0;
  return n;
}

TEST(Overlap, TraceShowsRequestsOverlappingUnderTheShimAndNotWithout) {
  const std::vector<std::string> args = {"--iterations", "12", "--slots", "3", "--host-us", "100"};
  for (const Mode& mode : {Sync(), Shim(std::nullopt), Shim(3)}) {
    const std::string trace = nrtest::TempPath("trace.json");
    ProgramRun r = RunLegacy(mode, "pipeline", args, {{"NRT_SIM_EXEC_TIME_US", "2000"}, {"NRT_SIM_TRACE", trace}});
    ASSERT_TRUE(r.child.Succeeded()) << mode.Name() << ": " << r.Describe();
    std::vector<Interval> requests = ComputeRequests(trace);
    ASSERT_EQ(requests.size(), 12u) << mode.Name();
    if (mode.inflight.value_or(0) > 0) {
      // Host work (0.1 ms) is far shorter than an execution (2 ms): nearly every call comes while the previous
      // execution runs. One is proof enough that nrt_execute no longer waits.
      EXPECT_GT(Overlaps(requests), 0) << mode.Name();
    } else {
      // nrt_execute returns after its request ended: the next can only be scheduled after that.
      EXPECT_EQ(Overlaps(requests), 0) << mode.Name();
    }
    unlink(trace.c_str());
  }
}

// Fences: a read before its execution finished, or a write while one still reads the input, changes the
// digest. Randomised host work (per iteration), device time, N and slot count; NRTB_SHIM_FENCE_RUNS sets the
// number of runs (default 80, a few seconds; 20 in sanitizer builds; the seed is printed to reproduce a failure).
TEST(Fences, HoldAcrossRandomizedRuns) {
  const char* runs_env = getenv("NRTB_SHIM_FENCE_RUNS");
  const int runs = runs_env != nullptr ? atoi(runs_env) : NRTB_FENCE_RUNS;
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  const std::vector<std::string> base = {"--iterations", "16"};
  std::map<std::string, std::string> refs;
  for (const std::string sample : {"pipeline", "threads"}) {
    ProgramRun ref = RunLegacy(Sync(), sample, base);
    ASSERT_TRUE(ref.child.Succeeded()) << ref.Describe();
    refs[sample] = ref.Digest();
  }
  for (int run = 0; run < runs; ++run) {
    const std::string sample = rng() % 4 == 0 ? "threads" : "pipeline";
    const int n = kInflight[rng() % kInflight.size()];
    std::vector<std::string> args = base;
    const std::vector<std::string> extra = {"--slots",   std::to_string(1 + rng() % 6),
                                            "--host-us", std::to_string(rng() % 300),
                                            "--seed",    std::to_string(1 + rng() % 1000000)};
    args.insert(args.end(), extra.begin(), extra.end());
    const std::string exec_us = std::to_string(rng() % 400);
    // Every other run in validation mode: a fence the shim misses is then reported even when the timing let the
    // digest come out right.
    const bool validated = run % 2 == 1;
    EnvEdits env = {{"NRT_SIM_EXEC_TIME_US", exec_us}};
    ProgramRun r = RunLegacy(Shim(n), sample, args, validated ? Validated(env) : env);
    std::string what = sample + " N=" + std::to_string(n) + " exec_us=" + exec_us + (validated ? " validated" : "");
    for (const std::string& a : args) what += " " + a;
    ASSERT_TRUE(r.child.Succeeded()) << what << ": " << r.Describe();
    ASSERT_EQ(r.Digest(), refs[sample]) << what;
    if (validated) {
      ASSERT_TRUE(NoValidationFindings(r)) << what;
    }
  }
}

TEST(Callbacks, ExactlyOnceEachInOrderForManyExecutions) {
  ProgramRun r = RunLegacy(Shim(8), "callbacks", {"--iterations", "200", "--slots", "5", "--host-us", "0"},
                           {{"NRT_SIM_EXEC_TIME_US", "50"}});
  // The sample itself fails on a missing, repeated or out-of-order job id, or foreign params.
  ASSERT_TRUE(r.child.Succeeded()) << r.Describe();
  EXPECT_EQ(r.Field("callbacks"), "200") << r.out;
  EXPECT_EQ(r.Field("order-errors"), "0") << r.out;
}

TEST(Faults, AnExecutionErrorReachesTheCallbackNotNrtExecute) {
  ProgramRun r = RunLegacy(Shim(3), "callbacks", {"--iterations", "8", "--host-us", "0"},
                           {{"NRT_SIM_FAULTS", "xu=compute,nth=5,status=NRT_EXEC_COMPLETED_WITH_NUM_ERR"},
                            {"NRT_SIM_EXEC_TIME_US", kExecUs}});
  EXPECT_TRUE(r.child.Exited(1)) << r.Describe();
  EXPECT_EQ(CountLines(r.err, "completed with NRT_EXEC_COMPLETED_WITH_NUM_ERR"), 1u) << r.err;
  EXPECT_EQ(CountLines(r.err, "callback: job"), 1u) << r.err;
  EXPECT_EQ(CountLines(r.err, "nrt_execute #"), 0u) << r.err;
  EXPECT_EQ(r.Field("returned-errors"), "0") << r.out;
  EXPECT_EQ(r.Field("callbacks"), "8") << r.out;
  EXPECT_EQ(r.Field("callback-errors"), "1") << r.out;
  // Synchronously the same error is nrt_execute's return (the documented difference).
  ProgramRun sync = RunLegacy(Sync(), "callbacks", {"--iterations", "8", "--host-us", "0"},
                              {{"NRT_SIM_FAULTS", "xu=compute,nth=5,status=NRT_EXEC_COMPLETED_WITH_NUM_ERR"}});
  EXPECT_EQ(CountLines(sync.err, "nrt_execute #5 returned NRT_EXEC_COMPLETED_WITH_NUM_ERR"), 1u) << sync.err;
}

TEST(Faults, AFatalUnitMakesLaterExecutesReturnUnrecoverable) {
  ProgramRun r = RunLegacy(Shim(2), "callbacks", {"--iterations", "10", "--host-us", "0"},
                           {{"NRT_SIM_FAULTS", "xu=compute,nth=3,action=fatal"}, {"NRT_SIM_EXEC_TIME_US", kExecUs}});
  EXPECT_TRUE(r.child.Exited(1)) << r.Describe();
  // The fatal execution's own error went to the callback; the calls after it learn it from nrt_execute.
  EXPECT_GE(CountLines(r.err, "callback: job"), 1u) << r.err;
  EXPECT_GE(CountLines(r.err, "returned NRT_EXEC_UNIT_UNRECOVERABLE"), 1u) << r.err;
  EXPECT_EQ(CountLines(r.err, "nrt_execute #1 returned"), 0u) << r.err;
  EXPECT_EQ(CountLines(r.err, "nrt_execute #2 returned"), 0u) << r.err;
}

}  // namespace
