#include "runtime/core/deadline_clock.h"

#include <gtest/gtest.h>
#include <time.h>

namespace nrtb {
namespace {

uint64_t PreciseNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

TEST(DeadlineClock, PastAndFarDeadlines) {
  const uint64_t now = PreciseNs();
  EXPECT_TRUE(MonotonicReached(0));
  EXPECT_TRUE(MonotonicReached(now));
  EXPECT_FALSE(MonotonicReached(now + 3'600'000'000'000ull));  // an hour ahead
}

// Deadlines close ahead (inside the coarse clock's slack, where the precise clock decides): never reached early,
// and reached once the precise clock passes them.
TEST(DeadlineClock, NearDeadlinesAreNeverReachedEarly) {
  for (uint64_t ahead : {0ull, 1'000ull, 100'000ull, 2'000'000ull}) {
    const uint64_t deadline = PreciseNs() + ahead;
    while (!MonotonicReached(deadline)) {
    }
    EXPECT_GE(PreciseNs(), deadline) << "deadline " << ahead << " ns ahead";
  }
}

// The upper bound a deadline may start from without a precise read: never before the precise clock (a deadline
// counted from it is never early), and at most the coarse clock's slack after it.
TEST(DeadlineClock, TheUpperBoundIsNeverBeforeNowAndAtMostTheSlackAfter) {
  for (int i = 0; i < 10000; ++i) {
    const uint64_t before = PreciseNs();
    const uint64_t bound = MonotonicUpperBoundNs();
    const uint64_t after = PreciseNs();
    ASSERT_GE(bound, before) << "round " << i;
    ASSERT_LE(bound, after + CoarseSlackNs()) << "round " << i;
  }
}

}  // namespace
}  // namespace nrtb
