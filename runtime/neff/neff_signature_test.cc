#include "runtime/neff/neff_signature.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runtime/core/error.h"
#include "runtime/neff/neff_testutil.h"

namespace nrtb {
namespace {

using nlohmann::json;

json RealLike() { return json::parse(testutil::RealLikeNeffJson()); }

std::string InvalidMessage(const json& doc) {
  try {
    ParseNeffSignature(doc.dump());
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), NRT_INVALID) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "neff.json was accepted: " << doc.dump();
  return "";
}

void ExpectSpec(const TensorSpec& t, const std::string& name, DType dtype, std::vector<uint32_t> shape,
                uint64_t bytes) {
  EXPECT_EQ(t.name, name);
  EXPECT_EQ(t.dtype, dtype) << name;
  EXPECT_EQ(t.shape, shape) << name;
  EXPECT_EQ(t.size_bytes, bytes) << name;
}

TEST(NeffSignature, RealLikeMatmulWithDuplicatedLnc2Output) {
  const NeffSignature sig = ParseNeffSignature(testutil::RealLikeNeffJson());
  ASSERT_EQ(sig.inputs.size(), 2u);
  ExpectSpec(sig.inputs[0], "x", DType::kFloat16, {128, 256}, 65536);
  ExpectSpec(sig.inputs[1], "y", DType::kFloat16, {256, 128}, 65536);
  ASSERT_EQ(sig.outputs.size(), 1u);
  ExpectSpec(sig.outputs[0], "output0", DType::kFloat16, {128, 128}, 32768);
  EXPECT_EQ(sig.kelf_files, std::vector<std::string>{"kelf-0.json"});
}

TEST(NeffSignature, MatmulLargeSizesNeedSixtyFourBits) {
  json doc = RealLike();
  doc["attrs"]["shape"][1] = {{128, 32768}, {32768, 65536}, {128, 65536}, {128, 65536}};
  const NeffSignature sig = ParseNeffSignature(doc.dump());
  EXPECT_EQ(sig.inputs[1].size_bytes, 4ull << 30);
  EXPECT_EQ(sig.outputs[0].size_bytes, 128ull * 65536 * 2);
}

TEST(NeffSignature, ScalarHasOneElementAndZeroDimHasNoBytes) {
  json doc = RealLike();
  doc["attrs"]["shape"][1][0] = json::array();
  doc["attrs"]["shape"][1][1] = {0, 5};
  const NeffSignature sig = ParseNeffSignature(doc.dump());
  EXPECT_EQ(sig.inputs[0].size_bytes, 2u);
  EXPECT_EQ(sig.inputs[1].size_bytes, 0u);
}

TEST(NeffSignature, InputPassedStraightThroughIsNamedAfterItsNode) {
  json doc = RealLike();
  doc["heads"].push_back({0, 0, 0});
  const NeffSignature sig = ParseNeffSignature(doc.dump());
  ASSERT_EQ(sig.outputs.size(), 2u);
  ExpectSpec(sig.outputs[1], "x", DType::kFloat16, {128, 256}, 65536);
}

TEST(NeffSignature, ThirtyTwoDimsAreAllowedThirtyThreeAreNot) {
  json doc = RealLike();
  doc["attrs"]["shape"][1][0] = std::vector<int>(32, 1);
  EXPECT_EQ(ParseNeffSignature(doc.dump()).inputs[0].shape.size(), 32u);
  doc["attrs"]["shape"][1][0] = std::vector<int>(33, 1);
  EXPECT_EQ(InvalidMessage(doc), "neff.json: tensor x has 33 dimensions, at most 32 allowed");
}

TEST(NeffSignature, HugeShapesOverflowing64BitsAreInvalid) {
  json doc = RealLike();
  doc["attrs"]["shape"][1][2] = {4294967295u, 4294967295u, 4294967295u};
  EXPECT_EQ(InvalidMessage(doc), "neff.json: tensor output0: size of its shape overflows 64 bits");
}

TEST(NeffSignature, DimensionsMustFitThirtyTwoBitsAndBeNonNegative) {
  json doc = RealLike();
  doc["attrs"]["shape"][1][0] = {4294967296ull};
  EXPECT_NE(InvalidMessage(doc).find("over 2^32-1"), std::string::npos);
  doc["attrs"]["shape"][1][0] = {-1};
  EXPECT_NE(InvalidMessage(doc).find("a dimension of tensor x: -1 is out of range"), std::string::npos)
      << InvalidMessage(doc);
  doc["attrs"]["shape"][1][0] = {1.5};
  InvalidMessage(doc);
}

TEST(NeffSignature, UnknownDtypeIsInvalid) {
  json doc = RealLike();
  doc["attrs"]["dltype"][1][1] = "float128";
  EXPECT_EQ(InvalidMessage(doc), "neff.json: tensor y has unknown dtype 'float128'");
}

TEST(NeffSignature, HeadReferringToAMissingNodeIsInvalid) {
  json doc = RealLike();
  doc["heads"][1] = {9, 0, 0};
  EXPECT_EQ(InvalidMessage(doc), "neff.json: heads[1] refers to node 9 of 3");
}

TEST(NeffSignature, ArgNodeReferringToAMissingNodeIsInvalid) {
  json doc = RealLike();
  doc["arg_nodes"] = {0, 3};
  EXPECT_EQ(InvalidMessage(doc), "neff.json: arg_nodes[1] refers to node 3 of 3");
}

TEST(NeffSignature, OutputIndexBeyondTheNodeIsInvalid) {
  json doc = RealLike();
  doc["heads"][1] = {2, 2, 0};
  EXPECT_NE(InvalidMessage(doc).find("heads[1] uses output 2"), std::string::npos);
  doc["heads"][1] = {0, 1, 0};
  EXPECT_NE(InvalidMessage(doc).find("without output_names"), std::string::npos);
}

TEST(NeffSignature, NodeRowPtrMustHaveOneEntryPerNodePlusOne) {
  json doc = RealLike();
  doc["node_row_ptr"] = {0, 1, 2};
  EXPECT_EQ(InvalidMessage(doc), "neff.json: node_row_ptr has 3 entries for 3 nodes (expected 4)");
}

TEST(NeffSignature, EntryIdsMustBeWithinTheAttributeLists) {
  json doc = RealLike();
  doc["attrs"]["dltype"][1].erase(3);
  EXPECT_NE(InvalidMessage(doc).find("heads[1] has entry id 3"), std::string::npos);
  doc = RealLike();
  doc["node_row_ptr"] = {0, 1, 5, 4};
  EXPECT_NE(InvalidMessage(doc).find("which has 0"), std::string::npos);
}

TEST(NeffSignature, MissingOrMistypedFieldsAreInvalid) {
  for (const char* key : {"nodes", "arg_nodes", "heads", "node_row_ptr", "attrs"}) {
    json doc = RealLike();
    doc.erase(key);
    EXPECT_NE(InvalidMessage(doc).find(key), std::string::npos) << key;
  }
  json doc = RealLike();
  doc["attrs"]["shape"] = {"list_int", {1}};
  EXPECT_NE(InvalidMessage(doc).find("attrs.shape is not [\"list_shape\""), std::string::npos);
  doc = RealLike();
  doc["heads"][0] = 2;
  EXPECT_NE(InvalidMessage(doc).find("heads[0] is not [node, output, version]"), std::string::npos);
  doc = RealLike();
  doc["nodes"][0] = "x";
  InvalidMessage(doc);
  doc = RealLike();
  doc["nodes"][2]["output_names"][1] = 7;
  InvalidMessage(doc);
  InvalidMessage(json::array());
}

TEST(NeffSignature, BadJsonIsInvalid) {
  try {
    ParseNeffSignature("{\"nodes\": [");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), NRT_INVALID);
    EXPECT_EQ(std::string(e.what()).rfind("neff.json: malformed JSON", 0), 0u) << e.what();
  }
}

TEST(NeffSignature, TensorNamesMustFitNrtTensorInfo) {
  json doc = RealLike();
  doc["nodes"][0]["name"] = std::string(255, 'n');
  EXPECT_EQ(ParseNeffSignature(doc.dump()).inputs[0].name.size(), 255u);
  doc["nodes"][0]["name"] = std::string(256, 'n');
  EXPECT_NE(InvalidMessage(doc).find("256 bytes"), std::string::npos);
  doc["nodes"][0]["name"] = "";
  EXPECT_NE(InvalidMessage(doc).find("empty name"), std::string::npos);
}

TEST(NeffSignature, DuplicateNamesWithDifferentTypesAreInvalid) {
  json doc = RealLike();
  doc["attrs"]["shape"][1][3] = {64, 128};
  EXPECT_EQ(InvalidMessage(doc), "neff.json: output output0 is declared twice with different dtype or shape");
}

TEST(NeffSignature, DefJsonAgreeingIsAccepted) {
  const NeffSignature sig = ParseNeffSignature(testutil::RealLikeNeffJson());
  EXPECT_NO_THROW(CheckDefJsonVars(testutil::RealLikeDefJson(), "sg00/def.json", sig));
}

TEST(NeffSignature, DefJsonSizeDisagreeingIsInvalid) {
  const NeffSignature sig = ParseNeffSignature(testutil::RealLikeNeffJson());
  try {
    CheckDefJsonVars(testutil::RealLikeDefJson(32770), "sg01/def.json", sig);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), NRT_INVALID);
    EXPECT_STREQ(e.what(), "sg01/def.json: output var output0 is 32770 bytes, but neff.json declares 32768");
  }
}

TEST(NeffSignature, DefJsonVarArrayIsAccepted) {
  const NeffSignature sig = ParseNeffSignature(testutil::RealLikeNeffJson());
  json def = {{"var",
               {{{"name", "x"}, {"type", "input"}, {"size", 65536}},
                {{"name", "output0"}, {"type", "output"}, {"size", 32768}},
                {{"type", "tmp-buf"}, {"size", 1}}}}};
  EXPECT_NO_THROW(CheckDefJsonVars(def.dump(), "sg00/def.json", sig));
  def["var"][0]["size"] = 1;
  EXPECT_THROW(CheckDefJsonVars(def.dump(), "sg00/def.json", sig), Error);
}

TEST(NeffSignature, DefJsonProblemsAreInvalid) {
  const NeffSignature sig = ParseNeffSignature(testutil::RealLikeNeffJson());
  const std::vector<std::pair<json, std::string>> cases = {
      {{{"var", {{"z", {{"type", "input"}, {"size", 1}}}}}}, "sg00/def.json: input var z is not declared in neff.json"},
      {{{"var", {{"output0", {{"type", "input"}, {"size", 32768}}}}}},
       "sg00/def.json: input var output0 is not declared in neff.json"},
      {{{"var", {{"x", {{"type", "input"}}}}}}, "sg00/def.json: input var x has no non-negative integer size"},
      {{{"var", {{"x", 3}}}}, "sg00/def.json: var x is not an object"},
      {{{"var", 3}}, "sg00/def.json: var is neither an object nor an array"},
      {json::array(), "sg00/def.json: top level is not an object"},
  };
  for (const auto& [def, want] : cases) {
    try {
      CheckDefJsonVars(def.dump(), "sg00/def.json", sig);
      ADD_FAILURE() << def.dump();
    } catch (const Error& e) {
      EXPECT_EQ(e.status(), NRT_INVALID);
      EXPECT_EQ(e.what(), want);
    }
  }
  EXPECT_THROW(CheckDefJsonVars("{", "sg00/def.json", sig), Error);
  EXPECT_NO_THROW(CheckDefJsonVars("{}", "sg00/def.json", sig));
}

TEST(NeffSignature, WrittenJsonReadsBack) {
  NeffSignature sig;
  sig.inputs = {{"a", DType::kFloat32, {2, 3}, 24}, {"b", DType::kBFloat16, {}, 2}};
  sig.outputs = {{"c", DType::kInt64, {4}, 32}};
  const NeffSignature back = ParseNeffSignature(NeffJsonFor(sig, "kelf-0.json"));
  ASSERT_EQ(back.inputs.size(), 2u);
  ExpectSpec(back.inputs[0], "a", DType::kFloat32, {2, 3}, 24);
  ExpectSpec(back.inputs[1], "b", DType::kBFloat16, {}, 2);
  ASSERT_EQ(back.outputs.size(), 1u);
  ExpectSpec(back.outputs[0], "c", DType::kInt64, {4}, 32);
  EXPECT_EQ(back.kelf_files, std::vector<std::string>{"kelf-0.json"});
  EXPECT_NO_THROW(CheckDefJsonVars(DefJsonFor(sig), "sg00/def.json", back));
}

}  // namespace
}  // namespace nrtb
