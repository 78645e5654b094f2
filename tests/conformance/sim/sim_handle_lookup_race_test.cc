// Simulator-specific: a freed handle is a dangling pointer in the SDK, here it is rejected with NRT_INVALID.
// Handle lookups racing nrt_tensor_free on other threads: once nrt_tensor_free has returned, no thread may
// reach the tensor through its handle any more, however often that thread used the handle just before (the
// runtime may remember recent lookups per thread). Tensors nobody freed keep working meanwhile. Meant for the
// TSan build too, where it checks the lookup path's synchronisation.
#include <atomic>
#include <thread>
#include <vector>

#include "nrtest.h"

namespace {

using namespace nrtest;

TEST(HandleLookupRace, AFreedHandleIsRejectedOnEveryThreadOnceTheFreeReturns) {
  NRTEST_INIT(rt);
  constexpr int kTensors = 16;
  std::vector<nrt_tensor_t*> handles(kTensors, nullptr);
  for (auto& h : handles) ASSERT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64, "raced", &h), NRT_SUCCESS);
  // freeing[i]: nrt_tensor_free(handles[i]) may have begun; freed[i]: it has returned (both published with
  // release, read with acquire). A call that fails only counts against a live tensor if its free had not
  // begun when the call returned: a call that saw the handle gone happens after the free, so after freeing[i].
  std::vector<std::atomic<bool>> freeing(kTensors), freed(kTensors);
  std::atomic<bool> stop{false};
  std::atomic<int> used_after_free{0}, live_failed{0};
  std::atomic<uint64_t> calls{0};

  StderrCapture quiet;  // every rejected call logs one line
  std::vector<std::thread> users;
  for (int u = 0; u < 2; ++u) {
    users.emplace_back([&] {
      uint32_t word = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        for (int i = 0; i < kTensors; ++i) {
          const bool was_freed = freed[i].load(std::memory_order_acquire);
          NRT_STATUS s = nrt_tensor_write(handles[i], &word, 0, sizeof word);
          if (was_freed && s == NRT_SUCCESS) used_after_free++;
          if (!freeing[i].load(std::memory_order_acquire) && s != NRT_SUCCESS) live_failed++;
          calls++;
        }
      }
    });
  }
  // Free the even tensors one by one while the users hammer every handle (their lookups are cached by then).
  for (int i = 0; i < kTensors; i += 2) {
    const uint64_t seen = calls.load();
    while (calls.load() < seen + 200) std::this_thread::yield();
    nrt_tensor_t* h = handles[i];
    freeing[i].store(true, std::memory_order_release);
    nrt_tensor_free(&h);
    ASSERT_EQ(h, nullptr);
    freed[i].store(true, std::memory_order_release);
  }
  const uint64_t seen = calls.load();
  while (calls.load() < seen + 200) std::this_thread::yield();
  stop = true;
  for (auto& t : users) t.join();
  quiet.Stop();
  EXPECT_EQ(used_after_free.load(), 0);
  EXPECT_EQ(live_failed.load(), 0);
  for (int i = 0; i < kTensors; ++i) {
    if (i % 2 == 0) {
      EXPECT_EQ(nrt_tensor_get_size(handles[i]), 0u) << "freed tensor " << i;
    } else {
      EXPECT_EQ(nrt_tensor_get_size(handles[i]), 64u) << "live tensor " << i;
      nrt_tensor_free(&handles[i]);
    }
  }
}

// A handle another thread freed is rejected on this thread at once, right after this thread's own lookup of it
// succeeded, also while a held request keeps the tensor itself alive (so only the handle is gone: the case a
// per-thread lookup cache could get wrong).
TEST(HandleLookupRace, AFreeOnAnotherThreadInvalidatesThisThreadsLastLookup) {
  HoldGate gate;
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=tensor_op,nth=1"));
  NRTEST_INIT(rt);
  nrt_tensor_t* held = nullptr;
  ASSERT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64, "held", &held), NRT_SUCCESS);
  uint32_t word = 0;
  Req r;
  ASSERT_EQ(nrta_tensor_write(held, &word, 0, sizeof word, 0, 0, &r.ret, &r.seq), NRT_SUCCESS);
  ASSERT_TRUE(gate.WaitHolding());
  ASSERT_EQ(nrt_tensor_get_size(held), 64u);  // this thread's lookup succeeds (and may be remembered)
  nrt_tensor_t* stale = held;
  std::thread([&held] { nrt_tensor_free(&held); }).join();
  {
    StderrCapture quiet;
    EXPECT_EQ(nrt_tensor_write(stale, &word, 0, sizeof word), NRT_INVALID) << "the freed handle still works";
    EXPECT_EQ(nrt_tensor_get_size(stale), 0u);
  }
  gate.Release();
  EXPECT_EQ(r.Result(), NRT_SUCCESS);

  // Many rounds without a hold: the tensor dies with its handle.
  for (int round = 0; round < 100; ++round) {
    nrt_tensor_t* t = nullptr;
    ASSERT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64, "t", &t), NRT_SUCCESS);
    ASSERT_EQ(nrt_tensor_get_size(t), 64u);
    nrt_tensor_t* old = t;
    std::thread([&t] { nrt_tensor_free(&t); }).join();
    StderrCapture quiet;
    EXPECT_EQ(nrt_tensor_write(old, &word, 0, sizeof word), NRT_INVALID) << "round " << round;
  }
}

}  // namespace
