#include "runtime/core/log.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

namespace nrtb {
namespace {

// Runs f with stderr redirected to a file; returns what it wrote.
template <typename F>
std::string CaptureStderr(F&& f) {
  std::fflush(stderr);
  char path[] = "/tmp/nrtb_log_test_XXXXXX";
  int fd = mkstemp(path);
  int saved = dup(2);
  dup2(fd, 2);
  f();
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  close(fd);
  std::ifstream in(path);
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  unlink(path);
  return text;
}

TEST(Log, ParsesEveryDocumentedLevelInAnyCase) {
  LogLevel l;
  ASSERT_TRUE(ParseLogLevel("warning", &l));
  EXPECT_EQ(l, LogLevel::kWarn);
  ASSERT_TRUE(ParseLogLevel("Quiet", &l));
  EXPECT_EQ(l, LogLevel::kQuiet);
  EXPECT_FALSE(ParseLogLevel("garbage", &l));
  EXPECT_FALSE(ParseLogLevel(nullptr, &l));
}

TEST(Log, InvalidEnvironmentLevelIsReportedNotLogged) {
  setenv("NEURON_RT_LOG_LEVEL", "garbage", 1);
  bool valid = true;
  std::string text = CaptureStderr([&] { valid = ReloadLogLevelFromEnv(); });
  EXPECT_FALSE(valid);
  EXPECT_EQ(text, "") << "the caller (nrt_init) reports it, once";
  EXPECT_EQ(CurrentLogLevel(), LogLevel::kError);
  setenv("NEURON_RT_LOG_LEVEL", "info", 1);
  EXPECT_TRUE(ReloadLogLevelFromEnv());
  EXPECT_EQ(CurrentLogLevel(), LogLevel::kInfo);
  unsetenv("NEURON_RT_LOG_LEVEL");
  EXPECT_TRUE(ReloadLogLevelFromEnv());
  EXPECT_EQ(CurrentLogLevel(), LogLevel::kError);
}

// A line logged from a lambda (or any helper) inside an API call names the public function.
TEST(Log, LinesInsideAnApiCallNameThePublicFunction) {
  std::string text = CaptureStderr([] {
    ScopedApiName api("nrt_fake_call");
    [] { NRTB_ERROR("from a lambda"); }();
  });
  EXPECT_NE(text.find(" NRT:nrt_fake_call from a lambda\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("operator()"), std::string::npos) << text;
  std::string outside = CaptureStderr([] { NRTB_ERROR("outside"); });
  EXPECT_EQ(outside.find("nrt_fake_call"), std::string::npos) << "the name ends with its scope: " << outside;
}

TEST(Log, LineHasDateTimePidAndLevel) {
  std::string text = CaptureStderr([] { NRTB_ERROR("x"); });
  // "2026-Nov-30 13:05:09.123456 <pid>:<tid> ERROR NRT:..."
  ASSERT_GE(text.size(), 27u);
  EXPECT_EQ(text[4], '-');
  EXPECT_EQ(text[8], '-');
  EXPECT_EQ(text[11], ' ');
  EXPECT_EQ(text[14], ':');
  EXPECT_EQ(text[17], ':');
  EXPECT_EQ(text[20], '.');
  EXPECT_NE(text.find(" " + std::to_string(getpid()) + ":"), std::string::npos) << text;
  EXPECT_NE(text.find(" ERROR NRT:"), std::string::npos) << text;
}

}  // namespace
}  // namespace nrtb
