// Sequence ids and completion queries of the explicit async API (SPEC §1.6, §2 "Sequence IDs").
#include <vector>

#include "nrtest.h"

using namespace nrtest;

namespace {

NRT_STATUS Write(nrt_tensor_t* t, const void* buf, size_t size, int lnc, int queue, NRT_STATUS* ret, nrta_seq_t* seq) {
  return nrta_tensor_write(t, buf, 0, size, lnc, queue, ret, seq);
}

}  // namespace

// xu_id = lnc << 8 | queue << 4 | type in bits 63..48; the Gen0 macros' views agree.
TEST(AsyncSequence, SeqLayoutEncodesLncQueueAndType) {
  NRTEST_INIT(rt);
  Tensor t1(1, 16), t2(2, kModelBytes);
  ASSERT_EQ(t1.status(), NRT_SUCCESS);
  ASSERT_EQ(t2.status(), NRT_SUCCESS);
  uint32_t word = 7;
  NRT_STATUS ret = kSentinelStatus;
  nrta_seq_t seq = kSentinelSeq;
  ASSERT_EQ(Write(t1, &word, 4, 1, 1, &ret, &seq), NRT_SUCCESS);
  EXPECT_EQ(SeqXu(seq), 0x110) << std::hex << seq;
  EXPECT_EQ(SeqNum(seq), 1u);
  EXPECT_EQ(seq >> 56, 1u);              // Gen0 NRTA_SEQ_LNC
  EXPECT_EQ((seq >> 48) & 0xFF, 0x10u);  // Gen0 NRTA_SEQ_XU = queue << 4 | type
  ASSERT_TRUE(WaitSeq(seq));

  Model m("async_scale", 2);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  Tensor y(2, kModelBytes);
  TensorSet in, out;
  ASSERT_EQ(in.Add("x", t2), NRT_SUCCESS);
  ASSERT_EQ(out.Add("y", y), NRT_SUCCESS);
  NRT_STATUS eret = kSentinelStatus;
  nrta_seq_t eseq = kSentinelSeq;
  ASSERT_EQ(nrta_execute_schedule(m, in, out, 0, &eret, &eseq), NRT_SUCCESS);
  EXPECT_EQ(SeqXu(eseq), XuId(2, NRTA_XU_COMPUTE, 0));
  EXPECT_EQ(SeqXu(eseq), 0x201);
  EXPECT_EQ(SeqNum(eseq), 1u);
  ASSERT_TRUE(WaitSeq(eseq));
  EXPECT_EQ(eret, NRT_SUCCESS);
}

TEST(AsyncSequence, SeqNumbersStartAtOneAndAreConsecutivePerUnit) {
  NRTEST_INIT(rt);
  // One tensor per unit: units run in parallel, so two queues writing one tensor would race.
  Tensor a(0, 16), a1(0, 16), b(1, 16);
  uint32_t word = 1;
  std::vector<NRT_STATUS> rets(20, kSentinelStatus);
  std::vector<nrta_seq_t> q0, q1, l1;
  size_t r = 0;
  // Interleave three units: each keeps its own counter.
  for (int i = 0; i < 5; ++i) {
    nrta_seq_t s = kSentinelSeq;
    ASSERT_EQ(Write(a, &word, 4, 0, 0, &rets[r++], &s), NRT_SUCCESS);
    q0.push_back(s);
    if (i < 3) {
      ASSERT_EQ(Write(a1, &word, 4, 0, 1, &rets[r++], &s), NRT_SUCCESS);
      q1.push_back(s);
    }
    if (i < 2) {
      ASSERT_EQ(Write(b, &word, 4, 1, 0, &rets[r++], &s), NRT_SUCCESS);
      l1.push_back(s);
    }
  }
  for (size_t i = 0; i < q0.size(); ++i) EXPECT_EQ(q0[i], MakeSeq(XuId(0, NRTA_XU_TENSOR_OP, 0), i + 1));
  for (size_t i = 0; i < q1.size(); ++i) EXPECT_EQ(q1[i], MakeSeq(XuId(0, NRTA_XU_TENSOR_OP, 1), i + 1));
  for (size_t i = 0; i < l1.size(); ++i) EXPECT_EQ(l1[i], MakeSeq(XuId(1, NRTA_XU_TENSOR_OP, 0), i + 1));
  ASSERT_TRUE(WaitSeq(q0.back()));
  ASSERT_TRUE(WaitSeq(q1.back()));
  ASSERT_TRUE(WaitSeq(l1.back()));
  for (size_t i = 0; i < r; ++i) EXPECT_EQ(rets[i], NRT_SUCCESS) << i;
}

TEST(AsyncSequence, GetSequenceBeforeAnythingRanHasXuIdAndZero) {
  NRTEST_INIT(rt);
  uint32_t lncs = 0;
  ASSERT_EQ(nrt_get_visible_vnc_count(&lncs), NRT_SUCCESS);
  ASSERT_GE(lncs, 2u);
  const int queues[] = {2, 1, 3};  // TENSOR_OP, COMPUTE, COLLECTIVES
  for (uint32_t lnc = 0; lnc < lncs; ++lnc) {
    for (int type = 0; type < 3; ++type) {
      for (int q = 0; q < queues[type]; ++q) {
        nrta_seq_t s = kSentinelSeq;
        ASSERT_EQ(nrta_get_sequence(lnc, static_cast<nrta_xu_t>(type), q, &s), NRT_SUCCESS);
        EXPECT_EQ(s, MakeSeq(XuId(lnc, static_cast<nrta_xu_t>(type), q), 0)) << lnc << "/" << type << "/" << q;
      }
    }
  }
}

TEST(AsyncSequence, IsCompletedOfSeqNumberZeroIsTrue) {
  NRTEST_INIT(rt);
  bool b = false;
  ASSERT_EQ(nrta_is_completed(MakeSeq(XuId(0, NRTA_XU_TENSOR_OP, 1), 0), &b), NRT_SUCCESS);
  EXPECT_TRUE(b);
  b = false;
  ASSERT_EQ(nrta_is_completed(MakeSeq(XuId(1, NRTA_XU_COMPUTE, 0), 0), &b), NRT_SUCCESS);
  EXPECT_TRUE(b);
}

TEST(AsyncSequence, IsCompletedRejectsUnknownXuIdAndFutureSeq) {
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t word = 3;
  NRT_STATUS ret = kSentinelStatus;
  nrta_seq_t seq = 0;
  ASSERT_EQ(Write(t, &word, 4, 0, 0, &ret, &seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(seq));
  bool b = true;
  EXPECT_EQ(nrta_is_completed(seq + 1, &b), NRT_INVALID) << "n > last issued";
  EXPECT_EQ(nrta_is_completed(MakeSeq(XuId(0, NRTA_XU_TENSOR_OP, 1), 1), &b), NRT_INVALID) << "unit never used";
  EXPECT_EQ(nrta_is_completed(MakeSeq(0x0003, 1), &b), NRT_INVALID) << "type 3";
  EXPECT_EQ(nrta_is_completed(MakeSeq(0x000F, 0), &b), NRT_INVALID) << "type 15";
  EXPECT_EQ(nrta_is_completed(MakeSeq(0x0020, 0), &b), NRT_INVALID) << "tensor_op queue 2";
  EXPECT_EQ(nrta_is_completed(MakeSeq(0x0011, 0), &b), NRT_INVALID) << "compute queue 1";
  EXPECT_EQ(nrta_is_completed(MakeSeq(0x0032, 0), &b), NRT_INVALID) << "collectives queue 3";
  EXPECT_EQ(nrta_is_completed(MakeSeq(0xC800, 0), &b), NRT_INVALID) << "lnc 200";
  EXPECT_EQ(nrta_is_completed(seq, nullptr), NRT_INVALID) << "NULL is_completed";
}

TEST(AsyncSequence, GetSequenceRejectsBadArguments) {
  NRTEST_INIT(rt);
  nrta_seq_t s = kSentinelSeq;
  EXPECT_EQ(nrta_get_sequence(0, NRTA_XU_TENSOR_OP, 0, nullptr), NRT_INVALID);
  EXPECT_EQ(nrta_get_sequence(200, NRTA_XU_TENSOR_OP, 0, &s), NRT_INVALID);
  EXPECT_EQ(nrta_get_sequence(0, NRTA_XU_TYPE_NUM, 0, &s), NRT_INVALID);
  EXPECT_EQ(nrta_get_sequence(0, static_cast<nrta_xu_t>(-1), 0, &s), NRT_INVALID);
  EXPECT_EQ(nrta_get_sequence(0, NRTA_XU_TENSOR_OP, 2, &s), NRT_INVALID);
  EXPECT_EQ(nrta_get_sequence(0, NRTA_XU_COMPUTE, 1, &s), NRT_INVALID);
  EXPECT_EQ(nrta_get_sequence(0, NRTA_XU_COLLECTIVES, 3, &s), NRT_INVALID);
  EXPECT_EQ(nrta_get_sequence(0, NRTA_XU_TENSOR_OP, -1, &s), NRT_INVALID);
  EXPECT_EQ(s, kSentinelSeq);
}

// *ret is stored before completion is published: whenever a request is seen complete (by
// nrta_is_completed or nrta_get_sequence) its *ret already holds the final status.
TEST(AsyncSequence, RetIsWrittenBeforeCompletionIsObservable) {
  NRTEST_INIT(rt);
  Tensor t(0, 64);
  constexpr int kN = 600;
  std::vector<uint32_t> bufs(kN);
  std::vector<NRT_STATUS> rets(kN, kSentinelStatus);
  std::vector<nrta_seq_t> seqs(kN, 0);
  int submitted = 0;
  uint64_t checked_by_unit = 0;
  auto t0 = Clock::now();
  for (int i = 0; i < kN && SecondsSince(t0) < 10;) {
    bufs[i] = static_cast<uint32_t>(i);
    NRT_STATUS s = nrta_tensor_write(t, &bufs[i], (i % 16) * 4, 4, 0, 0, &rets[i], &seqs[i]);
    if (s == NRT_QUEUE_FULL) {
      std::this_thread::yield();
    } else {
      ASSERT_EQ(s, NRT_SUCCESS);
      ++i;
      submitted = i;
    }
    // Observe completions racing with the worker.
    uint64_t done = CompletedNum(0, NRTA_XU_TENSOR_OP, 0);
    for (; checked_by_unit < done; ++checked_by_unit) {
      ASSERT_NE(rets[checked_by_unit], kSentinelStatus)
          << "request " << checked_by_unit + 1 << " seen complete via get_sequence";
    }
  }
  ASSERT_EQ(submitted, kN);
  for (int i = 0; i < kN; ++i) {
    bool b = false;
    auto t1 = Clock::now();
    while (!b && SecondsSince(t1) < 5) ASSERT_EQ(nrta_is_completed(seqs[i], &b), NRT_SUCCESS);
    ASSERT_TRUE(b);
    ASSERT_EQ(rets[i], NRT_SUCCESS) << "request " << i + 1 << " seen complete via is_completed";
  }
}

// Visible cores are renumbered from 0: the LNC bits of a sequence id use the process's numbering.
TEST(AsyncSequence, SeqUsesRenumberedVisibleCores) {
  SetEnv("NEURON_RT_VISIBLE_CORES", "2-3");
  NRTEST_INIT(rt);
  uint32_t lncs = 0;
  ASSERT_EQ(nrt_get_visible_vnc_count(&lncs), NRT_SUCCESS);
  ASSERT_EQ(lncs, 2u);
  Tensor t(1, 16);
  ASSERT_EQ(t.status(), NRT_SUCCESS);
  uint32_t word = 1;
  NRT_STATUS ret = kSentinelStatus;
  nrta_seq_t seq = kSentinelSeq;
  ASSERT_EQ(Write(t, &word, 4, 1, 0, &ret, &seq), NRT_SUCCESS);
  EXPECT_EQ(seq, MakeSeq(XuId(1, NRTA_XU_TENSOR_OP, 0), 1));
  ASSERT_TRUE(WaitSeq(seq));
  nrta_seq_t s = kSentinelSeq;
  EXPECT_EQ(nrta_get_sequence(2, NRTA_XU_TENSOR_OP, 0, &s), NRT_INVALID) << "only cores 0-1 exist for this process";
}
