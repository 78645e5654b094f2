// The submission ring grows with the requests in flight, up to the unit's depth, so a large depth
// costs memory only when it is used.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "runtime/core/recycled_blocks.h"
#include "runtime/device/exec_unit.h"
#include "runtime/device/test_work.h"
#include "runtime/device/xu_id.h"

namespace nrtb {
namespace {

using testing::Gate;
using testing::LambdaWork;

UnitContext Depth(uint32_t depth) {
  UnitContext c;
  c.depth = depth;
  return c;
}

TEST(ExecUnitRing, AHugeDepthStartsSmall) {
  ExecUnit unit(MakeXuId(0, XuType::kCompute, 0), Depth(1u << 20));
  EXPECT_EQ(unit.depth(), 1u << 20);
  EXPECT_LE(unit.ring_capacity(), 64u);
}

TEST(ExecUnitRing, SteadyTrafficDoesNotGrowTheRing) {
  ExecUnit unit(MakeXuId(0, XuType::kCompute, 0), Depth(1u << 20));
  NRT_STATUS ret = NRT_FAILURE;
  uint64_t seq = 0;
  for (int i = 0; i < 10000; ++i) {
    std::unique_ptr<Work> w = std::make_unique<LambdaWork>(nullptr);
    ASSERT_EQ(unit.Submit(w, &ret, &seq), NRT_SUCCESS);
    unit.WaitCompleted(unit.submitted());
  }
  EXPECT_LE(unit.ring_capacity(), 64u) << "one request in flight at a time";
}

// A work item is made on the submitting thread and destroyed on the worker; its memory goes back to the submitter
// (core/recycled_blocks.h), so steady traffic makes no new blocks after the first queue-full of them. The requests
// are submitted from a new thread: its block cache starts empty, so the first of them must make blocks whatever
// earlier tests of this process left in the test thread's cache.
TEST(ExecUnitRing, WorkItemsAreRecycledBetweenSubmitterAndWorker) {
  constexpr int kDepth = 64;
  ExecUnit unit(MakeXuId(0, XuType::kTensorOp, 0), Depth(kDepth));
  std::vector<NRT_STATUS> rets(kDepth, NRT_FAILURE);
  uint64_t delta = 0;
  std::thread submitter([&] {
    const uint64_t made = RecycledBlockCountsNow().made;
    uint64_t seq = 0;
    for (int round = 0; round < 50; ++round) {
      for (int i = 0; i < kDepth; ++i) {
        std::unique_ptr<Work> w = std::make_unique<LambdaWork>(nullptr);
        ASSERT_EQ(unit.Submit(w, &rets[i], &seq), NRT_SUCCESS);
      }
      unit.WaitCompleted(unit.submitted());
    }
    delta = RecycledBlockCountsNow().made - made;
  });
  submitter.join();
  for (NRT_STATUS r : rets) EXPECT_EQ(r, NRT_SUCCESS);
  EXPECT_GT(delta, 0u) << "work items are not allocated from recycled blocks";
  EXPECT_LE(delta, uint64_t{2} * kDepth) << "3200 requests made new blocks instead of reusing the first ones";
}

// Requests pile up behind a gate while the ring grows several times under a running worker; all
// complete, in order, with their own status.
TEST(ExecUnitRing, GrowsWhileTheWorkerRunsAndKeepsOrder) {
  constexpr int kRequests = 5000;
  ExecUnit unit(MakeXuId(1, XuType::kTensorOp, 0), Depth(1u << 20));
  Gate gate;
  std::vector<NRT_STATUS> rets(kRequests, NRT_FAILURE);
  std::vector<int> order;
  uint64_t seq = 0;
  std::unique_ptr<Work> first = std::make_unique<LambdaWork>([&] {
    gate.Wait();
    order.push_back(0);
    return NRT_SUCCESS;
  });
  ASSERT_EQ(unit.Submit(first, &rets[0], &seq), NRT_SUCCESS);
  for (int i = 1; i < kRequests; ++i) {
    std::unique_ptr<Work> w = std::make_unique<LambdaWork>([&, i] {
      order.push_back(i);
      return i % 2 ? NRT_SUCCESS : NRT_EXEC_BAD_INPUT;
    });
    ASSERT_EQ(unit.Submit(w, &rets[i], &seq), NRT_SUCCESS) << i;
    if (i == kRequests / 2) gate.Open();  // grow both while blocked and while draining
  }
  unit.WaitCompleted(kRequests);
  EXPECT_GE(unit.ring_capacity(), 64u);
  EXPECT_LE(unit.ring_capacity(), 8192u);
  ASSERT_EQ(order.size(), static_cast<size_t>(kRequests));
  for (int i = 0; i < kRequests; ++i) {
    EXPECT_EQ(order[i], i);
    EXPECT_EQ(rets[i], i == 0 || i % 2 ? NRT_SUCCESS : NRT_EXEC_BAD_INPUT) << i;
  }
}

TEST(ExecUnitRing, DepthStillBoundsTheRequestsInFlight) {
  ExecUnit unit(MakeXuId(0, XuType::kCompute, 0), Depth(100));
  Gate gate;
  std::vector<NRT_STATUS> rets(101, NRT_FAILURE);
  uint64_t seq = 0;
  std::unique_ptr<Work> first = std::make_unique<LambdaWork>([&] {
    gate.Wait();
    return NRT_SUCCESS;
  });
  ASSERT_EQ(unit.Submit(first, &rets[0], &seq), NRT_SUCCESS);
  for (int i = 1; i < 100; ++i) {
    std::unique_ptr<Work> w = std::make_unique<LambdaWork>(nullptr);
    ASSERT_EQ(unit.Submit(w, &rets[i], &seq), NRT_SUCCESS);
  }
  std::unique_ptr<Work> extra = std::make_unique<LambdaWork>(nullptr);
  EXPECT_EQ(unit.Submit(extra, &rets[100], &seq), NRT_QUEUE_FULL);
  EXPECT_NE(extra, nullptr) << "a refused request is left with the caller";
  EXPECT_EQ(unit.ring_capacity(), 128u);
  gate.Open();
  unit.WaitCompleted(100);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(rets[i], NRT_SUCCESS);
}

}  // namespace
}  // namespace nrtb
