// nrtm_inflight.h across fork: the child starts with an empty table (its parent's requests are not its own and
// the completion thread does not exist there), the table's mutex is never inherited locked, and what the child
// can do is the runtime's answer (a child of an initialised runtime gets NRT_FAILURE, one forked after
// nrt_close runs a runtime of its own). Each child runs under RunInFork's kill timeout: a hang is a failure.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "nrtest/subprocess.h"
#include "nrtm_inflight_test_fixture.h"

namespace {

using nrtm_test::InflightTest;
using nrtm_test::Slot;

constexpr double kForkTimeoutS = 30;

TEST_F(InflightTest, ForkedChildStartsWithAnEmptyTableAndGetsTheRuntimesAnswer) {
  nrtest::HoldGate gate;
  ASSERT_NO_FATAL_FAILURE(Start(gate.Rule("xu=compute,nth=1")));
  Slot& s = NewSlot();
  ASSERT_EQ(nrtm_inflight_execute(model_, s.in, s.out), NRT_SUCCESS);
  ASSERT_TRUE(gate.WaitHolding());
  Slot* slot = &s;
  nrt_model_t* model = model_;
  int code = nrtest::ExitCodeInFork(
      [&] {
        if (Pending() != 0 || Deferred() != 0) return 2;
        if (nrtm_inflight_drain(0) != NRT_SUCCESS) return 3;  // before: waited for the parent's request forever
        float r[4];
        if (nrtm_inflight_tensor_read(slot->y, r, 0, sizeof r) != NRT_FAILURE) return 4;
        if (nrtm_inflight_execute(model, slot->in, slot->out) != NRT_FAILURE) return 5;
        if (Pending() != 0) return 6;
        nrtm_inflight_close();  // before: joined a completion thread that does not exist in the child
        return nrtm_inflight_table.running ? 7 : 0;
      },
      kForkTimeoutS);
  EXPECT_EQ(code, 0) << "-1: the child hung";
  // The parent's table is untouched: its request is still pending, and completes.
  EXPECT_EQ(Pending(), 1u);
  gate.Release();
  ASSERT_EQ(nrtm_inflight_drain(0), NRT_SUCCESS);
  float r[4];
  ASSERT_EQ(nrtm_inflight_tensor_read(s.y, r, 0, sizeof r), NRT_SUCCESS);
  EXPECT_EQ(r[0], 1);  // add_one of the zero-filled input
}

TEST_F(InflightTest, ForksWhileOtherThreadsUseTheTableNeverHangTheChild) {
  ASSERT_NO_FATAL_FAILURE(Start());
  nrtm_inflight_set_depth(4);
  std::vector<Slot*> slots;
  for (int t = 0; t < 2; ++t) slots.push_back(&NewSlot());
  std::atomic<bool> stop{false};
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      float v[4] = {0, 0, 0, 0}, r[4];
      while (!stop.load()) {
        if (nrtm_inflight_tensor_write(slots[t]->x, v, 0, sizeof v) != NRT_SUCCESS ||
            nrtm_inflight_execute(model_, slots[t]->in, slots[t]->out) != NRT_SUCCESS ||
            nrtm_inflight_tensor_read(slots[t]->y, r, 0, sizeof r) != NRT_SUCCESS)
          ++wrong;
      }
    });
  }
  int hung = 0, failed = 0;
  for (int i = 0; i < 10; ++i) {
    int code = nrtest::ExitCodeInFork(
        [] {
          // Every entry point takes the table's lock: a mutex inherited locked would hang here.
          nrtm_inflight_set_depth(2);
          if (nrtm_inflight_drain(0) != NRT_SUCCESS) return 2;
          return Pending() == 0 ? 0 : 3;
        },
        kForkTimeoutS);
    hung += code == -1;
    failed += code != 0;
  }
  stop = true;
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(hung, 0);
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(wrong.load(), 0);
}

TEST_F(InflightTest, ChildForkedAfterCloseRunsItsOwnRuntimeThroughTheTable) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Slot& s = NewSlot();
  ASSERT_EQ(nrtm_inflight_execute(model_, s.in, s.out), NRT_SUCCESS);  // a model record and a completion thread
  for (Slot& each : slots_) Free(&each);
  slots_.clear();
  ASSERT_EQ(nrtm_inflight_unload(model_), NRT_SUCCESS);
  nrtm_inflight_close();
  started_ = false;  // closed here, before the fork
  std::vector<uint8_t> neff = nrtest::ReadFileBytes(nrtest::SampleModelPath("add_one"));
  int code = nrtest::ExitCodeInFork(
      [&neff] {
        nrt_model_t* m = nullptr;
        nrt_tensor_t *cx = nullptr, *cy = nullptr;
        nrt_tensor_set_t *cin = nullptr, *cout = nullptr;
        if (nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "") != NRT_SUCCESS) return 2;
        if (nrt_load(neff.data(), neff.size(), -1, -1, &m) != NRT_SUCCESS) return 3;
        if (nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "x", &cx) != NRT_SUCCESS ||
            nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "y", &cy) != NRT_SUCCESS ||
            nrt_allocate_tensor_set(&cin) != NRT_SUCCESS || nrt_allocate_tensor_set(&cout) != NRT_SUCCESS ||
            nrt_add_tensor_to_tensor_set(cin, "x", cx) != NRT_SUCCESS ||
            nrt_add_tensor_to_tensor_set(cout, "y", cy) != NRT_SUCCESS)
          return 4;
        float v[4] = {5, 6, 7, 8}, r[4] = {0, 0, 0, 0};
        if (nrtm_inflight_tensor_write(cx, v, 0, sizeof v) != NRT_SUCCESS) return 5;
        if (nrtm_inflight_execute(m, cin, cout) != NRT_SUCCESS) return 6;
        if (nrtm_inflight_tensor_read(cy, r, 0, sizeof r) != NRT_SUCCESS || r[0] != 6 || r[3] != 9) return 7;
        nrtm_inflight_destroy_tensor_set(&cin);
        nrtm_inflight_destroy_tensor_set(&cout);
        nrtm_inflight_tensor_free(&cx);
        nrtm_inflight_tensor_free(&cy);
        if (nrtm_inflight_unload(m) != NRT_SUCCESS) return 8;
        nrtm_inflight_close();
        return 0;
      },
      kForkTimeoutS);
  EXPECT_EQ(code, 0) << "-1: the child hung";
}

}  // namespace
