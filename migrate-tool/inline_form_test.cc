// Engine tests of the inline form (inline_form.cc, NRTM1069): an implicit-mode nrt_execute gets plain nrta_*
// code only where its whole pattern is visible in one function, and every way the pattern can escape keeps it on
// the request table with the reason in its note.
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "diagnostics.h"
#include "driver.h"
#include "report.h"

namespace nrtm {
namespace {

namespace fs = std::filesystem;

class InlineForm : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nrtm_inline_" + std::to_string(getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  // Migrates one C file in implicit mode; returns the nrt_execute site (the first one).
  Site Migrate(const std::string& text, RunOutput* run_out = nullptr) {
    std::string path = (dir_ / "a.c").string();
    std::ofstream(path) << text;
    Options o;
    o.inputs = {path};
    o.extra_args = {"-I" NRTB_INCLUDE_DIR};
    o.in_root = dir_.string();
    o.mode = OutputMode::kDiff;
    o.jobs = 1;  // one parse at a time (TSan and libLLVM's crash recovery; see implicit_rules_test.cc)
    o.program_mode = ModeOption::kImplicit;
    out_.str("");
    err_.str("");
    RunOutput r = nrtm::Run(o, out_, err_);
    EXPECT_EQ(r.exit_code, kExitOk) << err_.str();
    Site found;
    for (const Site& s : r.sites)
      if (s.api == "nrt_execute" && found.api.empty()) found = s;
    EXPECT_EQ(found.api, "nrt_execute") << err_.str();
    if (run_out) *run_out = std::move(r);
    return found;
  }

  struct Escape {
    const char* name;
    std::string program;
    const char* reason;  // what the table site's note must say
  };
  void CheckEscapes(const std::vector<Escape>& escapes) {
    for (const Escape& e : escapes) {
      Site s = Migrate(e.program);
      EXPECT_EQ(s.form, "table-execute") << e.name << ": " << s.reason;
      EXPECT_EQ(s.Kind(), "table") << e.name;
      EXPECT_NE(s.reason.find("not inline: "), std::string::npos) << e.name << ": " << s.reason;
      EXPECT_NE(s.reason.find(e.reason), std::string::npos) << e.name << ": " << s.reason;
    }
  }

  fs::path dir_;
  std::ostringstream out_, err_;
};

// The parts of a function whose pattern is visible: local tensors and sets, filled here.
const char kInlineHead[] =
    "#include \"nrt/nrt.h\"\n"
    "static double work(int n) { double a = 0; for (int i = 0; i < n; ++i) a += i; return a; }\n";
const char kInlineSetup[] =
    "  nrt_tensor_t *x = 0, *y = 0;\n"
    "  nrt_tensor_set_t *in = 0, *out = 0;\n"
    "  nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, \"x\", &x);\n"
    "  nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, \"y\", &y);\n"
    "  nrt_allocate_tensor_set(&in);\n"
    "  nrt_allocate_tensor_set(&out);\n"
    "  nrt_add_tensor_to_tensor_set(in, \"x\", x);\n"
    "  nrt_add_tensor_to_tensor_set(out, \"y\", y);\n";
const char kInlineTail[] =
    "  nrt_execute(m, in, out);\n"
    "  double h = work(100);\n"
    "  float v[4];\n"
    "  nrt_tensor_read(y, v, 0, sizeof v);\n"
    "  nrt_destroy_tensor_set(&in);\n"
    "  nrt_destroy_tensor_set(&out);\n"
    "  nrt_tensor_free(&x);\n"
    "  nrt_tensor_free(&y);\n"
    "  return v[0] + h;\n"
    "}\n";

std::string InlineProgram(const std::string& before_setup, const std::string& after_setup) {
  return std::string(kInlineHead) + before_setup + "float f(nrt_model_t *m) {\n" + kInlineSetup + after_setup +
         kInlineTail;
}

std::string InlineReplace(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

TEST_F(InlineForm, AVisiblePatternIsScheduledInlineAndWaitedForBeforeTheRead) {
  RunOutput run;
  Site s = Migrate(InlineProgram("", ""), &run);
  EXPECT_EQ(s.form, "inline") << s.reason;
  EXPECT_EQ(s.diag, DiagId::kInlineExecute);
  EXPECT_EQ(s.Kind(), "inline");
  EXPECT_NE(s.reason.find("where 'nrt_tensor_read' is called"), std::string::npos) << s.reason;
  const std::string d = out_.str();
  EXPECT_EQ(d.find("nrtm_inflight_execute(m"), std::string::npos) << d;
  size_t schedule = d.find("+  NRT_STATUS nrtm_st_12 = nrtm_schedule(m, in, out, &nrtm_ret_12, &nrtm_seq_12);");
  size_t work = d.find(" double h = work(100);");
  size_t wait = d.find("nrtm_finish(nrtm_st_12, nrtm_seq_12, &nrtm_ret_12)");
  // An inline program: the read stays the plain call (a context line of the diff), and no support header.
  size_t read = d.find("\n   nrt_tensor_read(y, v, 0, sizeof v);");
  EXPECT_EQ(d.find("nrtm_inflight"), std::string::npos) << d;
  ASSERT_NE(schedule, std::string::npos) << d;
  ASSERT_NE(read, std::string::npos) << d;
  EXPECT_TRUE(schedule < work && work < wait && wait < read) << d;
  nlohmann::json j = nlohmann::json::parse(JsonReport(run));
  bool reported = false;
  for (const auto& site : j["sites"]) reported = reported || (site["api"] == "nrt_execute" && site["kind"] == "inline");
  EXPECT_TRUE(reported) << j.dump(1);
  EXPECT_EQ(j["summary"]["by_kind"]["inline"], 6);  // the execution, the read and the four releases
  EXPECT_EQ(j["summary"]["by_kind"].count("table"), 0u) << j.dump(1);
  EXPECT_EQ(j["summary"]["by_form"]["inline"], 1);
  EXPECT_EQ(j["summary"]["by_form"]["plain"], 5);
  EXPECT_NE(Explain("NRTM1069").find("Before:"), std::string::npos);
}

// The sets and tensors come from somewhere the function does not control.
TEST_F(InlineForm, WhereTheSetsAndTensorsEscapeTheTableStays) {
  CheckEscapes({
      {"sets are parameters",
       std::string(kInlineHead) + "void g(nrt_model_t *m, nrt_tensor_set_t *in, nrt_tensor_set_t *out) {\n"
                                  "  nrt_execute(m, in, out);\n  work(5);\n}\n",
       "the input set is not a local variable"},
      {"sets in an array",
       std::string(kInlineHead) +
           "void g(nrt_model_t *m, nrt_tensor_set_t **s, int i) {\n  nrt_execute(m, s[i], s[i + 1]);\n  work(5);\n}\n",
       "the input set is not a local variable"},
      {"a tensor handed to a user function", InlineProgram("void keep(nrt_tensor_t *t);\n", "  keep(y);\n"),
       "the tensor 'y' is used at line"},
      {"a set stored in a global", InlineProgram("nrt_tensor_set_t *saved;\n", "  saved = out;\n"),
       "the tensor set 'out' is used at line"},
      {"a tensor also in a global set",
       InlineProgram("nrt_tensor_set_t *other;\n", "  nrt_add_tensor_to_tensor_set(other, \"y\", y);\n"),
       "the tensor 'y' is also added to another tensor set"},
      {"a set never filled here",
       std::string(kInlineHead) +
           "void g(nrt_model_t *m, nrt_tensor_t *x) {\n  nrt_tensor_set_t *in = 0, *out = 0;\n"
           "  nrt_allocate_tensor_set(&in);\n  nrt_allocate_tensor_set(&out);\n"
           "  nrt_add_tensor_to_tensor_set(in, \"x\", x);\n  nrt_execute(m, in, out);\n  work(5);\n}\n",
       "a tensor of 'in' is not a local variable"},
      {"a set that aliases one built elsewhere",
       InlineReplace(InlineProgram("nrt_tensor_set_t *shared_in;\n", ""), "*in = 0", "*in = shared_in"),
       "the tensor set 'in' starts out as a set built elsewhere"},
      {"a tensor taken from another set",
       InlineProgram("nrt_tensor_set_t *pool;\n", "  nrt_get_tensor_from_tensor_set(pool, \"y\", &y);\n"),
       "the tensor 'y' is handed to nrt_get_tensor_from_tensor_set"},
      {"a slice of a tensor",
       InlineProgram("nrt_tensor_t *parent;\n", "  nrt_tensor_allocate_slice(parent, 0, 16, \"y\", &y);\n"),
       "the tensor 'y' is handed to nrt_tensor_allocate_slice"},
      {"a tensor never allocated here",
       InlineReplace(InlineProgram("", ""), "  nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, \"y\", &y);\n",
                     ""),
       "the tensor 'y' is not created by nrt_tensor_allocate in the function"},
  });
}

// The program, the translation unit or the call's own place keeps the table.
TEST_F(InlineForm, WhatTheProgramOrTheCallDoesKeepsTheTable) {
  CheckEscapes({
      {"a callback registered",
       InlineProgram("#include \"nrt/nrt_experimental.h\"\nvoid cb(void *p, uint32_t a, uint32_t b, uint64_t j, "
                     "NRT_STATUS s) {}\nvoid reg(void) { nrt_register_async_exec_callback(cb, 0); }\n",
                     ""),
       "calls nrt_register_async_exec_callback"},
      {"tensor memory mapped", InlineProgram("void *va(nrt_tensor_t *t) { return nrt_tensor_get_va(t); }\n", ""),
       "maps tensor memory"},
      {"static sets",
       std::string(kInlineHead) +
           "void g(nrt_model_t *m) {\n  static nrt_tensor_set_t *in, *out;\n  nrt_execute(m, in, out);\n"
           "  work(5);\n}\n",
       "the input set is not a local variable"},
      {"nothing to overlap", InlineProgram("", "  nrt_execute(m, in, out);\n  nrt_tensor_read(y, 0, 0, 0);\n"),
       "the next statement needs the request"},
      {"inside a macro", InlineProgram("#define CALL(x) x\n", "  CALL(nrt_execute(m, in, out));\n  work(3);\n"),
       "the call is written inside a macro"},
  });
}

// The program-wide scan reads main files only; a callback registered in a header that another translation
// unit includes must still keep every execution of the program on the table.
TEST_F(InlineForm, ACallbackRegisteredInAnotherTusHeaderKeepsTheTable) {
  std::ofstream((dir_ / "reg.h").string()) << "#include \"nrt/nrt_experimental.h\"\n"
                                              "static inline void reg(NRT_ASYNC_EXEC_STATUS_CALLBACK cb) {\n"
                                              "  nrt_register_async_exec_callback(cb, 0);\n}\n";
  std::ofstream((dir_ / "b.c").string()) << "#include \"reg.h\"\nvoid setup(void) { reg(0); }\n";
  std::ofstream((dir_ / "a.c").string()) << InlineProgram("", "");
  Options o;
  o.inputs = {(dir_ / "a.c").string(), (dir_ / "b.c").string()};
  o.extra_args = {"-I" NRTB_INCLUDE_DIR};
  o.in_root = dir_.string();
  o.jobs = 1;
  o.program_mode = ModeOption::kImplicit;
  RunOutput r = nrtm::Run(o, out_, err_);
  const Site* exec = nullptr;
  for (const Site& s : r.sites)
    if (s.api == "nrt_execute" && !exec) exec = &s;
  ASSERT_NE(exec, nullptr) << err_.str();
  EXPECT_EQ(exec->form, "table-execute") << exec->reason;
  EXPECT_NE(exec->reason.find("reg.h:3 calls nrt_register_async_exec_callback"), std::string::npos) << exec->reason;
}

TEST_F(InlineForm, AnEarlyReturnOrBreakGetsTheWaitBeforeIt) {
  Site s = Migrate(std::string(kInlineHead) + "float f(nrt_model_t *m, int stop) {\n" + kInlineSetup +
                   "  for (int i = 0; i < 4; ++i) {\n"
                   "    nrt_execute(m, in, out);\n"
                   "    work(i);\n"
                   "    if (i == stop) break;\n"
                   "    work(2);\n"
                   "    if (stop < 0) return 1;\n"
                   "    nrt_tensor_read(y, 0, 0, 0);\n"
                   "  }\n"
                   "  return 0;\n}\n");
  EXPECT_EQ(s.form, "inline") << s.reason;
  const std::string d = out_.str();
  size_t wait = d.find("nrtm_finish(");
  size_t brk = d.find("if (i == stop) break;");
  ASSERT_NE(wait, std::string::npos) << d;
  EXPECT_LT(wait, brk) << d;
  EXPECT_NE(s.reason.find("may leave the block"), std::string::npos) << s.reason;
}

}  // namespace
}  // namespace nrtm
