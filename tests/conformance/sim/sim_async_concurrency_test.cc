// Many threads scheduling at once, and ordering of synchronous nrt_execute with scheduled work.
// This file: the cases that need the simulator (NRT_SIM_*); the portable ones are in
// portable/async_concurrency_test.cc.
#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "nrtest.h"

using namespace nrtest;

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
