// Formatting of touched lines: the line ranges, folding clang-format's replacements back into the edits, its XML,
// and the real clang-format-14 on files with and without a .clang-format.
#include "touched_lines_format.h"

#include <clang-c/Index.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "driver.h"

namespace nrtm {
namespace {

namespace fs = std::filesystem;

Edit At(size_t offset, size_t length, std::string text, int site = 0) {
  Edit e;
  e.file = "/x/a.c";
  e.offset = offset;
  e.length = length;
  e.text = std::move(text);
  e.site = site;
  return e;
}

TEST(TouchedLines, InsertedReplacedAndDeletedLines) {
  const std::string original = "a\nb\nc\nd\ne\n";
  // Two lines inserted before "b" (lines 2-3 of the new text), "d" replaced in place (line 6), "e\n" deleted.
  std::vector<Edit> edits = {At(2, 0, "x\ny\n"), At(6, 1, "D"), At(8, 2, "")};
  auto lines = TouchedLines(original, edits);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], std::make_pair(2u, 3u));
  // The deletion leaves the (empty) line after "D" behind: line 7, merged with line 6.
  EXPECT_EQ(lines[1], std::make_pair(6u, 7u));
}

TEST(ComposeEdits, ReplacementInsideAnEditChangesItsText) {
  const std::string original = "int a;\nint b;\n";
  std::vector<Edit> edits = {At(7, 0, "int  c;\n", 4)};  // edited: "int a;\nint  c;\nint b;\n"
  std::vector<Edit> out = ComposeEdits(original, edits, {{10, 2, " "}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].offset, 7u);
  EXPECT_EQ(out[0].length, 0u);
  EXPECT_EQ(out[0].text, "int c;\n");
  EXPECT_EQ(out[0].site, 4);
  EXPECT_EQ(ApplyEdits(original, out), "int a;\nint c;\nint b;\n");
}

TEST(ComposeEdits, ReplacementInTheUntouchedPartOfATouchedLineBecomesAnEditOfTheSite) {
  const std::string original = "f( x );\n";
  std::vector<Edit> edits = {At(0, 1, "g", 2)};  // edited: "g( x );\n"
  // clang-format removes both inner spaces: one touches no edit.
  std::vector<Edit> out = ComposeEdits(original, edits, {{2, 1, ""}, {4, 1, ""}});
  EXPECT_EQ(ApplyEdits(original, out), "g(x);\n");
  ASSERT_EQ(out.size(), 3u);
  for (const Edit& e : out) EXPECT_EQ(e.site, 2);
}

TEST(ComposeEdits, ReplacementSpanningTwoEditsMergesThem) {
  const std::string original = "aXbYc";
  std::vector<Edit> edits = {At(1, 1, "11", 1), At(3, 1, "22", 2)};      // edited: "a11b22c"
  std::vector<Edit> out = ComposeEdits(original, edits, {{2, 3, "-"}});  // "1b2" -> "-"
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].offset, 1u);
  EXPECT_EQ(out[0].length, 3u);
  EXPECT_EQ(out[0].site, 1);
  EXPECT_EQ(ApplyEdits(original, out), "a1-2c");
}

TEST(ComposeEdits, DeletionAtTheEndOfACluster) {
  const std::string original = "keep;\ndrop;\n  next;\n";
  std::vector<Edit> edits = {At(6, 6, "", 3)};  // edited: "keep;\n  next;\n"
  // A replacement right where the deletion was (re-indenting the next line) joins it.
  std::vector<Edit> out = ComposeEdits(original, edits, {{6, 2, ""}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].offset, 6u);
  EXPECT_EQ(out[0].length, 8u);
  EXPECT_EQ(ApplyEdits(original, out), "keep;\nnext;\n");
}

TEST(ComposeEdits, NoReplacementsKeepTheEdits) {
  std::vector<Edit> edits = {At(0, 1, "z")};
  std::vector<Edit> out = ComposeEdits("abc", edits, {});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].SameChange(edits[0]));
}

TEST(ReplacementsXml, DecodesEntitiesAndRejectsOtherText) {
  std::vector<TextReplacement> r;
  ASSERT_TRUE(
      ParseReplacementsXml("<?xml version='1.0'?>\n<replacements xml:space='preserve' incomplete_format='false'>\n"
                           "<replacement offset='3' length='2'>&#10;  a &lt;&amp;&gt; b</replacement>\n"
                           "<replacement offset='9' length='0'></replacement>\n</replacements>\n",
                           &r));
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].offset, 3u);
  EXPECT_EQ(r[0].length, 2u);
  EXPECT_EQ(r[0].text, "\n  a <&> b");
  EXPECT_EQ(r[1].text, "");
  EXPECT_FALSE(ParseReplacementsXml("error: bad style\n", &r));
  EXPECT_FALSE(ParseReplacementsXml("<replacements><replacement offset='1' length='x'>a</replacement>", &r));
  EXPECT_FALSE(ParseReplacementsXml("<replacements><replacement offset='1' length='1'>&bogus;</replacement>", &r));
}

class RealClangFormat : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nrtm_format_" + std::to_string(getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "sub");
    std::string note;
    binary_ = FindClangFormat("", &note);
    // scripts/install-deps.sh installs clang-format-14 beside libclang-dev: its absence is a broken setup.
    ASSERT_FALSE(binary_.empty()) << note;
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& rel, const std::string& text) { std::ofstream((dir_ / rel).string()) << text; }

  fs::path dir_;
  std::string binary_;
};

// Untouched lines keep their (odd) layout; the inserted line and the rest of the edited line are formatted.
const char kOriginal[] = "int  a=1;\nint f(int x){return x;}\nint  z=f( 2 );\n";

TEST_F(RealClangFormat, FormatsOnlyTheEditedLinesWithTheProjectStyle) {
  Write(".clang-format", "BasedOnStyle: Google\nColumnLimit: 120\n");
  const std::string file = (dir_ / "sub" / "a.c").string();
  const std::string original = kOriginal;
  std::vector<Edit> edits = {At(10, 0, "int   g(void){return f(3);}\n", 1),  // a new line
                             At(44, 1, "g( )", 2)};                          // "2" in the last line
  for (Edit& e : edits) e.file = file;
  TouchedLinesFormatter formatter(binary_);
  std::vector<Edit> out = formatter.Format(file, original, edits);
  EXPECT_EQ(ApplyEdits(original, out),
            "int  a=1;\nint g(void) { return f(3); }\nint f(int x){return x;}\nint z = f(g());\n");
  EXPECT_TRUE(formatter.Notes().empty());
}

TEST_F(RealClangFormat, NoStyleFileKeepsTheToolsLayout) {
  const std::string file = (dir_ / "sub" / "a.c").string();
  std::vector<Edit> edits = {At(10, 0, "int   g(void){return f(3);}\n", 1)};
  for (Edit& e : edits) e.file = file;
  TouchedLinesFormatter formatter(binary_);
  std::vector<Edit> out = formatter.Format(file, kOriginal, edits);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].SameChange(edits[0]));
}

TEST_F(RealClangFormat, ScriptsAreNeverFormatted) {
  Write(".clang-format", "BasedOnStyle: Google\n");
  const std::string file = (dir_ / "run.sh").string();
  std::vector<Edit> edits = {At(0, 0, "x  =  1\n")};
  TouchedLinesFormatter formatter(binary_);
  EXPECT_EQ(ApplyEdits("", formatter.Format(file, "", edits)), "x  =  1\n");
}

TEST_F(RealClangFormat, ABrokenStyleFileIsANoteAndTheToolsLayout) {
  Write(".clang-format", "BasedOnStyle: [not a style\n");
  const std::string file = (dir_ / "a.c").string();
  std::vector<Edit> edits = {At(10, 0, "int   g(void){return f(3);}\n", 1)};
  TouchedLinesFormatter formatter(binary_);
  std::vector<Edit> out = formatter.Format(file, kOriginal, edits);
  EXPECT_EQ(ApplyEdits(kOriginal, out), ApplyEdits(kOriginal, edits));
  ASSERT_EQ(formatter.Notes().size(), 1u);
  EXPECT_NE(formatter.Notes()[0].find("formatting " + file + " failed"), std::string::npos) << formatter.Notes()[0];
}

TEST_F(RealClangFormat, AMissingBinaryIsOneNote) {
  Write(".clang-format", "BasedOnStyle: Google\n");
  std::string note;
  EXPECT_EQ(FindClangFormat((dir_ / "no-such-clang-format").string(), &note), "");
  EXPECT_NE(note.find("not an executable"), std::string::npos) << note;
  EXPECT_EQ(FindClangFormat("none", &note), "");
  EXPECT_EQ(note, "");
  TouchedLinesFormatter formatter("", "no clang-format");
  std::vector<Edit> edits = {At(10, 0, "int   g(void){return f(3);}\n", 1)};
  for (const char* name : {"a.c", "b.c"}) {
    std::vector<Edit> out = formatter.Format((dir_ / name).string(), kOriginal, edits);
    EXPECT_EQ(ApplyEdits(kOriginal, out), ApplyEdits(kOriginal, edits));
  }
  EXPECT_EQ(formatter.Notes(), std::vector<std::string>{"no clang-format"});
}

// A libclang without its own clang-format (NRTB_LLVM_VERSION=16 beside Debian's clang-format-14) uses the
// project's `clang-format` on PATH rather than leaving the edited lines unformatted.
TEST_F(RealClangFormat, WithoutAMatchingBinaryTheOneOnPathIsUsed) {
  CXString v = clang_getClangVersion();
  std::smatch m;
  std::string version = clang_getCString(v);
  clang_disposeString(v);
  ASSERT_TRUE(std::regex_search(version, m, std::regex(R"((\d+)\.\d+)"))) << version;
  if (fs::exists("/usr/lib/llvm-" + m.str(1) + "/bin/clang-format"))
    GTEST_SKIP() << "libclang " << m.str(1)
                 << " has its own clang-format (the fallback runs with NRTB_LLVM_VERSION=16)";
  std::string saved = getenv("PATH") ? getenv("PATH") : "";
  fs::create_directories(dir_ / "bin");
  Write("bin/clang-format", "#!/bin/sh\nexit 0\n");
  fs::permissions(dir_ / "bin" / "clang-format", fs::perms::owner_all);
  setenv("PATH", (dir_ / "bin").c_str(), 1);
  std::string note;
  std::string found = FindClangFormat("", &note);
  setenv("PATH", (dir_ / "sub").c_str(), 1);  // nothing anywhere: the note names both names it looked for
  std::string none_note;
  std::string none = FindClangFormat("", &none_note);
  setenv("PATH", saved.c_str(), 1);
  EXPECT_EQ(found, (dir_ / "bin" / "clang-format").string());
  EXPECT_EQ(note, "");
  EXPECT_EQ(none, "");
  EXPECT_NE(none_note.find("clang-format-" + m.str(1) + " or clang-format on PATH"), std::string::npos) << none_note;
}

// Through the whole pipeline: the diff carries the formatted helper block (4-space indent from the style file);
// --clang-format none keeps the tool's 2-space layout; a binary that is not there is a note and the tool's layout.
TEST_F(RealClangFormat, TheDriverFormatsWhatItWritesAndSaysWhenItCannot) {
  Write(".clang-format", "BasedOnStyle: LLVM\nIndentWidth: 4\nSortIncludes: false\n");
  Write("a.c", "#include \"nrt/nrt.h\"\nNRT_STATUS f(nrt_model_t *m) { return nrt_execute(m, 0, 0); }\n");
  auto run = [&](const std::string& clang_format, std::string* err) {
    Options o;
    o.inputs = {(dir_ / "a.c").string()};
    o.extra_args = {"-I" NRTB_INCLUDE_DIR};
    o.in_root = dir_.string();
    o.jobs = 2;
    o.clang_format = clang_format;
    std::ostringstream out, errs;
    RunOutput r = nrtm::Run(o, out, errs);
    EXPECT_EQ(r.exit_code, kExitOk) << errs.str();
    *err = errs.str();
    return out.str();
  };
  std::string err;
  std::string formatted = run("", &err);
  EXPECT_NE(formatted.find("\n+    NRT_STATUS s;\n"), std::string::npos) << formatted;
  // The edited line fits the style as it is.
  EXPECT_NE(formatted.find("\n+NRT_STATUS f(nrt_model_t *m) { return nrtm_execute_wait(m, 0, 0); }\n"),
            std::string::npos)
      << formatted;
  EXPECT_EQ(err.find("note: formatting"), std::string::npos) << err;
  std::string plain = run("none", &err);
  EXPECT_NE(plain.find("\n+  NRT_STATUS s;\n"), std::string::npos) << plain;
  EXPECT_EQ(err.find("clang-format"), std::string::npos) << err;
  std::string missing = run((dir_ / "nothing-here").string(), &err);
  EXPECT_EQ(missing, plain);
  EXPECT_NE(err.find("nrt-migrate: note: --clang-format " + (dir_ / "nothing-here").string() + " is not an executable"),
            std::string::npos)
      << err;
}

}  // namespace
}  // namespace nrtm
