// Engine tests of the implicit-mode rules (rule_implicit_table.cc, program_mode.cc, the support header output):
// how the mode is decided for the whole program, which form each call gets, and how the header is added.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "diagnostics.h"
#include "driver.h"
#include "file_writer.h"
#include "program_mode.h"

namespace nrtm {
namespace {

namespace fs = std::filesystem;

class Implicit : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nrtm_implicit_" + std::to_string(getpid()) + "_" +
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
    EXPECT_TRUE(ReadFile((dir_ / rel).string(), &s)) << rel;
    return s;
  }
  RunOutput Go(std::vector<std::string> inputs, OutputMode mode = OutputMode::kDiff,
               ModeOption program_mode = ModeOption::kAuto) {
    Options o;
    o.inputs = std::move(inputs);
    o.extra_args = {"-I" NRTB_INCLUDE_DIR};
    o.in_root = dir_.string();
    o.mode = mode;
    // One parse at a time: concurrent parses meet in libLLVM's crash-recovery setup, which ThreadSanitizer
    // (blind to the uninstrumented library's own synchronisation) reports as a race.
    o.jobs = 1;
    o.program_mode = program_mode;
    out_.str("");
    err_.str("");
    return nrtm::Run(o, out_, err_);
  }
  const Site* Find(const RunOutput& r, const std::string& api) {
    for (const Site& s : r.sites)
      if (s.api == api) return &s;
    return nullptr;
  }

  fs::path dir_;
  std::ostringstream out_, err_;
};

const char kExec[] =
    "#include \"nrt/nrt.h\"\n"
    "void run(nrt_model_t *m, nrt_tensor_set_t *i, nrt_tensor_set_t *o) { nrt_execute(m, i, o); }\n";
const char kRead[] =
    "#include \"nrt/nrt.h\"\n"
    "int get(nrt_tensor_t *t, float *v) { return nrt_tensor_read(t, v, 0, 16) == NRT_SUCCESS; }\n";

TEST_F(Implicit, AScriptMakesTheWholeProgramImplicitEvenFilesWithoutLegacyNames) {
  std::string a = Write("src/a.c", kExec);
  std::string b = Write("src/b.c", kRead);  // only a tensor read: the plain prefilter would skip it
  Write("run.sh", "export NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS=5\n./app\n");
  RunOutput r = Go({a, b});
  EXPECT_EQ(r.exit_code, kExitOk) << err_.str();
  const Site* exec = Find(r, "nrt_execute");
  const Site* read = Find(r, "nrt_tensor_read");
  ASSERT_TRUE(exec && read) << err_.str();
  EXPECT_EQ(exec->form, "table-execute");
  EXPECT_EQ(exec->diag, DiagId::kTableExecute);
  EXPECT_NE(exec->reason.find("run.sh:1 sets NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS"), std::string::npos)
      << exec->reason;
  EXPECT_EQ(read->form, "fence-read");
  EXPECT_NE(out_.str().find("+int get(nrt_tensor_t *t, float *v) { return nrtm_inflight_tensor_read("),
            std::string::npos)
      << out_.str();
  // The include reaches the header at the root from the subdirectory; the header carries the script's depth.
  EXPECT_NE(out_.str().find("+#include \"../nrtm_inflight.h\""), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("+#define NRTM_INFLIGHT_DEFAULT_DEPTH 5 /* from run.sh:1 */"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "nrtm_inflight.h"));  // --diff writes nothing
}

TEST_F(Implicit, WithoutAnyMarkTheProgramStaysSynchronous) {
  std::string a = Write("a.c", kExec);
  std::string b = Write("b.c", kRead);
  RunOutput r = Go({a, b});
  const Site* exec = Find(r, "nrt_execute");
  ASSERT_NE(exec, nullptr);
  EXPECT_EQ(exec->form, "exact-wait");
  EXPECT_EQ(Find(r, "nrt_tensor_read"), nullptr);
  EXPECT_EQ(out_.str().find("nrtm_inflight"), std::string::npos);
}

TEST_F(Implicit, ModeSyncOverridesACallbackAndModeImplicitNeedsNoMark) {
  std::string a =
      Write("a.c", std::string(kExec) +
                       "#include \"nrt/nrt_experimental.h\"\n"
                       "void reg(NRT_ASYNC_EXEC_STATUS_CALLBACK cb) { nrt_register_async_exec_callback(cb, 0); }\n");
  RunOutput sync = Go({a}, OutputMode::kDiff, ModeOption::kSync);
  ASSERT_NE(Find(sync, "nrt_register_async_exec_callback"), nullptr);
  EXPECT_EQ(Find(sync, "nrt_register_async_exec_callback")->diag, DiagId::kImplicitCall);
  RunOutput implicit = Go({Write("b.c", kExec)}, OutputMode::kDiff, ModeOption::kImplicit);
  ASSERT_NE(Find(implicit, "nrt_execute"), nullptr);
  EXPECT_EQ(Find(implicit, "nrt_execute")->form, "table-execute");
  EXPECT_NE(Find(implicit, "nrt_execute")->reason.find("--mode implicit"), std::string::npos);
}

TEST_F(Implicit, SetenvDepthIsCarriedIntoTheCodeAndANonLiteralOneIsRemoved) {
  std::string a = Write("a.c",
                        "#include <stdlib.h>\n"
                        "#include \"nrt/nrt.h\"\n"
                        "void setup(const char *n) {\n"
                        "  setenv(\"NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS\", \"7\", 1);\n"
                        "  setenv(\"NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS\", n, 1);\n"
                        "}\n" +
                            std::string(kExec).substr(std::string(kExec).find('\n') + 1));
  RunOutput r = Go({a});
  EXPECT_NE(out_.str().find("+  nrtm_inflight_set_depth(7);"), std::string::npos) << out_.str();
  int carried = 0, removed = 0;
  for (const Site& s : r.sites) {
    carried += s.diag == DiagId::kDepthCarried;
    removed += s.diag == DiagId::kEnvVarRemoved;
  }
  EXPECT_EQ(carried, 1);
  EXPECT_EQ(removed, 1);
}

TEST_F(Implicit, MacroPastedNameIsReportedNotRewritten) {
  const std::string text =
      "#include \"nrt/nrt.h\"\n"
      "#define NRT_CALL(name) nrt_##name\n"
      "int get(nrt_tensor_t *t, float *v) { return NRT_CALL(tensor_read)(t, v, 0, 16); }\n"
      // The prefilter cannot see a pasted name; a plain call makes the file parsed.
      "int put(nrt_tensor_t *t, float *v) { return nrt_tensor_write(t, v, 0, 16); }\n";
  // An execution on the table: the pasted read would have to be fenced, and cannot be renamed.
  std::string a = Write("a.c", text +
                                   "void run(nrt_model_t *m, nrt_tensor_set_t *i, nrt_tensor_set_t *o) {\n"
                                   "  nrt_execute(m, i, o);\n}\n");
  RunOutput r = Go({a}, OutputMode::kDiff, ModeOption::kImplicit);
  const Site* read = Find(r, "nrt_tensor_read");
  ASSERT_NE(read, nullptr) << err_.str();
  EXPECT_FALSE(read->migrated);
  EXPECT_EQ(read->diag, DiagId::kNoSpelling);
  // No execution on the table (an inline program): nothing to fence, so nothing is left to do by hand.
  a = Write("a.c", text);
  r = Go({a}, OutputMode::kDiff, ModeOption::kImplicit);
  read = Find(r, "nrt_tensor_read");
  ASSERT_NE(read, nullptr) << err_.str();
  EXPECT_TRUE(read->migrated);
  EXPECT_EQ(read->form, "plain");
}

TEST_F(Implicit, BatchedTensorIoGoesThroughTheTablesBatchFences) {
  // The execution's sets are parameters: it stays on the table, so the table's fences have work to do.
  std::string a =
      Write("a.c",
            "#include \"nrt/nrt.h\"\n"
            "int get(const nrt_tensor_batch_t *b) { return nrt_tensor_read_batch(b, 1, false); }\n"
            "int put(const nrt_tensor_batch_t *b) { return nrt_tensor_write_batch(b, 1, true); }\n"
            "void run(nrt_model_t *m, nrt_tensor_set_t *i, nrt_tensor_set_t *o) { nrt_execute(m, i, o); }\n");
  RunOutput r = Go({a}, OutputMode::kInPlace, ModeOption::kImplicit);
  EXPECT_EQ(r.exit_code, kExitOk) << err_.str();
  const Site* read = Find(r, "nrt_tensor_read_batch");
  const Site* write = Find(r, "nrt_tensor_write_batch");
  ASSERT_NE(read, nullptr) << err_.str();
  ASSERT_NE(write, nullptr) << err_.str();
  EXPECT_TRUE(read->migrated);
  EXPECT_EQ(read->form, "fence-read");
  EXPECT_TRUE(write->migrated);
  EXPECT_EQ(write->form, "fence-write");
  const std::string out = Read("a.c");
  EXPECT_NE(out.find("return nrtm_inflight_tensor_read_batch(b, 1, false);"), std::string::npos) << out;
  EXPECT_NE(out.find("return nrtm_inflight_tensor_write_batch(b, 1, true);"), std::string::npos) << out;
}

TEST_F(Implicit, WithoutATableExecutionTensorIoStaysPlainAndNeedsNoSupportHeader) {
  std::string a = Write("a.c",
                        "#include \"nrt/nrt.h\"\n"
                        "int get(const nrt_tensor_batch_t *b) { return nrt_tensor_read_batch(b, 1, false); }\n"
                        "#include \"nrt/nrt_experimental.h\"\n"
                        "void fin(nrt_model_t *m) { nrt_async_drain_queued_execs(0); nrt_unload(m); nrt_close(); }\n");
  RunOutput r = Go({a}, OutputMode::kInPlace, ModeOption::kImplicit);
  EXPECT_EQ(r.exit_code, kExitOk) << err_.str();
  const Site* read = Find(r, "nrt_tensor_read_batch");
  const Site* unload = Find(r, "nrt_unload");
  ASSERT_NE(read, nullptr) << err_.str();
  ASSERT_NE(unload, nullptr) << err_.str();
  EXPECT_EQ(read->form, "plain");
  EXPECT_EQ(read->diag, DiagId::kInlinePlain);
  EXPECT_EQ(unload->form, "inline-wait");
  const std::string out = Read("a.c");
  EXPECT_NE(out.find("return nrt_tensor_read_batch(b, 1, false);"), std::string::npos) << out;
  EXPECT_NE(out.find("{ nrtm_drain(0); nrtm_unload(m); nrtm_close(); }"), std::string::npos) << out;
  EXPECT_EQ(out.find("nrtm_inflight"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(dir_ / "nrtm_inflight.h"));
  EXPECT_FALSE(Explain("NRTM1070").empty());
  EXPECT_FALSE(Explain("NRTM1071").empty());
}

TEST_F(Implicit, InPlaceAddsTheHeaderOnceAndKeepsAnExistingOne) {
  std::string a = Write("a.c", std::string(kExec) + "void fin(void) { nrt_close(); }\n");
  RunOutput first = Go({a}, OutputMode::kInPlace, ModeOption::kImplicit);
  EXPECT_EQ(first.exit_code, kExitOk) << err_.str();
  std::string header = Read("nrtm_inflight.h");
  EXPECT_NE(header.find("nrtm_inflight_execute"), std::string::npos);
  EXPECT_NE(Read("a.c").find("nrtm_inflight_close();"), std::string::npos);
  // A second run changes nothing; a header the team edited is kept as it is.
  Write("nrtm_inflight.h", header + "/* edited */\n");
  std::string migrated = Read("a.c");
  RunOutput second = Go({a}, OutputMode::kInPlace, ModeOption::kImplicit);
  EXPECT_EQ(second.exit_code, kExitOk) << err_.str();
  EXPECT_EQ(Read("a.c"), migrated);
  EXPECT_EQ(Read("nrtm_inflight.h"), header + "/* edited */\n");
}

// clang-apply-replacements cannot create the support header the exported fixes include: without --write-support
// the run says so and exits 3; with it the tool creates the header in the tree (never over an existing one).
TEST_F(Implicit, ExportFixesGetTheSupportHeaderCreatedOnlyWithWriteSupport) {
  std::string a = Write("src/a.c", kExec);
  auto run = [&](bool write_support) {
    Options o;
    o.inputs = {a};
    o.extra_args = {"-I" NRTB_INCLUDE_DIR};
    o.in_root = dir_.string();
    o.jobs = 1;
    o.program_mode = ModeOption::kImplicit;
    o.export_fixes = (dir_ / "fixes.yaml").string();
    o.write_support = write_support;
    out_.str("");
    err_.str("");
    return nrtm::Run(o, out_, err_);
  };
  RunOutput bare = run(false);
  EXPECT_EQ(bare.exit_code, kExitPartial) << err_.str();
  EXPECT_NE(err_.str().find("nrtm_inflight.h: warning: the exported fixes include this new file"), std::string::npos)
      << err_.str();
  EXPECT_NE(err_.str().find("pass --write-support"), std::string::npos) << err_.str();
  EXPECT_NE(Read("fixes.yaml").find("../nrtm_inflight.h"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "nrtm_inflight.h"));
  EXPECT_EQ(Read("src/a.c"), kExec);  // --diff: the source is untouched
  EXPECT_NE(out_.str().find("/nrtm_inflight.h\n@@"), std::string::npos) << out_.str();  // the new file, in the diff

  RunOutput with = run(true);
  EXPECT_EQ(with.exit_code, kExitOk) << err_.str();
  EXPECT_EQ(err_.str().find("NRTM1016"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("created in the source tree (--write-support)"), std::string::npos) << err_.str();
  EXPECT_NE(Read("nrtm_inflight.h").find("nrtm_inflight_execute"), std::string::npos);
  EXPECT_EQ(Read("src/a.c"), kExec);
  // Created, it is no change left to apply: the diff holds the source's edits only.
  EXPECT_EQ(out_.str().find("/nrtm_inflight.h\n@@"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("nrtm_inflight_execute("), std::string::npos) << out_.str();
  // The next run finds the header: nothing to create, nothing to warn about, even without the option.
  Write("nrtm_inflight.h", "/* the team's copy */\n");
  RunOutput again = run(false);
  EXPECT_EQ(again.exit_code, kExitOk) << err_.str();
  EXPECT_EQ(Read("nrtm_inflight.h"), "/* the team's copy */\n");
  EXPECT_FALSE(Explain("NRTM1016").empty());
}

TEST(ImplicitMode, DetectionPrefersTheOptionAndFindsTheLargestDepth) {
  std::string code = "setenv(\"NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS\", \"2\", 1);\n";
  std::string yaml = "env:\n  NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS: 6\n";
  ProgramMode m = DetectProgramMode(ModeOption::kAuto, {{"a.c", &code}}, {{"deploy.yaml", &yaml}});
  EXPECT_TRUE(m.implicit);
  EXPECT_EQ(m.depth, 6);
  EXPECT_EQ(m.origin, "deploy.yaml:2");
  EXPECT_FALSE(DetectProgramMode(ModeOption::kSync, {{"a.c", &code}}, {}).implicit);
  std::string plain = "int nrt_async_drain_queued_execs_count;\n";  // a longer identifier is not the call
  EXPECT_FALSE(DetectProgramMode(ModeOption::kAuto, {{"a.c", &plain}}, {}).implicit);
  // A comment that names the call does not count; the call below it does, and is the one named.
  std::string commented =
      "/*\n * uses nrt_register_async_exec_callback\n */\n// nrt_async_drain_queued_execs\n"
      "void f(void) { nrt_async_drain_queued_execs(0); }\n";
  ProgramMode c = DetectProgramMode(ModeOption::kAuto, {{"a.c", &commented}}, {});
  EXPECT_TRUE(c.implicit);
  EXPECT_EQ(c.why, "a.c:5 calls nrt_async_drain_queued_execs");
}

TEST(ImplicitMode, EveryFormHasAnExplanation) {
  for (int id = 1060; id <= 1068; ++id) EXPECT_FALSE(Explain("NRTM" + std::to_string(id)).empty()) << id;
}

}  // namespace
}  // namespace nrtm
