// nrt-implicit-async, the launcher: what it hands the program, what it says when the preload cannot work,
// and that the program's own exit status always comes back. The preload here is a fixture that only
// speaks the handshake (fixtures/handshake_only.c); launcher runs with the real shim are in
// differential_test.cc.
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nrtest.h"
#include "run_program.h"

namespace {

using shim_test::CountLines;
using shim_test::EnvEdits;
using shim_test::ProgramRun;
using shim_test::RunProgram;

const std::string kLauncher = NRTB_LAUNCHER;
const std::string kHandshakeLib = NRTB_HANDSHAKE_LIB;
const std::string kReportEnv = NRTB_REPORT_ENV;
const std::string kStaticHello = NRTB_STATIC_HELLO;

ProgramRun Launch(const std::vector<std::string>& args, EnvEdits env = {}) {
  std::vector<std::string> argv = {kLauncher};
  argv.insert(argv.end(), args.begin(), args.end());
  if (env.count("NRT_IMPLICIT_ASYNC_SHIM") == 0) env["NRT_IMPLICIT_ASYNC_SHIM"] = kHandshakeLib;
  return RunProgram(argv, env);
}

TEST(Launcher, PrintConfigShowsShimInflightAndPreloadWithoutRunning) {
  ProgramRun r = Launch({"--max-inflight", "3", "--print-config", "--", kReportEnv, "exit", "9"},
                        {{"LD_PRELOAD", "/some/other.so"}});
  ASSERT_TRUE(r.child.Succeeded()) << r.Describe();
  EXPECT_NE(r.out.find("shim: " + kHandshakeLib + "\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS: 3 (from --max-inflight)"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("LD_PRELOAD=" + kHandshakeLib + ":/some/other.so\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("program: " + kReportEnv + " (dynamic ELF)"), std::string::npos) << r.out;
  // It did not run the program.
  EXPECT_EQ(r.out.find("ARGS"), std::string::npos) << r.out;
}

TEST(Launcher, PrintConfigKeepsTheEnvironmentsInflightWithoutTheFlag) {
  ProgramRun r = Launch({"--print-config"}, {{"NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS", "5"}});
  ASSERT_TRUE(r.child.Succeeded()) << r.Describe();
  EXPECT_NE(r.out.find("5 (from the environment)"), std::string::npos) << r.out;
  ProgramRun unset = Launch({"--print-config"});
  EXPECT_NE(unset.out.find("unset (the shim forwards every call unchanged"), std::string::npos) << unset.out;
  ProgramRun big = Launch({"--print-config", "-n", "100"});
  EXPECT_NE(big.out.find("100 (from --max-inflight); the shim clamps it to 63"), std::string::npos) << big.out;
}

TEST(Launcher, HandsTheProgramPreloadInflightAndItsArguments) {
  ProgramRun r = Launch({"-n", "2", kReportEnv, "--max-inflight", "x y"}, {{"LD_PRELOAD", "/a.so /b.so"}});
  ASSERT_TRUE(r.child.Succeeded()) << r.Describe();
  // Prepended, and glibc's space-separated form normalised (the missing files only earn ld.so warnings).
  EXPECT_NE(r.out.find("LD_PRELOAD=" + kHandshakeLib + ":/a.so:/b.so\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("INFLIGHT=2\n"), std::string::npos) << r.out;
  // The preload took the handshake variable; the override is the launcher's alone.
  EXPECT_NE(r.out.find("HANDSHAKE=(unset)\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SHIM_OVERRIDE=(unset)\n"), std::string::npos) << r.out;
  // Options after the program name are the program's.
  EXPECT_NE(r.out.find("ARGS [--max-inflight] [x y]\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("did not load"), std::string::npos) << r.err;
}

TEST(Launcher, KeepsSanitizerRuntimesFirstAndDoesNotDuplicateTheShim) {
  ProgramRun r = Launch({"--print-config"}, {{"LD_PRELOAD", "/x.so:/usr/lib/libasan.so.8:" + kHandshakeLib}});
  ASSERT_TRUE(r.child.Succeeded()) << r.Describe();
  EXPECT_NE(r.out.find("LD_PRELOAD=/usr/lib/libasan.so.8:" + kHandshakeLib + ":/x.so\n"), std::string::npos) << r.out;
}

TEST(Launcher, PassesTheExitCodeThrough) {
  for (int code : {0, 1, 7, 255}) {
    ProgramRun r = Launch({kReportEnv, "exit", std::to_string(code)});
    EXPECT_TRUE(r.child.Exited(code)) << code << ": " << r.Describe();
  }
}

TEST(Launcher, DiesByTheSignalThatKilledTheProgram) {
  for (int sig : {SIGTERM, SIGKILL, SIGUSR1}) {
    ProgramRun r = Launch({kReportEnv, "signal", std::to_string(sig)});
    EXPECT_TRUE(r.child.Signaled(sig)) << sig << ": " << r.Describe();
  }
}

TEST(Launcher, ForwardsATerminationSignalToTheProgram) {
  // The program waits for SIGTERM (while its parent, the launcher, lives: a launcher that died instead of
  // forwarding must not leave it running); the launcher gets the signal from us and must pass it on. The
  // program notes that it got it, then dies of it, so that the launcher's own death proves nothing alone.
  const std::string ready = nrtest::TempPath("ready"), got = nrtest::TempPath("got_term");
  std::vector<std::string> argv = {kLauncher, "/bin/sh", "-c",
                                   "trap 'touch " + got + "; trap - TERM; kill -TERM $$' TERM; touch " + ready +
                                       "; while kill -0 $PPID 2>/dev/null; do sleep 0.05; done"};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  ASSERT_EQ(setenv("NRT_IMPLICIT_ASYNC_SHIM", kHandshakeLib.c_str(), 1), 0);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, kLauncher.c_str(), nullptr, nullptr, args.data(), environ), 0);
  ASSERT_TRUE(nrtest::WaitUntil([&] { return nrtest::FileExists(ready); }, nrtest::kGenerousTimeoutS));
  kill(pid, SIGTERM);
  nrtest::ChildResult r = nrtest::WaitChild(pid, nrtest::kGenerousTimeoutS);
  EXPECT_TRUE(r.Signaled(SIGTERM)) << r.Describe();
  EXPECT_TRUE(nrtest::FileExists(got)) << "the program did not get the SIGTERM";
  unlink(ready.c_str());
  unlink(got.c_str());
}

TEST(Launcher, ReportsAPreloadThatCannotLoadOnceAndKeepsTheExitCode) {
  const std::string not_elf = nrtest::TempPath("libnot-an-elf.so");
  ASSERT_TRUE(nrtest::WriteFile(not_elf, "this is not an ELF file\n"));
  ProgramRun r = Launch({"-n", "3", kReportEnv, "exit", "4"}, {{"NRT_IMPLICIT_ASYNC_SHIM", not_elf}});
  EXPECT_TRUE(r.child.Exited(4)) << r.Describe();
  EXPECT_EQ(CountLines(r.err, "did not load in " + kReportEnv), 1u) << r.err;
  EXPECT_EQ(CountLines(r.err, "implicit async mode was NOT active"), 1u) << r.err;
  // The handshake variable is still set in the program: nothing consumed it.
  EXPECT_EQ(r.out.find("HANDSHAKE=(unset)"), std::string::npos) << r.out;
  unlink(not_elf.c_str());
}

TEST(Launcher, RequireShimFailsASuccessfulRunWithoutTheShimButKeepsAFailingStatus) {
  const std::string not_elf = nrtest::TempPath("libnot-an-elf.so");
  ASSERT_TRUE(nrtest::WriteFile(not_elf, "x"));
  ProgramRun ok = Launch({"--require-shim", kReportEnv}, {{"NRT_IMPLICIT_ASYNC_SHIM", not_elf}});
  EXPECT_TRUE(ok.child.Exited(125)) << ok.Describe();
  ProgramRun failing = Launch({"--require-shim", kReportEnv, "exit", "6"}, {{"NRT_IMPLICIT_ASYNC_SHIM", not_elf}});
  EXPECT_TRUE(failing.child.Exited(6)) << failing.Describe();
  ProgramRun loaded = Launch({"--require-shim", kReportEnv});
  EXPECT_TRUE(loaded.child.Succeeded()) << loaded.Describe();
  unlink(not_elf.c_str());
}

TEST(Launcher, WarnsForAStaticProgram) {
  ProgramRun r = Launch({kStaticHello});
  EXPECT_TRUE(r.child.Exited(3)) << r.Describe();
  EXPECT_NE(r.out.find("static program ran"), std::string::npos);
  EXPECT_EQ(CountLines(r.err, kStaticHello + " is statically linked: the dynamic loader will not preload"), 1u)
      << r.err;
  EXPECT_EQ(CountLines(r.err, "did not load"), 1u) << r.err;
}

TEST(Launcher, WarnsForASetuidProgramOfAnotherUser) {
  if (geteuid() != 0) GTEST_SKIP() << "making a setuid file of another user needs root";
  const std::string copy = nrtest::TempPath("setuid_report_env");
  const std::vector<uint8_t> bytes = nrtest::ReadFileBytes(kReportEnv);
  ASSERT_TRUE(nrtest::WriteFile(copy, bytes.data(), bytes.size()));
  ASSERT_EQ(chown(copy.c_str(), 65534, 65534), 0);
  ASSERT_EQ(chmod(copy.c_str(), 04755), 0);
  ProgramRun r = Launch({"--print-config", copy});
  EXPECT_TRUE(r.child.Succeeded()) << r.Describe();
  EXPECT_EQ(CountLines(r.err, copy + " is setuid (owner uid 65534)"), 1u) << r.err;
  unlink(copy.c_str());
}

TEST(Launcher, FindsTheProgramInPathLikeExecvp) {
  const std::string dir = nrtest::TempPath("bin");
  ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
  ASSERT_EQ(symlink(kReportEnv.c_str(), (dir + "/report-env").c_str()), 0);
  ProgramRun r = Launch({"report-env", "exit", "5"}, {{"PATH", "/nonexistent:" + dir}});
  EXPECT_TRUE(r.child.Exited(5)) << r.Describe();
  unlink((dir + "/report-env").c_str());
  rmdir(dir.c_str());
}

TEST(Launcher, RejectsAMissingProgram) {
  ProgramRun r = Launch({"no-such-program-nrtb"});
  EXPECT_TRUE(r.child.Exited(127)) << r.Describe();
  EXPECT_EQ(CountLines(r.err, "program 'no-such-program-nrtb' not found in PATH"), 1u) << r.err;
  ProgramRun path = Launch({"/nonexistent/prog"});
  EXPECT_TRUE(path.child.Exited(127)) << path.Describe();
  ProgramRun not_exec = Launch({nrtest::TempPath("")});  // a directory
  EXPECT_FALSE(not_exec.child.Succeeded()) << not_exec.Describe();
  ProgramRun none = Launch({});
  EXPECT_TRUE(none.child.Exited(2)) << none.Describe();
  EXPECT_NE(none.err.find("no program to run"), std::string::npos) << none.err;
}

TEST(Launcher, RejectsABadInflightValue) {
  for (const char* bad : {"-1", "x", "3x", "", "99999999999", "+3", " 3"}) {
    ProgramRun r = Launch({"--max-inflight", bad, kReportEnv});
    EXPECT_TRUE(r.child.Exited(2)) << "'" << bad << "': " << r.Describe();
    EXPECT_EQ(CountLines(r.err, "--max-inflight"), 1u) << r.err;
    EXPECT_EQ(r.out.find("ARGS"), std::string::npos) << "the program ran with N='" << bad << "'";
  }
  ProgramRun missing = Launch({"--max-inflight"});
  EXPECT_TRUE(missing.child.Exited(2)) << missing.Describe();
  ProgramRun unknown = Launch({"--frobnicate", kReportEnv});
  EXPECT_TRUE(unknown.child.Exited(2)) << unknown.Describe();
}

TEST(Launcher, RejectsAMissingShim) {
  ProgramRun r = Launch({kReportEnv}, {{"NRT_IMPLICIT_ASYNC_SHIM", "/nonexistent/libnrt-implicit-async.so"}});
  EXPECT_TRUE(r.child.Exited(127)) << r.Describe();
  EXPECT_EQ(CountLines(r.err, "cannot find libnrt-implicit-async.so"), 1u) << r.err;
  EXPECT_EQ(r.out.find("ARGS"), std::string::npos);
}

TEST(Launcher, FindsTheShimBesideItsInstalledCopyAndNeverTheBuildTrees) {
  // An installed tree: <prefix>/bin/nrt-implicit-async and <prefix>/lib/libnrt-implicit-async.so.
  const std::string prefix = nrtest::TempPath("prefix");
  for (const std::string& d : {prefix, prefix + "/bin", prefix + "/lib"}) ASSERT_EQ(mkdir(d.c_str(), 0755), 0) << d;
  const std::string launcher = prefix + "/bin/nrt-implicit-async", shim = prefix + "/lib/libnrt-implicit-async.so";
  const std::vector<uint8_t> exe = nrtest::ReadFileBytes(kLauncher), lib = nrtest::ReadFileBytes(kHandshakeLib);
  ASSERT_TRUE(nrtest::WriteFile(launcher, exe.data(), exe.size()));
  ASSERT_EQ(chmod(launcher.c_str(), 0755), 0);
  ASSERT_TRUE(nrtest::WriteFile(shim, lib.data(), lib.size()));
  ProgramRun r = RunProgram({launcher, "--print-config"}, {});
  ASSERT_TRUE(r.child.Succeeded()) << r.Describe();
  char real[PATH_MAX];
  ASSERT_NE(realpath(shim.c_str(), real), nullptr);
  EXPECT_NE(r.out.find(std::string("shim: ") + real + "\n"), std::string::npos) << r.out;
  // Without its own shim the copy must not fall back to the build tree's.
  unlink(shim.c_str());
  ProgramRun missing = RunProgram({launcher, "--print-config"}, {});
  EXPECT_TRUE(missing.child.Exited(127)) << missing.Describe();
  EXPECT_EQ(CountLines(missing.err, "cannot find libnrt-implicit-async.so"), 1u) << missing.err;
  unlink(launcher.c_str());
  for (const std::string& d : {prefix + "/bin", prefix + "/lib", prefix}) rmdir(d.c_str());
}

TEST(Launcher, HelpExitsZero) {
  ProgramRun r = Launch({"--help"});
  EXPECT_TRUE(r.child.Succeeded()) << r.Describe();
  EXPECT_NE(r.out.find("--max-inflight"), std::string::npos);
}

}  // namespace
