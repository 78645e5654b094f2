// Batched I/O through nrtm_inflight.h: every range of every batch is fenced as a single read or write is, and
// unsafe = true skips the fences as it skipped the legacy runtime's waits. (This runtime's own batch calls
// never wait for executions: without the wrappers' fences these reads see stale data.)
#include <gtest/gtest.h>

#include "nrtm_inflight_test_fixture.h"

namespace {

using nrtm_test::DelayedRelease;
using nrtm_test::InflightTest;
using nrtm_test::Slot;
using nrtm_test::Watchdog;

// Two requests, the second held: s1's output is written, s2's is not yet.
void BatchScheduleTwo(nrt_model_t* model, Slot& s1, Slot& s2, const nrtest::HoldGate& gate) {
  float a[4] = {1, 2, 3, 4}, b[4] = {10, 20, 30, 40};
  ASSERT_EQ(nrtm_inflight_tensor_write(s1.x, a, 0, sizeof a), NRT_SUCCESS);
  ASSERT_EQ(nrtm_inflight_execute(model, s1.in, s1.out), NRT_SUCCESS);
  ASSERT_EQ(nrtm_inflight_tensor_write(s2.x, b, 0, sizeof b), NRT_SUCCESS);
  ASSERT_EQ(nrtm_inflight_execute(model, s2.in, s2.out), NRT_SUCCESS);
  ASSERT_TRUE(gate.WaitHolding());
}

TEST_F(InflightTest, ReadBatchWaitsForTheWriterOfEveryRange) {
  nrtest::HoldGate gate;
  ASSERT_NO_FATAL_FAILURE(Start(gate.Rule("xu=compute,nth=2")));
  Slot& s1 = NewSlot();
  Slot& s2 = NewSlot();
  ASSERT_NO_FATAL_FAILURE(BatchScheduleTwo(model_, s1, s2, gate));
  float r1[4] = {0, 0, 0, 0}, r2[2] = {0, 0};
  nrt_tensor_batch_op_t op1 = {0, sizeof r1, r1}, op2 = {8, sizeof r2, r2};  // y2's last two elements
  nrt_tensor_batch_t batches[2] = {{s1.y, &op1, 1}, {s2.y, &op2, 1}};
  DelayedRelease release(gate);
  ASSERT_EQ(nrtm_inflight_tensor_read_batch(batches, 2, false), NRT_SUCCESS);
  EXPECT_TRUE(release.Released()) << "the batch read did not wait for the request writing its second range";
  EXPECT_EQ(r1[0], 2);
  EXPECT_EQ(r2[0], 31);
  EXPECT_EQ(r2[1], 41);
}

TEST_F(InflightTest, WriteBatchWaitsForTheReaderOfEveryRange) {
  nrtest::HoldGate gate;
  ASSERT_NO_FATAL_FAILURE(Start(gate.Rule("xu=compute,nth=2")));
  Slot& s1 = NewSlot();
  Slot& s2 = NewSlot();
  ASSERT_NO_FATAL_FAILURE(BatchScheduleTwo(model_, s1, s2, gate));
  float w[4] = {0, 0, 0, 0};
  nrt_tensor_batch_op_t op = {4, 4, w};  // one element of s2's input, which the held request has not read
  nrt_tensor_batch_t batch = {s2.x, &op, 1};
  {
    DelayedRelease release(gate);
    ASSERT_EQ(nrtm_inflight_tensor_write_batch(&batch, 1, false), NRT_SUCCESS);
    EXPECT_TRUE(release.Released()) << "the batch write did not wait for the request reading its range";
  }
  float r[4];
  ASSERT_EQ(nrtm_inflight_tensor_read(s2.y, r, 0, sizeof r), NRT_SUCCESS);
  EXPECT_EQ(r[1], 21);  // the execution saw the input, not the write that had to wait for it
}

TEST_F(InflightTest, UnsafeBatchAndInvalidBatchesDoNotWait) {
  nrtest::HoldGate gate;
  ASSERT_NO_FATAL_FAILURE(Start(gate.Rule("xu=compute,nth=2")));
  Slot& s1 = NewSlot();
  Slot& s2 = NewSlot();
  ASSERT_NO_FATAL_FAILURE(BatchScheduleTwo(model_, s1, s2, gate));
  float r[4];
  nrt_tensor_batch_op_t op = {0, sizeof r, r};
  nrt_tensor_batch_t batch = {s2.y, &op, 1}, no_tensor = {nullptr, &op, 1}, no_ops = {s2.y, nullptr, 1};
  Watchdog watchdog(gate);
  EXPECT_EQ(nrtm_inflight_tensor_read_batch(&batch, 1, true), NRT_SUCCESS);  // the caller asked for no wait
  EXPECT_EQ(nrtm_inflight_tensor_read_batch(nullptr, 1, false), NRT_INVALID);
  EXPECT_EQ(nrtm_inflight_tensor_read_batch(&no_tensor, 1, false), NRT_INVALID);
  EXPECT_EQ(nrtm_inflight_tensor_write_batch(&no_ops, 1, false), NRT_INVALID);
  EXPECT_TRUE(watchdog.Stop()) << "an unsafe or invalid batch waited for the held request";
  gate.Release();
  ASSERT_EQ(nrtm_inflight_drain(0), NRT_SUCCESS);
}

}  // namespace
