// Validation mode, back-pressure misuse: NRT_QUEUE_FULL retried in a tight loop with no completion in between
// (a livelock on hardware when completions need the caller), reported after 10000 retries from one call site
// on one unit. The correct pattern (SDK migration guide): on NRT_QUEUE_FULL wait for a completion, then retry.
#include <vector>

#include "nrtest.h"
#include "validate_test_util.h"

using namespace nrtest;

namespace {

constexpr int kSpinLimit = 10000;  // Validator::kQueueFullSpinLimit, as README "Validation mode" documents it

// Depth 1: the first write (held) fills tensor_op queue 0; the second is retried on NRT_QUEUE_FULL.
template <typename Retry>
std::string RetryOnFullQueue(Retry retry) {
  HoldGate gate;
  ValidateHolding(gate, "xu=tensor_op,queue=0,nth=1");
  SetEnv("NRT_SIM_QUEUE_DEPTH", "1");
  Runtime rt;
  EXPECT_EQ(rt.status(), NRT_SUCCESS);
  StderrCapture cap;
  {
    Tensor t(0, 64, "t");
    std::vector<uint8_t> data(64, 1);
    Req first, second;
    EXPECT_EQ(nrta_tensor_write(t, data.data(), 0, 64, 0, 0, &first.ret, &first.seq), NRT_SUCCESS);
    auto schedule = [&] { return nrta_tensor_write(t, data.data(), 0, 64, 0, 0, &second.ret, &second.seq); };
    retry(schedule, gate, first);
    gate.Release();
    EXPECT_EQ(first.Result(), NRT_SUCCESS);
    EXPECT_EQ(second.Result(), NRT_SUCCESS);
  }
  rt.Close();
  return cap.Stop();
}

}  // namespace

TEST(ValidateBackPressure, TightRetryLoopIsReported) {
  std::string err = RetryOnFullQueue([](auto schedule, const HoldGate& gate, Req& first) {
    NRT_STATUS s = NRT_QUEUE_FULL;
    // Bounded only so the test ends: the finding comes at the limit.
    for (int i = 0; i < kSpinLimit + 10 && s == NRT_QUEUE_FULL; ++i) s = schedule();
    EXPECT_EQ(s, NRT_QUEUE_FULL);
    gate.Release();
    EXPECT_EQ(first.Result(), NRT_SUCCESS);
    EXPECT_EQ(schedule(), NRT_SUCCESS);
  });
  auto f = Findings(err);
  ASSERT_EQ(f.size(), 1u) << err;
  EXPECT_TRUE(
      HasAll(f[0], {"[queue-full-spin]", "nrta_tensor_write at ", "retried 10000 times on NRT_QUEUE_FULL",
                    "seq 2 (lnc 0, tensor_op queue 0)", "oldest pending request seq 1 (lnc 0, tensor_op queue 0)"}))
      << f[0];
  EXPECT_EQ(LinesWith(err, {"nrt-validate:   [queue-full-spin] x1 at "}).size(), 1u) << err;
}

TEST(ValidateBackPressure, WaitingForACompletionBeforeRetryingIsSilent) {
  std::string err = RetryOnFullQueue([](auto schedule, const HoldGate& gate, Req& first) {
    EXPECT_EQ(schedule(), NRT_QUEUE_FULL);
    gate.Release();
    EXPECT_EQ(first.Result(), NRT_SUCCESS);
    EXPECT_EQ(schedule(), NRT_SUCCESS);
  });
  EXPECT_TRUE(Findings(err).empty()) << err;
}

// Many NRT_QUEUE_FULL returns in all, each followed by a wait: never a streak.
TEST(ValidateBackPressure, ManyFullQueuesEachFollowedByAWaitAreSilent) {
  SetEnv("NRT_SIM_VALIDATE", "1");
  SetEnv("NRT_SIM_QUEUE_DEPTH", "1");
  SetEnv("NRT_SIM_DMA_LATENCY_US", "20");
  NRTEST_INIT(rt);
  StderrCapture cap;
  int full = 0;
  {
    Tensor t(0, 64, "t");
    std::vector<uint8_t> data(64, 1);
    std::vector<Req> reqs(200);
    for (size_t i = 0; i < reqs.size(); ++i) {
      NRT_STATUS s;
      while ((s = nrta_tensor_write(t, data.data(), 0, 64, 0, 0, &reqs[i].ret, &reqs[i].seq)) == NRT_QUEUE_FULL) {
        ++full;
        ASSERT_TRUE(reqs[i - 1].Wait());
      }
      ASSERT_EQ(s, NRT_SUCCESS);
    }
    ASSERT_TRUE(reqs.back().Wait());
  }
  rt.Close();
  std::string err = cap.Stop();
  EXPECT_GT(full, 0);
  EXPECT_TRUE(Findings(err).empty()) << err;
}
