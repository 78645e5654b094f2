// The flat binary kernels chosen at compile time (FlatBinaryKernelFor) against RunBinary, byte for byte: they are
// the same op for the plans they accept, and are refused for every other plan.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "runtime/core/error.h"
#include "runtime/neff/cpu_ops.h"
#include "runtime/neff/element.h"

namespace nrtb {
namespace {

// `n` elements of T from a spread of values (negative, fractional, large, zero only when `zero_ok`), as bytes.
template <class T>
std::vector<uint8_t> FlatTestValues(uint64_t n, uint32_t seed, bool zero_ok) {
  std::vector<uint8_t> bytes(n * sizeof(T));
  for (uint64_t i = 0; i < n; ++i) {
    double v = static_cast<double>((i * 7919 + seed * 104729) % 251) - 125.0;
    if constexpr (kIsFloatElement<T>) v = v / 3.0 + (i % 5 == 0 ? 1e4 : 0.0);
    T t = ConvertElement<T>(v);  // saturates: a negative value is 0 as uint8
    const T zero = ConvertElement<T>(0.0);
    if (!zero_ok && std::memcmp(&t, &zero, sizeof(T)) == 0) t = ConvertElement<T>(3.0);
    std::memcpy(bytes.data() + i * sizeof(T), &t, sizeof(T));
  }
  return bytes;
}

template <class T>
void ExpectFlatMatchesRunBinary(DType dtype) {
  const Shape full = {3, 5};
  struct Case {
    Shape a, b;
  };
  const Case cases[] = {{full, full}, {full, {}}, {{}, full}, {full, {1}}, {{1, 1}, full}, {{}, {}}};
  for (BinaryOp op : {BinaryOp::kAdd, BinaryOp::kSub, BinaryOp::kMul, BinaryOp::kDiv}) {
    for (const Case& c : cases) {
      const BroadcastPlan plan = InferBroadcast(c.a, c.b);
      const uint64_t n = ElementCount(plan.out);
      const std::vector<uint8_t> a = FlatTestValues<T>(ElementCount(c.a), 1, true);
      // No integer division by zero here (its error is checked below).
      const std::vector<uint8_t> b = FlatTestValues<T>(ElementCount(c.b), 2, false);
      std::vector<uint8_t> want(n * sizeof(T)), got(n * sizeof(T), 0xa5);
      RunBinary(op, dtype, plan, a.data(), b.data(), want.data());
      const FlatBinaryKernel flat = FlatBinaryKernelFor(op, dtype, plan);
      ASSERT_NE(flat, nullptr) << DTypeName(dtype) << " op " << static_cast<int>(op) << ", " << c.a.size() << "-d op "
                               << c.b.size() << "-d";
      flat(a.data(), b.data(), got.data(), n);
      EXPECT_EQ(got, want) << DTypeName(dtype) << " op " << static_cast<int>(op) << ", " << c.a.size() << "-d op "
                           << c.b.size() << "-d";
    }
  }
}

TEST(FlatBinaryKernel, EveryDtypeOpAndFlatPlanComputesAsRunBinary) {
  ExpectFlatMatchesRunBinary<float>(DType::kFloat32);
  ExpectFlatMatchesRunBinary<Half>(DType::kFloat16);
  ExpectFlatMatchesRunBinary<BFloat16>(DType::kBFloat16);
  ExpectFlatMatchesRunBinary<int32_t>(DType::kInt32);
  ExpectFlatMatchesRunBinary<int8_t>(DType::kInt8);
  ExpectFlatMatchesRunBinary<uint8_t>(DType::kUint8);
}

TEST(FlatBinaryKernel, BroadcastingPlansAndOpsOfMoreThanOneChunkHaveNone) {
  EXPECT_EQ(FlatBinaryKernelFor(BinaryOp::kAdd, DType::kFloat32, InferBroadcast({3, 5}, {5})), nullptr);
  EXPECT_EQ(FlatBinaryKernelFor(BinaryOp::kMul, DType::kInt32, InferBroadcast({3, 1}, {1, 5})), nullptr);
  // One chunk of RunBinary (between chunks it checks for interruption) is the most a flat kernel runs.
  EXPECT_NE(FlatBinaryKernelFor(BinaryOp::kAdd, DType::kFloat32, InferBroadcast({256, 256}, {})), nullptr);
  EXPECT_EQ(FlatBinaryKernelFor(BinaryOp::kAdd, DType::kFloat32, InferBroadcast({256, 257}, {})), nullptr);
}

TEST(FlatBinaryKernel, IntegerDivisionByZeroIsBadInputAsInRunBinary) {
  const std::vector<int32_t> a = {1, 2}, b = {1, 0};
  std::vector<int32_t> out(2);
  const FlatBinaryKernel flat = FlatBinaryKernelFor(BinaryOp::kDiv, DType::kInt32, InferBroadcast({2}, {2}));
  ASSERT_NE(flat, nullptr);
  try {
    flat(a.data(), b.data(), out.data(), 2);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), NRT_EXEC_BAD_INPUT);
  }
}

}  // namespace
}  // namespace nrtb
