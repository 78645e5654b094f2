// Log lines of the model functions name the public function the application called (issue 6), one line
// per failure. Simulator-specific: the line format ("NRT:<function> <message>") is ours.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nrt/nrt.h"
#include "nrtest.h"

namespace {

// Lines of `log` that name `function` the way our logger does.
std::vector<std::string> LinesFrom(const std::string& log, const std::string& function) {
  return nrtest::LinesWith(log, {"NRT:" + function + " "});
}

TEST(SimModelApiLog, LoadFailureIsOneLineNamingNrtLoad) {
  NRTEST_INIT(rt);
  const std::vector<uint8_t> garbage(4096, 0x5a);
  nrt_model_t* model = nullptr;
  nrtest::StderrCapture capture;
  EXPECT_EQ(nrt_load(garbage.data(), garbage.size(), 0, -1, &model), NRT_INVALID);
  const std::string log = capture.Stop();
  EXPECT_EQ(LinesFrom(log, "nrt_load").size(), 1u) << log;
  EXPECT_EQ(log.find("operator()"), std::string::npos) << log;
}

TEST(SimModelApiLog, ExecuteRepeatRefusalNamesItsFunction) {
  NRTEST_INIT(rt);
  nrtest::Model model("sync_add", 0);
  ASSERT_EQ(model.status(), NRT_SUCCESS);
  nrtest::ModelIo io(model, 0);
  nrtest::StderrCapture capture;
  EXPECT_EQ(nrt_execute_repeat(model, io.inputs, io.outputs, 2), NRT_INVALID);
  const std::string log = capture.Stop();
  EXPECT_EQ(LinesFrom(log, "nrt_execute_repeat").size(), 1u) << log;
  EXPECT_EQ(nrtest::LinesWith(log, {"NRT:"}).size(), 1u) << log;
}

TEST(SimModelApiLog, LoadAndUnloadInfoLinesNameTheirFunctions) {
  nrtest::ScopedEnv level("NEURON_RT_LOG_LEVEL", "INFO");
  NRTEST_INIT(rt);
  nrtest::StderrCapture capture;
  {
    nrtest::Model model("sync_add", 0);
    ASSERT_EQ(model.status(), NRT_SUCCESS);
  }
  const std::string log = capture.Stop();
  EXPECT_EQ(nrtest::LinesWith(log, {"NRT:nrt_load ", "loaded model"}).size(), 1u) << log;
  EXPECT_EQ(log.find("operator()"), std::string::npos) << log;
  EXPECT_EQ(log.find("NRT:LoadModel"), std::string::npos) << log;
}

}  // namespace
