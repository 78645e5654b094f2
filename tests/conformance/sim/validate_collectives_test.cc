// Validation mode on host-driven collectives (nrta_cc_schedule): a collective reads this rank's input tensors and
// writes its outputs like any other request. The synchronous nrt_all_gather reads and writes the caller's buffers
// while the caller waits: a host access, checked like nrt_tensor_read/write. Ranks are the logical cores of this
// process; rank 0's all-reduce stays pending until rank 1 schedules its part, so "pending" is a state, not a timing.
// Each buggy program sits beside its correct twin (the other rank first, then the wait).
#include <string>
#include <thread>
#include <vector>

#include "nrtest.h"
#include "validate_test_util.h"

using namespace nrtest;

namespace {

struct TwoRankComm {
  std::vector<uint32_t> group{0, 1};
  nrt_cc_comm_t c{};
  explicit TwoRankComm(uint32_t rank) {
    c.replica_group = group.data();
    c.rank = rank;
    c.rank_n = 2;
    c.vnc = rank;
  }
};

// An all-reduce (float32 add) of in -> out for `rank`.
void ScheduleAllReduce(uint32_t rank, nrt_tensor_t* in, nrt_tensor_t* out, Req* r) {
  TwoRankComm comm(rank);
  nrt_tensor_list_t li{&in, 1}, lo{&out, 1};
  nrt_cc_context_t* ctx = nullptr;
  ASSERT_EQ(nrta_cc_prepare(&comm.c, &li, &lo, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &ctx), NRT_SUCCESS);
  ASSERT_EQ(nrta_cc_schedule(&ctx, 0, &r->ret, &r->seq), NRT_SUCCESS);
}

// Rank 0's all-reduce of x0 -> y0 is scheduled; `meanwhile(x0, y0)` runs while it waits for rank 1 (or, with
// wait_first, after both ranks completed). Returns stderr up to and including nrt_close.
template <typename Meanwhile>
std::string WhileRank0IsPending(bool wait_first, Meanwhile meanwhile) {
  SetEnv("NRT_SIM_VALIDATE", "1");
  Runtime rt;
  EXPECT_EQ(rt.status(), NRT_SUCCESS);
  StderrCapture cap;
  {
    Tensor x0(0, 64, "x0"), y0(0, 64, "y0"), x1(1, 64, "x1"), y1(1, 64, "y1");
    Req r0, r1;
    ScheduleAllReduce(0, x0, y0, &r0);
    if (wait_first) {
      ScheduleAllReduce(1, x1, y1, &r1);
      EXPECT_EQ(r0.Result(), NRT_SUCCESS);
      EXPECT_EQ(r1.Result(), NRT_SUCCESS);
    }
    meanwhile(x0.get(), y0.get());
    if (!wait_first) {
      ScheduleAllReduce(1, x1, y1, &r1);
      EXPECT_EQ(r0.Result(), NRT_SUCCESS);
      EXPECT_EQ(r1.Result(), NRT_SUCCESS);
    }
  }
  rt.Close();
  return cap.Stop();
}

void ExpectOneCcFinding(const std::string& err, const std::vector<std::string>& needles) {
  auto f = Findings(err);
  ASSERT_EQ(f.size(), 1u) << err;
  EXPECT_TRUE(HasAll(f[0], needles)) << f[0];
}

void ReadY0(nrt_tensor_t*, nrt_tensor_t* y0) {
  char buf[64];
  EXPECT_EQ(nrt_tensor_read(y0, buf, 0, sizeof buf), NRT_SUCCESS);
}

void OverwriteX0(nrt_tensor_t* x0, nrt_tensor_t*) {
  char buf[16] = {};
  Req w;
  EXPECT_EQ(nrta_tensor_write(x0, buf, 16, sizeof buf, 0, 0, &w.ret, &w.seq), NRT_SUCCESS);
  EXPECT_EQ(w.Result(), NRT_SUCCESS);
}

}  // namespace

TEST(ValidateCollectives, HostReadOfAPendingAllReduceOutputIsReported) {
  std::string err = WhileRank0IsPending(false, ReadY0);
  ExpectOneCcFinding(err, {"[host-read-racing-device-write]", "nrt_tensor_read at ", "tensor \"y0\" bytes [0, 64)",
                           "request seq 1 (lnc 0, collectives queue 0), nrta_cc_schedule scheduled at "});
}

TEST(ValidateCollectives, HostReadAfterTheAllReduceCompletedIsSilent) {
  std::string err = WhileRank0IsPending(true, ReadY0);
  EXPECT_TRUE(Findings(err).empty()) << err;
  EXPECT_EQ(LinesWith(err, {"nrt-validate: summary: no findings"}).size(), 1u) << err;
}

TEST(ValidateCollectives, TensorWriteOfAPendingAllReduceInputIsReported) {
  std::string err = WhileRank0IsPending(false, OverwriteX0);
  ExpectOneCcFinding(err, {"[cross-unit-write-after-read]", "nrta_tensor_write at ",
                           "request seq 1 (lnc 0, tensor_op queue 0) writes tensor \"x0\" bytes [16, 32)",
                           "request seq 1 (lnc 0, collectives queue 0), nrta_cc_schedule scheduled at ",
                           "reads tensor \"x0\" bytes [0, 64)"});
}

TEST(ValidateCollectives, TensorWriteAfterTheAllReduceCompletedIsSilent) {
  std::string err = WhileRank0IsPending(true, OverwriteX0);
  EXPECT_TRUE(Findings(err).empty()) << err;
}

namespace {

// nrt_all_gather of 8 bytes per rank between rank 0 (this thread, lnc 0, the caller's buffers) and rank 1 (a
// thread on lnc 1 giving {7, 8}).
void ValidateAllGather2(uint32_t* in0, uint32_t* out0) {
  uint32_t in1[2] = {7, 8}, out1[4] = {};
  NRT_STATUS s1 = NRT_FAILURE;
  std::thread rank1([&] { s1 = nrt_all_gather(1, 1, 2, sizeof in1, in1, out1); });
  EXPECT_EQ(nrt_all_gather(0, 0, 2, sizeof in1, in0, out0), NRT_SUCCESS);
  rank1.join();
  EXPECT_EQ(s1, NRT_SUCCESS);
}

// A request on tensor-op queue 0 of lnc 0 (held until released) moves 8 bytes between tensor "t" and one of
// rank 0's buffers: nrta_tensor_read into `in0` (to_input) or nrta_tensor_write out of `out0`. Then the all-gather
// runs before (buggy) or after (correct) waiting for it. Returns stderr up to and including nrt_close.
std::string AllGatherBesidePendingTransfer(bool to_input, bool wait_first, std::vector<uint32_t>* out) {
  HoldGate gate;
  ValidateHolding(gate, "xu=tensor_op,lnc=0,queue=0");
  Runtime rt;
  EXPECT_EQ(rt.status(), NRT_SUCCESS);
  StderrCapture cap;
  {
    Tensor t(0, 8, "t");
    const uint32_t words[2] = {5, 6};
    EXPECT_EQ(nrt_tensor_write(t, words, 0, sizeof words), NRT_SUCCESS);
    uint32_t in0[2] = {1, 2}, out0[4] = {};
    Req r;
    if (to_input) {
      EXPECT_EQ(nrta_tensor_read(in0, t, 0, sizeof in0, 0, 0, &r.ret, &r.seq), NRT_SUCCESS);
    } else {
      EXPECT_EQ(nrta_tensor_write(t, out0, 0, 8, 0, 0, &r.ret, &r.seq), NRT_SUCCESS);
    }
    if (wait_first) {
      gate.Release();
      EXPECT_EQ(r.Result(), NRT_SUCCESS);
    }
    ValidateAllGather2(in0, out0);
    gate.Release();
    EXPECT_EQ(r.Result(), NRT_SUCCESS);
    out->assign(out0, out0 + 4);
  }
  rt.Close();
  return cap.Stop();
}

}  // namespace

TEST(ValidateCollectives, AllGatherOfAnInputAPendingReadFillsIsReported) {
  std::vector<uint32_t> out;
  std::string err = AllGatherBesidePendingTransfer(true, false, &out);
  ExpectOneCcFinding(
      err,
      {"[host-read-racing-device-write]", "nrt_all_gather at ", "the host reads host buffer bytes [0, 8)",
       "request seq 1 (lnc 0, tensor_op queue 0), nrta_tensor_read scheduled at ", "writes host buffer bytes [0, 8)"});
  EXPECT_EQ(LinesWith(err, {"nrt-validate: summary: 1 finding(s) at 1 call site(s)"}).size(), 1u) << err;
}

TEST(ValidateCollectives, AllGatherAfterWaitingForTheReadIsSilent) {
  std::vector<uint32_t> out;
  std::string err = AllGatherBesidePendingTransfer(true, true, &out);
  EXPECT_TRUE(Findings(err).empty()) << err;
  EXPECT_EQ(out, (std::vector<uint32_t>{5, 6, 7, 8}));
}

TEST(ValidateCollectives, AllGatherIntoAnOutputAPendingWriteReadsIsReported) {
  std::vector<uint32_t> out;
  std::string err = AllGatherBesidePendingTransfer(false, false, &out);
  ExpectOneCcFinding(
      err,
      {"[host-write-racing-device-access]", "nrt_all_gather at ", "the host writes host buffer bytes [0, 8)",
       "request seq 1 (lnc 0, tensor_op queue 0), nrta_tensor_write scheduled at ", "reads host buffer bytes [0, 8)"});
}

TEST(ValidateCollectives, AllGatherAfterWaitingForTheWriteIsSilent) {
  std::vector<uint32_t> out;
  std::string err = AllGatherBesidePendingTransfer(false, true, &out);
  EXPECT_TRUE(Findings(err).empty()) << err;
  EXPECT_EQ(out, (std::vector<uint32_t>{1, 2, 7, 8}));
}

// A barrier touches no memory: requests pending on other units (here one writing a buffer) are no hazard for it.
TEST(ValidateCollectives, BarrierBesidePendingRequestsIsSilent) {
  HoldGate gate;
  ValidateHolding(gate, "xu=tensor_op,lnc=0,queue=0");
  Runtime rt;
  ASSERT_EQ(rt.status(), NRT_SUCCESS);
  StderrCapture cap;
  {
    Tensor t(0, 8, "t");
    uint32_t buf[2] = {};
    Req r;
    EXPECT_EQ(nrta_tensor_read(buf, t, 0, sizeof buf, 0, 0, &r.ret, &r.seq), NRT_SUCCESS);
    NRT_STATUS s1 = NRT_FAILURE;
    std::thread rank1([&] { s1 = nrt_barrier(1, 1, 2); });
    EXPECT_EQ(nrt_barrier(0, 0, 2), NRT_SUCCESS);
    rank1.join();
    EXPECT_EQ(s1, NRT_SUCCESS);
    gate.Release();
    EXPECT_EQ(r.Result(), NRT_SUCCESS);
  }
  rt.Close();
  std::string err = cap.Stop();
  EXPECT_TRUE(Findings(err).empty()) << err;
  EXPECT_EQ(LinesWith(err, {"nrt-validate: summary: no findings"}).size(), 1u) << err;
}
