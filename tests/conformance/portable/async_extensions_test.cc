// nrt-bridge extensions of nrt_async.h: error trackers and completion handles.
#include <algorithm>
#include <vector>

#include "nrtest.h"

using namespace nrtest;

TEST(AsyncExtensions, ErrorTrackerRejectsBadArguments) {
  NRTEST_INIT(rt);
  nrta_error_tracker_t* t = nullptr;
  EXPECT_EQ(nrta_error_tracker_create(0, nullptr), NRT_INVALID);
  EXPECT_EQ(nrta_error_tracker_create(200, &t), NRT_INVALID);
  EXPECT_EQ(t, nullptr);
  ASSERT_EQ(nrta_error_tracker_create(0, &t), NRT_SUCCESS);
  const nrta_error_t* list = nullptr;
  size_t count = 0;
  EXPECT_EQ(nrta_error_tracker_get_list(nullptr, &list, &count), NRT_INVALID);
  EXPECT_EQ(nrta_error_tracker_get_list(t, nullptr, &count), NRT_INVALID);
  EXPECT_EQ(nrta_error_tracker_get_list(t, &list, nullptr), NRT_INVALID);
  nrta_error_tracker_destroy(t);
  nrta_error_tracker_destroy(nullptr);  // no-op
}

TEST(AsyncExtensions, CompletionHandleOfCompletedRequestIsReadableAtOnce) {
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r;
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &r.ret, &r.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r.seq));
  int fd = -1;
  ASSERT_EQ(nrta_get_completion_handle(r.seq, &fd), NRT_SUCCESS);
  EXPECT_TRUE(Readable(fd, 0));
  EXPECT_EQ(close(fd), 0);
}

TEST(AsyncExtensions, CompletionHandleRejectsBadArguments) {
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r;
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &r.ret, &r.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r.seq));
  int fd = -7;
  EXPECT_EQ(nrta_get_completion_handle(r.seq, nullptr), NRT_INVALID);
  EXPECT_EQ(nrta_get_completion_handle(r.seq + 1, &fd), NRT_INVALID) << "not issued";
  EXPECT_EQ(nrta_get_completion_handle(MakeSeq(SeqXu(r.seq), 0), &fd), NRT_INVALID) << "number 0";
  EXPECT_EQ(nrta_get_completion_handle(MakeSeq(0x0003, 1), &fd), NRT_INVALID) << "bad type";
  EXPECT_EQ(fd, -7);
}
