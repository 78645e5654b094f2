#include "runtime/neff/name_check.h"

#include <gtest/gtest.h>

#include <string>

namespace nrtb {
namespace {

TEST(NameCheck, PrintableUtf8IsAccepted) {
  for (const char* ok : {"x", "output0", "a b.c-d_e/f", "r\xc3\xa9sum\xc3\xa9", "\xe6\xa8\xa1\xe5\x9e\x8b",
                         "\xf0\x9f\x98\x80", "\xc2\xa0", "\xef\xbf\xbd", ""}) {
    EXPECT_EQ(NameProblem(ok), nullptr) << ok;
  }
}

TEST(NameCheck, MalformedUtf8IsRefused) {
  for (const char* bad :
       {"\xff", "\xfe\xff", "a\x80", "\xc3", "\xe6\xa8", "\xc0\xaf" /* overlong '/' */, "\xe0\x80\xaf" /* overlong */,
        "\xed\xa0\x80" /* surrogate U+D800 */, "\xf4\x90\x80\x80" /* past U+10FFFF */, "\xf8\x88\x80\x80\x80"}) {
    const char* why = NameProblem(bad);
    ASSERT_NE(why, nullptr) << bad;
    EXPECT_STREQ(why, "is not valid UTF-8");
  }
}

TEST(NameCheck, ControlCharactersAreRefused) {
  for (const std::string& bad : {std::string("a\0b", 3), std::string("\t"), std::string("x\n"), std::string("\x1b[31m"),
                                 std::string("\x7f"), std::string("\xc2\x80"), std::string("\xc2\x9f")}) {
    const char* why = NameProblem(bad);
    ASSERT_NE(why, nullptr) << bad;
    EXPECT_STREQ(why, "contains a control character");
  }
}

}  // namespace
}  // namespace nrtb
