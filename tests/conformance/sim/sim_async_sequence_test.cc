// Sequence ids and completion queries of the explicit async API (SPEC §1.6, §2 "Sequence IDs").
// This file: the cases that need the simulator (NRT_SIM_*); the portable ones are in
// portable/async_sequence_test.cc.
#include <vector>

#include "nrtest.h"

using namespace nrtest;

namespace {

NRT_STATUS Write(nrt_tensor_t* t, const void* buf, size_t size, int lnc, int queue, NRT_STATUS* ret, nrta_seq_t* seq) {
  return nrta_tensor_write(t, buf, 0, size, lnc, queue, ret, seq);
}

}  // namespace

// The SDK examples' polling pattern: `completed >= last_submitted` (full 64-bit compare).
TEST(AsyncSequence, CompletedSeqComparesWithLastSubmitted) {
  HoldGate gate;
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=tensor_op,nth=1"));
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t word = 3;
  NRT_STATUS rets[3] = {kSentinelStatus, kSentinelStatus, kSentinelStatus};
  nrta_seq_t seqs[3];
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Write(t, &word, 4, 0, 0, &rets[i], &seqs[i]), NRT_SUCCESS);
  nrta_seq_t done = kSentinelSeq;
  ASSERT_EQ(nrta_get_sequence(0, NRTA_XU_TENSOR_OP, 0, &done), NRT_SUCCESS);
  EXPECT_LT(done, seqs[2]) << "the first request is held: the last cannot be done";
  EXPECT_EQ(SeqXu(done), SeqXu(seqs[2]));
  gate.Release();
  ASSERT_TRUE(WaitUnit(0, NRTA_XU_TENSOR_OP, 0, seqs[2]));
  for (int i = 0; i < 3; ++i) {
    bool b = false;
    ASSERT_EQ(nrta_is_completed(seqs[i], &b), NRT_SUCCESS);
    EXPECT_TRUE(b);
    EXPECT_EQ(rets[i], NRT_SUCCESS);
  }
  ASSERT_EQ(nrta_get_sequence(0, NRTA_XU_TENSOR_OP, 0, &done), NRT_SUCCESS);
  EXPECT_EQ(done, seqs[2]);
}

// Completion is monotonic within a unit: when request k is complete, so is every earlier one.
TEST(AsyncSequence, CompletionIsInOrderWithinAUnit) {
  SetEnv("NRT_SIM_DMA_LATENCY_US", "2000");
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t word = 5;
  constexpr int kN = 20;
  std::vector<NRT_STATUS> rets(kN, kSentinelStatus);
  std::vector<nrta_seq_t> seqs(kN);
  for (int i = 0; i < kN; ++i) ASSERT_EQ(Write(t, &word, 4, 0, 0, &rets[i], &seqs[i]), NRT_SUCCESS);
  auto t0 = Clock::now();
  bool last = false;
  while (!last && SecondsSince(t0) < 5) {
    std::vector<bool> done(kN);
    for (int i = kN - 1; i >= 0; --i) {  // later first, so an in-order runtime never shows a gap
      bool b = false;
      ASSERT_EQ(nrta_is_completed(seqs[i], &b), NRT_SUCCESS);
      done[i] = b;
    }
    for (int i = 1; i < kN; ++i) {
      if (done[i]) {
        ASSERT_TRUE(done[i - 1]) << "request " << i + 1 << " complete before " << i;
      }
    }
    last = done[kN - 1];
  }
  ASSERT_TRUE(last);
  for (int i = 0; i < kN; ++i) EXPECT_EQ(rets[i], NRT_SUCCESS);
}

// The LNC occupies bits 63..56, so high core numbers survive the round trip.
TEST(AsyncSequence, HighLncNumbersRoundTrip) {
  SetEnv("NRT_SIM_DEVICE_LNCS", "128");
  SetEnv("NRT_SIM_LNC_MEMORY_MB", "16");
  NRTEST_INIT(rt);
  Tensor t(127, 16);
  ASSERT_EQ(t.status(), NRT_SUCCESS);
  uint32_t word = 1;
  NRT_STATUS ret = kSentinelStatus;
  nrta_seq_t seq = kSentinelSeq;
  ASSERT_EQ(Write(t, &word, 4, 127, 1, &ret, &seq), NRT_SUCCESS);
  EXPECT_EQ(seq >> 56, 127u);
  EXPECT_EQ(SeqXu(seq), 0x7F10);
  ASSERT_TRUE(WaitSeq(seq));
  EXPECT_EQ(ret, NRT_SUCCESS);
  nrta_seq_t s = kSentinelSeq;
  ASSERT_EQ(nrta_get_sequence(127, NRTA_XU_TENSOR_OP, 1, &s), NRT_SUCCESS);
  EXPECT_EQ(s, seq);
  bool b = false;
  EXPECT_EQ(nrta_is_completed(MakeSeq(XuId(128, NRTA_XU_TENSOR_OP, 0), 0), &b), NRT_INVALID);
}
