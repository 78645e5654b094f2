#include "edit_set.h"

#include <gtest/gtest.h>

namespace nrtm {
namespace {

Edit E(size_t off, size_t len, const std::string& text, int site = 0, int order = 0) {
  return Edit{"f.c", off, len, text, site, order};
}

TEST(EditSet, AppliesEditsInOffsetOrder) {
  FileEdits fe;
  fe.Add(E(6, 5, "there"));
  fe.Add(E(0, 5, "Hi"));
  EXPECT_EQ(ApplyEdits("hello world!", fe.edits()), "Hi there!");
}

TEST(EditSet, IdenticalEditsCollapse) {
  FileEdits fe;
  fe.Add(E(0, 3, "x", 1));
  fe.Add(E(0, 3, "x", 2));  // the same change planned through another site (a macro body expanded twice)
  EXPECT_EQ(fe.edits().size(), 1u);
  EXPECT_TRUE(fe.conflicts().empty());
}

TEST(EditSet, OverlappingDifferentEditsConflict) {
  FileEdits fe;
  fe.Add(E(0, 5, "a", 1));
  fe.Add(E(3, 4, "b", 2));
  ASSERT_EQ(fe.conflicts().size(), 1u);
  EXPECT_EQ(fe.conflicts()[0].dropped.site, 2);
  EXPECT_EQ(fe.edits().size(), 1u);
}

TEST(EditSet, InsertionsAtOneOffsetNeedDistinctOrder) {
  FileEdits fe;
  fe.Add(E(4, 0, "B", 2, 1));
  fe.Add(E(4, 0, "A", 1, 0));
  EXPECT_TRUE(fe.conflicts().empty());
  EXPECT_EQ(ApplyEdits("1234567", fe.edits()), "1234AB567");
  fe.Add(E(4, 0, "C", 3, 0));
  EXPECT_EQ(fe.conflicts().size(), 1u);
}

TEST(EditSet, InsertionBeforeAReplacementAtTheSameOffset) {
  FileEdits fe;
  fe.Add(E(0, 3, "xyz", 1));
  fe.Add(E(0, 0, ">", 1, 1));
  EXPECT_TRUE(fe.conflicts().empty());
  EXPECT_EQ(ApplyEdits("abcdef", fe.edits()), ">xyzdef");
}

TEST(EditSet, RemoveSiteRollsBackOnlyThatSite) {
  FileEdits fe;
  fe.Add(E(0, 1, "A", 1));
  fe.Add(E(2, 1, "C", 2));
  fe.Add(E(4, 0, "helper", -1));
  fe.RemoveSite(1);
  EXPECT_EQ(ApplyEdits("abcde", fe.edits()), "abCdhelpere");
  fe.RemoveSite(2);
  fe.DropOrphanFileEdits();
  EXPECT_TRUE(fe.edits().empty());
}

TEST(AgreementTable, SharedHeaderEditedOnlyWhenAllTusAgree) {
  AgreementTable t;
  t.Plan("h.h", "a.c", {E(1, 2, "x", 1)});
  t.Plan("h.h", "b.c", {E(1, 2, "x", 7)});  // site ids differ between TUs; the change is the same
  EXPECT_TRUE(t.Disagreements().empty());
  EXPECT_EQ(t.Agreed("h.h").size(), 1u);
  t.Plan("h.h", "c.c", {});
  auto d = t.Disagreements();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d["h.h"].size(), 2u);
  EXPECT_TRUE(t.Agreed("h.h").empty());
}

}  // namespace
}  // namespace nrtm
