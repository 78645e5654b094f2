// Fault injection (NRT_SIM_FAULTS): which requests a rule selects and what status they get.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "nrtest.h"

using namespace nrtest;

namespace {

// n 4-byte writes on (lnc, queue); returns their statuses after completion.
std::vector<NRT_STATUS> Writes(nrt_tensor_t* t, int lnc, int queue, int n) {
  std::vector<Req> reqs(n);
  uint32_t v = 1;
  for (auto& r : reqs) {
    NRT_STATUS s;
    while ((s = nrta_tensor_write(t, &v, 0, 4, lnc, queue, &r.ret, &r.seq)) == NRT_QUEUE_FULL)
      std::this_thread::yield();
    EXPECT_EQ(s, NRT_SUCCESS);
    if (s != NRT_SUCCESS) return {};
  }
  EXPECT_TRUE(WaitSeq(reqs.back().seq));
  std::vector<NRT_STATUS> out;
  for (auto& r : reqs) out.push_back(r.ret);
  return out;
}

std::vector<NRT_STATUS> Only(int n, int failing_1based, NRT_STATUS status) {
  std::vector<NRT_STATUS> v(n, NRT_SUCCESS);
  v[failing_1based - 1] = status;
  return v;
}

}  // namespace

TEST(AsyncFaults, NthFailsOnlyThatRequest) {
  SetEnv("NRT_SIM_FAULTS", "xu=tensor_op,lnc=0,queue=0,nth=3");
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  EXPECT_EQ(Writes(t, 0, 0, 6), Only(6, 3, NRT_EXEC_COMPLETED_WITH_ERR));
}

TEST(AsyncFaults, NthAppliesToEachMatchingUnit) {
  SetEnv("NRT_SIM_FAULTS", "xu=tensor_op,nth=2,status=NRT_EXEC_OOB");
  NRTEST_INIT(rt);
  Tensor t0(0, 16), t1(1, 16);
  EXPECT_EQ(Writes(t0, 0, 0, 3), Only(3, 2, NRT_EXEC_OOB));
  EXPECT_EQ(Writes(t0, 0, 1, 3), Only(3, 2, NRT_EXEC_OOB));
  EXPECT_EQ(Writes(t1, 1, 0, 3), Only(3, 2, NRT_EXEC_OOB));
}

TEST(AsyncFaults, StatusByNameOrNumber) {
  SetEnv("NRT_SIM_FAULTS", "xu=tensor_op,nth=1,status=NRT_EXEC_BAD_INPUT; xu=tensor_op,nth=2,status=1003");
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  EXPECT_EQ(Writes(t, 0, 0, 3),
            (std::vector<NRT_STATUS>{NRT_EXEC_BAD_INPUT, NRT_EXEC_COMPLETED_WITH_NUM_ERR, NRT_SUCCESS}));
}

TEST(AsyncFaults, FirstMatchingRuleWins) {
  SetEnv("NRT_SIM_FAULTS", "xu=tensor_op,nth=1,status=NRT_EXEC_OOB;xu=tensor_op,status=NRT_EXEC_BAD_INPUT");
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  EXPECT_EQ(Writes(t, 0, 0, 3), (std::vector<NRT_STATUS>{NRT_EXEC_OOB, NRT_EXEC_BAD_INPUT, NRT_EXEC_BAD_INPUT}));
}

TEST(AsyncFaults, LncAndQueueFiltersSelectUnits) {
  SetEnv("NRT_SIM_FAULTS", "xu=tensor_op,lnc=1,queue=1");
  NRTEST_INIT(rt);
  Tensor t0(0, 16), t1(1, 16);
  std::vector<NRT_STATUS> ok(2, NRT_SUCCESS), bad(2, NRT_EXEC_COMPLETED_WITH_ERR);
  EXPECT_EQ(Writes(t0, 0, 0, 2), ok);
  EXPECT_EQ(Writes(t0, 0, 1, 2), ok);
  EXPECT_EQ(Writes(t1, 1, 0, 2), ok);
  EXPECT_EQ(Writes(t1, 1, 1, 2), bad);
}

TEST(AsyncFaults, XuFilterSelectsUnitType) {
  SetEnv("NRT_SIM_FAULTS", "xu=compute");
  NRTEST_INIT(rt);
  Model m("async_scale", 0);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  Tensor x(0, kModelBytes), y(0, kModelBytes);
  TensorSet is, os;
  ASSERT_EQ(is.Add("x", x), NRT_SUCCESS);
  ASSERT_EQ(os.Add("y", y), NRT_SUCCESS);
  EXPECT_EQ(Writes(x, 0, 0, 2), std::vector<NRT_STATUS>(2, NRT_SUCCESS));
  Req e;
  ASSERT_EQ(nrta_execute_schedule(m, is, os, 0, &e.ret, &e.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(e.seq));
  EXPECT_EQ(e.ret, NRT_EXEC_COMPLETED_WITH_ERR);
  EXPECT_EQ(nrt_execute(m, is, os), NRT_EXEC_COMPLETED_WITH_ERR) << "synchronous executions run on the same unit";
}

TEST(AsyncFaults, MatchSelectsModelByName) {
  SetEnv("NRT_SIM_FAULTS", "match=async_double,status=NRT_EXEC_COMPLETED_WITH_NUM_ERR");
  NRTEST_INIT(rt);
  Model scale("async_scale", 0), dbl("async_double", 0);
  ASSERT_EQ(scale.status(), NRT_SUCCESS);
  ASSERT_EQ(dbl.status(), NRT_SUCCESS);
  Tensor x(0, kModelBytes), y(0, kModelBytes);
  TensorSet is, os;
  ASSERT_EQ(is.Add("x", x), NRT_SUCCESS);
  ASSERT_EQ(os.Add("y", y), NRT_SUCCESS);
  Req r[4];
  ASSERT_EQ(nrta_execute_schedule(scale, is, os, 0, &r[0].ret, &r[0].seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_execute_schedule(dbl, is, os, 0, &r[1].ret, &r[1].seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_execute_schedule(scale, is, os, 0, &r[2].ret, &r[2].seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_execute_schedule(dbl, is, os, 0, &r[3].ret, &r[3].seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r[3].seq));
  EXPECT_EQ(r[0].ret, NRT_SUCCESS);
  EXPECT_EQ(r[1].ret, NRT_EXEC_COMPLETED_WITH_NUM_ERR);
  EXPECT_EQ(r[2].ret, NRT_SUCCESS);
  EXPECT_EQ(r[3].ret, NRT_EXEC_COMPLETED_WITH_NUM_ERR);
}

TEST(AsyncFaults, MatchSelectsTensorOpKind) {
  SetEnv("NRT_SIM_FAULTS", "match=read,status=NRT_EXEC_BAD_INPUT;match=copy,status=NRT_EXEC_OOB");
  NRTEST_INIT(rt);
  Tensor a(0, 16), b(0, 16);
  uint32_t v = 1, got = 0;
  Req w, r, c;
  ASSERT_EQ(nrta_tensor_write(a, &v, 0, 4, 0, 0, &w.ret, &w.seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_tensor_read(&got, a, 0, 4, 0, 0, &r.ret, &r.seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_tensor_copy(a, 0, b, 0, 4, 0, 0, &c.ret, &c.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(c.seq));
  EXPECT_EQ(w.ret, NRT_SUCCESS);
  EXPECT_EQ(r.ret, NRT_EXEC_BAD_INPUT);
  EXPECT_EQ(c.ret, NRT_EXEC_OOB);
}

TEST(AsyncFaults, ProbZeroSelectsNothingAndOneSelectsEverything) {
  SetEnv("NRT_SIM_FAULTS", "xu=tensor_op,queue=0,prob=0,seed=1;xu=tensor_op,queue=1,prob=1,seed=1");
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  EXPECT_EQ(Writes(t, 0, 0, 20), std::vector<NRT_STATUS>(20, NRT_SUCCESS));
  EXPECT_EQ(Writes(t, 0, 1, 20), std::vector<NRT_STATUS>(20, NRT_EXEC_COMPLETED_WITH_ERR));
}

// Helper run in a child process by ProbWithSeedIsDeterministicAcrossRuns: writes the pattern of
// failed requests ('1') among 200 writes to $NRTB_ASYNC_PROB_OUT.
TEST(AsyncFaultsHelper, ProbRun) {
  const char* out = getenv("NRTB_ASYNC_PROB_OUT");
  if (out == nullptr) GTEST_SKIP() << "only runs as a child of AsyncFaults.ProbWithSeedIsDeterministicAcrossRuns";
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  std::vector<NRT_STATUS> st = Writes(t, 0, 0, 200);
  ASSERT_EQ(st.size(), 200u);
  std::string pattern;
  for (NRT_STATUS s : st) {
    ASSERT_TRUE(s == NRT_SUCCESS || s == NRT_EXEC_COMPLETED_WITH_ERR) << s;
    pattern += s == NRT_SUCCESS ? '0' : '1';
  }
  std::ofstream(out) << pattern;
}

namespace {

// Runs AsyncFaultsHelper.ProbRun in a fresh process with NRT_SIM_FAULTS=spec; returns its pattern.
std::string RunProbChild(const std::string& spec, const std::string& tag) {
  std::string out = TempPath("prob_" + tag);
  std::remove(out.c_str());
  ChildResult child = RunSelf("AsyncFaultsHelper.ProbRun", {"NRT_SIM_FAULTS=" + spec, "NRTB_ASYNC_PROB_OUT=" + out});
  EXPECT_TRUE(child.Succeeded()) << "child run failed: " << child.Describe();
  std::string pattern = ReadText(out);
  std::remove(out.c_str());
  return pattern;
}

}  // namespace

TEST(AsyncFaults, ProbWithSeedIsDeterministicAcrossRuns) {
  std::string a = RunProbChild("xu=tensor_op,prob=0.5,seed=42", "a");
  std::string b = RunProbChild("xu=tensor_op,prob=0.5,seed=42", "b");
  std::string c = RunProbChild("xu=tensor_op,prob=0.5,seed=43", "c");
  ASSERT_EQ(a.size(), 200u);
  ASSERT_EQ(c.size(), 200u);
  EXPECT_EQ(a, b) << "same seed, different subset";
  EXPECT_NE(a, c) << "different seeds selected the same 200-request subset";
  auto count = std::count(a.begin(), a.end(), '1');
  EXPECT_GE(count, 60) << a;
  EXPECT_LE(count, 140) << a;
}

// A bad NRT_SIM_FAULTS makes nrt_init fail with NRT_INVALID and leaves the runtime uninitialised.
class AsyncFaultsBadSpec : public ::testing::TestWithParam<const char*> {};

TEST_P(AsyncFaultsBadSpec, InitReturnsInvalid) {
  SetEnv("NRT_SIM_FAULTS", GetParam());
  EXPECT_EQ(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_INVALID) << "NRT_SIM_FAULTS=\"" << GetParam() << "\"";
  nrta_seq_t s = 0;
  EXPECT_EQ(nrta_get_sequence(0, NRTA_XU_TENSOR_OP, 0, &s), NRT_UNINITIALIZED);
  nrt_close();
}

INSTANTIATE_TEST_SUITE_P(Specs, AsyncFaultsBadSpec,
                         ::testing::Values("xu=gpu", "nth=0", "nth=-1", "prob=1.5", "prob=abc", "action=explode",
                                           "status=NOT_A_STATUS", "status=99999", "status=NRT_SUCCESS", "nth",
                                           "color=red", "lnc=abc", "queue=99", "match=", "xu=compute;queue=x",
                                           "xu=compute,,nth=1"));
