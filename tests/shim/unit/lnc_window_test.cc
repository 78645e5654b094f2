// The per-LNC window and its retire thread, driven by a fake runtime (completions on demand).
#include "lnc_window.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace nrt_shim {
namespace {

class FakeRuntime : public WindowOps {
 public:
  explicit FakeRuntime(uint64_t depth = 1000) : depth_(depth) {}
  NRT_STATUS RegisterCompletionFd(int lnc, int fd) override {
    if (fail_registration) return NRT_INVALID;
    fd_ = fd;
    return NRT_SUCCESS;
  }
  bool IsCompleted(uint64_t seq) override { return seq <= completed_.load(); }
  void Retire(PendingExec& e) override {
    std::lock_guard<std::mutex> lock(mu_);
    retired_jobs.push_back(e.job_id);
    retired_status.push_back(e.status);
  }
  // What nrta_execute_schedule would do: QUEUE_FULL when depth requests are outstanding.
  NRT_STATUS Schedule(PendingExec& e) {
    ++schedule_calls;
    if (next_status != NRT_SUCCESS) return next_status;
    if (submitted_ - completed_.load() >= depth_) return NRT_QUEUE_FULL;
    e.seq = ++submitted_;
    e.status = exec_status;
    return NRT_SUCCESS;
  }
  // The device finishes requests up to seq and signals the eventfd.
  void CompleteUpTo(uint64_t seq) {
    completed_ = seq;
    const uint64_t one = 1;
    ASSERT_EQ(write(fd_, &one, sizeof(one)), static_cast<ssize_t>(sizeof(one)));
  }
  std::vector<uint64_t> Jobs() {
    std::lock_guard<std::mutex> lock(mu_);
    return retired_jobs;
  }

  bool fail_registration = false;
  NRT_STATUS next_status = NRT_SUCCESS;
  NRT_STATUS exec_status = NRT_SUCCESS;
  std::atomic<int> schedule_calls{0};
  std::vector<uint64_t> retired_jobs;
  std::vector<NRT_STATUS> retired_status;

 private:
  uint64_t depth_;
  int fd_ = -1;
  uint64_t submitted_ = 0;
  std::atomic<uint64_t> completed_{0};
  std::mutex mu_;
};

NRT_STATUS Submit(LncWindow& w, FakeRuntime& rt) {
  return w.Submit(
      std::make_unique<PendingExec>(), [&](PendingExec& e) { return rt.Schedule(e); }, [](PendingExec&) {});
}

TEST(LncWindow, RetiresInOrderWithIncreasingJobIds) {
  FakeRuntime rt;
  LncWindow w(0, 8, rt);
  ASSERT_EQ(w.Start(), NRT_SUCCESS);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(Submit(w, rt), NRT_SUCCESS);
  EXPECT_EQ(w.inflight(), 5u);
  rt.CompleteUpTo(2);
  rt.CompleteUpTo(5);
  w.Drain();
  EXPECT_EQ(rt.Jobs(), (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(w.inflight(), 0u);
}

TEST(LncWindow, BlocksWhileNAreInFlight) {
  FakeRuntime rt;
  LncWindow w(0, 2, rt);
  ASSERT_EQ(w.Start(), NRT_SUCCESS);
  ASSERT_EQ(Submit(w, rt), NRT_SUCCESS);
  ASSERT_EQ(Submit(w, rt), NRT_SUCCESS);
  std::atomic<bool> returned{false};
  std::thread third([&] {
    EXPECT_EQ(Submit(w, rt), NRT_SUCCESS);
    returned = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // negative check: had time to return
  EXPECT_FALSE(returned.load()) << "a third request entered a window of 2";
  EXPECT_EQ(rt.schedule_calls.load(), 2);
  rt.CompleteUpTo(1);
  third.join();
  EXPECT_TRUE(returned.load());
  rt.CompleteUpTo(3);
  w.Drain();
  EXPECT_EQ(rt.Jobs().size(), 3u);
}

TEST(LncWindow, QueueFullIsAbsorbedByWaitingForARetirement) {
  FakeRuntime rt(/*depth=*/1);
  LncWindow w(0, 8, rt);
  ASSERT_EQ(w.Start(), NRT_SUCCESS);
  ASSERT_EQ(Submit(w, rt), NRT_SUCCESS);
  std::atomic<bool> returned{false};
  std::thread second([&] {
    EXPECT_EQ(Submit(w, rt), NRT_SUCCESS);  // never NRT_QUEUE_FULL
    returned = true;
  });
  while (rt.schedule_calls.load() < 2) std::this_thread::yield();  // it met the full queue
  EXPECT_FALSE(returned.load());
  rt.CompleteUpTo(1);
  second.join();
  EXPECT_GE(rt.schedule_calls.load(), 3);
  rt.CompleteUpTo(2);
  w.Drain();
  EXPECT_EQ(rt.Jobs(), (std::vector<uint64_t>{1, 2}));
}

TEST(LncWindow, ScheduleErrorIsReturnedAndFreesTheSlot) {
  FakeRuntime rt;
  LncWindow w(0, 1, rt);
  ASSERT_EQ(w.Start(), NRT_SUCCESS);
  rt.next_status = NRT_INVALID;
  EXPECT_EQ(Submit(w, rt), NRT_INVALID);
  EXPECT_EQ(w.inflight(), 0u);
  rt.next_status = NRT_SUCCESS;
  EXPECT_EQ(Submit(w, rt), NRT_SUCCESS);  // the window of 1 is free again
  rt.CompleteUpTo(1);
  w.Drain();
  EXPECT_EQ(rt.Jobs(), (std::vector<uint64_t>{1}));  // job ids count scheduled executions only
}

TEST(LncWindow, UnrecoverableCompletionMarksTheWindow) {
  FakeRuntime rt;
  LncWindow w(0, 4, rt);
  ASSERT_EQ(w.Start(), NRT_SUCCESS);
  rt.exec_status = NRT_EXEC_UNIT_UNRECOVERABLE;
  ASSERT_EQ(Submit(w, rt), NRT_SUCCESS);
  EXPECT_FALSE(w.unrecoverable());
  rt.CompleteUpTo(1);
  w.Drain();
  EXPECT_TRUE(w.unrecoverable());
}

TEST(LncWindow, DrainWaitsForTheRetireStep) {
  FakeRuntime rt;
  LncWindow w(0, 4, rt);
  ASSERT_EQ(w.Start(), NRT_SUCCESS);
  ASSERT_EQ(Submit(w, rt), NRT_SUCCESS);
  ASSERT_EQ(Submit(w, rt), NRT_SUCCESS);
  std::thread device([&] { rt.CompleteUpTo(2); });
  w.Drain();
  EXPECT_EQ(rt.Jobs().size(), 2u);  // Drain returned only after both retired
  device.join();
}

TEST(LncWindow, StartFailsWhenCompletionsCannotBeRegistered) {
  FakeRuntime rt;
  rt.fail_registration = true;
  LncWindow w(0, 4, rt);
  EXPECT_EQ(w.Start(), NRT_INVALID);
}

TEST(LncWindow, StopWithNothingPendingJoinsTheThread) {
  FakeRuntime rt;
  LncWindow w(3, 4, rt);
  ASSERT_EQ(w.Start(), NRT_SUCCESS);
  w.Stop();
  w.Stop();  // idempotent
  EXPECT_EQ(w.lnc(), 3);
}

}  // namespace
}  // namespace nrt_shim
