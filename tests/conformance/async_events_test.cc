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

TEST(AsyncEvents, SeqRegistrationSignalsOnceWithValueOneWhenDone) {
  SetEnv("NRT_SIM_DMA_LATENCY_US", "30000");
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r;
  ASSERT_EQ(Write(t, &v, 0, 0, &r), NRT_SUCCESS);
  EventFd efd;
  ASSERT_GE(efd.fd(), 0);
  ASSERT_EQ(nrta_event_register_seq_id_completion(r.seq, efd.fd()), NRT_SUCCESS);
  EXPECT_FALSE(Readable(efd.fd(), 0)) << "signalled before a 30 ms request could complete";
  EXPECT_EQ(ReadEventFd(efd.fd(), 3000), 1u);
  bool b = false;
  ASSERT_EQ(nrta_is_completed(r.seq, &b), NRT_SUCCESS);
  EXPECT_TRUE(b) << "signalled before completion was published";
  EXPECT_EQ(r.ret, NRT_SUCCESS) << "signalled before *ret was written";
  EXPECT_FALSE(Readable(efd.fd(), 100)) << "signalled more than once";
}

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

TEST(AsyncEvents, TwoFdsOnOneSeqAreBothSignalled) {
  SetEnv("NRT_SIM_DMA_LATENCY_US", "20000");
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r;
  ASSERT_EQ(Write(t, &v, 0, 0, &r), NRT_SUCCESS);
  EventFd a, b;
  ASSERT_EQ(nrta_event_register_seq_id_completion(r.seq, a.fd()), NRT_SUCCESS);
  ASSERT_EQ(nrta_event_register_seq_id_completion(r.seq, b.fd()), NRT_SUCCESS);
  EXPECT_EQ(ReadEventFd(a.fd(), 3000), 1u);
  EXPECT_EQ(ReadEventFd(b.fd(), 3000), 1u);
}

TEST(AsyncEvents, SeqDeregistrationPreventsTheSignal) {
  SetEnv("NRT_SIM_DMA_LATENCY_US", "50000");
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r;
  ASSERT_EQ(Write(t, &v, 0, 0, &r), NRT_SUCCESS);
  EventFd efd;
  ASSERT_EQ(nrta_event_register_seq_id_completion(r.seq, efd.fd()), NRT_SUCCESS);
  ASSERT_EQ(nrta_event_register_seq_id_completion(r.seq, -1), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r.seq));
  EXPECT_EQ(r.ret, NRT_SUCCESS);
  EXPECT_FALSE(Readable(efd.fd(), 100)) << "signalled after deregistration";
}

// SPIKE's pattern: deregister, then close the fd. A descriptor that reuses the number must never be
// written by the runtime.
TEST(AsyncEvents, NoWriteAfterDeregistrationEvenIfFdNumberIsReused) {
  SetEnv("NRT_SIM_DMA_LATENCY_US", "50000");
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r;
  ASSERT_EQ(Write(t, &v, 0, 0, &r), NRT_SUCCESS);
  int old_fd;
  {
    EventFd efd;
    old_fd = efd.fd();
    ASSERT_EQ(nrta_event_register_seq_id_completion(r.seq, efd.fd()), NRT_SUCCESS);
    ASSERT_EQ(nrta_event_register_seq_id_completion(r.seq, -1), NRT_SUCCESS);
  }
  EventFd reused;
  if (reused.fd() != old_fd) GTEST_LOG_(INFO) << "fd number not reused; still checking the new fd";
  ASSERT_TRUE(WaitSeq(r.seq));
  EXPECT_FALSE(Readable(reused.fd(), 100)) << "runtime wrote to a deregistered fd number";
}

TEST(AsyncEvents, XuRegistrationSignalsOnEveryCompletion) {
  SetEnv("NRT_SIM_DMA_LATENCY_US", "10000");
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  EventFd efd;
  ASSERT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 0, efd.fd()), NRT_SUCCESS);
  uint32_t v = 1;
  uint64_t last_seen = 0;
  for (int i = 0; i < 3; ++i) {
    Req r;
    ASSERT_EQ(Write(t, &v, 0, 0, &r), NRT_SUCCESS);
    EXPECT_EQ(ReadEventFd(efd.fd(), 3000), 1u) << "completion " << i + 1;
    // Consumers re-check with nrta_get_sequence after each wake-up.
    uint64_t done = CompletedNum(0, NRTA_XU_TENSOR_OP, 0);
    EXPECT_GT(done, last_seen);
    EXPECT_EQ(done, SeqNum(r.seq));
    EXPECT_EQ(r.ret, NRT_SUCCESS);
    last_seen = done;
  }
  EXPECT_FALSE(Readable(efd.fd(), 50));
  ASSERT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 0, -1), NRT_SUCCESS);
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

TEST(AsyncEvents, ClosedFdIsRejected) {
  SetEnv("NRT_SIM_DMA_LATENCY_US", "20000");
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r;
  ASSERT_EQ(Write(t, &v, 0, 0, &r), NRT_SUCCESS);
  int closed_fd = eventfd(0, EFD_NONBLOCK);
  ASSERT_GE(closed_fd, 0);
  ASSERT_EQ(close(closed_fd), 0);
  EXPECT_EQ(nrta_event_register_seq_id_completion(r.seq, closed_fd), NRT_INVALID);
  EXPECT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 0, closed_fd), NRT_INVALID);
  EXPECT_EQ(nrta_event_register_seq_id_completion(r.seq, 1 << 20), NRT_INVALID) << "never-opened fd";
  EXPECT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 0, 1 << 20), NRT_INVALID) << "never-opened fd";
  ASSERT_TRUE(WaitSeq(r.seq));
  EXPECT_EQ(r.ret, NRT_SUCCESS);
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

// A registered request still queued at nrt_close completes (NRT_CLOSED) and is signalled; the fd
// stays open.
TEST(AsyncEvents, QueuedRequestIsSignalledAtClose) {
  SetEnv("NRT_SIM_DMA_LATENCY_US", "2000000");
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r1, r2;
  ASSERT_EQ(Write(t, &v, 0, 0, &r1), NRT_SUCCESS);
  ASSERT_EQ(Write(t, &v, 0, 0, &r2), NRT_SUCCESS);
  EventFd efd;
  ASSERT_EQ(nrta_event_register_seq_id_completion(r2.seq, efd.fd()), NRT_SUCCESS);
  rt.Close();
  EXPECT_EQ(ReadEventFd(efd.fd(), 0), 1u);
  EXPECT_EQ(r2.ret, NRT_CLOSED);
  EXPECT_TRUE(FdOpen(efd.fd()));
}

// Registering the same fd twice for one request still yields one signal.
TEST(AsyncEvents, SameFdRegisteredTwiceSignalsOnce) {
  SetEnv("NRT_SIM_DMA_LATENCY_US", "20000");
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r;
  ASSERT_EQ(Write(t, &v, 0, 0, &r), NRT_SUCCESS);
  EventFd efd;
  ASSERT_EQ(nrta_event_register_seq_id_completion(r.seq, efd.fd()), NRT_SUCCESS);
  ASSERT_EQ(nrta_event_register_seq_id_completion(r.seq, efd.fd()), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r.seq));
  SleepMs(20);
  EXPECT_EQ(ReadEventFd(efd.fd(), 3000), 1u);
}
