// Subnormal floats on the simulated device: flushed to zero by default (inputs and results, as
// FTZ+DAZ), IEEE gradual underflow with NRT_SIM_DENORMALS=keep. README.md, "Numerics".
#include <cmath>
#include <vector>

#include "nrtest.h"

namespace {

using namespace nrtest;

// y = x * x on the simulated device.
std::vector<float> Square(const std::vector<float>& x) {
  Model model("sim_denormal_square", 0);
  EXPECT_EQ(model.status(), NRT_SUCCESS);
  if (model.status() != NRT_SUCCESS) return {};
  ModelIo io(model, 0);
  WriteAll(io.in[0], x);
  EXPECT_EQ(nrt_execute(model, io.inputs, io.outputs), NRT_SUCCESS);
  return ReadAll<float>(io.out[0]);
}

// 1e-20^2 = 1e-40 is subnormal; 1e-40 as an input is subnormal; 1e-10^2 and 2^2 are normal.
const std::vector<float> kInputs = {1e-20f, 1e-40f, 1e-10f, 2.0f};

TEST(SimDenormals, SubnormalsAreFlushedToZeroByDefault) {
  NRTEST_INIT(rt);
  const std::vector<float> y = Square(kInputs);
  ASSERT_EQ(y.size(), 4u);
  EXPECT_EQ(y[0], 0.0f) << "a subnormal result is flushed";
  EXPECT_EQ(y[1], 0.0f);
  EXPECT_FLOAT_EQ(y[2], 1e-20f);
  EXPECT_EQ(y[3], 4.0f);
}

TEST(SimDenormals, KeepGivesIeeeGradualUnderflow) {
  setenv("NRT_SIM_DENORMALS", "keep", 1);
  NRTEST_INIT(rt);
  const std::vector<float> y = Square(kInputs);
  ASSERT_EQ(y.size(), 4u);
  EXPECT_EQ(std::fpclassify(y[0]), FP_SUBNORMAL) << y[0];
  EXPECT_NEAR(y[0], 1e-40f, 1e-44f);
  EXPECT_EQ(y[1], 0.0f) << "1e-80 underflows to zero either way";
  EXPECT_FLOAT_EQ(y[2], 1e-20f);
}

TEST(SimDenormals, TheApplicationThreadKeepsItsOwnFloatMode) {
  NRTEST_INIT(rt);
  Square(kInputs);  // runs inline on this thread
  volatile float tiny = 1e-20f;
  EXPECT_GT(tiny * tiny, 0.0f) << "the caller's subnormals survive an inline execution";
}

TEST(SimDenormals, AnUnknownModeFailsInit) {
  setenv("NRT_SIM_DENORMALS", "ieee", 1);
  StderrCapture capture;
  EXPECT_EQ(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_INVALID);
  const std::string err = capture.Stop();
  EXPECT_EQ(LinesWith(err, {"ERROR", "NRT_SIM_DENORMALS"}).size(), 1u) << err;
}

}  // namespace
