#include "unified_diff.h"

#include <gtest/gtest.h>

namespace nrtm {
namespace {

Edit DiffEdit(size_t off, size_t len, const std::string& text) { return Edit{"f", off, len, text, 0, 0}; }

TEST(UnifiedDiff, OneChangedLineWithContext) {
  std::string text = "1\n2\n3\n4\n5\n6\n7\n8\n";
  std::string d = UnifiedDiff("a/f", "b/f", text, {DiffEdit(8, 1, "five")});
  EXPECT_EQ(d, "--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
}

TEST(UnifiedDiff, InsertedLinesOnlyShowAsAdded) {
  std::string text = "a\nb\nc\n";
  std::string d = UnifiedDiff("a/f", "b/f", text, {DiffEdit(2, 0, "new\n")});
  EXPECT_EQ(d, "--- a/f\n+++ b/f\n@@ -1,3 +1,4 @@\n a\n+new\n b\n c\n");
}

TEST(UnifiedDiff, DistantChangesGetSeparateHunks) {
  std::string text;
  for (int i = 1; i <= 20; ++i) text += std::to_string(i) + "\n";
  // Line 1 starts at 0; line 20 starts at the offset of "20".
  std::string d = UnifiedDiff("a/f", "b/f", text, {DiffEdit(0, 1, "one"), DiffEdit(text.find("20"), 2, "twenty")});
  EXPECT_NE(d.find("@@ -1,4 +1,4 @@"), std::string::npos) << d;
  EXPECT_NE(d.find("@@ -17,4 +17,4 @@"), std::string::npos) << d;
}

TEST(UnifiedDiff, RemovedLastLineWithoutNewline) {
  std::string d = UnifiedDiff("a/f", "b/f", "x\ny", {DiffEdit(2, 1, "")});
  EXPECT_EQ(d, "--- a/f\n+++ b/f\n@@ -1,2 +1,1 @@\n x\n-y\n\\ No newline at end of file\n");
}

TEST(UnifiedDiff, NoEditsNoDiff) { EXPECT_EQ(UnifiedDiff("a", "b", "x\n", {}), ""); }

}  // namespace
}  // namespace nrtm
