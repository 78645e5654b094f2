// The support header nrt-migrate adds to implicit-mode projects (nrtm_inflight.h), on our runtime: fences,
// bounded depth, callbacks with each request's own status and job id, drain, deferred release. Requests are
// held in flight with HoldGate, never with a sleep.
#include "nrtm_inflight.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "nrtm_inflight_test_fixture.h"

extern "C" int nrtm_inflight_c_pipeline(const char* model_path, int iterations);

namespace {

using nrtm_test::InflightTest;
using nrtm_test::Slot;
using nrtm_test::Watchdog;

TEST_F(InflightTest, ExecuteReturnsWhileInFlightAndReadWaitsForTheWriter) {
  nrtest::HoldGate gate;
  ASSERT_NO_FATAL_FAILURE(Start(gate.Rule("xu=compute,nth=1")));
  Slot& s = NewSlot();
  float v[4] = {1, 2, 3, 4};
  ASSERT_EQ(nrtm_inflight_tensor_write(s.x, v, 0, sizeof v), NRT_SUCCESS);
  ASSERT_EQ(nrtm_inflight_execute(model_, s.in, s.out), NRT_SUCCESS);
  ASSERT_TRUE(gate.WaitHolding());
  EXPECT_EQ(Pending(), 1u);  // execute returned with its request still in flight
  std::atomic<bool> read_done{false};
  float r[4] = {0, 0, 0, 0};
  std::thread reader([&] {
    EXPECT_EQ(nrtm_inflight_tensor_read(s.y, r, 0, sizeof r), NRT_SUCCESS);
    read_done = true;
  });
  // The read cannot have returned: the request that writes y is held.
  EXPECT_FALSE(read_done.load());
  gate.Release();
  reader.join();
  // Without the fence the read would have seen y before the execution wrote it.
  EXPECT_EQ(r[0], 2);
  EXPECT_EQ(r[3], 5);
}

TEST_F(InflightTest, WriteOfAnInputWaitsUntilTheRequestHasReadIt) {
  nrtest::HoldGate gate;
  ASSERT_NO_FATAL_FAILURE(Start(gate.Rule("xu=compute,nth=1")));
  Slot& s = NewSlot();
  float v[4] = {10, 20, 30, 40};
  ASSERT_EQ(nrtm_inflight_tensor_write(s.x, v, 0, sizeof v), NRT_SUCCESS);
  ASSERT_EQ(nrtm_inflight_execute(model_, s.in, s.out), NRT_SUCCESS);
  ASSERT_TRUE(gate.WaitHolding());
  std::thread writer([&] {
    float w[4] = {0, 0, 0, 0};
    EXPECT_EQ(nrtm_inflight_tensor_write(s.x, w, 0, sizeof w), NRT_SUCCESS);
    EXPECT_EQ(nrtm_inflight_tensor_memset(s.x, 0, 0, 16), NRT_SUCCESS);
  });
  gate.Release();
  writer.join();
  float r[4];
  ASSERT_EQ(nrtm_inflight_tensor_read(s.y, r, 0, sizeof r), NRT_SUCCESS);
  // The execution saw the first input, not the overwrite that had to wait for it.
  EXPECT_EQ(r[0], 11);
  EXPECT_EQ(r[3], 41);
}

TEST_F(InflightTest, DepthBoundsRequestsInFlight) {
  nrtest::HoldGate gate;
  ASSERT_NO_FATAL_FAILURE(Start(gate.Rule("xu=compute,nth=1")));
  nrtm_inflight_set_depth(2);
  std::vector<Slot*> s;
  for (int i = 0; i < 4; ++i) s.push_back(&NewSlot());
  ASSERT_EQ(nrtm_inflight_execute(model_, s[0]->in, s[0]->out), NRT_SUCCESS);
  ASSERT_EQ(nrtm_inflight_execute(model_, s[1]->in, s[1]->out), NRT_SUCCESS);
  ASSERT_TRUE(gate.WaitHolding());
  std::atomic<int> scheduled{2};
  std::thread more([&] {
    for (int i = 2; i < 4; ++i) {
      EXPECT_EQ(nrtm_inflight_execute(model_, s[i]->in, s[i]->out), NRT_SUCCESS);
      ++scheduled;
    }
  });
  // While the first request is held, a third cannot be in flight.
  for (int i = 0; i < 20; ++i) {
    EXPECT_LE(Pending(), 2u);
    std::this_thread::yield();
  }
  EXPECT_EQ(scheduled.load(), 2);
  gate.Release();
  more.join();
  EXPECT_EQ(nrtm_inflight_drain(0), NRT_SUCCESS);
  EXPECT_EQ(Pending(), 0u);
}

struct CallbackLog {
  std::mutex mu;
  std::vector<std::pair<uint64_t, NRT_STATUS>> calls;
  std::thread::id thread;
};

void LogCallback(void* params, uint32_t model_id, uint32_t vnc, uint64_t job_id, NRT_STATUS status) {
  auto* log = static_cast<CallbackLog*>(params);
  std::lock_guard<std::mutex> lock(log->mu);
  EXPECT_EQ(model_id, 1u);
  EXPECT_EQ(vnc, 0u);
  log->calls.emplace_back(job_id, status);
  log->thread = std::this_thread::get_id();
}

TEST_F(InflightTest, CallbackGetsEachRequestsOwnStatusAndJobIdInOrder) {
  // The third request completes with an error; only its callback says so.
  ASSERT_NO_FATAL_FAILURE(Start("xu=compute,nth=3,status=NRT_EXEC_BAD_INPUT"));
  CallbackLog log;
  ASSERT_EQ(nrtm_inflight_register_callback(LogCallback, &log), NRT_SUCCESS);
  Slot& s = NewSlot();
  for (int i = 0; i < 5; ++i) ASSERT_EQ(nrtm_inflight_execute(model_, s.in, s.out), NRT_SUCCESS);
  ASSERT_EQ(nrtm_inflight_drain(0), NRT_SUCCESS);
  std::lock_guard<std::mutex> lock(log.mu);
  ASSERT_EQ(log.calls.size(), 5u);  // drain returns after the callbacks ran
  for (size_t i = 0; i < 5; ++i) {
    if (i > 0) {
      EXPECT_GT(log.calls[i].first, log.calls[i - 1].first);
    }
    EXPECT_EQ(log.calls[i].second, i == 2 ? NRT_EXEC_BAD_INPUT : NRT_SUCCESS) << "request " << i;
  }
  EXPECT_NE(log.thread, std::this_thread::get_id());  // on the completion thread, as the legacy worker
}

void DrainFromCallback(void* params, uint32_t, uint32_t, uint64_t, NRT_STATUS) {
  static_cast<std::atomic<int>*>(params)->store(nrtm_inflight_drain(0));
}

TEST_F(InflightTest, DrainFromTheCallbackFailsInsteadOfWaitingForItself) {
  ASSERT_NO_FATAL_FAILURE(Start());
  std::atomic<int> drained{-1};
  ASSERT_EQ(nrtm_inflight_register_callback(DrainFromCallback, &drained), NRT_SUCCESS);
  Slot& s = NewSlot();
  ASSERT_EQ(nrtm_inflight_execute(model_, s.in, s.out), NRT_SUCCESS);
  ASSERT_EQ(nrtm_inflight_drain(0), NRT_SUCCESS);
  EXPECT_EQ(drained.load(), NRT_INVALID);
  EXPECT_EQ(nrtm_inflight_drain(-1), NRT_INVALID);
}

TEST_F(InflightTest, ReleaseRightAfterExecuteIsDeferredNotWaitedFor) {
  nrtest::HoldGate gate;
  ASSERT_NO_FATAL_FAILURE(Start(gate.Rule("xu=compute,nth=1")));
  Slot s = NewSlot();
  slots_.pop_back();  // this test releases it itself
  float v[4] = {1, 1, 1, 1};
  ASSERT_EQ(nrtm_inflight_tensor_write(s.x, v, 0, sizeof v), NRT_SUCCESS);
  ASSERT_EQ(nrtm_inflight_execute(model_, s.in, s.out), NRT_SUCCESS);
  ASSERT_TRUE(gate.WaitHolding());
  Watchdog watchdog(gate);
  Free(&s);  // returns at once: the request still uses all four handles
  bool returned_while_held = watchdog.Stop();
  EXPECT_TRUE(returned_while_held) << "a release waited for the request";
  EXPECT_EQ(s.in, nullptr);
  EXPECT_EQ(s.x, nullptr);
  EXPECT_EQ(Deferred(), 4);
  gate.Release();
  ASSERT_EQ(nrtm_inflight_drain(0), NRT_SUCCESS);
  EXPECT_EQ(Deferred(), 0);  // released by the completion thread (ASan checks the rest)
}

TEST_F(InflightTest, OutputCompletionWaitRetiresTheWriter) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Slot& s = NewSlot();
  ASSERT_EQ(nrt_tensor_reset_output_completion(s.y), NRT_SUCCESS);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(nrtm_inflight_execute(model_, s.in, s.out), NRT_SUCCESS);
  EXPECT_EQ(nrtm_inflight_check_output_completion(s.y, 60 * 1000 * 1000, 3), NRT_SUCCESS);
  EXPECT_EQ(Pending(), 0u);
  EXPECT_EQ(nrtm_inflight_check_output_completion(s.y, 0, 4), NRT_TIMEOUT);
  EXPECT_EQ(nrtm_inflight_check_output_completion(nullptr, 0, 1), NRT_INVALID);
}

TEST_F(InflightTest, ThreadsWithTheirOwnSlotsSeeTheirOwnResults) {
  ASSERT_NO_FATAL_FAILURE(Start());
  nrtm_inflight_set_depth(4);
  std::vector<Slot*> s;
  for (int t = 0; t < 4; ++t) s.push_back(&NewSlot());
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        float v[4] = {float(t), float(i), 0, 0}, r[4];
        if (nrtm_inflight_tensor_write(s[t]->x, v, 0, sizeof v) != NRT_SUCCESS ||
            nrtm_inflight_execute(model_, s[t]->in, s[t]->out) != NRT_SUCCESS ||
            nrtm_inflight_tensor_read(s[t]->y, r, 0, sizeof r) != NRT_SUCCESS || r[0] != t + 1 || r[1] != i + 1)
          ++wrong;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

// With nothing in flight a fenced call is one atomic load: it neither takes the table's lock nor scans. Proven
// by holding the lock: before, the reader waited for it (and the bound below ran out).
TEST_F(InflightTest, FencesWithNothingInFlightTakeNoLock) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Slot& s = NewSlot();
  pthread_mutex_lock(&nrtm_inflight_table.mu);
  std::atomic<bool> done{false};
  std::thread reader([&] {
    float v[4] = {1, 2, 3, 4}, r[4];
    nrt_tensor_batch_op_t op = {0, sizeof r, r};
    nrt_tensor_batch_t batch = {s.y, &op, 1};
    EXPECT_EQ(nrtm_inflight_tensor_write(s.x, v, 0, sizeof v), NRT_SUCCESS);
    EXPECT_EQ(nrtm_inflight_tensor_read(s.y, r, 0, sizeof r), NRT_SUCCESS);
    EXPECT_EQ(nrtm_inflight_tensor_read_batch(&batch, 1, false), NRT_SUCCESS);
    done = true;
  });
  for (int i = 0; i < 3000 && !done.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  bool finished_while_locked = done.load();
  pthread_mutex_unlock(&nrtm_inflight_table.mu);
  reader.join();
  EXPECT_TRUE(finished_while_locked) << "a fence with an empty table waited for the table's lock";
}

TEST(InflightC, PipelineCompiledAsC) {
  EXPECT_EQ(nrtm_inflight_c_pipeline(nrtest::SampleModelPath("add_one").c_str(), 20), 0);
}

}  // namespace
