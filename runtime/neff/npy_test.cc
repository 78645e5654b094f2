#include "runtime/neff/npy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "runtime/core/error.h"

namespace nrtb {
namespace {

using ::testing::HasSubstr;

// A .npy file with the given header dict text (padded as NumPy pads) and raw data.
std::string MakeNpy(const std::string& dict, const std::string& data, int major = 1) {
  const size_t preamble = major == 1 ? 10 : 12;
  std::string header = dict;
  header.append(64 - (preamble + header.size() + 1) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += '\0';
  for (size_t i = 0; i < preamble - 8; ++i) out += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  return out + header + data;
}

template <class T>
std::string Bytes(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

// Expects ParseNpy to throw Error(NRT_INVALID) whose message names the file and contains `text`.
void ExpectInvalid(const std::string& file, const std::string& text, bool raw2_is_bfloat16 = false) {
  try {
    ParseNpy(file, "w.npy", raw2_is_bfloat16);
    ADD_FAILURE() << "no error; wanted: " << text;
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), NRT_INVALID);
    EXPECT_THAT(e.what(), HasSubstr("w.npy: "));
    EXPECT_THAT(e.what(), HasSubstr(text));
  }
}

TEST(NpyTest, WritesWhatNumPyWrites) {
  // np.save(f, np.arange(6, dtype='<f4').reshape(2, 3)): header length 118, data at offset 128.
  const std::vector<float> data = {0, 1, 2, 3, 4, 5};
  const std::string golden = std::string("\x93NUMPY\x01\x00\x76\x00", 10) +
                             "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" + std::string(58, ' ') +
                             "\n" + Bytes(data);
  EXPECT_EQ(WriteNpy(DType::kFloat32, {2, 3}, Bytes(data)), golden);
  const NpyArray a = ParseNpy(golden, "golden", false);
  EXPECT_EQ(a.dtype, DType::kFloat32);
  EXPECT_EQ(a.shape, (Shape{2, 3}));
  EXPECT_EQ(a.data, Bytes(data));
}

TEST(NpyTest, RoundTripsEveryDType) {
  struct Case {
    DType dtype;
    Shape shape;
  };
  for (const Case& c : std::vector<Case>{{DType::kFloat32, {4}},
                                         {DType::kFloat16, {2, 2}},
                                         {DType::kBFloat16, {3, 1}},
                                         {DType::kInt8, {5}},
                                         {DType::kUint8, {1, 1, 7}},
                                         {DType::kInt16, {2}},
                                         {DType::kUint16, {2}},
                                         {DType::kInt32, {}},
                                         {DType::kUint32, {3}},
                                         {DType::kInt64, {2, 3}},
                                         {DType::kUint64, {1}}}) {
    std::string data(ElementCount(c.shape) * DTypeSize(c.dtype), '\0');
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 37 + 1);
    const std::string file = WriteNpy(c.dtype, c.shape, data);
    EXPECT_EQ((file.size() - data.size()) % 64, 0u) << DTypeName(c.dtype);
    const NpyArray a = ParseNpy(file, "x", c.dtype == DType::kBFloat16);
    EXPECT_EQ(a.dtype, c.dtype);
    EXPECT_EQ(a.shape, c.shape);
    EXPECT_EQ(a.data, data);
  }
}

TEST(NpyTest, OneByteTypesHaveNoByteOrder) {
  EXPECT_THAT(WriteNpy(DType::kInt8, {1}, "x"), HasSubstr("'descr': '|i1'"));
  EXPECT_THAT(WriteNpy(DType::kUint8, {1}, "x"), HasSubstr("'descr': '|u1'"));
  EXPECT_THAT(WriteNpy(DType::kBFloat16, {1}, "xx"), HasSubstr("'descr': '<V2'"));
  EXPECT_THAT(WriteNpy(DType::kInt32, {}, "xxxx"), HasSubstr("'shape': ()"));
  EXPECT_THAT(WriteNpy(DType::kInt32, {1}, "xxxx"), HasSubstr("'shape': (1,)"));
  EXPECT_EQ(ParseNpy(MakeNpy("{'descr': '<i1', 'fortran_order': False, 'shape': (1,), }", "x"), "x", false).dtype,
            DType::kInt8);
}

TEST(NpyTest, AcceptsHeaderVariants) {
  const std::string four = Bytes(std::vector<float>{1, 2, 3, 4});
  // Other key order, double quotes, no trailing comma, Python 2 long literals, format 2.0 and 3.0.
  for (const auto& [dict, major] : std::vector<std::pair<std::string, int>>{
           {"{'shape': (4,), 'fortran_order': False, 'descr': '<f4'}", 1},
           {"{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (4,)}", 1},
           {"{'descr':'<f4','fortran_order':False,'shape':(4L,),}", 1},
           {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2,), }", 2},
           {"{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }", 3},
           // Fortran order with one non-trivial dim has the same bytes as C order.
           {"{'descr': '<f4', 'fortran_order': True, 'shape': (1, 4, 1), }", 1},
       }) {
    const std::string file = MakeNpy(dict, four, major);
    const NpyArray a = ParseNpy(file, "x", false);  // a.data points into file
    EXPECT_EQ(a.dtype, DType::kFloat32) << dict;
    EXPECT_EQ(ElementCount(a.shape), 4u) << dict;
    EXPECT_EQ(a.data, four) << dict;
  }
}

TEST(NpyTest, Raw2ByteRecordsAreBFloat16OnlyWhenExpected) {
  const std::string file = MakeNpy("{'descr': '|V2', 'fortran_order': False, 'shape': (1,), }", "ab");
  EXPECT_EQ(ParseNpy(file, "x", true).dtype, DType::kBFloat16);
  ExpectInvalid(file, "accepted only for a bfloat16 constant");
  // A genuine float16 file stays float16 even where bfloat16 is expected (the caller then rejects it).
  EXPECT_EQ(ParseNpy(MakeNpy("{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", "ab"), "x", true).dtype,
            DType::kFloat16);
}

TEST(NpyTest, RejectsMalformedFiles) {
  const std::string ok_dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
  const std::string eight(8, '\0');
  ExpectInvalid("", "no \\x93NUMPY magic");
  ExpectInvalid("PK\x03\x04 not numpy at all", "no \\x93NUMPY magic");
  ExpectInvalid(std::string("\x93NUMPY\x01\x00\x10", 9), "no \\x93NUMPY magic");  // shorter than a preamble
  ExpectInvalid(std::string("\x93NUMPY\x04\x00\x00\x00", 10), "format version 4");
  ExpectInvalid(std::string("\x93NUMPY\x02\x00\x00\x00", 10), "truncated .npy preamble");
  ExpectInvalid(std::string("\x93NUMPY\x01\x00\x80\x00{'descr'", 17), "truncated .npy header");
  ExpectInvalid(std::string("\x93NUMPY\x02\x00\x00\x00\x00\x10", 12), "exceeds 65536");
  const std::string ok = MakeNpy(ok_dict, eight);
  ExpectInvalid(ok.substr(0, ok.size() - 3), "data is 5 bytes but shape [2] of <f4 needs 8");
  ExpectInvalid(MakeNpy(ok_dict, eight + "x"), "data is 9 bytes");
  ExpectInvalid(MakeNpy("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", eight), "big-endian");
  ExpectInvalid(MakeNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", eight), "unsupported descr '<f8'");
  ExpectInvalid(MakeNpy("{'descr': '|f4', 'fortran_order': False, 'shape': (2,), }", eight), "has no byte order");
  ExpectInvalid(MakeNpy("{'descr': '<', 'fortran_order': False, 'shape': (2,), }", eight), "unsupported descr");
  ExpectInvalid(MakeNpy("{'descr': '<f4', 'shape': (2,), }", eight), "must have the keys");
  ExpectInvalid(MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", eight),
                "unexpected key 'x'");
  ExpectInvalid(MakeNpy("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", eight),
                "repeats key 'descr'");
  ExpectInvalid(MakeNpy("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}", eight), "True or False");
  ExpectInvalid(MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2)}", eight), "must be written (n,)");
  ExpectInvalid(MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}", eight), "non-negative integers");
  ExpectInvalid(MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296,)}", eight),
                "larger than 4294967295");
  ExpectInvalid(MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': [2]}", eight), "expected '('");
  ExpectInvalid(MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} x", eight), "trailing characters");
  ExpectInvalid(MakeNpy("{'descr': '<f4, 'fortran_order': False}", eight), "expected '}' at offset 17");
  ExpectInvalid(MakeNpy("{'descr' '<f4'}", eight), "expected ':'");
  ExpectInvalid(MakeNpy("{'descr': '<f4", eight), "unterminated string");
  ExpectInvalid(MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)", eight), "expected '}'");
  ExpectInvalid(MakeNpy("{'descr': '<f\\4', 'fortran_order': False, 'shape': (2,)}", eight), "escapes");
  ExpectInvalid(MakeNpy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", eight + eight), "fortran_order");
  std::string many = "(";
  for (int i = 0; i < 33; ++i) many += "1, ";
  ExpectInvalid(MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': " + many + ")}", "xxxx"),
                "more than 32 dims");
}

TEST(NpyTest, HugeShapesDoNotOverflow) {
  ExpectInvalid(
      MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967295, 4294967295, 4294967295)}", "xxxx"),
      "needs more than 2^64");
  ExpectInvalid(MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967295, 4294967295)}", "xxxx"),
                "data is 4 bytes");
}

TEST(NpyTest, ZeroSizedArraysParse) {
  const std::string file = MakeNpy("{'descr': '<i4', 'fortran_order': False, 'shape': (0, 3)}", "");
  const NpyArray a = ParseNpy(file, "x", false);
  EXPECT_EQ(a.shape, (Shape{0, 3}));
  EXPECT_TRUE(a.data.empty());
}

TEST(NpyTest, WriterRejectsBadArguments) {
  EXPECT_THROW(WriteNpy(DType::kFloat32, {2}, "xxxx"), Error);
  EXPECT_THROW(WriteNpy(DType::kFp8E4, {1}, "x"), Error);
  EXPECT_THROW(WriteNpy(DType::kUnknown, {1}, ""), Error);
  EXPECT_THROW(WriteNpy(DType::kInt8, Shape(33, 1), "x"), Error);
}

}  // namespace
}  // namespace nrtb
