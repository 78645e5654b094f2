// Parsing of environment values: every accepted spelling, every rejection, and errors that name the
// variable and the value.
#include "runtime/core/env.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "runtime/core/error.h"

namespace nrtb {
namespace {

// The message of the NRT_INVALID Error that fn throws ("" when it returns).
template <class Fn>
std::string InvalidMessage(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), NRT_INVALID);
    return e.what();
  }
  return "";
}

TEST(Env, GetEnvTreatsUnsetAndEmptyAlike) {
  unsetenv("NRTB_ENV_TEST");
  EXPECT_FALSE(GetEnv("NRTB_ENV_TEST"));
  setenv("NRTB_ENV_TEST", "", 1);
  EXPECT_FALSE(GetEnv("NRTB_ENV_TEST"));
  setenv("NRTB_ENV_TEST", " x ", 1);
  EXPECT_EQ(GetEnv("NRTB_ENV_TEST"), " x ") << "the value is returned as set";
  unsetenv("NRTB_ENV_TEST");
}

TEST(Env, ParseUintAcceptsDecimalsWithinBounds) {
  EXPECT_EQ(ParseUintEnv("V", "0", 0, 10), 0u);
  EXPECT_EQ(ParseUintEnv("V", "10", 0, 10), 10u);
  EXPECT_EQ(ParseUintEnv("V", "007", 0, 10), 7u);
  EXPECT_EQ(ParseUintEnv("V", "18446744073709551615", 0, UINT64_MAX), UINT64_MAX);
}

TEST(Env, ParseUintRejectsWithAMessageNamingVariableAndValue) {
  for (const char* bad : {"", "-1", "+1", " 1", "1 ", "1.5", "0x10", "ten", "18446744073709551616", "11"}) {
    std::string msg = InvalidMessage([&] { ParseUintEnv("NRTB_VAR", bad, 1, 10); });
    EXPECT_NE(msg.find("NRTB_VAR=\"" + std::string(bad) + "\""), std::string::npos) << "\"" << bad << "\": " << msg;
  }
  EXPECT_NE(InvalidMessage([] { ParseUintEnv("V", "0", 1, 10); }).find("between 1 and 10"), std::string::npos);
}

TEST(Env, ParseNumberAcceptsIntegersFractionsAndExponents) {
  EXPECT_DOUBLE_EQ(ParseNumberEnv("V", "0.25", 0, 1), 0.25);
  EXPECT_DOUBLE_EQ(ParseNumberEnv("V", "3", 0, 10), 3.0);
  EXPECT_DOUBLE_EQ(ParseNumberEnv("V", "1e3", 0, 1e4), 1000.0);
  EXPECT_DOUBLE_EQ(ParseNumberEnv("V", "0", 0, 1), 0.0);
  EXPECT_DOUBLE_EQ(ParseNumberEnv("V", ".5", 0, 1), 0.5);
  EXPECT_DOUBLE_EQ(ParseNumberEnv("V", "5.", 0, 10), 5.0);
  EXPECT_DOUBLE_EQ(ParseNumberEnv("V", "2.5E-1", 0, 1), 0.25);
  EXPECT_DOUBLE_EQ(ParseNumberEnv("V", "1e+2", 0, 1e3), 100.0);
}

// strtod's wider syntax (hex, spaces, signs, inf/nan spellings) is not the documented one: each is refused
// with the same message as any other malformed value.
TEST(Env, ParseNumberAcceptsOnlyTheDocumentedSyntax) {
  for (const char* bad : {"0x10", "0X1p3", " 1", "1 ",  "\t1",  "1\n",   "+1",  "-0",    "INF", "Infinity", "NaN",
                          ".",    "e3",    "1e", "1e+", "1..2", "1.2.3", "1,5", "1_000", "0b1", "1e3x"}) {
    std::string msg = InvalidMessage([&] { ParseNumberEnv("NRTB_NUM", bad, 0, 1e9); });
    EXPECT_NE(msg.find("expected a non-negative decimal number"), std::string::npos) << "\"" << bad << "\": " << msg;
  }
}

TEST(Env, ParseNumberRejectsNonNumbersNonFiniteAndOutOfRange) {
  for (const char* bad : {"", "abc", "1.5x", "inf", "-inf", "nan", "1e999", "1e-400", "--1"}) {
    std::string msg = InvalidMessage([&] { ParseNumberEnv("NRTB_NUM", bad, 0, 1e9); });
    EXPECT_NE(msg.find("NRTB_NUM=\"" + std::string(bad) + "\""), std::string::npos) << "\"" << bad << "\": " << msg;
  }
  EXPECT_NE(InvalidMessage([] { ParseNumberEnv("V", "1e-320", 0, 1); }).find("too close to zero"), std::string::npos)
      << "a subnormal has lost its precision";
  EXPECT_NE(InvalidMessage([] { ParseNumberEnv("V", "-0.5", 0, 1); }), "");
  EXPECT_NE(InvalidMessage([] { ParseNumberEnv("V", "1.0001", 0, 1); }), "");
  EXPECT_NE(InvalidMessage([] { ParseNumberEnv("V", "0.0001", 0.001, 1); }), "");
}

TEST(Env, ParseBoolAcceptsEveryDocumentedSpellingInAnyCase) {
  for (const char* t : {"1", "true", "TRUE", "yes", "Yes", "on", "ON"}) EXPECT_TRUE(ParseBoolEnv("V", t)) << t;
  for (const char* f : {"0", "false", "False", "no", "NO", "off", "Off"}) EXPECT_FALSE(ParseBoolEnv("V", f)) << f;
  for (const char* bad : {"", "2", "y", "enabled", "true "}) {
    EXPECT_NE(InvalidMessage([&] { ParseBoolEnv("NRTB_BOOL", bad); }).find("NRTB_BOOL"), std::string::npos) << bad;
  }
}

TEST(Env, ParseCoreListAcceptsEveryDocumentedForm) {
  using Cores = std::vector<uint32_t>;
  EXPECT_EQ(ParseCoreList("V", "3"), (Cores{3}));
  EXPECT_EQ(ParseCoreList("V", "3-6"), (Cores{3, 4, 5, 6}));
  EXPECT_EQ(ParseCoreList("V", "3,4,5,6"), (Cores{3, 4, 5, 6}));
  EXPECT_EQ(ParseCoreList("V", "3-5,6"), (Cores{3, 4, 5, 6}));
  EXPECT_EQ(ParseCoreList("V", "6,3-5"), (Cores{3, 4, 5, 6})) << "returned sorted";
  EXPECT_EQ(ParseCoreList("V", "0-0"), (Cores{0}));
}

TEST(Env, ParseCoreListRejectsMalformedDuplicatedAndGappedLists) {
  for (const char* bad : {"", ",", "3,", ",3", "3-", "-3", "6-3", "3,3", "3-5,4", "3,5,6", "a", "3-b", "1024"}) {
    EXPECT_NE(InvalidMessage([&] { ParseCoreList("NRTB_CORES", bad); }).find("NRTB_CORES"), std::string::npos)
        << "\"" << bad << "\"";
  }
  EXPECT_NE(InvalidMessage([] { ParseCoreList("V", "6-3"); }).find("reversed"), std::string::npos);
  EXPECT_NE(InvalidMessage([] { ParseCoreList("V", "3,3"); }).find("twice"), std::string::npos);
  EXPECT_NE(InvalidMessage([] { ParseCoreList("V", "3,5"); }).find("contiguous"), std::string::npos);
}

}  // namespace
}  // namespace nrtb
