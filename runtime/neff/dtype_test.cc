#include "runtime/neff/dtype.h"

#include <gtest/gtest.h>

namespace nrtb {
namespace {

TEST(DTypeTest, NamesRoundTrip) {
  for (const char* name :
       {"float32", "float16", "bfloat16", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64"}) {
    const std::optional<DType> t = DTypeFromName(name);
    ASSERT_TRUE(t.has_value()) << name;
    EXPECT_STREQ(DTypeName(*t), name);
  }
}

TEST(DTypeTest, UnknownNames) {
  EXPECT_FALSE(DTypeFromName("").has_value());
  EXPECT_FALSE(DTypeFromName("float").has_value());
  EXPECT_FALSE(DTypeFromName("Float32").has_value());
  EXPECT_FALSE(DTypeFromName("float64").has_value());
  EXPECT_FALSE(DTypeFromName(std::string_view("float32\0", 8)).has_value());
  EXPECT_STREQ(DTypeName(DType::kUnknown), "unknown");
  EXPECT_STREQ(DTypeName(DType::kFp8E4), "unknown");
  EXPECT_STREQ(DTypeName(static_cast<DType>(0x77)), "unknown");
}

TEST(DTypeTest, HardwareEncodings) {
  EXPECT_EQ(static_cast<uint32_t>(DType::kFloat32), 0xAu);
  EXPECT_EQ(static_cast<uint32_t>(DType::kBFloat16), 0x6u);
  EXPECT_EQ(static_cast<uint32_t>(DType::kFloat16), 0x7u);
  EXPECT_EQ(static_cast<uint32_t>(DType::kInt32), 0x8u);
}

TEST(DTypeTest, Sizes) {
  EXPECT_EQ(DTypeSize(DType::kUnknown), 0u);
  EXPECT_EQ(DTypeSize(DType::kInt8), 1u);
  EXPECT_EQ(DTypeSize(DType::kUint8), 1u);
  EXPECT_EQ(DTypeSize(DType::kFp8E3), 1u);
  EXPECT_EQ(DTypeSize(DType::kFp8E4), 1u);
  EXPECT_EQ(DTypeSize(DType::kFp8E5), 1u);
  EXPECT_EQ(DTypeSize(DType::kInt16), 2u);
  EXPECT_EQ(DTypeSize(DType::kUint16), 2u);
  EXPECT_EQ(DTypeSize(DType::kFloat16), 2u);
  EXPECT_EQ(DTypeSize(DType::kBFloat16), 2u);
  EXPECT_EQ(DTypeSize(DType::kInt32), 4u);
  EXPECT_EQ(DTypeSize(DType::kUint32), 4u);
  EXPECT_EQ(DTypeSize(DType::kFloat32), 4u);
  EXPECT_EQ(DTypeSize(DType::kFp32R), 4u);
  EXPECT_EQ(DTypeSize(DType::kInt64), 8u);
  EXPECT_EQ(DTypeSize(DType::kUint64), 8u);
  EXPECT_EQ(DTypeSize(static_cast<DType>(0x77)), 0u);
}

}  // namespace
}  // namespace nrtb
