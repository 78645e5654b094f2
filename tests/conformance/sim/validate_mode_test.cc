// Validation mode (NRT_SIM_VALIDATE): the setting, =abort, off means silent, one line per call site with a count
// in the summary, and findings never change what the program computes.
#include <csignal>
#include <cstdlib>
#include <optional>
#include <vector>

#include "nrtest.h"
#include "validate_test_util.h"

using namespace nrtest;

TEST(ValidateMode, AnInvalidValueFailsInitWithOneLine) {
  SetEnv("NRT_SIM_VALIDATE", "sometimes");
  StderrCapture cap;
  EXPECT_EQ(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_INVALID);
  std::string err = cap.Stop();
  EXPECT_EQ(LinesWith(err, {"NRT_SIM_VALIDATE=\"sometimes\"", "expected 0, 1 or abort"}).size(), 1u) << err;
  EXPECT_EQ(LinesWith(err, {"NRT_SIM_VALIDATE"}).size(), 1u) << err;
}

TEST(ValidateMode, AcceptsBooleansAndAbort) {
  for (const char* v : {"0", "1", "abort", "ABORT", "true", "off"}) {
    SetEnv("NRT_SIM_VALIDATE", v);
    StderrCapture cap;
    ASSERT_EQ(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_SUCCESS) << v;
    nrt_close();
    std::string err = cap.Stop();
    const bool on = std::string(v) != "0" && std::string(v) != "off";
    EXPECT_EQ(LinesWith(err, {"nrt-validate: summary: no findings"}).size(), on ? 1u : 0u) << v << ": " << err;
  }
}

namespace {

// The host writes x while an execution reading x is held (a host-write race), then the execution runs. Returns the
// output; *err (if not null) gets stderr up to and including nrt_close.
std::vector<float> RacyHostWrite(std::string* err, int repeats = 1) {
  HoldGate gate;
  SetEnv("NRT_SIM_FAULTS", gate.Rule("xu=compute,nth=1"));
  Runtime rt;
  EXPECT_EQ(rt.status(), NRT_SUCCESS);
  std::optional<StderrCapture> cap;
  if (err != nullptr) cap.emplace();
  std::vector<float> y;
  {
    AsyncModel am("async_scale", 0);
    EXPECT_EQ(am.m.status(), NRT_SUCCESS);
    Req e;
    EXPECT_EQ(nrta_execute_schedule(am.m, am.is, am.os, 0, &e.ret, &e.seq), NRT_SUCCESS);
    auto x = Iota(11);
    for (int i = 0; i < repeats; ++i) EXPECT_EQ(nrt_tensor_write(am.x, x.data(), 0, kModelBytes), NRT_SUCCESS);
    gate.Release();
    EXPECT_EQ(e.Result(), NRT_SUCCESS);
    y = ReadFloats(am.y);
  }
  rt.Close();
  if (err != nullptr) *err = cap->Stop();
  return y;
}

}  // namespace

TEST(ValidateMode, OffReportsNothing) {
  UnsetEnv("NRT_SIM_VALIDATE");
  std::string err;
  RacyHostWrite(&err);
  EXPECT_TRUE(LinesWith(err, {"nrt-validate"}).empty()) << err;
}

TEST(ValidateMode, FindingsDoNotChangeResults) {
  std::string off_err, on_err;
  SetEnv("NRT_SIM_VALIDATE", "0");
  std::vector<float> off = RacyHostWrite(&off_err);
  SetEnv("NRT_SIM_VALIDATE", "1");
  std::vector<float> on = RacyHostWrite(&on_err);
  EXPECT_EQ(Findings(on_err).size(), 1u) << on_err;
  EXPECT_EQ(on, off);
  EXPECT_EQ(on, ScaleRef(Iota(11)));  // the held execution read the host's write
}

TEST(ValidateMode, RepeatsAtOneCallSiteAreOneLineAndACount) {
  SetEnv("NRT_SIM_VALIDATE", "1");
  std::string err;
  RacyHostWrite(&err, 5);
  auto f = Findings(err);
  ASSERT_EQ(f.size(), 1u) << err;
  EXPECT_TRUE(HasAll(f[0], {"[host-write-racing-device-access]", "nrt_tensor_write at "})) << f[0];
  EXPECT_EQ(LinesWith(err, {"nrt-validate: summary: 5 finding(s) at 1 call site(s)"}).size(), 1u) << err;
  EXPECT_EQ(LinesWith(err, {"nrt-validate:   [host-write-racing-device-access] x5 at "}).size(), 1u) << err;
}

// Run by AbortStopsAtTheFirstFinding in a child process.
TEST(ValidateMode, AbortChild) {
  if (std::getenv("NRTB_VALIDATE_ABORT_CHILD") == nullptr) GTEST_SKIP() << "run by AbortStopsAtTheFirstFinding";
  RacyHostWrite(nullptr);
  ADD_FAILURE() << "NRT_SIM_VALIDATE=abort did not abort";
}

TEST(ValidateMode, AbortStopsAtTheFirstFinding) {
  const std::string log = TempPath("validate_abort.log");
  ChildResult r = RunSelf("ValidateMode.AbortChild", {"NRTB_VALIDATE_ABORT_CHILD=1", "NRT_SIM_VALIDATE=abort"}, log);
  EXPECT_TRUE(r.Signaled(SIGABRT)) << r.Describe();
  std::string err = ReadText(log);
  auto f = Findings(err);
  ASSERT_EQ(f.size(), 1u) << err;
  EXPECT_TRUE(HasAll(f[0], {"[host-write-racing-device-access]", "nrt_tensor_write at "})) << f[0];
  EXPECT_EQ(LinesWith(err, {"nrt-validate: aborting at the first finding (NRT_SIM_VALIDATE=abort)"}).size(), 1u) << err;
  EXPECT_TRUE(LinesWith(err, {"nrt-validate: summary"}).empty()) << err;
  std::remove(log.c_str());
}
