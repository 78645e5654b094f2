// The whole pipeline through nrtm::Run on small trees in a temporary directory (libclang parses for real).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "diagnostics.h"
#include "driver.h"
#include "file_writer.h"
#include "report.h"

namespace nrtm {
namespace {

namespace fs = std::filesystem;

class Engine : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nrtm_engine_" + std::to_string(getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& rel, const std::string& text) {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream((dir_ / rel).string()) << text;
    return (dir_ / rel).string();
  }
  std::string Read(const std::string& rel) {
    std::string s;
    EXPECT_TRUE(ReadFile((dir_ / rel).string(), &s));
    return s;
  }
  Options Opts(std::vector<std::string> inputs, OutputMode mode = OutputMode::kDiff) {
    Options o;
    o.inputs = std::move(inputs);
    o.extra_args = {"-I" NRTB_INCLUDE_DIR};
    o.in_root = dir_.string();
    o.mode = mode;
    o.jobs = 2;
    return o;
  }
  RunOutput Go(const Options& o) {
    out_.str("");
    err_.str("");
    return nrtm::Run(o, out_, err_);
  }
  const Site* Find(const RunOutput& r, const std::string& api, unsigned line) {
    for (const Site& s : r.sites)
      if (s.api == api && s.line == line) return &s;
    return nullptr;
  }

  fs::path dir_;
  std::ostringstream out_, err_;
};

const char kHead[] =
    "#include <stdio.h>\n"                                                                    // 1
    "#include \"nrt/nrt.h\"\n"                                                                // 2
    "#define CHECK(x) ((void)(x))\n"                                                          // 3
    "extern void opaque(void);\n"                                                             // 4
    "static int work(int n) { int a = 0; for (int i = 0; i < n; ++i) a += i; return a; }\n";  // 5

TEST_F(Engine, MacroArgumentGetsTheExactForm) {
  std::string f = Write("a.c", std::string(kHead) +
                                   "void f(nrt_model_t *m, nrt_tensor_set_t *i, nrt_tensor_set_t *o) {\n"  // 6
                                   "  CHECK(nrt_execute(m, i, o));\n"                                      // 7
                                   "}\n");
  RunOutput r = Go(Opts({f}));
  EXPECT_EQ(r.exit_code, kExitOk) << err_.str();
  const Site* s = Find(r, "nrt_execute", 7);
  ASSERT_NE(s, nullptr) << err_.str();
  EXPECT_EQ(s->form, "exact-wait");
  EXPECT_NE(out_.str().find("+  CHECK(nrtm_execute_wait(m, i, o));"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("#include \"nrt/nrt_async.h\""), std::string::npos);
  EXPECT_NE(err_.str().find("a.c:7:9: note:"), std::string::npos) << err_.str();
}

TEST_F(Engine, HostWorkAfterTheCallGetsTheDeferredForm) {
  std::string f = Write("a.c", std::string(kHead) +
                                   "int f(nrt_model_t *m, nrt_tensor_set_t *i, nrt_tensor_set_t *o) {\n"  // 6
                                   "  NRT_STATUS s = nrt_execute(m, i, o);\n"                             // 7
                                   "  int h = work(100);\n"                                               // 8
                                   "  printf(\"%d\\n\", h);\n"                                            // 9
                                   "  return s == NRT_SUCCESS ? h : -1;\n"                                // 10
                                   "}\n");
  RunOutput r = Go(Opts({f}));
  const Site* s = Find(r, "nrt_execute", 7);
  ASSERT_NE(s, nullptr) << err_.str();
  EXPECT_EQ(s->form, "deferred-wait") << s->reason;
  EXPECT_NE(s->reason.find("line 10"), std::string::npos) << s->reason;
  EXPECT_NE(out_.str().find("+  s = nrtm_finish(s, nrtm_seq_7, &nrtm_ret_7);\n   return"), std::string::npos)
      << out_.str();
}

TEST_F(Engine, AFunctionWithoutVisibleBodyStopsTheDeferral) {
  std::string f = Write("a.c", std::string(kHead) +
                                   "void f(nrt_model_t *m, nrt_tensor_set_t *i, nrt_tensor_set_t *o) {\n"  // 6
                                   "  nrt_execute(m, i, o);\n"                                             // 7
                                   "  opaque();\n"                                                         // 8
                                   "}\n");
  RunOutput r = Go(Opts({f}));
  const Site* s = Find(r, "nrt_execute", 7);
  ASSERT_NE(s, nullptr) << err_.str();
  EXPECT_EQ(s->form, "exact-wait");
  EXPECT_NE(s->reason.find("'opaque' is called and the tool cannot see its body"), std::string::npos) << s->reason;
}

TEST_F(Engine, PrefilterSkipsFilesWithoutLegacyCalls) {
  std::string a = Write("a.c", "#include \"nrt/nrt.h\"\nint f(void) { return 0; }\n");
  std::string b = Write("b.c", "this is not C at all, but the prefilter never parses it\n");
  RunOutput r = Go(Opts({a, b}));
  EXPECT_EQ(r.exit_code, kExitOk) << err_.str();
  EXPECT_EQ(r.summary.tus_skipped, 2u);
  EXPECT_TRUE(out_.str().empty());
}

// On a terminal (main.cc sets progress when stderr is one) each translation unit ticks a counter line, and the
// line is cleared before the diagnostics; without one, nothing of it is written.
TEST_F(Engine, ProgressGoesToATerminalOnlyAndIsClearedBeforeTheDiagnostics) {
  std::string a = Write("a.c", "#include \"nrt/nrt.h\"\nint f(void) { return 0; }\n");
  std::string b = Write("b.c", "#include \"nrt/nrt.h\"\nint g(void) { return 1; }\n");
  Options o = Opts({a, b});
  o.progress = true;
  RunOutput r = Go(o);
  EXPECT_EQ(r.exit_code, kExitOk) << err_.str();
  const std::string err = err_.str();
  EXPECT_NE(err.find("\r[1/2] "), std::string::npos) << err;
  EXPECT_NE(err.find("\r[2/2] "), std::string::npos) << err;
  size_t cleared = err.find("\r\033[K");
  ASSERT_NE(cleared, std::string::npos) << err;
  EXPECT_LT(cleared, err.find("nrt-migrate: 2 translation unit(s)")) << err;
  Go(Opts({a, b}));
  EXPECT_EQ(err_.str().find('\r'), std::string::npos) << err_.str();
}

// Includes: nrt_async.h once per file that needs it, in the file's include style (<...> here), after its
// include guard and its nrt includes, however many sites the file has.
TEST_F(Engine, TheAsyncIncludeComesOnceInTheFilesStyleAfterItsGuardAndNrtIncludes) {
  Write("w.h",
        "#pragma once\n"
        "#include <nrt/nrt.h>\n"
        "static inline NRT_STATUS run1(nrt_model_t *m) { return nrt_execute(m, 0, 0); }\n"
        "static inline NRT_STATUS run2(nrt_model_t *m) { return nrt_execute(m, 0, 0); }\n");
  std::string a = Write("a.c", "#include \"w.h\"\nint main(void) { return run1(0) + run2(0); }\n");
  RunOutput r = Go(Opts({a}, OutputMode::kInPlace));
  EXPECT_EQ(r.exit_code, kExitOk) << err_.str();
  const std::string out = Read("w.h");
  const size_t inc = out.find("#include <nrt/nrt_async.h>");
  ASSERT_NE(inc, std::string::npos) << out;
  EXPECT_EQ(out.find("#include <nrt/nrt_async.h>", inc + 1), std::string::npos) << out;
  EXPECT_EQ(out.find("nrt/nrt_async.h\""), std::string::npos) << out;
  EXPECT_EQ(out.rfind("#pragma once\n#include <nrt/nrt.h>\n", 0), 0u) << out;
  EXPECT_LT(out.find("#include <nrt/nrt.h>"), inc) << out;
  EXPECT_LT(inc, out.find("run1")) << out;
  EXPECT_EQ(Read("a.c"), "#include \"w.h\"\nint main(void) { return run1(0) + run2(0); }\n");
}

TEST_F(Engine, AFileThatDoesNotParseIsReportedAndNotWritten) {
  std::string text = "#include \"nrt/nrt.h\"\nint f(nrt_model_t *m) { return nrt_execute(m, 0, 0) }\n";
  std::string f = Write("bad.c", text);
  RunOutput r = Go(Opts({f}, OutputMode::kInPlace));
  EXPECT_EQ(r.exit_code, kExitPartial);
  EXPECT_NE(err_.str().find("[NRTM1010]"), std::string::npos) << err_.str();
  EXPECT_EQ(Read("bad.c"), text);
  EXPECT_FALSE(fs::exists(dir_ / "bad.c.orig"));
}

TEST_F(Engine, InPlaceWritesBackupsAndASecondRunChangesNothing) {
  std::string f = Write("a.c", std::string(kHead) + "int f(nrt_model_t *m) { return nrt_execute(m, 0, 0); }\n");
  std::string before = Read("a.c");
  RunOutput r = Go(Opts({f}, OutputMode::kInPlace));
  ASSERT_EQ(r.exit_code, kExitOk) << err_.str();
  EXPECT_EQ(Read("a.c.orig"), before);
  std::string after = Read("a.c");
  EXPECT_NE(after.find("return nrtm_execute_wait(m, 0, 0);"), std::string::npos) << after;
  RunOutput again = Go(Opts({f}, OutputMode::kCheck));
  EXPECT_EQ(again.exit_code, kExitOk) << err_.str();
  EXPECT_TRUE(again.changes.empty());
  EXPECT_EQ(Read("a.c"), after);
}

TEST_F(Engine, CheckFailsWhileLegacyCallsRemain) {
  std::string f = Write("a.c", std::string(kHead) + "int f(nrt_model_t *m) { return nrt_execute(m, 0, 0); }\n");
  RunOutput r = Go(Opts({f}, OutputMode::kCheck));
  EXPECT_EQ(r.exit_code, kExitCheckFailed);
  EXPECT_TRUE(out_.str().empty());
}

TEST_F(Engine, ReadOnlyFileIsNotWritten) {
  std::string f = Write("a.c", std::string(kHead) + "int f(nrt_model_t *m) { return nrt_execute(m, 0, 0); }\n");
  std::string before = Read("a.c");
  chmod(f.c_str(), 0444);
  RunOutput r = Go(Opts({f}, OutputMode::kInPlace));
  EXPECT_EQ(r.exit_code, kExitPartial);
  EXPECT_NE(err_.str().find("read-only"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("[NRTM1015]"), std::string::npos) << err_.str();
  EXPECT_EQ(Read("a.c"), before);
  EXPECT_FALSE(fs::exists(dir_ / "a.c.orig"));
}

TEST_F(Engine, AnEditThatBreaksTheParseIsRolledBack) {
  // The program already has its own nrtm_execute_wait: the helper block would clash with it.
  std::string f = Write("a.c", std::string(kHead) +
                                   "static int nrtm_execute_wait = 3;\n"
                                   "int f(nrt_model_t *m) { return nrt_execute(m, 0, 0) + nrtm_execute_wait; }\n");
  RunOutput r = Go(Opts({f}));
  EXPECT_NE(err_.str().find("[NRTM1013]"), std::string::npos) << err_.str();
  EXPECT_TRUE(r.changes.empty());
  EXPECT_TRUE(out_.str().empty()) << out_.str();
}

TEST_F(Engine, MissingResourceDirectoryNamesTheOption) {
  std::string f = Write("a.c", "int x;\n");
  Options o = Opts({f});
  o.resource_dir = (dir_ / "nowhere").string();
  RunOutput r = Go(o);
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_NE(err_.str().find("--resource-dir"), std::string::npos) << err_.str();
}

TEST_F(Engine, CompileDatabaseDirectoryIsHonoured) {
  Write("src/inc/wrap.h",
        "#include \"nrt/nrt.h\"\nstatic inline NRT_STATUS run(nrt_model_t *m) { return nrt_execute(m, 0, 0); }\n");
  std::string a = Write("src/a.c", "#include \"wrap.h\"\nNRT_STATUS go(nrt_model_t *m) { return run(m); }\n");
  std::string orphan = Write("src/orphan.c", "int y;\n");
  // The -I is relative to the entry's directory, not to wherever the tool runs.
  Write("build/compile_commands.json",
        "[{\"directory\": \"" + (dir_ / "src").string() +
            "\", \"command\": \"ccache cc -Iinc -I" NRTB_INCLUDE_DIR
            " -fno-canonical-system-headers -Werror -c a.c -o a.o\", \"file\": \"a.c\"}]");
  Options o = Opts({a, orphan});
  o.extra_args.clear();
  o.build_dir = (dir_ / "build").string();
  RunOutput r = Go(o);
  EXPECT_EQ(r.exit_code, kExitOk) << err_.str();
  EXPECT_NE(err_.str().find("dropped '-fno-canonical-system-headers'"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("orphan.c: warning: no entry in"), std::string::npos) << err_.str();
  EXPECT_NE(Find(r, "nrt_execute", 2), nullptr) << err_.str();
  EXPECT_EQ(r.changes.count((dir_ / "src/inc/wrap.h").string()), 1u);
}

TEST_F(Engine, InterruptedRunWritesNothing) {
  std::string f = Write("a.c", std::string(kHead) + "int f(nrt_model_t *m) { return nrt_execute(m, 0, 0); }\n");
  std::string before = Read("a.c");
  g_interrupted = true;  // as the SIGINT handler does
  RunOutput r = Go(Opts({f}, OutputMode::kInPlace));
  g_interrupted = false;
  EXPECT_EQ(r.exit_code, kExitInterrupted);
  EXPECT_EQ(Read("a.c"), before);
  EXPECT_FALSE(fs::exists(dir_ / "a.c.orig"));
}

TEST_F(Engine, OutRootOnAnotherFilesystemMirrorsTheTree) {
  std::string f = Write("sub/a.c", std::string(kHead) + "int f(nrt_model_t *m) { return nrt_execute(m, 0, 0); }\n");
  // /dev/shm is a tmpfs, normally another filesystem than the sources: the temporary file must be made beside
  // the destination, or the rename would fail.
  fs::path out = fs::exists("/dev/shm") ? fs::path("/dev/shm") / dir_.filename() : dir_ / "out";
  fs::remove_all(out);
  Options o = Opts({f}, OutputMode::kOutRoot);
  o.out_root = out.string();
  RunOutput r = Go(o);
  EXPECT_EQ(r.exit_code, kExitOk) << err_.str();
  std::string migrated;
  EXPECT_TRUE(ReadFile((out / "sub/a.c").string(), &migrated));
  EXPECT_NE(migrated.find("nrtm_execute_wait(m, 0, 0)"), std::string::npos);
  EXPECT_EQ(Read("sub/a.c").find("nrtm_"), std::string::npos);  // the source is untouched
  fs::remove_all(out);
}

TEST_F(Engine, ReportsAreWellFormed) {
  std::string f = Write("a.c", std::string(kHead) +
                                   "int f(nrt_model_t *m) { return nrt_execute(m, 0, 0); }\n"
                                   "void g(nrt_model_t *m, nrt_tensor_set_t *i, nrt_tensor_set_t *o) {\n"
                                   "  nrt_execute_repeat(m, i, o, 2);\n"
                                   "}\n");
  RunOutput r = Go(Opts({f}));
  nlohmann::json j = nlohmann::json::parse(JsonReport(r));
  EXPECT_EQ(j["summary"]["sites"], 2);
  EXPECT_EQ(j["summary"]["migrated"], 1);
  EXPECT_EQ(j["summary"]["by_form"]["exact-wait"], 1);
  bool saw_repeat = false;
  for (const auto& s : j["sites"])
    if (s["api"] == "nrt_execute_repeat") saw_repeat = s["id"] == "NRTM1004" && s["migrated"] == false;
  EXPECT_TRUE(saw_repeat) << j.dump(2);
  nlohmann::json sarif = nlohmann::json::parse(SarifReport(r));
  EXPECT_EQ(sarif["version"], "2.1.0");
  EXPECT_GE(sarif["runs"][0]["results"].size(), 2u);
  std::string yaml = ExportFixesYaml(r);
  EXPECT_NE(yaml.find("DiagnosticName: nrt-migrate-NRTM1001"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("ReplacementText: \"nrtm_execute_wait\""), std::string::npos) << yaml;
  EXPECT_EQ(yaml.find("NRTM1004"), std::string::npos);  // a site not migrated has no fix
}

TEST_F(Engine, ReportOnlyFindingsFailOnlyStrictCheck) {
  // The script reads the variable in a form the tool does not rewrite: a warning, not a legacy call.
  Write("scripts/run.sh", "NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS=2 ./app\n");
  std::string f = Write("a.c", "int main(void) { return 0; }\n");
  Options o = Opts({f, (dir_ / "scripts").string()}, OutputMode::kCheck);
  RunOutput r = Go(o);
  EXPECT_EQ(r.exit_code, kExitOk) << err_.str();
  EXPECT_NE(err_.str().find("scripts/run.sh:1:1: warning:"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("[NRTM1021]"), std::string::npos) << err_.str();
  o.check_strict = true;
  EXPECT_EQ(Go(o).exit_code, kExitCheckFailed);
}

TEST(Explain, KnownIdsHaveTextUnknownOnesNone) {
  EXPECT_NE(Explain("NRTM1002").find("Before:"), std::string::npos);
  EXPECT_NE(Explain("NRTM1011").find("header"), std::string::npos);
  EXPECT_EQ(Explain("NRTM9999"), "");
}

}  // namespace
}  // namespace nrtm
