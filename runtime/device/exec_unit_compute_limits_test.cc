// What an execution unit imposes on the work it runs: a computation is stopped at the execution
// timeout and at shutdown (CheckComputeInterrupt), and runs with the unit's denormal mode, which an
// application thread running a request inline gets back afterwards.
#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "runtime/core/compute_interrupt.h"
#include "runtime/core/denormal_mode.h"
#include "runtime/device/exec_unit.h"
#include "runtime/device/test_work.h"
#include "runtime/device/xu_id.h"

namespace nrtb {
namespace {

using testing::LambdaWork;

constexpr uint64_t kForeverNs = 60'000'000'000ull;

// A computation that only ends when interrupted (or, if interruption is broken, after a minute).
std::unique_ptr<Work> EndlessCompute(std::atomic<bool>* started = nullptr) {
  return std::make_unique<LambdaWork>(
      [started] {
        if (started) started->store(true);
        const uint64_t give_up = NowNs() + kForeverNs;
        while (NowNs() < give_up) CheckComputeInterrupt();
        return NRT_SUCCESS;
      },
      0, "endless");
}

UnitContext Timeout(uint64_t ns) {
  UnitContext c;
  c.exec_timeout_ns = ns;
  return c;
}

TEST(ExecUnitComputeLimits, AComputationIsStoppedAtTheExecutionTimeout) {
  ExecUnit unit(MakeXuId(0, XuType::kCompute, 0), Timeout(50'000'000));
  NRT_STATUS ret = NRT_FAILURE;
  uint64_t seq = 0;
  std::unique_ptr<Work> w = EndlessCompute();
  const uint64_t start = NowNs();
  ::testing::internal::CaptureStderr();
  ASSERT_EQ(unit.Submit(w, &ret, &seq), NRT_SUCCESS);
  unit.WaitCompleted(1);
  ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(ret, NRT_TIMEOUT);
  EXPECT_TRUE(unit.fatal()) << "a timeout makes the unit unrecoverable, as on the device";
  EXPECT_LT(NowNs() - start, 10'000'000'000ull) << "not waiting for the computation to end";
}

TEST(ExecUnitComputeLimits, AnInlineComputationIsStoppedAtTheExecutionTimeout) {
  ExecUnit unit(MakeXuId(0, XuType::kCompute, 0), Timeout(50'000'000));
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(unit.RunSync(EndlessCompute()), NRT_TIMEOUT);
  ::testing::internal::GetCapturedStderr();
  EXPECT_NO_THROW(CheckComputeInterrupt()) << "the caller's thread keeps no limit after the request";
}

// A computation that never checks for interruption and ends after the timeout: the plain inline path (no fault
// plan, no trace, no simulated time) still reports the timeout and turns the unit unrecoverable, as Execute does.
TEST(ExecUnitComputeLimits, AnInlineRequestThatRunsPastTheTimeoutUncheckedTimesOut) {
  constexpr uint64_t kTimeoutNs = 20'000'000;
  ExecUnit unit(MakeXuId(0, XuType::kCompute, 0), Timeout(kTimeoutNs));
  LambdaWork overrun(
      [] {
        const uint64_t end = NowNs() + 2 * kTimeoutNs;
        while (NowNs() < end) {
        }
        return NRT_SUCCESS;
      },
      0, "overrun");
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(unit.RunSync(overrun), NRT_TIMEOUT);
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(overrun.finished_status, NRT_TIMEOUT);
  EXPECT_TRUE(unit.fatal());
  EXPECT_NE(log.find("ran past NEURON_RT_EXEC_TIMEOUT"), std::string::npos) << log;
}

TEST(ExecUnitComputeLimits, ShutdownStopsARunningComputation) {
  auto unit = std::make_unique<ExecUnit>(MakeXuId(0, XuType::kCompute, 0), Timeout(kForeverNs * 10));
  NRT_STATUS ret = NRT_FAILURE;
  uint64_t seq = 0;
  std::atomic<bool> started{false};
  std::unique_ptr<Work> w = EndlessCompute(&started);
  ASSERT_EQ(unit->Submit(w, &ret, &seq), NRT_SUCCESS);
  while (!started.load()) std::this_thread::yield();
  const uint64_t start = NowNs();
  unit->Shutdown();
  EXPECT_LT(NowNs() - start, 10'000'000'000ull);
  EXPECT_EQ(ret, NRT_CLOSED);
  EXPECT_FALSE(unit->fatal());
}

TEST(ExecUnitComputeLimits, WorkRunsWithTheUnitsDenormalMode) {
  for (DenormalMode mode : {DenormalMode::kFlush, DenormalMode::kKeep}) {
    UnitContext c;
    c.denormals = mode;
    ExecUnit unit(MakeXuId(0, XuType::kCompute, 0), c);
    bool flushing = mode != DenormalMode::kFlush;
    NRT_STATUS ret = NRT_FAILURE;
    uint64_t seq = 0;
    std::unique_ptr<Work> w = std::make_unique<LambdaWork>([&] {
      flushing = FlushingDenormals();
      return NRT_SUCCESS;
    });
    ASSERT_EQ(unit.Submit(w, &ret, &seq), NRT_SUCCESS);
    unit.WaitCompleted(1);
#if defined(__x86_64__) || defined(__aarch64__)
    EXPECT_EQ(flushing, mode == DenormalMode::kFlush);
#endif
  }
}

TEST(ExecUnitComputeLimits, AnInlineRequestRestoresTheCallersFloatMode) {
  ExecUnit unit(MakeXuId(0, XuType::kCompute, 0), UnitContext{});
  ASSERT_FALSE(FlushingDenormals()) << "test threads start with IEEE subnormals";
  bool flushing_inside = false;
  EXPECT_EQ(unit.RunSync(std::make_unique<LambdaWork>([&] {
    flushing_inside = FlushingDenormals();
    return NRT_SUCCESS;
  })),
            NRT_SUCCESS);
  EXPECT_FALSE(FlushingDenormals()) << "the application thread gets its own mode back";
#if defined(__x86_64__) || defined(__aarch64__)
  EXPECT_TRUE(flushing_inside);
#endif
  // A subnormal computed by the caller after the request is still a subnormal.
  volatile float tiny = 1e-20f;
  volatile float product = tiny * tiny;
  EXPECT_GT(product, 0.0f);
}

}  // namespace
}  // namespace nrtb
