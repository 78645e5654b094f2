// nrt_close with work in flight: returns promptly, every request gets a status; afterwards every
// async call returns NRT_CLOSED.
#include <atomic>
#include <deque>
#include <thread>
#include <vector>

#include "nrtest.h"

using namespace nrtest;

TEST(AsyncClose, CallsAfterCloseReturnClosed) {
  NRTEST_INIT(rt);
  Model m("async_scale", 0);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  Tensor a(0, kModelBytes), b(0, kModelBytes);
  TensorSet is, os;
  ASSERT_EQ(is.Add("x", a), NRT_SUCCESS);
  ASSERT_EQ(os.Add("y", b), NRT_SUCCESS);
  uint32_t v = 1;
  Req done;
  ASSERT_EQ(nrta_tensor_write(a, &v, 0, 4, 0, 0, &done.ret, &done.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(done.seq));
  rt.Close();
  Req r;
  nrta_seq_t s = kSentinelSeq;
  bool bl = false;
  EventFd efd;
  EXPECT_EQ(nrta_tensor_write(a, &v, 0, 4, 0, 0, &r.ret, &r.seq), NRT_CLOSED);
  EXPECT_EQ(nrta_tensor_read(&v, a, 0, 4, 0, 0, &r.ret, &r.seq), NRT_CLOSED);
  EXPECT_EQ(nrta_tensor_copy(a, 0, b, 0, 4, 0, 0, &r.ret, &r.seq), NRT_CLOSED);
  EXPECT_EQ(nrta_execute_schedule(m, is, os, 0, &r.ret, &r.seq), NRT_CLOSED);
  EXPECT_EQ(nrta_get_sequence(0, NRTA_XU_TENSOR_OP, 0, &s), NRT_CLOSED);
  EXPECT_EQ(nrta_is_completed(done.seq, &bl), NRT_CLOSED);
  EXPECT_EQ(nrta_event_register_seq_id_completion(done.seq, efd.fd()), NRT_CLOSED);
  EXPECT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 0, efd.fd()), NRT_CLOSED);
  EXPECT_EQ(r.ret, kSentinelStatus);
  EXPECT_EQ(r.seq, kSentinelSeq);
  EXPECT_EQ(s, kSentinelSeq);
  EXPECT_FALSE(Readable(efd.fd(), 0));
}

// nrt_close is idempotent and nrt_init afterwards starts a new runtime.
TEST(AsyncClose, CloseTwiceAndInitAfterClose) {
  NRTEST_INIT(rt);
  rt.Close();
  nrt_close();
  nrta_seq_t s = 0;
  EXPECT_EQ(nrta_get_sequence(0, NRTA_XU_TENSOR_OP, 0, &s), NRT_CLOSED);
  // A new runtime, with units that start from sequence number 0 again.
  ASSERT_EQ(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_SUCCESS);
  EXPECT_EQ(nrta_get_sequence(0, NRTA_XU_TENSOR_OP, 0, &s), NRT_SUCCESS);
  EXPECT_EQ(SeqNum(s), 0u);
  nrt_close();
}
