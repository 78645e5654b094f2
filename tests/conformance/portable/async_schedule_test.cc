// Schedule calls of the explicit async API: what they do, ordering / parallelism of units, never
// blocking, argument validation and lifecycle statuses (SPEC §1.7, §2).
#include <sys/wait.h>

#include <cstring>
#include <limits>
#include <vector>

#include "nrtest.h"

using namespace nrtest;

namespace {

struct Slot {
  NRT_STATUS ret = kSentinelStatus;
  nrta_seq_t seq = kSentinelSeq;
  void ExpectUntouched(const char* what) const {
    EXPECT_EQ(ret, kSentinelStatus) << what << ": *ret written on failure";
    EXPECT_EQ(seq, kSentinelSeq) << what << ": *req_sequence written on failure";
  }
};

}  // namespace

TEST(AsyncSchedule, WriteThenReadOnOneQueueRoundTripsWithoutWaiting) {
  NRTEST_INIT(rt);
  Tensor t(0, 256);
  std::vector<uint8_t> src(256), dst(256, 0);
  for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<uint8_t>(i * 7 + 3);
  Slot w, r;
  ASSERT_EQ(nrta_tensor_write(t, src.data(), 0, 256, 0, 0, &w.ret, &w.seq), NRT_SUCCESS);
  // Same unit: the read is ordered after the write, no wait needed.
  ASSERT_EQ(nrta_tensor_read(dst.data(), t, 0, 256, 0, 0, &r.ret, &r.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r.seq));
  EXPECT_EQ(w.ret, NRT_SUCCESS);
  EXPECT_EQ(r.ret, NRT_SUCCESS);
  EXPECT_EQ(src, dst);
}

TEST(AsyncSchedule, WriteAndReadHonourOffsets) {
  NRTEST_INIT(rt);
  Tensor t(0, 64);
  std::vector<uint8_t> zeros(64, 0), part = {1, 2, 3, 4, 5, 6, 7, 8};
  ASSERT_EQ(nrt_tensor_write(t, zeros.data(), 0, 64), NRT_SUCCESS);
  Slot w, r;
  ASSERT_EQ(nrta_tensor_write(t, part.data(), 40, 8, 0, 1, &w.ret, &w.seq), NRT_SUCCESS);
  std::vector<uint8_t> got(6, 0xFF);
  ASSERT_EQ(nrta_tensor_read(got.data(), t, 38, 6, 0, 1, &r.ret, &r.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r.seq));
  EXPECT_EQ(w.ret, NRT_SUCCESS);
  EXPECT_EQ(r.ret, NRT_SUCCESS);
  EXPECT_EQ(got, (std::vector<uint8_t>{0, 0, 1, 2, 3, 4}));
}

TEST(AsyncSchedule, CopyMovesBytesBetweenDeviceTensors) {
  NRTEST_INIT(rt);
  Tensor src(1, 128), dst(1, 128);
  std::vector<uint8_t> a(128), z(128, 0);
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<uint8_t>(255 - i);
  ASSERT_EQ(nrt_tensor_write(src, a.data(), 0, 128), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_write(dst, z.data(), 0, 128), NRT_SUCCESS);
  Slot c;
  ASSERT_EQ(nrta_tensor_copy(src, 16, dst, 32, 64, 1, 0, &c.ret, &c.seq), NRT_SUCCESS);
  EXPECT_EQ(SeqXu(c.seq), XuId(1, NRTA_XU_TENSOR_OP, 0));
  ASSERT_TRUE(WaitSeq(c.seq));
  EXPECT_EQ(c.ret, NRT_SUCCESS);
  std::vector<uint8_t> got(128);
  ASSERT_EQ(nrt_tensor_read(dst, got.data(), 0, 128), NRT_SUCCESS);
  for (size_t i = 0; i < 128; ++i) {
    uint8_t want = (i >= 32 && i < 96) ? a[i - 32 + 16] : 0;
    ASSERT_EQ(got[i], want) << i;
  }
}

TEST(AsyncSchedule, ExecuteScheduleComputesOutputs) {
  NRTEST_INIT(rt);
  Model m("async_scale", 0);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  Tensor x(0, kModelBytes), y(0, kModelBytes);
  auto in = Iota(-10);
  ASSERT_EQ(nrt_tensor_write(x, in.data(), 0, kModelBytes), NRT_SUCCESS);
  TensorSet is, os;
  ASSERT_EQ(is.Add("x", x), NRT_SUCCESS);
  ASSERT_EQ(os.Add("y", y), NRT_SUCCESS);
  Slot e;
  ASSERT_EQ(nrta_execute_schedule(m, is, os, 0, &e.ret, &e.seq), NRT_SUCCESS);
  EXPECT_EQ(SeqXu(e.seq), XuId(0, NRTA_XU_COMPUTE, 0));
  ASSERT_TRUE(WaitSeq(e.seq));
  EXPECT_EQ(e.ret, NRT_SUCCESS);
  EXPECT_EQ(ReadFloats(y), ScaleRef(in));
}

TEST(AsyncSchedule, ZeroSizeTransfersAreAllowed) {
  NRTEST_INIT(rt);
  Tensor a(0, 16), b(0, 16);
  uint8_t byte = 0;
  Slot w, r, c;
  ASSERT_EQ(nrta_tensor_write(a, &byte, 16, 0, 0, 0, &w.ret, &w.seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_tensor_read(&byte, a, 0, 0, 0, 0, &r.ret, &r.seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_tensor_copy(a, 0, b, 16, 0, 0, 0, &c.ret, &c.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(c.seq));
  EXPECT_EQ(w.ret, NRT_SUCCESS);
  EXPECT_EQ(r.ret, NRT_SUCCESS);
  EXPECT_EQ(c.ret, NRT_SUCCESS);
}

// ---------------------------------------------------------------------------------------------
// Argument validation: NRT_INVALID, and *ret / *req_sequence untouched.

TEST(AsyncSchedule, WriteRejectsNullArguments) {
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 0;
  Slot s;
  EXPECT_EQ(nrta_tensor_write(nullptr, &v, 0, 4, 0, 0, &s.ret, &s.seq), NRT_INVALID);
  EXPECT_EQ(nrta_tensor_write(t, nullptr, 0, 4, 0, 0, &s.ret, &s.seq), NRT_INVALID);
  EXPECT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, nullptr, &s.seq), NRT_INVALID);
  EXPECT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &s.ret, nullptr), NRT_INVALID);
  s.ExpectUntouched("write");
  EXPECT_EQ(CompletedNum(0, NRTA_XU_TENSOR_OP, 0), 0u);
}

TEST(AsyncSchedule, ReadRejectsNullArguments) {
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 0;
  Slot s;
  EXPECT_EQ(nrta_tensor_read(&v, nullptr, 0, 4, 0, 0, &s.ret, &s.seq), NRT_INVALID);
  EXPECT_EQ(nrta_tensor_read(nullptr, t, 0, 4, 0, 0, &s.ret, &s.seq), NRT_INVALID);
  EXPECT_EQ(nrta_tensor_read(&v, t, 0, 4, 0, 0, nullptr, &s.seq), NRT_INVALID);
  EXPECT_EQ(nrta_tensor_read(&v, t, 0, 4, 0, 0, &s.ret, nullptr), NRT_INVALID);
  s.ExpectUntouched("read");
}

TEST(AsyncSchedule, CopyRejectsNullArguments) {
  NRTEST_INIT(rt);
  Tensor a(0, 16), b(0, 16);
  Slot s;
  EXPECT_EQ(nrta_tensor_copy(nullptr, 0, b, 0, 4, 0, 0, &s.ret, &s.seq), NRT_INVALID);
  EXPECT_EQ(nrta_tensor_copy(a, 0, nullptr, 0, 4, 0, 0, &s.ret, &s.seq), NRT_INVALID);
  EXPECT_EQ(nrta_tensor_copy(a, 0, b, 0, 4, 0, 0, nullptr, &s.seq), NRT_INVALID);
  EXPECT_EQ(nrta_tensor_copy(a, 0, b, 0, 4, 0, 0, &s.ret, nullptr), NRT_INVALID);
  s.ExpectUntouched("copy");
}

TEST(AsyncSchedule, ExecuteScheduleRejectsNullArguments) {
  NRTEST_INIT(rt);
  Model m("async_scale", 0);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  Tensor x(0, kModelBytes), y(0, kModelBytes);
  TensorSet is, os;
  ASSERT_EQ(is.Add("x", x), NRT_SUCCESS);
  ASSERT_EQ(os.Add("y", y), NRT_SUCCESS);
  Slot s;
  EXPECT_EQ(nrta_execute_schedule(nullptr, is, os, 0, &s.ret, &s.seq), NRT_INVALID);
  EXPECT_EQ(nrta_execute_schedule(m, nullptr, os, 0, &s.ret, &s.seq), NRT_INVALID);
  EXPECT_EQ(nrta_execute_schedule(m, is, nullptr, 0, &s.ret, &s.seq), NRT_INVALID);
  EXPECT_EQ(nrta_execute_schedule(m, is, os, 0, nullptr, &s.seq), NRT_INVALID);
  EXPECT_EQ(nrta_execute_schedule(m, is, os, 0, &s.ret, nullptr), NRT_INVALID);
  s.ExpectUntouched("execute_schedule");
}

TEST(AsyncSchedule, RejectsOutOfRangeOffsetAndSize) {
  NRTEST_INIT(rt);
  Tensor a(0, 64), b(0, 64);
  std::vector<uint8_t> buf(128);
  const uint64_t kMax = std::numeric_limits<uint64_t>::max();
  Slot s;
  EXPECT_EQ(nrta_tensor_write(a, buf.data(), 0, 65, 0, 0, &s.ret, &s.seq), NRT_INVALID);
  EXPECT_EQ(nrta_tensor_write(a, buf.data(), 61, 4, 0, 0, &s.ret, &s.seq), NRT_INVALID);
  EXPECT_EQ(nrta_tensor_write(a, buf.data(), 65, 0, 0, 0, &s.ret, &s.seq), NRT_INVALID);
  EXPECT_EQ(nrta_tensor_write(a, buf.data(), kMax, 2, 0, 0, &s.ret, &s.seq), NRT_INVALID) << "offset + size overflows";
  EXPECT_EQ(nrta_tensor_write(a, buf.data(), 8, kMax - 7, 0, 0, &s.ret, &s.seq), NRT_INVALID)
      << "offset + size wraps to 0";
  EXPECT_EQ(nrta_tensor_read(buf.data(), a, 0, 65, 0, 0, &s.ret, &s.seq), NRT_INVALID);
  EXPECT_EQ(nrta_tensor_read(buf.data(), a, kMax, 1, 0, 0, &s.ret, &s.seq), NRT_INVALID);
  EXPECT_EQ(nrta_tensor_read(buf.data(), a, 1, kMax, 0, 0, &s.ret, &s.seq), NRT_INVALID);
  EXPECT_EQ(nrta_tensor_copy(a, 32, b, 0, 33, 0, 0, &s.ret, &s.seq), NRT_INVALID) << "source range";
  EXPECT_EQ(nrta_tensor_copy(a, 0, b, 32, 33, 0, 0, &s.ret, &s.seq), NRT_INVALID) << "destination range";
  EXPECT_EQ(nrta_tensor_copy(a, kMax, b, 0, 2, 0, 0, &s.ret, &s.seq), NRT_INVALID);
  EXPECT_EQ(nrta_tensor_copy(a, 0, b, 16, kMax - 15, 0, 0, &s.ret, &s.seq), NRT_INVALID);
  s.ExpectUntouched("out of range");
  // The exact end is fine.
  ASSERT_EQ(nrta_tensor_write(a, buf.data(), 60, 4, 0, 0, &s.ret, &s.seq), NRT_SUCCESS);
  EXPECT_EQ(SeqNum(s.seq), 1u) << "failed calls consumed sequence numbers";
  ASSERT_TRUE(WaitSeq(s.seq));
  EXPECT_EQ(s.ret, NRT_SUCCESS);
}

TEST(AsyncSchedule, TensorOpsRejectQueueOutsideZeroToOne) {
  NRTEST_INIT(rt);
  Tensor a(0, 16), b(0, 16);
  uint32_t v = 0;
  Slot s;
  for (int q : {2, 3, -1, 16}) {
    EXPECT_EQ(nrta_tensor_write(a, &v, 0, 4, 0, q, &s.ret, &s.seq), NRT_INVALID) << q;
    EXPECT_EQ(nrta_tensor_read(&v, a, 0, 4, 0, q, &s.ret, &s.seq), NRT_INVALID) << q;
    EXPECT_EQ(nrta_tensor_copy(a, 0, b, 0, 4, 0, q, &s.ret, &s.seq), NRT_INVALID) << q;
  }
  s.ExpectUntouched("bad queue");
}

TEST(AsyncSchedule, ExecuteScheduleRejectsQueueOtherThanZero) {
  NRTEST_INIT(rt);
  Model m("async_scale", 0);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  Tensor x(0, kModelBytes), y(0, kModelBytes);
  TensorSet is, os;
  ASSERT_EQ(is.Add("x", x), NRT_SUCCESS);
  ASSERT_EQ(os.Add("y", y), NRT_SUCCESS);
  Slot s;
  for (int q : {1, 2, -1}) EXPECT_EQ(nrta_execute_schedule(m, is, os, q, &s.ret, &s.seq), NRT_INVALID) << q;
  s.ExpectUntouched("compute queue");
}

TEST(AsyncSchedule, TensorOpsRejectBadLnc) {
  NRTEST_INIT(rt);
  uint32_t lncs = 0;
  ASSERT_EQ(nrt_get_visible_vnc_count(&lncs), NRT_SUCCESS);
  Tensor a(0, 16), b(0, 16);
  uint32_t v = 0;
  Slot s;
  for (int lnc : {-1, static_cast<int>(lncs), 255, 100000}) {
    EXPECT_EQ(nrta_tensor_write(a, &v, 0, 4, lnc, 0, &s.ret, &s.seq), NRT_INVALID) << lnc;
    EXPECT_EQ(nrta_tensor_read(&v, a, 0, 4, lnc, 0, &s.ret, &s.seq), NRT_INVALID) << lnc;
    EXPECT_EQ(nrta_tensor_copy(a, 0, b, 0, 4, lnc, 0, &s.ret, &s.seq), NRT_INVALID) << lnc;
  }
  s.ExpectUntouched("bad lnc");
}

TEST(AsyncSchedule, TensorOnAnotherLncIsRejected) {
  NRTEST_INIT(rt);
  Tensor t1(1, 16);
  uint32_t v = 0;
  Slot s;
  EXPECT_EQ(nrta_tensor_write(t1, &v, 0, 4, 0, 0, &s.ret, &s.seq), NRT_INVALID);
  EXPECT_EQ(nrta_tensor_read(&v, t1, 0, 4, 0, 0, &s.ret, &s.seq), NRT_INVALID);
  EXPECT_EQ(nrta_tensor_write(t1, &v, 0, 4, 2, 1, &s.ret, &s.seq), NRT_INVALID);
  s.ExpectUntouched("tensor on other lnc");
  ASSERT_EQ(nrta_tensor_write(t1, &v, 0, 4, 1, 0, &s.ret, &s.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(s.seq));
}

TEST(AsyncSchedule, CopyAcrossLncsIsRejected) {
  NRTEST_INIT(rt);
  Tensor a(0, 16), b(1, 16);
  Slot s;
  EXPECT_EQ(nrta_tensor_copy(a, 0, b, 0, 4, 0, 0, &s.ret, &s.seq), NRT_INVALID);
  EXPECT_EQ(nrta_tensor_copy(a, 0, b, 0, 4, 1, 0, &s.ret, &s.seq), NRT_INVALID);
  EXPECT_EQ(nrta_tensor_copy(b, 0, a, 0, 4, 0, 0, &s.ret, &s.seq), NRT_INVALID);
  s.ExpectUntouched("copy across lncs");
}

TEST(AsyncSchedule, ExecuteScheduleRejectsSetsThatDoNotMatchTheModel) {
  NRTEST_INIT(rt);
  Model m("async_scale", 0);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  Tensor x(0, kModelBytes), y(0, kModelBytes), small(0, kModelBytes - 4), other_lnc(1, kModelBytes),
      extra(0, kModelBytes);
  Slot s;
  {  // input missing
    TensorSet is, os;
    ASSERT_EQ(os.Add("y", y), NRT_SUCCESS);
    EXPECT_EQ(nrta_execute_schedule(m, is, os, 0, &s.ret, &s.seq), NRT_INVALID);
  }
  {  // output missing
    TensorSet is, os;
    ASSERT_EQ(is.Add("x", x), NRT_SUCCESS);
    EXPECT_EQ(nrta_execute_schedule(m, is, os, 0, &s.ret, &s.seq), NRT_INVALID);
  }
  {  // extra name
    TensorSet is, os;
    ASSERT_EQ(is.Add("x", x), NRT_SUCCESS);
    ASSERT_EQ(is.Add("not_an_input", extra), NRT_SUCCESS);
    ASSERT_EQ(os.Add("y", y), NRT_SUCCESS);
    EXPECT_EQ(nrta_execute_schedule(m, is, os, 0, &s.ret, &s.seq), NRT_INVALID);
  }
  {  // wrong size
    TensorSet is, os;
    ASSERT_EQ(is.Add("x", small), NRT_SUCCESS);
    ASSERT_EQ(os.Add("y", y), NRT_SUCCESS);
    EXPECT_EQ(nrta_execute_schedule(m, is, os, 0, &s.ret, &s.seq), NRT_INVALID);
  }
  {  // tensor on another core
    TensorSet is, os;
    ASSERT_EQ(is.Add("x", x), NRT_SUCCESS);
    ASSERT_EQ(os.Add("y", other_lnc), NRT_SUCCESS);
    EXPECT_EQ(nrta_execute_schedule(m, is, os, 0, &s.ret, &s.seq), NRT_INVALID);
  }
  s.ExpectUntouched("mismatched sets");
  EXPECT_EQ(CompletedNum(0, NRTA_XU_COMPUTE, 0), 0u);
}

// ---------------------------------------------------------------------------------------------
// Lifecycle statuses (NRT_CLOSED after nrt_close: async_close_test.cc).

TEST(AsyncSchedule, CallsBeforeInitReturnUninitialized) {
  uint32_t v = 0;
  Slot s;
  nrta_seq_t seq = kSentinelSeq;
  bool b = false;
  EXPECT_EQ(nrta_tensor_write(nullptr, &v, 0, 4, 0, 0, &s.ret, &s.seq), NRT_UNINITIALIZED);
  EXPECT_EQ(nrta_tensor_read(&v, nullptr, 0, 4, 0, 0, &s.ret, &s.seq), NRT_UNINITIALIZED);
  EXPECT_EQ(nrta_tensor_copy(nullptr, 0, nullptr, 0, 4, 0, 0, &s.ret, &s.seq), NRT_UNINITIALIZED);
  EXPECT_EQ(nrta_execute_schedule(nullptr, nullptr, nullptr, 0, &s.ret, &s.seq), NRT_UNINITIALIZED);
  EXPECT_EQ(nrta_get_sequence(0, NRTA_XU_TENSOR_OP, 0, &seq), NRT_UNINITIALIZED);
  EXPECT_EQ(nrta_is_completed(MakeSeq(0, 0), &b), NRT_UNINITIALIZED);
  EXPECT_EQ(nrta_event_register_seq_id_completion(MakeSeq(0, 1), -1), NRT_UNINITIALIZED);
  EXPECT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 0, -1), NRT_UNINITIALIZED);
  s.ExpectUntouched("before init");
  EXPECT_EQ(seq, kSentinelSeq);
}

TEST(AsyncSchedule, CallsInForkedChildReturnFailure) {
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  ASSERT_EQ(t.status(), NRT_SUCCESS);
  fflush(nullptr);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // Child: no gtest assertions; the exit code reports the first mismatch.
    uint32_t v = 0;
    NRT_STATUS ret = kSentinelStatus;
    nrta_seq_t seq = kSentinelSeq;
    bool b = false;
    int code = 0;
    if (nrta_tensor_write(t, &v, 0, 4, 0, 0, &ret, &seq) != NRT_FAILURE)
      code = 1;
    else if (nrta_tensor_read(&v, t, 0, 4, 0, 0, &ret, &seq) != NRT_FAILURE)
      code = 2;
    else if (nrta_get_sequence(0, NRTA_XU_TENSOR_OP, 0, &seq) != NRT_FAILURE)
      code = 3;
    else if (nrta_is_completed(MakeSeq(0, 0), &b) != NRT_FAILURE)
      code = 4;
    else if (ret != kSentinelStatus || seq != kSentinelSeq)
      code = 5;
    _exit(code);
  }
  int wstatus = 0;
  ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
  ASSERT_TRUE(WIFEXITED(wstatus));
  EXPECT_EQ(WEXITSTATUS(wstatus), 0)
      << "1 write, 2 read, 3 get_sequence, 4 is_completed did not return NRT_FAILURE; 5 outputs written";
  // The parent is unaffected.
  uint32_t v = 9;
  Slot s;
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &s.ret, &s.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(s.seq));
  EXPECT_EQ(s.ret, NRT_SUCCESS);
}
