// Where the helper block (and the support header's include) goes: after the includes, back at the file's top
// level, whatever macros, #if blocks and extern "C" blocks surround them.
#include "helper_block.h"

#include <gtest/gtest.h>

#include <string>

namespace nrtm {
namespace {

// The offset PlaceHelper picks, as the text before it (the last line that precedes the block).
std::string LineBeforeBlock(const std::string& text, size_t before = std::string::npos) {
  size_t at = PlaceHelper(text, before).offset;
  if (at == 0) return "";
  size_t start = text.rfind('\n', at - 2);
  return text.substr(start == std::string::npos ? 0 : start + 1, at - 1 - (start == std::string::npos ? 0 : start + 1));
}

TEST(PlaceHelper, AFeatureMacroDefaultIsNoIncludeGuard) {
  const std::string text =
      "#ifndef _GNU_SOURCE\n#define _GNU_SOURCE\n#endif\n#include <stdio.h>\n#include \"nrt/nrt.h\"\nint f(void);\n";
  EXPECT_EQ(LineBeforeBlock(text), "#include \"nrt/nrt.h\"");
  // A real guard: its #endif ends the file (a trailing comment allowed).
  const std::string guarded = "#ifndef A_H\n#define A_H\n#include \"nrt/nrt.h\"\nint f(void);\n#endif\n/* A_H */\n";
  EXPECT_EQ(LineBeforeBlock(guarded), "#include \"nrt/nrt.h\"");
  EXPECT_EQ(LineBeforeBlock("#ifndef A_H\n#define A_H\nint f(void);\n#endif\n"), "#define A_H");
}

TEST(PlaceHelper, IncludesInsideIfAndExternCEndWhereTheBlocksClose) {
  const std::string text =
      "#ifdef __cplusplus\nextern \"C\" {\n#endif\n#include \"nrt/nrt.h\"\n#ifdef __cplusplus\n}\n#endif\n"
      "#if defined(X)\n#include <x.h>\n#endif // X\nint f(void);\n";
  EXPECT_EQ(LineBeforeBlock(text), "#endif // X");
  EXPECT_EQ(LineBeforeBlock("extern \"C\" {\n#include <nrt/nrt.h>\n}\nint f(void);\n"), "}");
  EXPECT_TRUE(PlaceHelper("extern \"C\" {\n#include <nrt/nrt.h>\n}\n", std::string::npos).angle_includes);
}

TEST(PlaceHelper, AFirstUseInsideTheRegionGetsTheBlockRightAfterTheInclude) {
  // The whole file under #if: the block cannot wait for the #endif, the use comes first.
  const std::string text = "#if defined(HAVE_NRT)\n#include \"nrt/nrt.h\"\nint f(void) { return g(); }\n#endif\n";
  EXPECT_EQ(LineBeforeBlock(text, text.find("int f")), "#include \"nrt/nrt.h\"");
}

TEST(PlaceHelper, ACommentedOutIncludeIsNone) {
  const std::string text = "#include \"nrt/nrt.h\"\nint a;\n/*\n#include <other.h>\n*/\nint f(void);\n";
  EXPECT_EQ(LineBeforeBlock(text), "#include \"nrt/nrt.h\"");
}

}  // namespace
}  // namespace nrtm
