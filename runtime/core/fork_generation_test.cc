#include "runtime/core/fork_generation.h"

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace nrtb {
namespace {

// Exit code of a child that checks `ok` right after fork (0 = as expected); gtest assertions do not cross fork.
int ChildExit(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

TEST(ForkGeneration, CountsForksAlongTheTree) {
  const uint32_t here = ForkGeneration();
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (ForkGeneration() != here + 1 || !InForkedChild()) _exit(1);
    const pid_t grandchild = fork();
    if (grandchild < 0) _exit(2);
    if (grandchild == 0) _exit(ForkGeneration() == here + 2 && InForkedChild() ? 0 : 3);
    _exit(ChildExit(grandchild));
  }
  EXPECT_EQ(ChildExit(child), 0);
  EXPECT_EQ(ForkGeneration(), here) << "the parent's count does not move when it forks";
}

// ctest starts each test with exec, which loads the library afresh.
TEST(ForkGeneration, ZeroInTheProcessThatLoadedTheRuntime) {
  EXPECT_EQ(ForkGeneration(), 0u);
  EXPECT_FALSE(InForkedChild());
}

}  // namespace
}  // namespace nrtb
