// Process-level cases of the shim: fork (before nrt_init, and with executions in flight), a library that
// calls nrt_* from its constructor, and the launcher running a legacy sample with the real shim.
#include "nrtest.h"
#include "shim_runs.h"

namespace {

using namespace shim_test;

// The legacy pipeline's digest for these arguments, computed synchronously.
std::string PipelineDigest(const std::vector<std::string>& args) {
  ProgramRun ref = RunLegacy(Sync(), "pipeline", args);
  EXPECT_TRUE(ref.child.Succeeded()) << ref.Describe();
  return ref.Digest();
}

TEST(Fork, ChildrenBeforeInitAndWithExecutionsInFlightWork) {
  const std::vector<std::string> args = {"--iterations", "10", "--slots", "3", "--host-us", "0"};
  const std::string ref = PipelineDigest(args);
  for (const Mode& mode : {Sync(), Shim(3), Shim(1)}) {
    ProgramRun r = RunIn(mode, NRTB_FORK_USER, args, {{"NRT_SIM_EXEC_TIME_US", "2000"}});
    // A child that deadlocked would hold the parent in waitpid: RunProgram's bound turns that into a failure.
    ASSERT_TRUE(r.child.Succeeded()) << mode.Name() << ": " << r.Describe();
    EXPECT_EQ(r.Field("child digest"), ref) << mode.Name() << ": " << r.out;
    EXPECT_EQ(r.Digest(), ref) << mode.Name() << ": " << r.out;
    EXPECT_EQ(CountLines(r.out, "in-flight child: execute"), 1u) << mode.Name() << ": " << r.out;
  }
  // Validation mode: the parent and the child that runs the pipeline (each prints a summary at nrt_close) find
  // nothing; the in-flight child cannot use the runtime at all.
  ProgramRun v = RunIn(Shim(3), NRTB_FORK_USER, args, Validated({{"NRT_SIM_EXEC_TIME_US", "2000"}}));
  ASSERT_TRUE(v.child.Succeeded()) << v.Describe();
  EXPECT_EQ(v.Digest(), ref) << v.out;
  EXPECT_TRUE(NoValidationFindings(v));
}

TEST(Fork, AChildProcessInheritsTheUsersSetting) {
  // The shim keeps the variable from the runtime but not from the program's children: a legacy program
  // started by a legacy program still runs in implicit mode.
  ProgramRun r = RunIn(Shim(3), NRTB_SPAWN, {LegacyPath("callbacks"), "--iterations", "6", "--host-us", "0"},
                       {{"NRT_SIM_EXEC_TIME_US", "200"}});
  ASSERT_TRUE(r.child.Succeeded()) << r.Describe();
  EXPECT_EQ(r.Field("callbacks"), "6") << r.out;
}

TEST(Constructor, ALibraryCallingNrtFromItsConstructorWorksUnderTheShim) {
  const std::string ref = PipelineDigest({"--iterations", "6", "--slots", "2", "--host-us", "0"});
  for (const Mode& mode : {Sync(), Shim(std::nullopt), Shim(3)}) {
    ProgramRun r = RunIn(mode, NRTB_CTOR_MAIN, {}, {{"NRT_SIM_EXEC_TIME_US", "500"}});
    ASSERT_TRUE(r.child.Succeeded()) << mode.Name() << ": " << r.Describe();
    EXPECT_EQ(r.Digest(), ref) << mode.Name() << ": " << r.out;
  }
  ProgramRun v = RunIn(Shim(3), NRTB_CTOR_MAIN, {}, Validated({{"NRT_SIM_EXEC_TIME_US", "500"}}));
  ASSERT_TRUE(v.child.Succeeded()) << v.Describe();
  EXPECT_EQ(v.Digest(), ref) << v.out;
  EXPECT_TRUE(NoValidationFindings(v));
}

TEST(Launcher, RunsALegacySampleWithTheRealShim) {
  ProgramRun r = RunProgram({NRTB_LAUNCHER, "--max-inflight", "3", "--require-shim", "--", LegacyPath("callbacks"),
                             "--iterations", "6", "--host-us", "0"},
                            {{"NRT_IMPLICIT_ASYNC_SHIM", kShim}, {"NRT_SIM_EXEC_TIME_US", "200"}});
  ASSERT_TRUE(r.child.Succeeded()) << r.Describe();
  EXPECT_EQ(r.Field("callbacks"), "6") << r.out;
  EXPECT_EQ(r.err.find("did not load"), std::string::npos) << r.err;
}

TEST(Launcher, FindsTheBuildTreesShimWithoutAnOverride) {
  ProgramRun r = RunProgram({NRTB_LAUNCHER, "--print-config"}, {});
  ASSERT_TRUE(r.child.Succeeded()) << r.Describe();
  EXPECT_NE(r.out.find("shim: " + kShim + "\n"), std::string::npos) << r.out;
}

}  // namespace
