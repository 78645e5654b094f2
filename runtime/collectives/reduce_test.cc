#include "runtime/collectives/reduce.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "runtime/neff/element.h"

namespace nrtb {
namespace {

TEST(Reduce, Float32AddIsTheRoundedFloat64Sum) {
  std::mt19937 g(5);
  std::uniform_real_distribution<float> d(-1e3f, 1e3f);
  std::vector<float> a(999), b(999), out(999);
  for (size_t i = 0; i < a.size(); ++i) a[i] = d(g), b[i] = d(g);
  ReduceFunction(DType::kFloat32, ReduceOp::kAdd)(out.data(), a.data(), b.data(), a.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(out[i], static_cast<float>(double{a[i]} + double{b[i]}));
}

TEST(Reduce, MaxAndMinPickTheElement) {
  std::vector<int64_t> a = {1, -5, INT64_MAX, INT64_MIN}, b = {2, -6, 0, 0}, out(4);
  ReduceFunction(DType::kInt64, ReduceOp::kMax)(out.data(), a.data(), b.data(), 4);
  EXPECT_EQ(out, (std::vector<int64_t>{2, -5, INT64_MAX, 0}));
  ReduceFunction(DType::kInt64, ReduceOp::kMin)(out.data(), a.data(), b.data(), 4);
  EXPECT_EQ(out, (std::vector<int64_t>{1, -6, 0, INT64_MIN}));
}

TEST(Reduce, IntegerAddWrapsWithoutUndefinedBehaviour) {
  std::vector<int8_t> a = {127, -128}, b = {1, -1}, out(2);
  ReduceFunction(DType::kInt8, ReduceOp::kAdd)(out.data(), a.data(), b.data(), 2);
  EXPECT_EQ(out, (std::vector<int8_t>{-128, 127}));
  std::vector<uint32_t> u = {0xFFFFFFFFu}, v = {2}, w(1);
  ReduceFunction(DType::kUint32, ReduceOp::kAdd)(w.data(), u.data(), v.data(), 1);
  EXPECT_EQ(w[0], 1u);
}

TEST(Reduce, HalfAndBfloat16RoundTheFloat32Result) {
  std::vector<BFloat16> a = {BFloat16(1.0f), BFloat16(256.0f)}, b = {BFloat16(0.5f), BFloat16(1.0f)}, out(2);
  ReduceFunction(DType::kBFloat16, ReduceOp::kAdd)(out.data(), a.data(), b.data(), 2);
  EXPECT_EQ(static_cast<float>(out[0]), 1.5f);
  EXPECT_EQ(static_cast<float>(out[1]), 256.0f);  // 257 is not a bfloat16: rounds to even
  std::vector<Half> h = {Half(1000.0f)}, k = {Half(0.25f)}, r(1);
  ReduceFunction(DType::kFloat16, ReduceOp::kAdd)(r.data(), h.data(), k.data(), 1);
  EXPECT_NEAR(static_cast<float>(r[0]), 1000.25f, 0.5f);
}

TEST(Reduce, OutputMayAliasAnInput) {
  std::vector<float> a = {1, 2, 3}, b = {10, 20, 30};
  ReduceFunction(DType::kFloat32, ReduceOp::kAdd)(a.data(), a.data(), b.data(), 3);
  EXPECT_EQ(a, (std::vector<float>{11, 22, 33}));
}

// The kernels work in blocks: every length around a block's (128 bytes) and every in-place form gives the
// element-wise result.
TEST(Reduce, BlocksAndTheirTailsInPlaceOrNot) {
  for (size_t n : {0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 1000}) {
    std::vector<int32_t> a(n), b(n), want(n);
    for (size_t i = 0; i < n; ++i) {
      a[i] = static_cast<int32_t>(i * 7 - 50);
      b[i] = static_cast<int32_t>(100 - i * 3);
      want[i] = std::max(a[i], b[i]);
    }
    const ReduceFn max = ReduceFunction(DType::kInt32, ReduceOp::kMax);
    std::vector<int32_t> out(n, -1), in_a = a, in_b = b;
    max(out.data(), a.data(), b.data(), n);
    max(in_a.data(), in_a.data(), b.data(), n);
    max(in_b.data(), a.data(), in_b.data(), n);
    EXPECT_EQ(out, want) << n;
    EXPECT_EQ(in_a, want) << n;
    EXPECT_EQ(in_b, want) << n;
  }
}

// Outputs that overlap an input other than exactly (shifted by a few elements either way) get what the
// element-by-element loop gives, each element read before its own store; so do exact and disjoint
// layouts, at lengths around the 128-byte block of every element size.
template <class T>
void ReduceOverlapCase(DType dtype) {
  for (ReduceOp op : {ReduceOp::kAdd, ReduceOp::kMax, ReduceOp::kMin}) {
    const ReduceFn f = ReduceFunction(dtype, op);
    for (size_t n : {size_t{1}, 128 / sizeof(T) - 1, 128 / sizeof(T), 128 / sizeof(T) + 1, 3 * 128 / sizeof(T) + 5}) {
      for (int shift : {-3, -1, 0, 1, 3}) {
        const size_t pad = 4;
        std::vector<T> buf(n + 2 * pad), other(n);
        for (size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<T>((i * 37 + 11) % 101);
        for (size_t i = 0; i < n; ++i) other[i] = static_cast<T>((i * 53 + 7) % 97);
        std::vector<T> want = buf;
        T* wd = want.data() + pad + shift;
        const T* wx = want.data() + pad;
        for (size_t i = 0; i < n; ++i) {
          const T x = wx[i], y = other[i];
          wd[i] = op == ReduceOp::kAdd ? static_cast<T>(x + y) : op == ReduceOp::kMax ? std::max(x, y) : std::min(x, y);
        }
        f(buf.data() + pad + shift, buf.data() + pad, other.data(), n);
        EXPECT_EQ(buf, want) << DTypeName(dtype) << " " << ReduceOpName(op) << " n=" << n << " shift=" << shift;
      }
    }
  }
}

TEST(Reduce, PartialOverlapsGoElementByElement) {
  ReduceOverlapCase<int8_t>(DType::kInt8);
  ReduceOverlapCase<uint16_t>(DType::kUint16);
  ReduceOverlapCase<int32_t>(DType::kInt32);
  ReduceOverlapCase<float>(DType::kFloat32);
  ReduceOverlapCase<uint64_t>(DType::kUint64);
}

TEST(Reduce, UndefinedDtypesHaveNoKernel) {
  for (DType t : {DType::kFp8E4, DType::kFp8E5, DType::kFp8E3, DType::kFp32R, DType::kUnknown})
    EXPECT_EQ(ReduceFunction(t, ReduceOp::kAdd), nullptr) << DTypeName(t);
}

}  // namespace
}  // namespace nrtb
