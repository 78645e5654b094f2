// Output-completion counters: waits with a timeout in microseconds.
#include "completion_counters.h"

#include <gtest/gtest.h>

#include <thread>

namespace nrt_shim {
namespace {

nrt_tensor_t* FakeTensor(uintptr_t v) { return reinterpret_cast<nrt_tensor_t*>(v); }

TEST(CompletionCounters, CountsPerTensorAndResets) {
  CompletionCounters c;
  c.Bump({FakeTensor(1), FakeTensor(2)});
  c.Bump({FakeTensor(1)});
  EXPECT_EQ(c.Get(FakeTensor(1)), 2u);
  EXPECT_EQ(c.Get(FakeTensor(2)), 1u);
  c.Reset(FakeTensor(1));
  EXPECT_EQ(c.Get(FakeTensor(1)), 0u);
}

TEST(CompletionCounters, WaitReturnsWhenReachedOrTimesOut) {
  CompletionCounters c;
  EXPECT_EQ(c.Wait(FakeTensor(1), 0, 0), NRT_SUCCESS);
  EXPECT_EQ(c.Wait(FakeTensor(1), 1000, 1), NRT_TIMEOUT);
  std::thread bumper([&] { c.Bump({FakeTensor(1)}); });
  EXPECT_EQ(c.Wait(FakeTensor(1), -1, 1), NRT_SUCCESS);  // unbounded: returns on the bump
  bumper.join();
  EXPECT_EQ(c.Wait(FakeTensor(1), INT64_MAX, 1), NRT_SUCCESS);  // a huge timeout must not overflow the clock
}

}  // namespace
}  // namespace nrt_shim
