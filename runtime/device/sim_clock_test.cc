#include "runtime/device/sim_clock.h"

#include <gtest/gtest.h>
#include <sys/prctl.h>

#include <algorithm>
#include <thread>
#include <vector>

namespace nrtb {
namespace {

TEST(Sleeper, SleepsAtLeastUntilTheDeadline) {
  Sleeper s;
  const uint64_t deadline = NowNs() + 2'000'000;
  EXPECT_TRUE(s.SleepUntil(deadline));
  EXPECT_GE(NowNs(), deadline);
}

TEST(Sleeper, AnApplicationThreadKeepsItsTimerSlack) {
  // A thread with the default slack (as an application thread running a request inline).
  std::thread([] {
    ASSERT_EQ(prctl(PR_SET_TIMERSLACK, 50'000UL, 0, 0, 0), 0);
    Sleeper s;
    std::vector<uint64_t> late;
    for (int i = 0; i < 20; ++i) {
      const uint64_t deadline = NowNs() + 300'000;
      s.SleepUntil(deadline);
      late.push_back(NowNs() - deadline);
    }
    EXPECT_EQ(prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), 50'000) << "restored after each sleep";
    std::sort(late.begin(), late.end());
    EXPECT_LT(late[late.size() / 2], 200'000'000u)
        << "sanity bound only (a loaded machine may delay any wake-up); bench_inline_timing measures accuracy";
  }).join();
}

TEST(Sleeper, InterruptEndsASleepEarly) {
  Sleeper s;
  std::thread t([&] { EXPECT_FALSE(s.SleepUntil(NowNs() + 60'000'000'000ull)); });
  s.Interrupt();
  t.join();
}

}  // namespace
}  // namespace nrtb
