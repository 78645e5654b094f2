// Many threads scheduling at once, and ordering of synchronous nrt_execute with scheduled work.
#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "nrtest.h"

using namespace nrtest;

// 4 threads x 2000 writes to one unit: ids are unique, consecutive overall, increasing per thread,
// and every request completes exactly once.
TEST(AsyncConcurrency, FourThreadsOnOneUnitGetUniqueConsecutiveIds) {
  NRTEST_INIT(rt);
  Tensor t(0, 64);
  constexpr int kThreads = 4, kPerThread = 2000;
  EventFd efd;
  ASSERT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 0, efd.fd()), NRT_SUCCESS);
  std::vector<std::vector<Req>> reqs(kThreads, std::vector<Req>(kPerThread));
  std::vector<uint32_t> vals(kThreads);
  std::atomic<int> errors{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    vals[i] = i;
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      for (Req& r : reqs[i]) {
        NRT_STATUS s;
        while ((s = nrta_tensor_write(t, &vals[i], i * 4, 4, 0, 0, &r.ret, &r.seq)) == NRT_QUEUE_FULL) {
          std::this_thread::yield();
        }
        if (s != NRT_SUCCESS) {
          errors++;
          return;
        }
      }
    });
  }
  go = true;
  for (auto& th : threads) th.join();
  ASSERT_EQ(errors.load(), 0);
  const nrta_xu_id_t xu = XuId(0, NRTA_XU_TENSOR_OP, 0);
  std::vector<uint64_t> all;
  for (int i = 0; i < kThreads; ++i) {
    uint64_t prev = 0;
    for (const Req& r : reqs[i]) {
      ASSERT_EQ(SeqXu(r.seq), xu);
      ASSERT_GT(SeqNum(r.seq), prev) << "ids of one thread not increasing";
      prev = SeqNum(r.seq);
      all.push_back(SeqNum(r.seq));
    }
  }
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
  for (size_t k = 0; k < all.size(); ++k) ASSERT_EQ(all[k], k + 1) << "ids not unique and consecutive";
  ASSERT_TRUE(WaitUnit(0, NRTA_XU_TENSOR_OP, 0, MakeSeq(xu, all.size()), 10));
  for (int i = 0; i < kThreads; ++i) {
    for (const Req& r : reqs[i]) ASSERT_EQ(r.ret, NRT_SUCCESS);
  }
  EXPECT_EQ(DrainEventFd(efd.fd(), all.size(), 5000), all.size()) << "one unit signal per completion";
  EXPECT_FALSE(Readable(efd.fd(), 50)) << "more completions signalled than requests";
  ASSERT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 0, -1), NRT_SUCCESS);
  EXPECT_EQ(CompletedNum(0, NRTA_XU_TENSOR_OP, 0), all.size());
}

// Threads on different units do not share counters.
TEST(AsyncConcurrency, ThreadsOnDifferentUnitsHaveIndependentCounters) {
  NRTEST_INIT(rt);
  Tensor t0(0, 16), t1(1, 16);
  constexpr int kPerThread = 1000;
  struct Unit {
    int lnc, queue;
  };
  const Unit units[4] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
  std::vector<std::vector<Req>> reqs(4, std::vector<Req>(kPerThread));
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  static const uint32_t v = 3;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      nrt_tensor_t* t = units[i].lnc == 0 ? t0.get() : t1.get();
      for (Req& r : reqs[i]) {
        NRT_STATUS s;
        while ((s = nrta_tensor_write(t, &v, 0, 4, units[i].lnc, units[i].queue, &r.ret, &r.seq)) == NRT_QUEUE_FULL) {
          std::this_thread::yield();
        }
        if (s != NRT_SUCCESS) errors++;
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(errors.load(), 0);
  for (int i = 0; i < 4; ++i) {
    nrta_xu_id_t xu = XuId(units[i].lnc, NRTA_XU_TENSOR_OP, units[i].queue);
    for (int k = 0; k < kPerThread; ++k) ASSERT_EQ(reqs[i][k].seq, MakeSeq(xu, k + 1));
    ASSERT_TRUE(WaitSeq(reqs[i].back().seq));
    for (const Req& r : reqs[i]) ASSERT_EQ(r.ret, NRT_SUCCESS);
  }
}

// nrt_execute on a core is ordered after executions already scheduled there: it computes from the
// output of a slow scheduled execution.
TEST(AsyncConcurrency, SyncExecuteIsOrderedAfterScheduledExecution) {
  SetEnv("NRT_SIM_EXEC_TIME_US", "50000");
  NRTEST_INIT(rt);
  Model m("async_scale", 0);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  Tensor x(0, kModelBytes), y(0, kModelBytes), z(0, kModelBytes);
  auto in = Iota(2);
  ASSERT_EQ(nrt_tensor_write(x, in.data(), 0, kModelBytes), NRT_SUCCESS);
  std::vector<float> zeros(kModelElems, 0.0f);
  ASSERT_EQ(nrt_tensor_write(y, zeros.data(), 0, kModelBytes), NRT_SUCCESS);
  TensorSet is1, os1, is2, os2;
  ASSERT_EQ(is1.Add("x", x), NRT_SUCCESS);
  ASSERT_EQ(os1.Add("y", y), NRT_SUCCESS);
  ASSERT_EQ(is2.Add("x", y), NRT_SUCCESS);  // reads the scheduled execution's output
  ASSERT_EQ(os2.Add("y", z), NRT_SUCCESS);
  Req r;
  ASSERT_EQ(nrta_execute_schedule(m, is1, os1, 0, &r.ret, &r.seq), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(m, is2, os2), NRT_SUCCESS);
  bool done = false;
  ASSERT_EQ(nrta_is_completed(r.seq, &done), NRT_SUCCESS);
  EXPECT_TRUE(done) << "nrt_execute returned before the execution scheduled ahead of it";
  EXPECT_EQ(r.ret, NRT_SUCCESS);
  EXPECT_EQ(ReadFloats(z), ScaleRef(ScaleRef(in)));
}

// A chain write (tensor_op) -> wait -> execute (compute) -> nrt_execute: the explicit wait makes the
// cross-unit dependency hold, the sync execute sees the scheduled execution's result.
TEST(AsyncConcurrency, SyncExecuteSeesScheduledWriteThenExecution) {
  SetEnv("NRT_SIM_DMA_LATENCY_US", "20000");
  SetEnv("NRT_SIM_EXEC_TIME_US", "20000");
  NRTEST_INIT(rt);
  Model m("async_scale", 1);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  Tensor x(1, kModelBytes), y(1, kModelBytes), z(1, kModelBytes);
  TensorSet is1, os1, is2, os2;
  ASSERT_EQ(is1.Add("x", x), NRT_SUCCESS);
  ASSERT_EQ(os1.Add("y", y), NRT_SUCCESS);
  ASSERT_EQ(is2.Add("x", y), NRT_SUCCESS);
  ASSERT_EQ(os2.Add("y", z), NRT_SUCCESS);
  auto in = Iota(-20);
  Req w, e;
  ASSERT_EQ(nrta_tensor_write(x, in.data(), 0, kModelBytes, 1, 0, &w.ret, &w.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(w.seq));  // cross-unit dependency: the application waits
  ASSERT_EQ(nrta_execute_schedule(m, is1, os1, 0, &e.ret, &e.seq), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(m, is2, os2), NRT_SUCCESS);
  EXPECT_EQ(w.ret, NRT_SUCCESS);
  EXPECT_EQ(e.ret, NRT_SUCCESS);
  EXPECT_EQ(ReadFloats(z), ScaleRef(ScaleRef(in)));
}

// A scheduled execution after a sync one sees its output (same unit, in order).
TEST(AsyncConcurrency, ScheduledExecutionAfterSyncExecuteSeesItsOutput) {
  NRTEST_INIT(rt);
  Model m("async_scale", 0);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  Tensor x(0, kModelBytes), y(0, kModelBytes), z(0, kModelBytes);
  auto in = Iota(4);
  ASSERT_EQ(nrt_tensor_write(x, in.data(), 0, kModelBytes), NRT_SUCCESS);
  TensorSet is1, os1, is2, os2;
  ASSERT_EQ(is1.Add("x", x), NRT_SUCCESS);
  ASSERT_EQ(os1.Add("y", y), NRT_SUCCESS);
  ASSERT_EQ(is2.Add("x", y), NRT_SUCCESS);
  ASSERT_EQ(os2.Add("y", z), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(m, is1, os1), NRT_SUCCESS);
  Req r;
  ASSERT_EQ(nrta_execute_schedule(m, is2, os2, 0, &r.ret, &r.seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(r.seq));
  EXPECT_EQ(r.ret, NRT_SUCCESS);
  EXPECT_EQ(ReadFloats(z), ScaleRef(ScaleRef(in)));
}

// nrt_execute on a full compute queue waits for space instead of failing with NRT_QUEUE_FULL.
TEST(AsyncConcurrency, SyncExecuteOnFullQueueWaits) {
  SetEnv("NRT_SIM_QUEUE_DEPTH", "2");
  SetEnv("NRT_SIM_EXEC_TIME_US", "30000");
  NRTEST_INIT(rt);
  Model m("async_scale", 0);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  Tensor x(0, kModelBytes), y(0, kModelBytes);
  TensorSet is, os;
  ASSERT_EQ(is.Add("x", x), NRT_SUCCESS);
  ASSERT_EQ(os.Add("y", y), NRT_SUCCESS);
  Req r[3];
  ASSERT_EQ(nrta_execute_schedule(m, is, os, 0, &r[0].ret, &r[0].seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_execute_schedule(m, is, os, 0, &r[1].ret, &r[1].seq), NRT_SUCCESS);
  ASSERT_EQ(nrta_execute_schedule(m, is, os, 0, &r[2].ret, &r[2].seq), NRT_QUEUE_FULL);
  auto t0 = Clock::now();
  EXPECT_EQ(nrt_execute(m, is, os), NRT_SUCCESS);
  EXPECT_GE(SecondsSince(t0), 0.05) << "ran before the two scheduled executions";
  bool done = false;
  ASSERT_EQ(nrta_is_completed(r[1].seq, &done), NRT_SUCCESS);
  EXPECT_TRUE(done);
}

// Sync executes from several threads interleaved with scheduled ones on the same core all succeed
// and compute the right result.
TEST(AsyncConcurrency, SyncAndScheduledExecutionsFromManyThreads) {
  NRTEST_INIT(rt);
  Model m("async_scale", 0);
  ASSERT_EQ(m.status(), NRT_SUCCESS);
  constexpr int kThreads = 3, kIters = 100;
  std::vector<std::unique_ptr<Tensor>> xs, ys;
  std::vector<std::unique_ptr<TensorSet>> iss, oss;
  for (int i = 0; i <= kThreads; ++i) {
    xs.push_back(std::make_unique<Tensor>(0, kModelBytes));
    ys.push_back(std::make_unique<Tensor>(0, kModelBytes));
    auto in = Iota(static_cast<float>(i * 100));
    ASSERT_EQ(nrt_tensor_write(*xs[i], in.data(), 0, kModelBytes), NRT_SUCCESS);
    iss.push_back(std::make_unique<TensorSet>());
    oss.push_back(std::make_unique<TensorSet>());
    ASSERT_EQ(iss[i]->Add("x", *xs[i]), NRT_SUCCESS);
    ASSERT_EQ(oss[i]->Add("y", *ys[i]), NRT_SUCCESS);
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < kIters; ++k) {
        if (nrt_execute(m, *iss[i], *oss[i]) != NRT_SUCCESS) failures++;
      }
    });
  }
  std::vector<Req> reqs(kIters);
  for (Req& r : reqs) {
    NRT_STATUS s;
    while ((s = nrta_execute_schedule(m, *iss[kThreads], *oss[kThreads], 0, &r.ret, &r.seq)) == NRT_QUEUE_FULL) {
      std::this_thread::yield();
    }
    ASSERT_EQ(s, NRT_SUCCESS);
  }
  for (auto& th : threads) th.join();
  ASSERT_TRUE(WaitSeq(reqs.back().seq));
  EXPECT_EQ(failures.load(), 0);
  uint64_t prev = 0;
  for (const Req& r : reqs) {
    EXPECT_EQ(r.ret, NRT_SUCCESS);
    EXPECT_GT(SeqNum(r.seq), prev);
    prev = SeqNum(r.seq);
  }
  for (int i = 0; i <= kThreads; ++i) EXPECT_EQ(ReadFloats(*ys[i]), ScaleRef(Iota(static_cast<float>(i * 100)))) << i;
}

// Queue depth 1 (one slot, reused by every request) under contention from several threads mixing
// scheduled writes and reads: ids stay consecutive and every request completes correctly.
TEST(AsyncConcurrency, DepthOneQueueUnderContention) {
  SetEnv("NRT_SIM_QUEUE_DEPTH", "1");
  NRTEST_INIT(rt);
  Tensor t(0, 64);
  constexpr int kThreads = 3, kPerThread = 500;
  std::vector<std::vector<Req>> reqs(kThreads, std::vector<Req>(kPerThread));
  std::vector<std::vector<uint32_t>> bufs(kThreads, std::vector<uint32_t>(kPerThread));
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < kPerThread; ++k) {
        Req& r = reqs[i][k];
        bufs[i][k] = static_cast<uint32_t>(i * 100000 + k);
        NRT_STATUS s;
        while (true) {
          s = (k % 2 == 0) ? nrta_tensor_write(t, &bufs[i][k], i * 4, 4, 0, 1, &r.ret, &r.seq)
                           : nrta_tensor_read(&bufs[i][k], t, i * 4, 4, 0, 1, &r.ret, &r.seq);
          if (s != NRT_QUEUE_FULL) break;
          std::this_thread::yield();
        }
        if (s != NRT_SUCCESS) errors++;
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(errors.load(), 0);
  std::vector<uint64_t> all;
  for (auto& v : reqs) {
    for (auto& r : v) all.push_back(SeqNum(r.seq));
  }
  std::sort(all.begin(), all.end());
  for (size_t k = 0; k < all.size(); ++k) ASSERT_EQ(all[k], k + 1);
  ASSERT_TRUE(WaitUnit(0, NRTA_XU_TENSOR_OP, 1, MakeSeq(XuId(0, NRTA_XU_TENSOR_OP, 1), all.size())));
  for (int i = 0; i < kThreads; ++i) {
    for (int k = 0; k < kPerThread; ++k) {
      ASSERT_EQ(reqs[i][k].ret, NRT_SUCCESS);
      // Each thread owns its 4 bytes: a read returns the thread's previous write.
      if (k % 2 == 1) {
        ASSERT_EQ(bufs[i][k], static_cast<uint32_t>(i * 100000 + k - 1)) << i << "/" << k;
      }
    }
  }
}
