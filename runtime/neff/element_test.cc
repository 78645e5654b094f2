#include "runtime/neff/element.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace nrtb {
namespace {

uint16_t Bits(BFloat16 v) { return Eigen::numext::bit_cast<uint16_t>(v); }
uint16_t Bits(Half v) { return Eigen::numext::bit_cast<uint16_t>(v); }

TEST(ElementTest, BFloat16RoundsToNearestEven) {
  // 1 + 2^-8 is halfway between bf16 1.0 (0x3F80) and 1 + 2^-7 (0x3F81): ties go to the even one.
  EXPECT_EQ(Bits(ConvertElement<BFloat16>(1.0f + 0x1p-8f)), 0x3F80);
  // 1 + 3 * 2^-8 is halfway between 0x3F81 and 0x3F82: rounds up to even.
  EXPECT_EQ(Bits(ConvertElement<BFloat16>(1.0f + 3 * 0x1p-8f)), 0x3F82);
  // Just above the tie rounds up.
  EXPECT_EQ(Bits(ConvertElement<BFloat16>(1.0f + 0x1p-8f + 0x1p-20f)), 0x3F81);
  EXPECT_EQ(Bits(ConvertElement<BFloat16>(-1.0f - 0x1p-8f)), 0xBF80);
  EXPECT_TRUE(std::isinf(static_cast<float>(ConvertElement<BFloat16>(std::numeric_limits<float>::max()))));
  EXPECT_TRUE(std::isnan(static_cast<float>(ConvertElement<BFloat16>(std::nanf("")))));
}

TEST(ElementTest, Float16RoundsToNearestEven) {
  EXPECT_EQ(static_cast<float>(ConvertElement<Half>(2049.0f)), 2048.0f);  // tie -> even
  EXPECT_EQ(static_cast<float>(ConvertElement<Half>(2051.0f)), 2052.0f);  // tie -> even
  EXPECT_EQ(static_cast<float>(ConvertElement<Half>(65504.0f)), 65504.0f);
  EXPECT_TRUE(std::isinf(static_cast<float>(ConvertElement<Half>(65520.0f))));  // tie with 65536 -> inf
  EXPECT_EQ(Bits(ConvertElement<Half>(1.0f)), 0x3C00);
  EXPECT_EQ(static_cast<float>(ConvertElement<Half>(0x1p-24f)), 0x1p-24f);  // smallest subnormal
}

TEST(ElementTest, IntegersToNarrowFloatsRoundOnce) {
  // 2^24 + 2^16 + 1 lies just above the bf16 midpoint 2^24 + 2^16: the correct result is 2^24 + 2^17.
  // Rounding to float32 first (to 2^24 + 2^16, a tie) and then to bf16 would give 2^24.
  EXPECT_EQ(static_cast<float>(ConvertElement<BFloat16>(int32_t{16842753})), 16908288.0f);
  EXPECT_EQ(static_cast<float>(ConvertElement<BFloat16>(int32_t{-16842753})), -16908288.0f);
  EXPECT_EQ(static_cast<float>(ConvertElement<Half>(int32_t{2049})), 2048.0f);
  EXPECT_EQ(static_cast<float>(ConvertElement<Half>(int32_t{2050})), 2050.0f);
  EXPECT_TRUE(std::isinf(static_cast<float>(ConvertElement<Half>(int32_t{70000}))));
  EXPECT_EQ(ConvertElement<float>(int32_t{16777217}), 16777216.0f);  // nearest even
  EXPECT_EQ(ConvertElement<float>(int8_t{-128}), -128.0f);
  EXPECT_EQ(static_cast<float>(ConvertElement<BFloat16>(uint8_t{255})), 255.0f);  // 8 significand bits
  EXPECT_EQ(static_cast<float>(ConvertElement<BFloat16>(int32_t{257})), 256.0f);  // tie -> even
  EXPECT_EQ(static_cast<float>(ConvertElement<BFloat16>(int32_t{259})), 260.0f);  // tie -> even
}

TEST(ElementTest, RoundToOddFloat) {
  EXPECT_EQ(RoundToOddFloat(1.5), 1.5f);
  EXPECT_EQ(RoundToOddFloat(1.0 + 0x1p-30), 1.0f + 0x1p-23f);
  EXPECT_EQ(RoundToOddFloat(1.0 + 0x1p-23 - 0x1p-30), 1.0f + 0x1p-23f);  // truncated, odd already
  EXPECT_EQ(RoundToOddFloat(-(1.0 + 0x1p-30)), -(1.0f + 0x1p-23f));
  EXPECT_EQ(RoundToOddFloat(1e-50), std::numeric_limits<float>::denorm_min());
  EXPECT_EQ(RoundToOddFloat(-1e-50), -std::numeric_limits<float>::denorm_min());
  EXPECT_TRUE(std::isinf(RoundToOddFloat(1e39)));
  EXPECT_TRUE(std::isnan(RoundToOddFloat(std::nan(""))));
}

TEST(ElementTest, FloatToIntTruncatesAndSaturates) {
  EXPECT_EQ(ConvertElement<int8_t>(127.9f), 127);
  EXPECT_EQ(ConvertElement<int8_t>(200.0f), 127);
  EXPECT_EQ(ConvertElement<int8_t>(-1.9f), -1);
  EXPECT_EQ(ConvertElement<int8_t>(-128.5f), -128);
  EXPECT_EQ(ConvertElement<int8_t>(-300.0f), -128);
  EXPECT_EQ(ConvertElement<int8_t>(std::nanf("")), 0);
  EXPECT_EQ(ConvertElement<int8_t>(std::numeric_limits<float>::infinity()), 127);
  EXPECT_EQ(ConvertElement<int8_t>(-std::numeric_limits<float>::infinity()), -128);
  EXPECT_EQ(ConvertElement<uint8_t>(-5.0f), 0);
  EXPECT_EQ(ConvertElement<uint8_t>(255.5f), 255);
  EXPECT_EQ(ConvertElement<uint8_t>(-0.5f), 0);
  EXPECT_EQ(ConvertElement<int32_t>(3e9f), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(ConvertElement<int32_t>(-3e9f), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(ConvertElement<int32_t>(2147483520.0f), 2147483520);
  EXPECT_EQ(ConvertElement<int32_t>(-2147483648.0f), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(ConvertElement<int32_t>(Half(-7.75f)), -7);
  EXPECT_EQ(ConvertElement<uint8_t>(BFloat16(300.0f)), 255);
}

TEST(ElementTest, IntToIntSaturates) {
  EXPECT_EQ(ConvertElement<int8_t>(int32_t{300}), 127);
  EXPECT_EQ(ConvertElement<int8_t>(int32_t{-300}), -128);
  EXPECT_EQ(ConvertElement<uint8_t>(int8_t{-1}), 0);
  EXPECT_EQ(ConvertElement<int8_t>(uint8_t{200}), 127);
  EXPECT_EQ(ConvertElement<int32_t>(uint8_t{200}), 200);
  EXPECT_EQ(ConvertElement<int32_t>(int8_t{-7}), -7);
}

TEST(ElementTest, FloatToFloatWidensExactly) {
  EXPECT_EQ(ConvertElement<float>(Half(0.099975586f)), 0.099975586f);
  EXPECT_EQ(ConvertElement<float>(BFloat16(3.140625f)), 3.140625f);
  // fp16 -> bf16 goes through float32 (exact) and rounds once.
  EXPECT_EQ(static_cast<float>(ConvertElement<BFloat16>(Half(1.0f + 0x1p-10f))), 1.0f);
}

TEST(ElementTest, VisitRejectsOtherDTypes) {
  EXPECT_THROW(VisitElement(DType::kInt64, [](auto) {}), Error);
  EXPECT_THROW(VisitFloatElement(DType::kInt32, [](auto) {}), Error);
  int visited = 0;
  VisitElement(DType::kUint8, [&](auto tag) { visited = std::is_same_v<decltype(tag), uint8_t> ? 1 : 2; });
  EXPECT_EQ(visited, 1);
}

}  // namespace
}  // namespace nrtb
