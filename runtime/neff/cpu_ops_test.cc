// Every kernel against a straightforward reference loop in double precision.
#include "runtime/neff/cpu_ops.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

#include "runtime/core/error.h"
#include "runtime/neff/element.h"

namespace nrtb {
namespace {

template <class T>
DType DTypeOf() {
  if constexpr (std::is_same_v<T, float>) return DType::kFloat32;
  if constexpr (std::is_same_v<T, Half>) return DType::kFloat16;
  if constexpr (std::is_same_v<T, BFloat16>) return DType::kBFloat16;
  if constexpr (std::is_same_v<T, int32_t>) return DType::kInt32;
  if constexpr (std::is_same_v<T, int8_t>) return DType::kInt8;
  if constexpr (std::is_same_v<T, uint8_t>) return DType::kUint8;
}

template <class T>
double D(T v) {
  if constexpr (kIsFloatElement<T>) {
    return static_cast<float>(v);
  } else {
    return v;
  }
}

// n values of type T drawn uniformly from [lo, hi] (then rounded to T).
template <class T>
std::vector<T> Random(uint64_t n, double lo, double hi, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  std::vector<T> v(n);
  for (T& x : v) x = RoundToFloatElement<T>(dist(rng));
  return v;
}

// Unit roundoff of T: the relative error of one rounding to nearest.
template <class T>
double UnitRoundoff() {
  if constexpr (std::is_same_v<T, float>) return 0x1p-24;
  if constexpr (std::is_same_v<T, Half>) return 0x1p-11;
  if constexpr (std::is_same_v<T, BFloat16>) return 0x1p-8;
}

// Each got[i] must be `want[i]` rounded once to T, give or take `extra[i]` (accumulated error of
// float32 intermediate math, where there is any).
template <class T>
void ExpectRounded(const std::vector<T>& got, const std::vector<double>& want, const std::vector<double>& extra = {}) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    // Relative half-ulp for normal results, absolute half the smallest subnormal below them.
    const double tol = UnitRoundoff<T>() * std::fabs(want[i]) +
                       static_cast<double>(static_cast<float>(std::numeric_limits<T>::denorm_min())) / 2 +
                       (extra.empty() ? 0.0 : extra[i]);
    ASSERT_NEAR(D(got[i]), want[i], tol) << "element " << i;
  }
}

// Row-major index of the element of an operand of shape `in` that broadcasts to output coords.
uint64_t BroadcastIndex(const std::vector<uint32_t>& coords, const Shape& in) {
  uint64_t index = 0;
  const size_t lead = coords.size() - in.size();
  for (size_t d = 0; d < in.size(); ++d) index = index * in[d] + (in[d] == 1 ? 0 : coords[lead + d]);
  return index;
}

std::vector<uint32_t> Unravel(uint64_t flat, const Shape& shape) {
  std::vector<uint32_t> coords(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    coords[d] = static_cast<uint32_t>(flat % shape[d]);
    flat /= shape[d];
  }
  return coords;
}

double RefBinary(BinaryOp op, double a, double b) {
  switch (op) {
    case BinaryOp::kAdd:
      return a + b;
    case BinaryOp::kSub:
      return a - b;
    case BinaryOp::kMul:
      return a * b;
    case BinaryOp::kDiv:
      return a / b;
  }
  return 0;
}

template <class T>
class FloatKernelTest : public ::testing::Test {};
using FloatTypes = ::testing::Types<float, Half, BFloat16>;
TYPED_TEST_SUITE(FloatKernelTest, FloatTypes);

TYPED_TEST(FloatKernelTest, BinaryBroadcasts) {
  using T = TypeParam;
  for (const auto& [sa, sb] : std::vector<std::pair<Shape, Shape>>{{{2, 1, 4}, {3, 1}},
                                                                   {{3, 4}, {3, 4}},
                                                                   {{}, {5}},
                                                                   {{5, 1}, {}},
                                                                   {{1, 3}, {2, 1}},
                                                                   {{4}, {1, 1}},
                                                                   {{1}, {2, 3}},
                                                                   {{1, 1}, {1}}}) {
    const BroadcastPlan plan = InferBroadcast(sa, sb);
    const uint64_t n = ElementCount(plan.out);
    const std::vector<T> a = Random<T>(ElementCount(sa), -4, 4, 1);
    const std::vector<T> b = Random<T>(ElementCount(sb), 0.5, 3, 2);  // no zero divisors
    for (BinaryOp op : {BinaryOp::kAdd, BinaryOp::kSub, BinaryOp::kMul, BinaryOp::kDiv}) {
      std::vector<T> out(n);
      RunBinary(op, DTypeOf<T>(), plan, a.data(), b.data(), out.data());
      std::vector<double> want(n);
      for (uint64_t i = 0; i < n; ++i) {
        const std::vector<uint32_t> c = Unravel(i, plan.out);
        want[i] = RefBinary(op, D(a[BroadcastIndex(c, sa)]), D(b[BroadcastIndex(c, sb)]));
      }
      SCOPED_TRACE(ShapeToString(sa) + " op " + ShapeToString(sb) + " op " + std::to_string(static_cast<int>(op)));
      ExpectRounded(out, want);
    }
  }
}

TYPED_TEST(FloatKernelTest, FloatDivisionByZeroIsIeee) {
  using T = TypeParam;
  const std::vector<T> a = {T(1.0f), T(-1.0f), T(0.0f)}, b(3, T(0.0f));
  std::vector<T> out(3);
  RunBinary(BinaryOp::kDiv, DTypeOf<T>(), InferBroadcast({3}, {3}), a.data(), b.data(), out.data());
  EXPECT_EQ(D(out[0]), std::numeric_limits<double>::infinity());
  EXPECT_EQ(D(out[1]), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(D(out[2])));
}

double RefUnary(UnaryOp op, const UnaryParams& p, double x) {
  switch (op) {
    case UnaryOp::kScale:
      return x * p.scale + p.bias;
    case UnaryOp::kRelu:
      return x > 0 ? x : 0;
    case UnaryOp::kGeluErf:
      return x * 0.5 * std::erfc(-x / std::sqrt(2.0));  // x * Phi(x)
    case UnaryOp::kGeluTanh:
      return 0.5 * x * (1 + std::tanh(std::sqrt(2 / std::numbers::pi) * (x + 0.044715 * std::pow(x, 3))));
    case UnaryOp::kTanh:
      return std::tanh(x);
    case UnaryOp::kSigmoid:
      return 1 / (1 + std::exp(-x));
    case UnaryOp::kExp:
      return std::exp(x);
  }
  return 0;
}

TYPED_TEST(FloatKernelTest, Unary) {
  using T = TypeParam;
  const std::vector<T> in = Random<T>(257, -6, 6, 3);
  const UnaryParams params{-1.5, 0.25};
  for (UnaryOp op : {UnaryOp::kScale, UnaryOp::kRelu, UnaryOp::kGeluErf, UnaryOp::kGeluTanh, UnaryOp::kTanh,
                     UnaryOp::kSigmoid, UnaryOp::kExp}) {
    std::vector<T> out(in.size());
    RunUnary(op, DTypeOf<T>(), params, in.size(), in.data(), out.data());
    std::vector<double> want(in.size());
    // erfc-based and erf-based GELU differ by a few double ulps: allow that on top of the rounding.
    std::vector<double> extra(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
      want[i] = RefUnary(op, params, D(in[i]));
      extra[i] = 1e-14 * (std::fabs(want[i]) + 1);
    }
    SCOPED_TRACE(static_cast<int>(op));
    ExpectRounded(out, want, extra);
  }
}

TYPED_TEST(FloatKernelTest, SigmoidAndExpSaturate) {
  using T = TypeParam;
  const std::vector<T> in = {T(-1000.0f), T(1000.0f)};
  std::vector<T> out(2);
  RunUnary(UnaryOp::kSigmoid, DTypeOf<T>(), {}, 2, in.data(), out.data());
  EXPECT_EQ(D(out[0]), 0.0);
  EXPECT_EQ(D(out[1]), 1.0);
  RunUnary(UnaryOp::kExp, DTypeOf<T>(), {}, 2, in.data(), out.data());
  EXPECT_EQ(D(out[0]), 0.0);
  EXPECT_TRUE(std::isinf(D(out[1])));
}

TYPED_TEST(FloatKernelTest, MatMulMatchesReference) {
  using T = TypeParam;
  for (const auto& [sa, sb] : std::vector<std::pair<Shape, Shape>>{
           {{5, 7}, {7, 3}}, {{2, 1, 3, 4}, {3, 4, 2}}, {{1, 1}, {1, 1}}, {{33, 130}, {130, 47}}}) {
    const MatMulPlan p = InferMatMul(sa, sb);
    const std::vector<T> a = Random<T>(ElementCount(sa), -1, 1, 4);
    const std::vector<T> b = Random<T>(ElementCount(sb), -1, 1, 5);
    std::vector<T> out(ElementCount(p.out));
    RunMatMul(DTypeOf<T>(), p, a.data(), b.data(), out.data());
    std::vector<double> want(out.size()), extra(out.size());
    const Shape batch(p.out.begin(), p.out.end() - 2);
    const Shape a_batch(sa.begin(), sa.end() - 2), b_batch(sb.begin(), sb.end() - 2);
    for (uint64_t i = 0; i < out.size(); ++i) {
      const uint64_t mat = i / (p.m * p.n), row = i / p.n % p.m, col = i % p.n;
      const std::vector<uint32_t> c = Unravel(mat, batch);
      const uint64_t ao = BroadcastIndex(c, a_batch) * p.m * p.k, bo = BroadcastIndex(c, b_batch) * p.k * p.n;
      double sum = 0, abs_sum = 0;
      for (uint64_t k = 0; k < p.k; ++k) {
        const double term = D(a[ao + row * p.k + k]) * D(b[bo + k * p.n + col]);
        sum += term;
        abs_sum += std::fabs(term);
      }
      want[i] = sum;
      extra[i] = static_cast<double>(p.k) * 0x1p-24 * abs_sum;  // float32 accumulation inside Eigen
    }
    SCOPED_TRACE(ShapeToString(sa) + " x " + ShapeToString(sb));
    ExpectRounded(out, want, extra);
  }
}

TYPED_TEST(FloatKernelTest, SoftmaxRowsSumToOne) {
  using T = TypeParam;
  const Shape shape = {2, 5, 3};
  for (int64_t axis : {1, -1, 0}) {
    const AxisPlan p = InferAxis(shape, axis);
    const std::vector<T> in = Random<T>(ElementCount(shape), -5, 5, 6);
    std::vector<T> out(in.size());
    RunSoftmax(DTypeOf<T>(), p, in.data(), out.data());
    std::vector<double> want(in.size());
    for (uint64_t o = 0; o < p.outer; ++o) {
      for (uint64_t i = 0; i < p.inner; ++i) {
        auto at = [&](uint64_t j) { return (o * p.axis_len + j) * p.inner + i; };
        double sum = 0;
        for (uint64_t j = 0; j < p.axis_len; ++j) sum += std::exp(D(in[at(j)]));
        double got_sum = 0;
        for (uint64_t j = 0; j < p.axis_len; ++j) {
          want[at(j)] = std::exp(D(in[at(j)])) / sum;
          got_sum += D(out[at(j)]);
        }
        EXPECT_NEAR(got_sum, 1.0, p.axis_len * UnitRoundoff<T>());
      }
    }
    std::vector<double> extra(want.size());
    for (size_t i = 0; i < want.size(); ++i) extra[i] = 1e-14 * want[i];
    SCOPED_TRACE(axis);
    ExpectRounded(out, want, extra);
  }
}

TYPED_TEST(FloatKernelTest, SoftmaxIsStableForLargeInputs) {
  using T = TypeParam;
  const std::vector<T> in = {T(1000.0f), T(1000.0f), T(-1000.0f), T(60000.0f)};
  std::vector<T> out(4);
  RunSoftmax(DTypeOf<T>(), InferAxis({2, 2}, -1), in.data(), out.data());
  EXPECT_EQ(D(out[0]), 0.5);
  EXPECT_EQ(D(out[1]), 0.5);
  EXPECT_EQ(D(out[2]), 0.0);
  EXPECT_EQ(D(out[3]), 1.0);
}

TYPED_TEST(FloatKernelTest, LayerNormNormalizes) {
  using T = TypeParam;
  const uint64_t rows = 4, cols = 33;
  const double eps = 1e-5;
  const std::vector<T> x = Random<T>(rows * cols, -3, 7, 7);
  const std::vector<T> gamma = Random<T>(cols, 0.5, 2, 8), beta = Random<T>(cols, -1, 1, 9);
  for (bool affine : {false, true}) {
    std::vector<T> out(x.size());
    RunLayerNorm(DTypeOf<T>(), rows, cols, eps, x.data(), affine ? gamma.data() : nullptr,
                 affine ? beta.data() : nullptr, out.data());
    std::vector<double> want(x.size()), extra(x.size());
    for (uint64_t r = 0; r < rows; ++r) {
      double mean = 0, var = 0;
      for (uint64_t j = 0; j < cols; ++j) mean += D(x[r * cols + j]) / cols;
      for (uint64_t j = 0; j < cols; ++j) var += std::pow(D(x[r * cols + j]) - mean, 2) / cols;
      double got_mean = 0, got_var = 0;
      for (uint64_t j = 0; j < cols; ++j) {
        const uint64_t i = r * cols + j;
        want[i] = (D(x[i]) - mean) / std::sqrt(var + eps);
        if (affine) want[i] = want[i] * D(gamma[j]) + D(beta[j]);
        extra[i] = 1e-12;
        got_mean += D(out[i]) / cols;
        got_var += D(out[i]) * D(out[i]) / cols;
      }
      if (!affine) {
        EXPECT_NEAR(got_mean, 0.0, 4 * UnitRoundoff<T>());
        EXPECT_NEAR(got_var, 1.0, 8 * UnitRoundoff<T>() + 1e-4);  // eps shrinks the variance by ~eps/var
      }
    }
    SCOPED_TRACE(affine);
    ExpectRounded(out, want, extra);
  }
}

TYPED_TEST(FloatKernelTest, ReduceSum) {
  using T = TypeParam;
  const Shape shape = {3, 4, 5};
  const std::vector<T> in = Random<T>(ElementCount(shape), -2, 2, 10);
  for (const auto& [axes, keep] : std::vector<std::pair<std::vector<int64_t>, bool>>{
           {{}, false}, {{1}, false}, {{0, 2}, true}, {{-1}, true}, {{0, 1, 2}, false}}) {
    const ReducePlan p = InferReduce(shape, axes, keep);
    std::vector<T> out(ElementCount(p.out));
    RunReduceSum(DTypeOf<T>(), p, in.data(), out.data());
    std::vector<double> want(out.size(), 0.0);
    std::vector<double> extra(out.size(), 1e-12);
    for (uint64_t i = 0; i < in.size(); ++i) {
      const std::vector<uint32_t> c = Unravel(i, shape);
      uint64_t o = 0;
      for (size_t d = 0; d < shape.size(); ++d) o += c[d] * p.out_strides[d];
      want[o] += D(in[i]);
    }
    SCOPED_TRACE(p.out.size());
    ExpectRounded(out, want, extra);
  }
}

TEST(IntegerKernelTest, Int32ArithmeticWraps) {
  const int32_t kMax = std::numeric_limits<int32_t>::max(), kMin = std::numeric_limits<int32_t>::min();
  const std::vector<int32_t> a = {kMax, kMin, 65536, -7, 7, kMin};
  const std::vector<int32_t> b = {1, 1, 65536, 2, -2, -1};
  const BroadcastPlan p = InferBroadcast({6}, {6});
  std::vector<int32_t> out(6);
  RunBinary(BinaryOp::kAdd, DType::kInt32, p, a.data(), b.data(), out.data());
  EXPECT_EQ(out[0], kMin);
  RunBinary(BinaryOp::kSub, DType::kInt32, p, a.data(), b.data(), out.data());
  EXPECT_EQ(out[1], kMax);
  RunBinary(BinaryOp::kMul, DType::kInt32, p, a.data(), b.data(), out.data());
  EXPECT_EQ(out[2], 0);
  EXPECT_EQ(out[3], -14);
  RunBinary(BinaryOp::kDiv, DType::kInt32, p, a.data(), b.data(), out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{kMax, kMin, 1, -3, -3, kMin}));  // truncation; kMin / -1 wraps
}

TEST(IntegerKernelTest, IntegerDivisionByZeroIsBadInput) {
  const std::vector<int32_t> a = {1, 2}, b = {1, 0};
  std::vector<int32_t> out(2);
  try {
    RunBinary(BinaryOp::kDiv, DType::kInt32, InferBroadcast({2}, {2}), a.data(), b.data(), out.data());
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), NRT_EXEC_BAD_INPUT);
    EXPECT_THAT(e.what(), ::testing::HasSubstr("division by zero"));
  }
}

TEST(IntegerKernelTest, ByteArithmeticWrapsAndBroadcasts) {
  const std::vector<int8_t> a = {127, -128, 100, -3}, b = {1};
  std::vector<int8_t> out(4);
  const BroadcastPlan p = InferBroadcast({2, 2}, {1});
  RunBinary(BinaryOp::kAdd, DType::kInt8, p, a.data(), b.data(), out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{-128, -127, 101, -2}));
  RunBinary(BinaryOp::kSub, DType::kInt8, p, a.data(), b.data(), out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{126, 127, 99, -4}));
  const std::vector<uint8_t> ua = {0, 16, 255}, ub = {1, 16, 2};
  std::vector<uint8_t> uout(3);
  RunBinary(BinaryOp::kSub, DType::kUint8, InferBroadcast({3}, {3}), ua.data(), ub.data(), uout.data());
  EXPECT_EQ(uout, (std::vector<uint8_t>{255, 0, 253}));
  RunBinary(BinaryOp::kMul, DType::kUint8, InferBroadcast({3}, {3}), ua.data(), ub.data(), uout.data());
  EXPECT_EQ(uout, (std::vector<uint8_t>{0, 0, 254}));
}

TEST(IntegerKernelTest, ReluOnIntegersOnly) {
  const std::vector<int32_t> a = {-5, 0, 7};
  std::vector<int32_t> out(3);
  RunUnary(UnaryOp::kRelu, DType::kInt32, {}, 3, a.data(), out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{0, 0, 7}));
  const std::vector<int8_t> b = {-128, 127};
  std::vector<int8_t> bout(2);
  RunUnary(UnaryOp::kRelu, DType::kInt8, {}, 2, b.data(), bout.data());
  EXPECT_EQ(bout, (std::vector<int8_t>{0, 127}));
  EXPECT_THROW(RunUnary(UnaryOp::kExp, DType::kInt32, {}, 3, a.data(), out.data()), Error);
}

TEST(IntegerKernelTest, Int32ReduceSumWraps) {
  const std::vector<int32_t> in = {std::numeric_limits<int32_t>::max(), 1, 5, -6};
  std::vector<int32_t> out(2);
  RunReduceSum(DType::kInt32, InferReduce({2, 2}, {1}, false), in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{std::numeric_limits<int32_t>::min(), -1}));
}

TEST(TransposeKernelTest, EveryElementSize) {
  const Shape shape = {2, 3, 4};
  const std::vector<int64_t> perm = {2, 0, 1};
  const TransposePlan p = InferTranspose(shape, perm);
  auto check = [&](auto tag) {
    using E = decltype(tag);
    std::vector<E> in(24);
    for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<E>(i * 3 + 1);
    std::vector<E> out(24);
    RunTranspose(sizeof(E), p, in.data(), out.data());
    for (uint64_t i = 0; i < out.size(); ++i) {
      const std::vector<uint32_t> c = Unravel(i, p.out);  // out coords; in coord perm[d] = c[d]
      std::vector<uint32_t> ic(3);
      for (size_t d = 0; d < 3; ++d) ic[static_cast<size_t>(perm[d])] = c[d];
      ASSERT_EQ(out[i], in[(ic[0] * 3 + ic[1]) * 4 + ic[2]]) << sizeof(E) << " " << i;
    }
  };
  check(uint8_t{});
  check(uint16_t{});
  check(uint32_t{});
  check(uint64_t{});
  EXPECT_THROW(RunTranspose(3, p, nullptr, nullptr), Error);
}

TEST(CastKernelTest, EveryPairRoundTripsSmallIntegers) {
  const std::vector<DType> types = {DType::kFloat32, DType::kFloat16, DType::kBFloat16,
                                    DType::kInt32,   DType::kInt8,    DType::kUint8};
  const std::vector<int32_t> values = {-3, -1, 0, 1, 2, 100};
  for (DType from : types) {
    for (DType to : types) {
      std::vector<std::byte> src(values.size() * 4), mid(values.size() * 4), back(values.size() * 4);
      RunCast(DType::kInt32, from, values.size(), values.data(), src.data());
      RunCast(from, to, values.size(), src.data(), mid.data());
      std::vector<int32_t> result(values.size());
      RunCast(to, DType::kInt32, values.size(), mid.data(), result.data());
      for (size_t i = 0; i < values.size(); ++i) {
        const bool unsigned_side = from == DType::kUint8 || to == DType::kUint8;
        EXPECT_EQ(result[i], unsigned_side ? std::max(values[i], 0) : values[i])
            << DTypeName(from) << " -> " << DTypeName(to);
      }
    }
  }
}

TEST(CastKernelTest, RoundingAndSaturation) {
  const std::vector<float> in = {1.0f + 0x1p-8f, 1.0f + 3 * 0x1p-8f, 300.0f, -300.0f, -2.75f, std::nanf("")};
  std::vector<BFloat16> bf(in.size());
  RunCast(DType::kFloat32, DType::kBFloat16, in.size(), in.data(), bf.data());
  EXPECT_EQ(static_cast<float>(bf[0]), 1.0f);
  EXPECT_EQ(static_cast<float>(bf[1]), 1.0f + 0x1p-6f);
  std::vector<int8_t> i8(in.size());
  RunCast(DType::kFloat32, DType::kInt8, in.size(), in.data(), i8.data());
  EXPECT_EQ(i8, (std::vector<int8_t>{1, 1, 127, -128, -2, 0}));
  std::vector<uint8_t> u8(in.size());
  RunCast(DType::kFloat32, DType::kUint8, in.size(), in.data(), u8.data());
  EXPECT_EQ(u8, (std::vector<uint8_t>{1, 1, 255, 0, 0, 0}));
}

}  // namespace
}  // namespace nrtb
