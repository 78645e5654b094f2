// eventfd completion notification (SPEC §1.5): nrta_event_register_seq_id_completion and
// nrta_event_register_xu_completion with application-owned eventfds.
// This file: the cases that need the simulator (NRT_SIM_*); the portable ones are in
// portable/async_events_test.cc.
#include <vector>

#include "nrtest.h"

using namespace nrtest;

namespace {

NRT_STATUS Write(nrt_tensor_t* t, const uint32_t* v, int lnc, int queue, Req* r) {
  return nrta_tensor_write(t, v, 0, 4, lnc, queue, &r->ret, &r->seq);
}

}  // namespace

TEST(AsyncEvents, SeqRegistrationSignalsOnceWithValueOneWhenDone) {
  HoldGate gate;  // the write stays in flight until Release()
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=tensor_op,nth=1"));
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r;
  ASSERT_EQ(Write(t, &v, 0, 0, &r), NRT_SUCCESS);
  EventFd efd;
  ASSERT_GE(efd.fd(), 0);
  ASSERT_EQ(nrta_event_register_seq_id_completion(r.seq, efd.fd()), NRT_SUCCESS);
  EXPECT_FALSE(Readable(efd.fd(), 0)) << "signalled before the held request completed";
  gate.Release();
  EXPECT_EQ(ReadEventFd(efd.fd(), 3000), 1u);
  bool b = false;
  ASSERT_EQ(nrta_is_completed(r.seq, &b), NRT_SUCCESS);
  EXPECT_TRUE(b) << "signalled before completion was published";
  EXPECT_EQ(r.ret, NRT_SUCCESS) << "signalled before *ret was written";
  EXPECT_FALSE(Readable(efd.fd(), 100)) << "signalled more than once";
}

TEST(AsyncEvents, TwoFdsOnOneSeqAreBothSignalled) {
  HoldGate gate;  // the write stays in flight until Release()
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=tensor_op,nth=1"));
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r;
  ASSERT_EQ(Write(t, &v, 0, 0, &r), NRT_SUCCESS);
  EventFd a, b;
  ASSERT_EQ(nrta_event_register_seq_id_completion(r.seq, a.fd()), NRT_SUCCESS);
  ASSERT_EQ(nrta_event_register_seq_id_completion(r.seq, b.fd()), NRT_SUCCESS);
  gate.Release();
  EXPECT_EQ(ReadEventFd(a.fd(), 3000), 1u);
  EXPECT_EQ(ReadEventFd(b.fd(), 3000), 1u);
}

TEST(AsyncEvents, SeqDeregistrationPreventsTheSignal) {
  HoldGate gate;  // the write stays in flight until Release()
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=tensor_op,nth=1"));
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r;
  ASSERT_EQ(Write(t, &v, 0, 0, &r), NRT_SUCCESS);
  EventFd efd;
  ASSERT_EQ(nrta_event_register_seq_id_completion(r.seq, efd.fd()), NRT_SUCCESS);
  ASSERT_EQ(nrta_event_register_seq_id_completion(r.seq, -1), NRT_SUCCESS);
  gate.Release();
  ASSERT_TRUE(WaitSeq(r.seq));
  EXPECT_EQ(r.ret, NRT_SUCCESS);
  EXPECT_FALSE(Readable(efd.fd(), 100)) << "signalled after deregistration";
}

// SPIKE's pattern: deregister, then close the fd. A descriptor that reuses the number must never be
// written by the runtime.
TEST(AsyncEvents, NoWriteAfterDeregistrationEvenIfFdNumberIsReused) {
  HoldGate gate;  // the write stays in flight until Release()
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=tensor_op,nth=1"));
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
  gate.Release();
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

TEST(AsyncEvents, ClosedFdIsRejected) {
  HoldGate gate;  // the write stays in flight until Release()
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=tensor_op,nth=1"));
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r;
  ASSERT_EQ(Write(t, &v, 0, 0, &r), NRT_SUCCESS);
  // Once the request holds, the runtime opens no more files: the closed fd's number stays free (the worker
  // creates the .held marker with an fd of its own, which could otherwise reuse that number in between).
  ASSERT_TRUE(gate.WaitHolding());
  int closed_fd = eventfd(0, EFD_NONBLOCK);
  ASSERT_GE(closed_fd, 0);
  ASSERT_EQ(close(closed_fd), 0);
  EXPECT_EQ(nrta_event_register_seq_id_completion(r.seq, closed_fd), NRT_INVALID);
  EXPECT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 0, closed_fd), NRT_INVALID);
  EXPECT_EQ(nrta_event_register_seq_id_completion(r.seq, 1 << 20), NRT_INVALID) << "never-opened fd";
  EXPECT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 0, 1 << 20), NRT_INVALID) << "never-opened fd";
  gate.Release();
  ASSERT_TRUE(WaitSeq(r.seq));
  EXPECT_EQ(r.ret, NRT_SUCCESS);
}

// A registered request still queued at nrt_close completes (NRT_CLOSED) and is signalled; the fd
// stays open.
TEST(AsyncEvents, QueuedRequestIsSignalledAtClose) {
  HoldGate gate;  // the first write holds until nrt_close, the second stays queued
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=tensor_op,nth=1"));
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
