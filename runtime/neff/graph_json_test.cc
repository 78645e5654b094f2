#include "runtime/neff/graph_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runtime/core/error.h"

namespace nrtb::graph_json {
namespace {

std::string InvalidMessage(std::string_view text, const Limits& limits, KeyFilter keep = nullptr) {
  try {
    ParseText(text, limits, keep);
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), NRT_INVALID);
    return e.what();
  }
  ADD_FAILURE() << "accepted: " << text;
  return "";
}

bool KeepOnlyA(size_t depth, std::string_view key) { return depth != 1 || key == "a"; }
bool DropB(size_t, std::string_view key) { return key != "b"; }

TEST(GraphJson, ParsesLikeNlohmann) {
  const std::string text = R"({"x": [1, -2, 3.5, "s", true, null, {"y": []}], "z": {"w": 18446744073709551615}})";
  EXPECT_EQ(ParseText(text), Json::parse(text));
  EXPECT_EQ(ParseText("[]"), Json::array());
  EXPECT_EQ(ParseText("7"), Json(7));
  EXPECT_EQ(ParseText(R"({"k": 1, "k": 2})"), Json::parse(R"({"k": 2})"));  // last one wins
}

TEST(GraphJson, RefusedKeysAreDroppedWithTheirWholeValue) {
  const std::string text = R"({"b": {"a": [1, {"c": 2}]}, "a": {"b": [1, 2], "d": {"b": 3, "e": 4}}, "b2": 5})";
  EXPECT_EQ(ParseText(text, kGraphLimits, DropB), Json::parse(R"({"a": {"d": {"e": 4}}, "b2": 5})"));
  EXPECT_EQ(ParseText(text, kGraphLimits, KeepOnlyA), Json::parse(R"({"a": {"b": [1, 2], "d": {"b": 3, "e": 4}}})"));
  EXPECT_EQ(ParseText(R"({"b": 1, "a": 2})", kGraphLimits, DropB), Json::parse(R"({"a": 2})"));
  EXPECT_EQ(ParseText(R"([{"b": [[]], "a": 1}, {"a": 2}])", kGraphLimits, DropB),
            Json::parse(R"([{"a": 1}, {"a": 2}])"));
}

TEST(GraphJson, ElementsAreCountedOnlyWhenKept) {
  const Limits five = {1 << 20, 8, 5};
  // Kept: the object, key "a", the array and its two values = 5.
  EXPECT_NO_THROW(ParseText(R"({"a": [1, 2], "b": [1, 2, 3, 4, 5, 6, 7]})", five, DropB));
  EXPECT_EQ(InvalidMessage(R"({"a": [1, 2, 3]})", five), "more than 5 JSON elements");
}

TEST(GraphJson, DepthCountsDroppedContainersToo) {
  const Limits depth3 = {1 << 20, 3, 1000};
  EXPECT_NO_THROW(ParseText(R"({"a": [[1]]})", depth3));
  EXPECT_EQ(InvalidMessage(R"({"a": [[[1]]]})", depth3), "nesting deeper than 3 levels");
  EXPECT_EQ(InvalidMessage(R"({"b": [[[1]]]})", depth3, DropB), "nesting deeper than 3 levels");
}

TEST(GraphJson, TextSizeIsCheckedBeforeParsing) {
  EXPECT_EQ(InvalidMessage("[1, 2, 3", {4, 8, 100}), "8 bytes exceeds the 4-byte limit");
}

TEST(GraphJson, MalformedTextIsInvalid) {
  for (const char* bad : {"", "{", "[1,]", "{\"a\" 1}", "\"\xff\"", "[1] 2", "nul"}) {
    EXPECT_EQ(InvalidMessage(bad, kGraphLimits).rfind("malformed JSON: ", 0), 0u) << bad;
  }
}

}  // namespace
}  // namespace nrtb::graph_json
