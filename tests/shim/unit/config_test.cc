// NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS and NRT_IMPLICIT_ASYNC_TRACE parsing.
#include "config.h"

#include <gtest/gtest.h>

namespace nrt_shim {
namespace {

TEST(ShimConfig, UnsetEmptyAndZeroForward) {
  for (const char* v : {static_cast<const char*>(nullptr), "", "0", "00"}) {
    MaxInflight m = ParseMaxInflight(v);
    EXPECT_EQ(m.value, 0) << (v ? v : "(unset)");
    EXPECT_TRUE(m.problem.empty()) << (v ? v : "(unset)");
  }
}

TEST(ShimConfig, NumbersUpTo63AreTakenAsIs) {
  EXPECT_EQ(ParseMaxInflight("1").value, 1);
  EXPECT_EQ(ParseMaxInflight("3").value, 3);
  MaxInflight m = ParseMaxInflight("63");
  EXPECT_EQ(m.value, 63);
  EXPECT_TRUE(m.problem.empty());
}

TEST(ShimConfig, AboveTheCapIsClampedTo63WithAMessage) {
  for (const char* v : {"64", "1000", "99999999999999999999999999"}) {
    MaxInflight m = ParseMaxInflight(v);
    EXPECT_EQ(m.value, 63) << v;
    EXPECT_NE(m.problem.find("using 63"), std::string::npos) << m.problem;
    EXPECT_NE(m.problem.find(kMaxInflightVar), std::string::npos) << m.problem;
  }
}

TEST(ShimConfig, GarbageForwardsWithAMessageNamingTheValue) {
  for (const char* v : {"abc", "-1", "+3", " 3", "3 ", "3x", "0x10", "1.5"}) {
    MaxInflight m = ParseMaxInflight(v);
    EXPECT_EQ(m.value, 0) << v;
    EXPECT_NE(m.problem.find(std::string("\"") + v + "\""), std::string::npos) << m.problem;
    EXPECT_NE(m.problem.find("forwarded unchanged"), std::string::npos) << m.problem;
  }
}

TEST(ShimConfig, TraceOnlyForOne) {
  EXPECT_TRUE(ParseTraceFlag("1"));
  EXPECT_FALSE(ParseTraceFlag(nullptr));
  EXPECT_FALSE(ParseTraceFlag("0"));
  EXPECT_FALSE(ParseTraceFlag("yes"));
  EXPECT_FALSE(ParseTraceFlag(""));
}

}  // namespace
}  // namespace nrt_shim
