// eventfd completion notification (SPEC §1.5): nrta_event_register_seq_id_completion and
// nrta_event_register_xu_completion with application-owned eventfds.
#include <vector>

#include "nrtest.h"

using namespace nrtest;

namespace {

NRT_STATUS Write(nrt_tensor_t* t, const uint32_t* v, int lnc, int queue, Req* r) {
  return nrta_tensor_write(t, v, 0, 4, lnc, queue, &r->ret, &r->seq);
}

}  // namespace

TEST(AsyncEvents, SeqRegistrationOfCompletedRequestSignalsAtOnce) {
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r;
  ASSERT_EQ(Write(t, &v, 0, 1, &r), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r.seq));
  EventFd efd;
  ASSERT_EQ(nrta_event_register_seq_id_completion(r.seq, efd.fd()), NRT_SUCCESS);
  EXPECT_TRUE(Readable(efd.fd(), 0)) << "not signalled when registration returned";
  EXPECT_EQ(ReadEventFd(efd.fd(), 0), 1u);
  EXPECT_FALSE(Readable(efd.fd(), 50)) << "signalled more than once";
}

// Registering an earlier request of the unit (already implied complete) also signals at once.
TEST(AsyncEvents, SeqRegistrationOfEarlierCompletedRequestSignalsAtOnce) {
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r[3];
  for (auto& x : r) ASSERT_EQ(Write(t, &v, 0, 0, &x), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r[2].seq));
  EventFd efd;
  ASSERT_EQ(nrta_event_register_seq_id_completion(r[0].seq, efd.fd()), NRT_SUCCESS);
  EXPECT_EQ(ReadEventFd(efd.fd(), 0), 1u);
}

// Several completions accumulate in the eventfd counter; one read drains them.
TEST(AsyncEvents, XuCompletionsAccumulateInTheCounter) {
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  EventFd efd;
  ASSERT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 1, efd.fd()), NRT_SUCCESS);
  uint32_t v = 1;
  Req r[5];
  for (auto& x : r) ASSERT_EQ(Write(t, &v, 0, 1, &x), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r[4].seq));
  EXPECT_EQ(DrainEventFd(efd.fd(), 5, 3000), 5u);
  EXPECT_FALSE(Readable(efd.fd(), 50)) << "more signals than completions";
  ASSERT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 1, -1), NRT_SUCCESS);
}

TEST(AsyncEvents, XuRegistrationOnlySignalsForItsUnit) {
  NRTEST_INIT(rt);
  Tensor t0(0, 16), t1(1, 16);
  EventFd efd;
  ASSERT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 0, efd.fd()), NRT_SUCCESS);
  uint32_t v = 1;
  Req a, b;
  ASSERT_EQ(Write(t0, &v, 0, 1, &a), NRT_SUCCESS);
  ASSERT_EQ(Write(t1, &v, 1, 0, &b), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(a.seq));
  ASSERT_TRUE(WaitSeq(b.seq));
  EXPECT_FALSE(Readable(efd.fd(), 50)) << "signalled for another unit's completion";
  ASSERT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 0, -1), NRT_SUCCESS);
}

TEST(AsyncEvents, XuRegistrationReplacesThePreviousFd) {
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  EventFd a, b;
  uint32_t v = 1;
  ASSERT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 0, a.fd()), NRT_SUCCESS);
  Req r1;
  ASSERT_EQ(Write(t, &v, 0, 0, &r1), NRT_SUCCESS);
  EXPECT_EQ(ReadEventFd(a.fd(), 3000), 1u);
  ASSERT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 0, b.fd()), NRT_SUCCESS);
  Req r2;
  ASSERT_EQ(Write(t, &v, 0, 0, &r2), NRT_SUCCESS);
  EXPECT_EQ(ReadEventFd(b.fd(), 3000), 1u);
  EXPECT_FALSE(Readable(a.fd(), 50)) << "the replaced fd was still signalled";
  ASSERT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 0, -1), NRT_SUCCESS);
}

TEST(AsyncEvents, XuDeregistrationStopsSignals) {
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  EventFd efd;
  uint32_t v = 1;
  ASSERT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 0, efd.fd()), NRT_SUCCESS);
  ASSERT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 0, -1), NRT_SUCCESS);
  Req r;
  ASSERT_EQ(Write(t, &v, 0, 0, &r), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r.seq));
  EXPECT_FALSE(Readable(efd.fd(), 100)) << "signalled after deregistration";
}

// Compute completions signal too (xu registration on the COMPUTE unit, seq registration of an
// execution).
TEST(AsyncEvents, ComputeCompletionsAreSignalled) {
  NRTEST_INIT(rt);
  Model m("async_scale", 1);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  Tensor x(1, kModelBytes), y(1, kModelBytes);
  TensorSet is, os;
  ASSERT_EQ(is.Add("x", x), NRT_SUCCESS);
  ASSERT_EQ(os.Add("y", y), NRT_SUCCESS);
  EventFd unit_fd, seq_fd;
  ASSERT_EQ(nrta_event_register_xu_completion(1, NRTA_XU_COMPUTE, 0, unit_fd.fd()), NRT_SUCCESS);
  Req r;
  ASSERT_EQ(nrta_execute_schedule(m, is, os, 0, &r.ret, &r.seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_event_register_seq_id_completion(r.seq, seq_fd.fd()), NRT_SUCCESS);
  EXPECT_EQ(ReadEventFd(seq_fd.fd(), 3000), 1u);
  EXPECT_EQ(ReadEventFd(unit_fd.fd(), 3000), 1u);
  EXPECT_EQ(r.ret, NRT_SUCCESS);
  ASSERT_EQ(nrta_event_register_xu_completion(1, NRTA_XU_COMPUTE, 0, -1), NRT_SUCCESS);
}

TEST(AsyncEvents, SeqRegistrationRejectsSeqsNotIssued) {
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r;
  ASSERT_EQ(Write(t, &v, 0, 0, &r), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r.seq));
  EventFd efd;
  EXPECT_EQ(nrta_event_register_seq_id_completion(r.seq + 1, efd.fd()), NRT_INVALID) << "future seq";
  EXPECT_EQ(nrta_event_register_seq_id_completion(MakeSeq(XuId(0, NRTA_XU_TENSOR_OP, 0), 0), efd.fd()), NRT_INVALID)
      << "seq number 0";
  EXPECT_EQ(nrta_event_register_seq_id_completion(MakeSeq(XuId(0, NRTA_XU_TENSOR_OP, 1), 1), efd.fd()), NRT_INVALID)
      << "unit never used";
  EXPECT_EQ(nrta_event_register_seq_id_completion(MakeSeq(0x0003, 1), efd.fd()), NRT_INVALID) << "bad type";
  EXPECT_EQ(nrta_event_register_seq_id_completion(MakeSeq(0x0011, 1), efd.fd()), NRT_INVALID) << "compute queue 1";
  EXPECT_EQ(nrta_event_register_seq_id_completion(MakeSeq(0xC800, 1), efd.fd()), NRT_INVALID) << "lnc 200";
  EXPECT_FALSE(Readable(efd.fd(), 0)) << "a rejected registration signalled";
}

TEST(AsyncEvents, XuRegistrationRejectsBadUnits) {
  NRTEST_INIT(rt);
  EventFd efd;
  EXPECT_EQ(nrta_event_register_xu_completion(-1, NRTA_XU_TENSOR_OP, 0, efd.fd()), NRT_INVALID);
  EXPECT_EQ(nrta_event_register_xu_completion(200, NRTA_XU_TENSOR_OP, 0, efd.fd()), NRT_INVALID);
  EXPECT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_TYPE_NUM, 0, efd.fd()), NRT_INVALID);
  EXPECT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 2, efd.fd()), NRT_INVALID);
  EXPECT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_COMPUTE, 1, efd.fd()), NRT_INVALID);
  EXPECT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_COLLECTIVES, 3, efd.fd()), NRT_INVALID);
  EXPECT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, -1, efd.fd()), NRT_INVALID);
}

// The runtime only writes to application fds: they stay open after completion and after nrt_close.
TEST(AsyncEvents, RuntimeNeverClosesApplicationFds) {
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  EventFd seq_fd, done_fd, unit_fd;
  ASSERT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 0, unit_fd.fd()), NRT_SUCCESS);
  Req r;
  ASSERT_EQ(Write(t, &v, 0, 0, &r), NRT_SUCCESS);
  ASSERT_EQ(nrta_event_register_seq_id_completion(r.seq, seq_fd.fd()), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r.seq));
  ASSERT_EQ(nrta_event_register_seq_id_completion(r.seq, done_fd.fd()), NRT_SUCCESS);
  EXPECT_EQ(ReadEventFd(seq_fd.fd(), 3000), 1u);
  EXPECT_EQ(ReadEventFd(done_fd.fd(), 0), 1u);
  EXPECT_TRUE(FdOpen(seq_fd.fd()));
  EXPECT_TRUE(FdOpen(done_fd.fd()));
  EXPECT_TRUE(FdOpen(unit_fd.fd()));
  rt.Close();
  EXPECT_TRUE(FdOpen(seq_fd.fd())) << "closed by nrt_close";
  EXPECT_TRUE(FdOpen(done_fd.fd())) << "closed by nrt_close";
  EXPECT_TRUE(FdOpen(unit_fd.fd())) << "closed by nrt_close";
}
