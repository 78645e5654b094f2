// Collectives in the simulator's trace and fault plan: a collective on the COLLECTIVES unit
// overlaps compute on the same core (visible in NRT_SIM_TRACE), and NRT_SIM_FAULTS reaches it like
// any other unit's request.
#include <fstream>
#include <nlohmann/json.hpp>

#include "nrtest.h"

using namespace nrtest;
using nlohmann::json;

namespace {

NRT_STATUS ScheduleSolo(nrt_tensor_t* t, nrt_cc_op_type_t cc, Req* p, uint32_t vnc = 0) {
  uint32_t group[1] = {vnc};
  nrt_cc_comm_t comm{};
  comm.replica_group = group;
  comm.rank_n = 1;
  comm.vnc = vnc;
  nrt_tensor_list_t l{&t, 1};
  nrt_cc_context_t* ctx = nullptr;
  NRT_STATUS s = nrta_cc_prepare(&comm, &l, &l, NRT_DTYPE_FLOAT32, NRT_OP_ADD, cc, &ctx);
  if (s != NRT_SUCCESS) return s;
  return nrta_cc_schedule(&ctx, 0, &p->ret, &p->seq);
}

}  // namespace

TEST(SimCollectivesTrace, AllReduceOverlapsComputeOnTheSameCore) {
  const std::string path = TempPath("cc_trace.json");
  std::remove(path.c_str());
  HoldGate gate;
  SetEnv("NRT_SIM_TRACE", path);
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=compute,lnc=0,nth=1"));
  Runtime rt;
  ASSERT_EQ(rt.status(), NRT_SUCCESS);
  Req exec, cc;
  {
    AsyncModel a("async_timed", 0);
    ASSERT_EQ(a.m.status(), NRT_SUCCESS);
    Tensor g(0, 4096, "grad");
    ASSERT_EQ(nrta_execute_schedule(a.m, a.is, a.os, 0, &exec.ret, &exec.seq), NRT_SUCCESS);
    ASSERT_TRUE(gate.WaitHolding());  // the execution is running (held) on COMPUTE
    ASSERT_EQ(ScheduleSolo(g, NRT_CC_ALLREDUCE, &cc), NRT_SUCCESS);
    ASSERT_TRUE(WaitSeq(cc.seq));  // completes while the execution is still in flight
    bool exec_done = true;
    ASSERT_EQ(nrta_is_completed(exec.seq, &exec_done), NRT_SUCCESS);
    EXPECT_FALSE(exec_done);
    gate.Release();
    ASSERT_TRUE(WaitSeq(exec.seq));
    EXPECT_EQ(exec.ret, NRT_SUCCESS);
    EXPECT_EQ(cc.ret, NRT_SUCCESS);
  }
  rt.Close();
  std::ifstream in(path);
  ASSERT_TRUE(in.good());
  json doc = json::parse(in);
  const json *ex = nullptr, *ar = nullptr;
  for (const json& e : doc["traceEvents"]) {
    if (e.value("ph", "") != "X" || !e.contains("args") || !e["args"].contains("seq")) continue;
    if (e["args"]["seq"].get<uint64_t>() == exec.seq) ex = &e;
    if (e["args"]["seq"].get<uint64_t>() == cc.seq) ar = &e;
  }
  ASSERT_NE(ex, nullptr);
  ASSERT_NE(ar, nullptr) << "the collective has a trace event";
  EXPECT_EQ((*ar)["name"], "all_reduce");
  const double ex0 = (*ex)["ts"], ex1 = ex0 + (*ex)["dur"].get<double>();
  const double ar0 = (*ar)["ts"], ar1 = ar0 + (*ar)["dur"].get<double>();
  EXPECT_LT(ex0, ar1);
  EXPECT_GT(ex1, ar0);
  EXPECT_NE((*ex)["tid"], (*ar)["tid"]) << "compute and collectives are separate tracks";
  std::remove(path.c_str());
}

TEST(SimCollectivesTrace, InjectedFaultsReachCollectives) {
  SetEnv("NRT_SIM_FAULTS", "xu=collectives,lnc=1,nth=2,status=NRT_EXEC_HW_ERR_COLLECTIVES,action=fatal");
  NRTEST_INIT(rt);
  Tensor t(1, 64);
  Req a, b;
  ASSERT_EQ(ScheduleSolo(t, NRT_CC_ALLREDUCE, &a, 1), NRT_SUCCESS);
  ASSERT_EQ(ScheduleSolo(t, NRT_CC_ALLREDUCE, &b, 1), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(b.seq));
  EXPECT_EQ(a.ret, NRT_SUCCESS);
  EXPECT_EQ(b.ret, NRT_EXEC_HW_ERR_COLLECTIVES);
  Req c;
  EXPECT_EQ(ScheduleSolo(t, NRT_CC_ALLREDUCE, &c, 1), NRT_EXEC_UNIT_UNRECOVERABLE);
}

TEST(SimCollectivesTrace, TimingModelChargesTheBytesMoved) {
  SetEnv("NRT_SIM_DMA_GBPS", "1");  // 1 byte per ns: 4 MB take 4 ms
  NRTEST_INIT(rt);
  Tensor t(0, 4 << 20);
  Req p;
  const auto t0 = Clock::now();
  ASSERT_EQ(ScheduleSolo(t, NRT_CC_ALLREDUCE, &p), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(p.seq));
  EXPECT_EQ(p.ret, NRT_SUCCESS);
  EXPECT_GE(SecondsSince(t0), 0.004);
}
