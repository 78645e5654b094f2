// An execution unit survives whatever a work item throws: the request completes with a status and
// one ERROR line, and the unit keeps running later requests.
#include <gtest/gtest.h>

#include <new>
#include <stdexcept>
#include <string>

#include "runtime/core/error.h"
#include "runtime/device/exec_unit.h"
#include "runtime/device/test_work.h"
#include "runtime/device/xu_id.h"

namespace nrtb {
namespace {

using testing::LambdaWork;

size_t CountLines(const std::string& text, const std::string& needle) {
  size_t n = 0, start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (text.substr(start, end - start).find(needle) != std::string::npos) ++n;
    start = end + 1;
  }
  return n;
}

// Submits a request whose work runs `thrower`, then a normal one; returns the first one's status
// and checks the unit still runs the second and logged one ERROR line for the first.
template <class F>
NRT_STATUS StatusOfThrowingRequest(ExecUnit& unit, F thrower, bool sync) {
  ::testing::internal::CaptureStderr();
  NRT_STATUS ret = NRT_SUCCESS;
  auto work = std::make_unique<LambdaWork>(
      [&]() -> NRT_STATUS {
        thrower();
        return NRT_SUCCESS;
      },
      0, "thrower");
  if (sync) {
    ret = unit.RunSync(std::move(work));
  } else {
    std::unique_ptr<Work> w = std::move(work);
    uint64_t seq = 0;
    EXPECT_EQ(unit.Submit(w, &ret, &seq), NRT_SUCCESS);
    unit.WaitCompleted(unit.submitted());
  }
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(CountLines(err, "ERROR"), 1u) << err;
  EXPECT_EQ(CountLines(err, "thrower"), 1u) << "the line names the request: " << err;
  EXPECT_FALSE(unit.fatal());
  std::unique_ptr<Work> next = std::make_unique<LambdaWork>(nullptr);
  EXPECT_EQ(unit.RunSync(std::move(next)), NRT_SUCCESS) << "the unit keeps working";
  return ret;
}

class ExecUnitExceptions : public ::testing::TestWithParam<bool> {};

TEST_P(ExecUnitExceptions, AnIntIsAFailure) {
  ExecUnit unit(MakeXuId(0, XuType::kCompute, 0), UnitContext{});
  EXPECT_EQ(StatusOfThrowingRequest(
                unit, [] { throw 42; }, GetParam()),
            NRT_FAILURE);
}

TEST_P(ExecUnitExceptions, AStandardExceptionIsAFailure) {
  ExecUnit unit(MakeXuId(0, XuType::kCompute, 0), UnitContext{});
  EXPECT_EQ(StatusOfThrowingRequest(
                unit, [] { throw std::runtime_error("boom"); }, GetParam()),
            NRT_FAILURE);
  EXPECT_EQ(StatusOfThrowingRequest(
                unit, [] { throw std::out_of_range("vector"); }, GetParam()),
            NRT_FAILURE);
}

TEST_P(ExecUnitExceptions, AStringLiteralIsAFailure) {
  ExecUnit unit(MakeXuId(0, XuType::kTensorOp, 1), UnitContext{});
  EXPECT_EQ(StatusOfThrowingRequest(
                unit, [] { throw "text"; }, GetParam()),
            NRT_FAILURE);
}

TEST_P(ExecUnitExceptions, AnErrorKeepsItsStatusAndBadAllocIsAResourceError) {
  ExecUnit unit(MakeXuId(0, XuType::kCompute, 0), UnitContext{});
  EXPECT_EQ(StatusOfThrowingRequest(
                unit, [] { throw Error(NRT_EXEC_BAD_INPUT, "bad"); }, GetParam()),
            NRT_EXEC_BAD_INPUT);
  EXPECT_EQ(StatusOfThrowingRequest(
                unit, [] { throw std::bad_alloc(); }, GetParam()),
            NRT_RESOURCE);
}

TEST_P(ExecUnitExceptions, FinishStillRunsWithTheFailureStatus) {
  ExecUnit unit(MakeXuId(0, XuType::kCompute, 0), UnitContext{});
  NRT_STATUS finished = NRT_SUCCESS;
  class Probe final : public Work {
   public:
    explicit Probe(NRT_STATUS* finished) : finished_(finished) {}
    NRT_STATUS Run() override { throw 7; }
    uint64_t SimulatedNs() const override { return 0; }
    const char* Label() const override { return "probe"; }
    void Finish(NRT_STATUS s) override { *finished_ = s; }

   private:
    NRT_STATUS* finished_;
  };
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(unit.RunSync(std::make_unique<Probe>(&finished)), NRT_FAILURE);
  ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(finished, NRT_FAILURE);
}

INSTANTIATE_TEST_SUITE_P(WorkerAndInline, ExecUnitExceptions, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& p) { return p.param ? "Inline" : "Worker"; });

}  // namespace
}  // namespace nrtb
