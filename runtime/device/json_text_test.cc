#include "runtime/device/json_text.h"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>

namespace nrtb {
namespace {

std::string Quoted(std::string_view s) {
  std::string out;
  AppendJsonString(out, s);
  return out;
}

// The text must parse (nlohmann rejects invalid UTF-8) and decode to `want`.
void ExpectDecodes(std::string_view in, const std::string& want) {
  std::string text = Quoted(in);
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(text)) << text;
  EXPECT_EQ(j.get<std::string>(), want);
}

TEST(JsonText, EscapesQuotesBackslashesAndControlCharacters) {
  ExpectDecodes("a\"b\\c", "a\"b\\c");
  ExpectDecodes(std::string("x\0y\n\t\x1f\x7f", 8), std::string("x\0y\n\t\x1f\x7f", 8));
  EXPECT_EQ(Quoted("\n"), "\"\\u000a\"");
}

TEST(JsonText, KeepsWellFormedUtf8) {
  ExpectDecodes("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
}

TEST(JsonText, ReplacesEveryInvalidByteWithU_FFFD) {
  const std::string r = "\xEF\xBF\xBD";
  ExpectDecodes("a\xFF" "b", "a" + r + "b");                   // never valid
  ExpectDecodes("\xC0\xAF", r + r);                             // overlong '/'
  ExpectDecodes("\xED\xA0\x80", r + r + r);                     // UTF-16 surrogate
  ExpectDecodes("\xF4\x90\x80\x80", r + r + r + r);             // past U+10FFFF
  ExpectDecodes("\xE2\x82", r + r);                             // truncated at the end
  ExpectDecodes("\x80\x80model", r + r + "model");              // stray continuation bytes
}

TEST(JsonText, NumbersAreJson) {
  std::string out;
  AppendJsonUint(out, 18446744073709551615ull);
  out.push_back(' ');
  AppendJsonInt(out, -5);
  out.push_back(' ');
  AppendJsonDouble(out, 1.5);
  out.push_back(' ');
  AppendJsonDouble(out, std::numeric_limits<double>::infinity());  // JSON has no infinity
  EXPECT_EQ(out, "18446744073709551615 -5 1.500 0.000");
}

}  // namespace
}  // namespace nrtb
