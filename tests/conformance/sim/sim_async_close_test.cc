// nrt_close with work in flight: returns promptly, every request gets a status; afterwards every
// async call returns NRT_CLOSED.
// This file: the cases that need the simulator (NRT_SIM_*); the portable ones are in
// portable/async_close_test.cc.
#include <atomic>
#include <chrono>
#include <deque>
#include <thread>
#include <vector>

#include "nrtest.h"

using namespace nrtest;

namespace {

// Per unit, statuses are a run of NRT_SUCCESS followed by NRT_CLOSED (requests run in order; the
// ones not started at close are failed with NRT_CLOSED).
void ExpectSuccessThenClosed(const std::vector<Req>& reqs, const char* unit) {
  bool closed_seen = false;
  for (size_t i = 0; i < reqs.size(); ++i) {
    NRT_STATUS s = reqs[i].ret;
    ASSERT_NE(s, kSentinelStatus) << unit << " request " << i + 1 << " has no status after nrt_close";
    ASSERT_TRUE(s == NRT_SUCCESS || s == NRT_CLOSED) << unit << " request " << i + 1 << ": " << s;
    if (s == NRT_CLOSED) closed_seen = true;
    if (closed_seen) {
      EXPECT_EQ(s, NRT_CLOSED) << unit << " request " << i + 1 << " ran after an unstarted one";
    }
  }
}

}  // namespace

TEST(AsyncClose, CloseWithHeldAndQueuedRequestsSetsEveryRet) {
  // The first request of each unit holds (fault action=hold) until nrt_close; the rest queue behind it.
  HoldGate g0("q0"), g1("q1"), gx("compute");
  SetEnv("NRT_SIM_FAULTS", g0.Rule("xu=tensor_op,queue=0,nth=1") + ";" + g1.Rule("xu=tensor_op,queue=1,nth=1") + ";" +
                               gx.Rule("xu=compute,nth=1"));
  NRTEST_INIT(rt);
  Model m("async_scale", 1);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  Tensor t0(0, 64), x(1, kModelBytes), y(1, kModelBytes);
  TensorSet is, os;
  ASSERT_EQ(is.Add("x", x), NRT_SUCCESS);
  ASSERT_EQ(os.Add("y", y), NRT_SUCCESS);
  std::vector<Req> q0(20), q1(10), ex(8);
  std::vector<uint8_t> buf(64, 1), back(64);
  for (auto& r : q0) ASSERT_EQ(nrta_tensor_write(t0, buf.data(), 0, 64, 0, 0, &r.ret, &r.seq), NRT_SUCCESS);
  for (auto& r : q1) ASSERT_EQ(nrta_tensor_read(back.data(), t0, 0, 64, 0, 1, &r.ret, &r.seq), NRT_SUCCESS);
  for (auto& r : ex) ASSERT_EQ(nrta_execute_schedule(m, is, os, 0, &r.ret, &r.seq), NRT_SUCCESS);
  ASSERT_TRUE(g0.WaitHolding() && g1.WaitHolding() && gx.WaitHolding());
  const auto t = Clock::now();
  rt.Close();
  EXPECT_LT(SecondsSince(t), kGenerousTimeoutS) << "nrt_close waited for held requests";
  ExpectSuccessThenClosed(q0, "tensor_op q0");
  ExpectSuccessThenClosed(q1, "tensor_op q1");
  ExpectSuccessThenClosed(ex, "compute");
  // Nothing could complete: the running request of each unit was held, the others queued behind it.
  for (const auto* q : {&q0, &q1, &ex}) {
    for (const Req& r : *q) EXPECT_EQ(r.ret, NRT_CLOSED);
  }
}

// The running request is cut short: a held request ends with NRT_CLOSED at nrt_close.
TEST(AsyncClose, CloseCutsTheRunningRequestShort) {
  HoldGate gate;
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=tensor_op,nth=1"));
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req r;
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &r.ret, &r.seq), NRT_SUCCESS);
  ASSERT_TRUE(gate.WaitHolding());
  rt.Close();
  EXPECT_EQ(r.ret, NRT_CLOSED);
}

// Releasing a hold lets the request complete normally, with its result.
TEST(AsyncClose, ReleasedRequestCompletesNormally) {
  HoldGate gate;
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=tensor_op,nth=1"));
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 0xC0FFEE, got = 0;
  Req w, rd;
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &w.ret, &w.seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_tensor_read(&got, t, 0, 4, 0, 0, &rd.ret, &rd.seq), NRT_SUCCESS);
  ASSERT_TRUE(gate.WaitHolding());
  bool done = true;
  ASSERT_EQ(nrta_is_completed(w.seq, &done), NRT_SUCCESS);
  EXPECT_FALSE(done) << "a held request completed";
  gate.Release();
  EXPECT_EQ(w.Result(), NRT_SUCCESS);
  EXPECT_EQ(rd.Result(), NRT_SUCCESS);
  EXPECT_EQ(got, v);
}

// Schedulers racing with nrt_close: each call returns SUCCESS, QUEUE_FULL or CLOSED, and every
// accepted request gets a status.
TEST(AsyncClose, SchedulersRacingWithCloseAllGetStatuses) {
  SetEnv("NRT_SIM_DMA_LATENCY_US", "500");
  NRTEST_INIT(rt);
  Tensor t0(0, 16), t1(1, 16);
  constexpr int kThreads = 4;
  std::vector<std::deque<Req>> reqs(kThreads);  // deque: stable addresses
  std::atomic<int> bad_status{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      nrt_tensor_t* t = i % 2 == 0 ? t0.get() : t1.get();
      int lnc = i % 2, queue = i / 2;
      static const uint32_t v = 1;
      while (!go.load()) std::this_thread::yield();
      while (true) {
        reqs[i].emplace_back();
        Req& r = reqs[i].back();
        NRT_STATUS s = nrta_tensor_write(t, &v, 0, 4, lnc, queue, &r.ret, &r.seq);
        if (s == NRT_SUCCESS) continue;
        reqs[i].pop_back();
        if (s == NRT_CLOSED) break;
        if (s != NRT_QUEUE_FULL) {
          bad_status = s;
          break;
        }
        std::this_thread::yield();
      }
    });
  }
  go = true;
  SleepMs(50);
  rt.Close();
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad_status.load(), 0);
  size_t total = 0;
  for (auto& q : reqs) {
    for (const Req& r : q) {
      ++total;
      ASSERT_TRUE(r.ret == NRT_SUCCESS || r.ret == NRT_CLOSED) << r.ret;
    }
  }
  EXPECT_GT(total, 0u);
}

// A request hanging (fault action=hang) does not hold up nrt_close.
TEST(AsyncClose, CloseCutsAHungRequestShort) {
  SetEnv("NRT_SIM_FAULTS", "xu=tensor_op,nth=1,action=hang");
  SetEnv("NEURON_RT_EXEC_TIMEOUT", "600");  // longer than the test's own timeout
  NRTEST_INIT(rt);
  Tensor t(0, 16);
  uint32_t v = 1;
  Req hung, queued;
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &hung.ret, &hung.seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &queued.ret, &queued.seq), NRT_SUCCESS);
  const auto t0 = Clock::now();
  rt.Close();
  // Closing before or after the hang began, nrt_close must not wait out the execution timeout.
  EXPECT_LT(SecondsSince(t0), kGenerousTimeoutS);
  EXPECT_NE(hung.ret, kSentinelStatus);
  EXPECT_NE(hung.ret, NRT_SUCCESS) << "a hung request cannot succeed";
  EXPECT_TRUE(queued.ret == NRT_CLOSED || queued.ret == NRT_EXEC_UNIT_UNRECOVERABLE) << queued.ret;
}

// Synchronous executions racing with nrt_close return SUCCESS or NRT_CLOSED; close waits for them.
TEST(AsyncClose, SyncExecutesRacingWithClose) {
  SetEnv("NRT_SIM_EXEC_TIME_US", "2000");
  NRTEST_INIT(rt);
  Model m("async_scale", 0);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  Tensor x(0, kModelBytes), y(0, kModelBytes);
  TensorSet is, os;
  ASSERT_EQ(is.Add("x", x), NRT_SUCCESS);
  ASSERT_EQ(os.Add("y", y), NRT_SUCCESS);
  std::atomic<int> bad{0}, ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&] {
      while (true) {
        NRT_STATUS s = nrt_execute(m, is, os);
        if (s == NRT_SUCCESS) {
          ok++;
          continue;
        }
        if (s != NRT_CLOSED) bad = s;
        break;
      }
    });
  }
  Req r[4];
  for (auto& q : r) ASSERT_EQ(nrta_execute_schedule(m, is, os, 0, &q.ret, &q.seq), NRT_SUCCESS);
  // Close once an execution has finished (the threads keep executing, so close still races with them). A fixed
  // sleep stood for that and was too short on a loaded machine (3 failures in 40 runs).
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (ok.load() == 0 && std::chrono::steady_clock::now() < until) SleepMs(1);
  rt.Close();
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(ok.load(), 0);
  for (auto& q : r) EXPECT_TRUE(q.ret == NRT_SUCCESS || q.ret == NRT_CLOSED) << q.ret;
}
