// Host element types of the graph dtypes, dispatch from a DType to its C++ type, and the
// element conversions the `cast` op and constant loading use (policy documented in
// samples/models/README.md, "Conversions").
#pragma once

#include <Eigen/Core>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "runtime/core/error.h"
#include "runtime/neff/dtype.h"

namespace nrtb {

// Narrowing double -> float relies on IEEE 754 overflow to infinity.
static_assert(std::numeric_limits<float>::is_iec559 && std::numeric_limits<double>::is_iec559);

using Half = Eigen::half;          // IEEE binary16; conversions from float round to nearest even
using BFloat16 = Eigen::bfloat16;  // top 16 bits of a float32; conversions from float round to nearest even

template <class T>
inline constexpr bool kIsFloatElement =
    std::is_same_v<T, float> || std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>;
template <class T>
inline constexpr bool kIsIntElement =
    std::is_same_v<T, int32_t> || std::is_same_v<T, int8_t> || std::is_same_v<T, uint8_t>;

// Calls f(T{}) with T the element type of `t`, for the float dtypes only.
template <class F>
decltype(auto) VisitFloatElement(DType t, F&& f) {
  switch (t) {
    case DType::kFloat32:
      return f(float{});
    case DType::kFloat16:
      return f(Half{});
    case DType::kBFloat16:
      return f(BFloat16{});
    default:
      ThrowInvalid("dtype %s is not a float dtype (float32, float16, bfloat16)", DTypeName(t));
  }
}

// Calls f(T{}) with T the element type of `t`, for every dtype graphs compute with.
template <class F>
decltype(auto) VisitElement(DType t, F&& f) {
  switch (t) {
    case DType::kInt32:
      return f(int32_t{});
    case DType::kInt8:
      return f(int8_t{});
    case DType::kUint8:
      return f(uint8_t{});
    default:
      return VisitFloatElement(t, f);
  }
}

// The float32 nearest to v rounded to odd (truncate toward zero, then set the last significand bit
// if anything was cut off). A second rounding of that float to fp16 or bf16 (at least 2 fewer
// significand bits) then equals rounding v directly, which plain nearest-even twice does not.
inline float RoundToOddFloat(double v) {
  const float f = static_cast<float>(v);
  if (!std::isfinite(f) || static_cast<double>(f) == v) return f;
  uint32_t bits = std::bit_cast<uint32_t>(f);
  if (std::fabs(static_cast<double>(f)) > std::fabs(v)) bits -= 1;  // one ulp toward zero
  return std::bit_cast<float>(bits | 1u);
}

// A float value (NaN -> 0) truncated toward zero and saturated to the range of integer type I.
template <class I>
I SaturatingTruncate(float f) {
  if (std::isnan(f)) return 0;
  const double d = f;
  if (d <= static_cast<double>(std::numeric_limits<I>::min())) return std::numeric_limits<I>::min();
  if (d >= static_cast<double>(std::numeric_limits<I>::max())) return std::numeric_limits<I>::max();
  return static_cast<I>(d);
}

// An integer saturated to the range of integer type I.
template <class I>
I SaturateInt(int64_t v) {
  if (v < std::numeric_limits<I>::min()) return std::numeric_limits<I>::min();
  if (v > std::numeric_limits<I>::max()) return std::numeric_limits<I>::max();
  return static_cast<I>(v);
}

// A float-or-wider source value rounded once (nearest even) to float element type T.
template <class T>
T RoundToFloatElement(double v) {
  if constexpr (std::is_same_v<T, float>) {
    return static_cast<float>(v);
  } else {
    return T(RoundToOddFloat(v));
  }
}

// One element converted From -> To: floats round to nearest even (once), floats to integers
// truncate toward zero and saturate (NaN -> 0), integers to integers saturate.
template <class To, class From>
To ConvertElement(From v) {
  if constexpr (kIsFloatElement<From>) {
    const float f = static_cast<float>(v);  // exact: every fp16/bf16 value is a float32 value
    if constexpr (kIsFloatElement<To>) {
      return To(f);
    } else {
      return SaturatingTruncate<To>(f);
    }
  } else if constexpr (kIsFloatElement<To>) {
    return RoundToFloatElement<To>(static_cast<double>(v));
  } else {
    return SaturateInt<To>(static_cast<int64_t>(v));
  }
}

}  // namespace nrtb
