// NRT_SIM_VALIDATE (validation mode): 0/1 and the other booleans NRT_SIM_* flags take, or "abort".
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "runtime/core/config.h"
#include "runtime/core/error.h"

namespace nrtb {
namespace {

ValidateMode ModeFor(const char* value) {
  setenv("NRT_SIM_VALIDATE", value, 1);
  ValidateMode m = LoadConfigFromEnv().validate;
  unsetenv("NRT_SIM_VALIDATE");
  return m;
}

TEST(ConfigValidate, OffUnlessSet) {
  unsetenv("NRT_SIM_VALIDATE");
  EXPECT_EQ(LoadConfigFromEnv().validate, ValidateMode::kOff);
}

TEST(ConfigValidate, BooleansAndAbort) {
  EXPECT_EQ(ModeFor("0"), ValidateMode::kOff);
  EXPECT_EQ(ModeFor("no"), ValidateMode::kOff);
  EXPECT_EQ(ModeFor("1"), ValidateMode::kReport);
  EXPECT_EQ(ModeFor("On"), ValidateMode::kReport);
  EXPECT_EQ(ModeFor("abort"), ValidateMode::kAbort);
  EXPECT_EQ(ModeFor("Abort"), ValidateMode::kAbort);
}

TEST(ConfigValidate, AnythingElseIsRefusedNamingTheVariable) {
  for (const char* v : {"2", "yes please", "aborts", "-1"}) {
    setenv("NRT_SIM_VALIDATE", v, 1);
    try {
      LoadConfigFromEnv();
      ADD_FAILURE() << v << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.status(), NRT_INVALID);
      EXPECT_EQ(std::string(e.what()), std::string("NRT_SIM_VALIDATE=\"") + v + "\": expected 0, 1 or abort");
    }
  }
  unsetenv("NRT_SIM_VALIDATE");
}

}  // namespace
}  // namespace nrtb
