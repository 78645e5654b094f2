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
