// An application that closes an fd without deregistering it gets one WARN line, not one per
// completion, and the dead registration is dropped.
#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "runtime/core/log.h"
#include "runtime/device/completion_events.h"

namespace nrtb {
namespace {

size_t CountOccurrences(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

class WarnLevel : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("NEURON_RT_LOG_LEVEL", "WARN", 1);
    ReloadLogLevelFromEnv();
  }
  void TearDown() override {
    unsetenv("NEURON_RT_LOG_LEVEL");
    ReloadLogLevelFromEnv();
  }
};

using CompletionEventsDeadFd = WarnLevel;

TEST_F(CompletionEventsDeadFd, AClosedUnitFdIsReportedOnceAndDropped) {
  CompletionEvents events;
  std::atomic<uint64_t> completed{0};
  const int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  ASSERT_GE(fd, 0);
  events.SetUnitFd(fd);
  completed = 1;
  events.OnCompleted(1);
  uint64_t v = 0;
  ASSERT_EQ(read(fd, &v, sizeof v), static_cast<ssize_t>(sizeof v));
  EXPECT_EQ(v, 1u) << "a live fd is signalled";
  // Capture first: the capture file must not reuse the closed fd's number.
  ::testing::internal::CaptureStderr();
  close(fd);  // without SetUnitFd(-1)
  for (uint64_t n = 2; n <= 100; ++n) {
    completed = n;
    events.OnCompleted(n);
  }
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(CountOccurrences(err, "WARN"), 1u) << err;
  EXPECT_EQ(CountOccurrences(err, "dropped"), 1u) << err;
  // A new unit fd works again after the dead one was dropped.
  const int fd2 = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  events.SetUnitFd(fd2);
  completed = 101;
  events.OnCompleted(101);
  ASSERT_EQ(read(fd2, &v, sizeof v), static_cast<ssize_t>(sizeof v));
  EXPECT_EQ(v, 1u);
  events.SetUnitFd(-1);
  close(fd2);
}

TEST_F(CompletionEventsDeadFd, AClosedSequenceFdIsReportedOnce) {
  CompletionEvents events;
  std::atomic<uint64_t> completed{0};
  const int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  events.RegisterSeq(5, fd, false, completed);
  ::testing::internal::CaptureStderr();
  close(fd);
  for (uint64_t n = 1; n <= 50; ++n) {
    completed = n;
    events.OnCompleted(n);
  }
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(CountOccurrences(err, "WARN"), 1u) << err;
}

}  // namespace
}  // namespace nrtb
