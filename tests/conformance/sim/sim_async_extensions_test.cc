// nrt-bridge extensions of nrt_async.h: error trackers and completion handles.
// This file: the cases that need the simulator (NRT_SIM_*); the portable ones are in
// portable/async_extensions_test.cc.
#include <algorithm>
#include <vector>

#include "nrtest.h"

using namespace nrtest;

namespace {

std::vector<nrta_error_t> TakeErrors(nrta_error_tracker_t* t) {
  const nrta_error_t* list = reinterpret_cast<const nrta_error_t*>(0x1);
  size_t count = 12345;
  EXPECT_EQ(nrta_error_tracker_get_list(t, &list, &count), NRT_SUCCESS);
  if (count == 0) {
    EXPECT_EQ(list, nullptr) << "list must be NULL when the count is 0";
    return {};
  }
  EXPECT_NE(list, nullptr);
  if (list == nullptr) return {};
  return std::vector<nrta_error_t>(list, list + count);
}

}  // namespace

// Reads fail (fault match=read); the tracker on core 0 sees core 0's failures only.
TEST(AsyncExtensions, ErrorTrackerCollectsFailedRequestsOfItsLnc) {
  SetEnv("NRT_SIM_FAULTS", "match=read,status=NRT_EXEC_BAD_INPUT");
  NRTEST_INIT(rt);
  nrta_error_tracker_t* tracker = nullptr;
  ASSERT_EQ(nrta_error_tracker_create(0, &tracker), NRT_SUCCESS);
  ASSERT_NE(tracker, nullptr);
  Tensor a(0, 16), b(1, 16);
  uint32_t v = 1, got0 = 0, got1 = 0, got2 = 0;
  Req w0, r0, r0b, w1, r1;
  ASSERT_EQ(nrta_tensor_write(a, &v, 0, 4, 0, 0, &w0.ret, &w0.seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_tensor_read(&got0, a, 0, 4, 0, 0, &r0.ret, &r0.seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_tensor_read(&got2, a, 0, 4, 0, 1, &r0b.ret, &r0b.seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_tensor_write(b, &v, 0, 4, 1, 0, &w1.ret, &w1.seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_tensor_read(&got1, b, 0, 4, 1, 0, &r1.ret, &r1.seq), NRT_SUCCESS);
  for (Req* r : {&w0, &r0, &r0b, &w1, &r1}) ASSERT_TRUE(WaitSeq(r->seq));
  EXPECT_EQ(r0.ret, NRT_EXEC_BAD_INPUT);
  EXPECT_EQ(r1.ret, NRT_EXEC_BAD_INPUT);
  auto errors = TakeErrors(tracker);
  ASSERT_EQ(errors.size(), 2u);
  std::vector<nrta_seq_t> seqs = {errors[0].seq_id, errors[1].seq_id};
  std::sort(seqs.begin(), seqs.end());
  std::vector<nrta_seq_t> want = {r0.seq, r0b.seq};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(seqs, want);
  for (const auto& e : errors) EXPECT_EQ(e.error_code, static_cast<uint64_t>(NRT_EXEC_BAD_INPUT));
  nrta_error_tracker_destroy(tracker);
}

TEST(AsyncExtensions, ErrorTrackerRecordsOnlyFailuresAfterCreation) {
  SetEnv("NRT_SIM_FAULTS", "xu=tensor_op,nth=1;xu=tensor_op,nth=3,status=NRT_EXEC_OOB");
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r[3];
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &r[0].ret, &r[0].seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r[0].seq));
  EXPECT_EQ(r[0].ret, NRT_EXEC_COMPLETED_WITH_ERR);
  nrta_error_tracker_t* tracker = nullptr;
  ASSERT_EQ(nrta_error_tracker_create(0, &tracker), NRT_SUCCESS);
  EXPECT_TRUE(TakeErrors(tracker).empty()) << "a failure from before creation was recorded";
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &r[1].ret, &r[1].seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &r[2].ret, &r[2].seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r[2].seq));
  auto errors = TakeErrors(tracker);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].seq_id, r[2].seq);
  EXPECT_EQ(errors[0].error_code, static_cast<uint64_t>(NRT_EXEC_OOB));
  nrta_error_tracker_destroy(tracker);
}

TEST(AsyncExtensions, ErrorTrackerGetListIsGetAndClear) {
  SetEnv("NRT_SIM_FAULTS", "xu=tensor_op");
  NRTEST_INIT(rt);
  nrta_error_tracker_t* tracker = nullptr;
  ASSERT_EQ(nrta_error_tracker_create(0, &tracker), NRT_SUCCESS);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r[5];
  for (int i = 0; i < 3; ++i) ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &r[i].ret, &r[i].seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r[2].seq));
  auto first = TakeErrors(tracker);
  ASSERT_EQ(first.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(first[i].seq_id, r[i].seq) << "completion order";
  EXPECT_TRUE(TakeErrors(tracker).empty()) << "errors returned twice";
  for (int i = 3; i < 5; ++i) ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &r[i].ret, &r[i].seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r[4].seq));
  auto second = TakeErrors(tracker);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[0].seq_id, r[3].seq);
  EXPECT_EQ(second[1].seq_id, r[4].seq);
  nrta_error_tracker_destroy(tracker);
}

TEST(AsyncExtensions, ErrorTrackerRecordsComputeFailures) {
  SetEnv("NRT_SIM_FAULTS", "xu=compute,nth=2,status=NRT_EXEC_COMPLETED_WITH_NUM_ERR");
  NRTEST_INIT(rt);
  Model m("async_scale", 1);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  Tensor x(1, kModelBytes), y(1, kModelBytes);
  TensorSet is, os;
  ASSERT_EQ(is.Add("x", x), NRT_SUCCESS);
  ASSERT_EQ(os.Add("y", y), NRT_SUCCESS);
  nrta_error_tracker_t* tracker = nullptr;
  ASSERT_EQ(nrta_error_tracker_create(1, &tracker), NRT_SUCCESS);
  Req r[3];
  for (auto& q : r) ASSERT_EQ(nrta_execute_schedule(m, is, os, 0, &q.ret, &q.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r[2].seq));
  auto errors = TakeErrors(tracker);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].seq_id, r[1].seq);
  EXPECT_EQ(errors[0].error_code, static_cast<uint64_t>(NRT_EXEC_COMPLETED_WITH_NUM_ERR));
  nrta_error_tracker_destroy(tracker);
}

TEST(AsyncExtensions, TwoTrackersOnOneLncEachSeeEveryError) {
  SetEnv("NRT_SIM_FAULTS", "xu=tensor_op,nth=1");
  NRTEST_INIT(rt);
  nrta_error_tracker_t *a = nullptr, *b = nullptr;
  ASSERT_EQ(nrta_error_tracker_create(0, &a), NRT_SUCCESS);
  ASSERT_EQ(nrta_error_tracker_create(0, &b), NRT_SUCCESS);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r;
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &r.ret, &r.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r.seq));
  EXPECT_EQ(TakeErrors(a).size(), 1u);
  EXPECT_EQ(TakeErrors(b).size(), 1u);
  nrta_error_tracker_destroy(a);
  nrta_error_tracker_destroy(b);
}

TEST(AsyncExtensions, CompletionHandleBecomesReadableOnCompletion) {
  SetEnv("NRT_SIM_DMA_LATENCY_US", "40000");
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r;
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &r.ret, &r.seq), NRT_SUCCESS);
  int fd = -1;
  ASSERT_EQ(nrta_get_completion_handle(r.seq, &fd), NRT_SUCCESS);
  ASSERT_GE(fd, 0);
  EXPECT_FALSE(Readable(fd, 0)) << "readable before a 40 ms request could complete";
  EXPECT_TRUE(Readable(fd, 3000));
  bool done = false;
  ASSERT_EQ(nrta_is_completed(r.seq, &done), NRT_SUCCESS);
  EXPECT_TRUE(done);
  EXPECT_EQ(r.ret, NRT_SUCCESS);
  EXPECT_EQ(close(fd), 0) << "the caller owns and closes the handle";
}

// Closing the handle before completion is allowed; the runtime never writes to the recycled number.
TEST(AsyncExtensions, CompletionHandleMayBeClosedBeforeCompletion) {
  SetEnv("NRT_SIM_DMA_LATENCY_US", "40000");
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r;
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &r.ret, &r.seq), NRT_SUCCESS);
  int fd = -1;
  ASSERT_EQ(nrta_get_completion_handle(r.seq, &fd), NRT_SUCCESS);
  ASSERT_EQ(close(fd), 0);
  EventFd reused;
  ASSERT_TRUE(WaitSeq(r.seq));
  EXPECT_EQ(r.ret, NRT_SUCCESS);
  EXPECT_FALSE(Readable(reused.fd(), 100)) << "the runtime wrote to a descriptor it did not own";
}

// A handle stays valid across nrt_close; a request failed at close makes it readable.
TEST(AsyncExtensions, CompletionHandleSurvivesClose) {
  SetEnv("NRT_SIM_DMA_LATENCY_US", "5000000");
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r1, r2;
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &r1.ret, &r1.seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &r2.ret, &r2.seq), NRT_SUCCESS);
  int fd = -1;
  ASSERT_EQ(nrta_get_completion_handle(r2.seq, &fd), NRT_SUCCESS);
  rt.Close();
  EXPECT_EQ(r2.ret, NRT_CLOSED);
  EXPECT_TRUE(FdOpen(fd));
  EXPECT_TRUE(Readable(fd, 0));
  EXPECT_EQ(close(fd), 0);
}

// The completion handle is independent of the application's eventfd registrations: removing the
// application's registration of the same request (fd < 0) must not cancel the handle.
TEST(AsyncExtensions, CompletionHandleUnaffectedBySeqDeregistration) {
  SetEnv("NRT_SIM_DMA_LATENCY_US", "40000");
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r;
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &r.ret, &r.seq), NRT_SUCCESS);
  int handle = -1;
  ASSERT_EQ(nrta_get_completion_handle(r.seq, &handle), NRT_SUCCESS);
  EventFd efd;
  ASSERT_EQ(nrta_event_register_seq_id_completion(r.seq, efd.fd()), NRT_SUCCESS);
  ASSERT_EQ(nrta_event_register_seq_id_completion(r.seq, -1), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r.seq));
  EXPECT_TRUE(Readable(handle, 1000)) << "deregistering the application's eventfd cancelled the completion handle";
  EXPECT_FALSE(Readable(efd.fd(), 0));
  EXPECT_EQ(close(handle), 0);
}

// Two handles for one request are both readable.
TEST(AsyncExtensions, TwoCompletionHandlesForOneRequest) {
  SetEnv("NRT_SIM_DMA_LATENCY_US", "20000");
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r;
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &r.ret, &r.seq), NRT_SUCCESS);
  int h1 = -1, h2 = -1;
  ASSERT_EQ(nrta_get_completion_handle(r.seq, &h1), NRT_SUCCESS);
  ASSERT_EQ(nrta_get_completion_handle(r.seq, &h2), NRT_SUCCESS);
  EXPECT_NE(h1, h2);
  EXPECT_TRUE(Readable(h1, 3000));
  EXPECT_TRUE(Readable(h2, 3000));
  close(h1);
  close(h2);
}
