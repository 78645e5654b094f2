// NRT_QUEUE_FULL (SPEC §2 "Non-blocking / queue-full"): with NRT_SIM_QUEUE_DEPTH=4, a unit with 4
// requests submitted but not completed rejects the 5th and changes nothing.
#include <memory>
#include <vector>

#include "nrtest.h"

using namespace nrtest;

namespace {

// 4 writes fill lnc 0 tensor_op queue 0: the first is held (fault action=hold) until the test releases it,
// so the queue stays full for as long as the test needs.
class AsyncQueueFullSlow : public ::testing::Test {
 protected:
  void SetUp() override {
    SetEnv("NRT_SIM_QUEUE_DEPTH", "4");
    SetEnv("NRT_SIM_FAULTS", gate_.Rule("xu=tensor_op,lnc=0,queue=0,nth=1"));
    rt_ = std::make_unique<Runtime>();
    ASSERT_EQ(rt_->status(), NRT_SUCCESS);
    t_ = std::make_unique<Tensor>(0, 16);
    ASSERT_EQ(t_->status(), NRT_SUCCESS);
  }
  void TearDown() override {
    t_.reset();
    rt_.reset();
  }
  void Fill() {
    for (int i = 0; i < 4; ++i) {
      ASSERT_EQ(nrta_tensor_write(*t_, &word_, 0, 4, 0, 0, &rets_[i], &seqs_[i]), NRT_SUCCESS) << i;
      ASSERT_EQ(SeqNum(seqs_[i]), static_cast<uint64_t>(i + 1));
    }
  }

  HoldGate gate_;
  std::unique_ptr<Runtime> rt_;
  std::unique_ptr<Tensor> t_;
  uint32_t word_ = 42;
  NRT_STATUS rets_[8] = {kSentinelStatus, kSentinelStatus, kSentinelStatus, kSentinelStatus,
                         kSentinelStatus, kSentinelStatus, kSentinelStatus, kSentinelStatus};
  nrta_seq_t seqs_[8] = {};
};

}  // namespace

TEST_F(AsyncQueueFullSlow, FifthRequestReturnsQueueFullAndLeavesOutputsUntouched) {
  ASSERT_NO_FATAL_FAILURE(Fill());
  NRT_STATUS ret = kSentinelStatus;
  nrta_seq_t seq = kSentinelSeq;
  uint32_t buf = 0;
  EXPECT_EQ(nrta_tensor_write(*t_, &word_, 0, 4, 0, 0, &ret, &seq), NRT_QUEUE_FULL);
  EXPECT_EQ(nrta_tensor_read(&buf, *t_, 0, 4, 0, 0, &ret, &seq), NRT_QUEUE_FULL);
  EXPECT_EQ(ret, kSentinelStatus);
  EXPECT_EQ(seq, kSentinelSeq);
  // Still untouched after everything completed (nothing was queued for it).
  gate_.Release();
  ASSERT_TRUE(WaitSeq(seqs_[3]));
  EXPECT_EQ(ret, kSentinelStatus);
  EXPECT_EQ(seq, kSentinelSeq);
  EXPECT_EQ(CompletedNum(0, NRTA_XU_TENSOR_OP, 0), 4u);
  bool b = true;
  EXPECT_EQ(nrta_is_completed(MakeSeq(XuId(0, NRTA_XU_TENSOR_OP, 0), 5), &b), NRT_INVALID) << "no 5th id was issued";
}

TEST_F(AsyncQueueFullSlow, QueueFullConsumesNoSequenceNumber) {
  ASSERT_NO_FATAL_FAILURE(Fill());
  NRT_STATUS ret = kSentinelStatus;
  nrta_seq_t seq = kSentinelSeq;
  for (int i = 0; i < 3; ++i) ASSERT_EQ(nrta_tensor_write(*t_, &word_, 0, 4, 0, 0, &ret, &seq), NRT_QUEUE_FULL);
  gate_.Release();
  ASSERT_TRUE(WaitSeq(seqs_[0]));
  ASSERT_EQ(nrta_tensor_write(*t_, &word_, 0, 4, 0, 0, &rets_[4], &seqs_[4]), NRT_SUCCESS);
  EXPECT_EQ(seqs_[4], MakeSeq(XuId(0, NRTA_XU_TENSOR_OP, 0), 5));
}

// The MIG pattern: on NRT_QUEUE_FULL wait for one more completion on that unit, then retry.
TEST_F(AsyncQueueFullSlow, RetryAfterACompletionSucceeds) {
  ASSERT_NO_FATAL_FAILURE(Fill());
  NRT_STATUS ret = kSentinelStatus;
  nrta_seq_t seq = kSentinelSeq;
  nrta_seq_t seen = 0;
  ASSERT_EQ(nrta_get_sequence(0, NRTA_XU_TENSOR_OP, 0, &seen), NRT_SUCCESS);
  ASSERT_EQ(nrta_tensor_write(*t_, &word_, 0, 4, 0, 0, &ret, &seq), NRT_QUEUE_FULL);
  gate_.Release();
  ASSERT_TRUE(WaitUnit(0, NRTA_XU_TENSOR_OP, 0, seen + 1));
  ASSERT_EQ(nrta_tensor_write(*t_, &word_, 0, 4, 0, 0, &ret, &seq), NRT_SUCCESS);
  EXPECT_EQ(SeqNum(seq), 5u);
  // Full again until the next completion.
  NRT_STATUS ret2 = kSentinelStatus;
  nrta_seq_t seq2 = kSentinelSeq;
  if (CompletedNum(0, NRTA_XU_TENSOR_OP, 0) < 2) {
    EXPECT_EQ(nrta_tensor_write(*t_, &word_, 0, 4, 0, 0, &ret2, &seq2), NRT_QUEUE_FULL);
  }
  ASSERT_TRUE(WaitSeq(seq));
  EXPECT_EQ(ret, NRT_SUCCESS);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(rets_[i], NRT_SUCCESS);
}

// The running request counts: full <=> submitted - completed >= depth.
TEST_F(AsyncQueueFullSlow, RunningRequestCountsTowardsDepth) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(nrta_tensor_write(*t_, &word_, 0, 4, 0, 0, &rets_[i], &seqs_[i]), NRT_SUCCESS);
  ASSERT_TRUE(gate_.WaitHolding());  // request 1 is running (held) now, 2 and 3 wait
  ASSERT_EQ(nrta_tensor_write(*t_, &word_, 0, 4, 0, 0, &rets_[3], &seqs_[3]), NRT_SUCCESS);
  NRT_STATUS ret = kSentinelStatus;
  nrta_seq_t seq = kSentinelSeq;
  EXPECT_EQ(nrta_tensor_write(*t_, &word_, 0, 4, 0, 0, &ret, &seq), NRT_QUEUE_FULL);
}

// The depth is per unit: a full queue does not stop other queues or cores.
TEST_F(AsyncQueueFullSlow, QueueFullIsPerUnit) {
  ASSERT_NO_FATAL_FAILURE(Fill());
  Tensor t1(1, 16);
  NRT_STATUS ret = kSentinelStatus;
  nrta_seq_t seq = kSentinelSeq;
  ASSERT_EQ(nrta_tensor_write(*t_, &word_, 0, 4, 0, 0, &ret, &seq), NRT_QUEUE_FULL);
  ASSERT_EQ(nrta_tensor_write(*t_, &word_, 0, 4, 0, 1, &rets_[4], &seqs_[4]), NRT_SUCCESS) << "queue 1 of core 0";
  ASSERT_EQ(nrta_tensor_write(t1, &word_, 0, 4, 1, 0, &rets_[5], &seqs_[5]), NRT_SUCCESS) << "queue 0 of core 1";
  EXPECT_EQ(SeqNum(seqs_[4]), 1u);
  EXPECT_EQ(SeqNum(seqs_[5]), 1u);
  ASSERT_TRUE(WaitSeq(seqs_[4]));
  ASSERT_TRUE(WaitSeq(seqs_[5]));
}

TEST(AsyncQueueFull, ExecuteScheduleReturnsQueueFull) {
  HoldGate gate;
  SetEnv("NRT_SIM_QUEUE_DEPTH", "4");
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=compute,nth=1"));
  // Declared before the runtime: requests still queued complete at nrt_close and store their status.
  NRT_STATUS rets[5] = {kSentinelStatus, kSentinelStatus, kSentinelStatus, kSentinelStatus, kSentinelStatus};
  nrta_seq_t seqs[5] = {kSentinelSeq, kSentinelSeq, kSentinelSeq, kSentinelSeq, kSentinelSeq};
  NRTEST_INIT(rt);
  Model m("async_scale", 0);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  Tensor x(0, kModelBytes), y(0, kModelBytes);
  TensorSet is, os;
  ASSERT_EQ(is.Add("x", x), NRT_SUCCESS);
  ASSERT_EQ(os.Add("y", y), NRT_SUCCESS);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(nrta_execute_schedule(m, is, os, 0, &rets[i], &seqs[i]), NRT_SUCCESS);
  EXPECT_EQ(nrta_execute_schedule(m, is, os, 0, &rets[4], &seqs[4]), NRT_QUEUE_FULL);
  EXPECT_EQ(rets[4], kSentinelStatus);
  EXPECT_EQ(seqs[4], kSentinelSeq);
  gate.Release();
  ASSERT_TRUE(WaitSeq(seqs[0]));
  ASSERT_EQ(nrta_execute_schedule(m, is, os, 0, &rets[4], &seqs[4]), NRT_SUCCESS);
  EXPECT_EQ(SeqNum(seqs[4]), 5u);
  EXPECT_EQ(rets[0], NRT_SUCCESS);
}
