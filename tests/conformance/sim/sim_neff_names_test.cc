// Names from a NEFF file are validated at load (issue 6, defect 2): a header model name that is not
// valid UTF-8, or holds a control character, makes nrt_load return NRT_INVALID with one log line, so it
// can never reach the trace writer (with NRT_SIM_TRACE set, such a model used to make nrt_close throw).
// Simulator-specific: refusing (rather than escaping) such names is our documented choice.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "nrt/nrt.h"
#include "nrtest.h"

namespace {

// The header's 256-byte name field (NEFF header layout, offset 0xDC).
constexpr size_t kNameOffset = 0xDC;
constexpr size_t kNameBytes = 256;

std::vector<uint8_t> ModelWithHeaderName(const std::string& name) {
  std::vector<uint8_t> bytes = nrtest::ReadFileBytes(nrtest::ModelPath("sync_add"));
  EXPECT_GT(bytes.size(), kNameOffset + kNameBytes);
  std::memset(bytes.data() + kNameOffset, 0, kNameBytes);
  std::memcpy(bytes.data() + kNameOffset, name.data(), std::min(name.size(), kNameBytes - 1));
  return bytes;
}

NRT_STATUS Load(const std::vector<uint8_t>& bytes, nrt_model_t** model) {
  return nrt_load(bytes.data(), bytes.size(), 0, -1, model);
}

TEST(SimNeffNames, HeaderNameThatIsNotUtf8IsRefusedAndTracedCloseSurvives) {
  nrtest::ScopedEnv trace("NRT_SIM_TRACE", nrtest::TempPath("names_trace.json"));
  ASSERT_EQ(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_SUCCESS);
  nrt_model_t* model = nullptr;
  nrtest::StderrCapture capture;
  EXPECT_EQ(Load(ModelWithHeaderName("model\xff\xfe"), &model), NRT_INVALID);
  const std::string log = capture.Stop();
  EXPECT_EQ(nrtest::LinesWith(log, {"NRT:nrt_load ", "model name is not valid UTF-8"}).size(), 1u) << log;
  EXPECT_EQ(model, nullptr);
  nrt_close();
}

TEST(SimNeffNames, HeaderNameWithControlCharacterIsRefused) {
  NRTEST_INIT(rt);
  nrt_model_t* model = nullptr;
  EXPECT_EQ(Load(ModelWithHeaderName("model\x1b[2J"), &model), NRT_INVALID);
  EXPECT_EQ(model, nullptr);
}

// The graph's own name wins over the header's for a CPU NEFF; a valid UTF-8 header name loads.
TEST(SimNeffNames, Utf8HeaderNameLoads) {
  NRTEST_INIT(rt);
  nrt_model_t* model = nullptr;
  ASSERT_EQ(Load(ModelWithHeaderName("mod\xc3\xa8le"), &model), NRT_SUCCESS);
  EXPECT_EQ(nrt_unload(model), NRT_SUCCESS);
}

}  // namespace
