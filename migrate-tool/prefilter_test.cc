#include "prefilter.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace nrtm {
namespace {

TEST(Prefilter, MatchesWholeIdentifiersOnly) {
  EXPECT_TRUE(MentionsLegacyToken("x = nrt_execute(m, i, o);"));
  EXPECT_TRUE(MentionsLegacyToken("\"NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS\""));
  EXPECT_FALSE(MentionsLegacyToken("my_nrt_execute_wrapper(m);"));
  EXPECT_FALSE(MentionsLegacyToken("nrta_execute_schedule(m, i, o, 0, &r, &s);"));
  EXPECT_FALSE(MentionsLegacyToken(""));
}

class PrefilterFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("nrtm_prefilter_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_ / "inc");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& rel, const std::string& text) {
    std::ofstream((dir_ / rel).string()) << text;
    return (dir_ / rel).string();
  }
  std::filesystem::path dir_;
};

TEST_F(PrefilterFiles, SkipsFilesWithoutLegacyNames) {
  std::string src = Write("plain.c", "#include \"nrt/nrt.h\"\nint f(void) { return 0; }\n");
  Prefilter p;
  EXPECT_FALSE(p.NeedsParse(src, {}));
}

TEST_F(PrefilterFiles, FollowsQuotedIncludesThroughIncludeDirs) {
  Write("inc/wrap.h", "static inline int g(void) { return nrt_execute(0, 0, 0); }\n");
  std::string src = Write("user.c", "#include \"wrap.h\"\nint f(void) { return g(); }\n");
  Prefilter p;
  EXPECT_FALSE(p.NeedsParse(src, {}));  // wrap.h is not beside user.c
  Prefilter p2;
  EXPECT_TRUE(p2.NeedsParse(src, {"-I", (dir_ / "inc").string()}));
  Prefilter p3;
  EXPECT_TRUE(p3.NeedsParse(src, {"-I" + (dir_ / "inc").string()}));
}

TEST_F(PrefilterFiles, IncludeCyclesTerminate) {
  Write("a.h", "#include \"b.h\"\n");
  Write("b.h", "#include \"a.h\"\n");
  std::string src = Write("c.c", "#include \"a.h\"\n");
  Prefilter p;
  EXPECT_FALSE(p.NeedsParse(src, {}));
}

}  // namespace
}  // namespace nrtm
