#include "runtime/collectives/reduce.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "runtime/neff/element.h"

namespace nrtb {
namespace {

struct Add {
  template <class T>
  static T Apply(T a, T b) {
    if constexpr (std::is_integral_v<T>) {
      // Wrap-around, as the hardware's integer adders (and unsigned arithmetic) do; no signed overflow UB.
      using U = std::make_unsigned_t<T>;
      return static_cast<T>(static_cast<U>(static_cast<U>(a) + static_cast<U>(b)));
    } else {
      return a + b;
    }
  }
};
struct Max {
  template <class T>
  static T Apply(T a, T b) {
    return std::max(a, b);
  }
};
struct Min {
  template <class T>
  static T Apply(T a, T b) {
    return std::min(a, b);
  }
};

template <class T, class Op>
void Kernel(void* dst, const void* a, const void* b, size_t n) {
  // dst may be a or b (in place). A block's elements are all loaded before any is stored, which keeps that
  // safe and, with the block's fixed length, lets the compiler vectorize at -O2 (the element-wise loop it
  // replaced stayed scalar: dst might alias a or b).
  constexpr size_t kBlock = 64 / sizeof(T);
  auto* d = static_cast<T*>(dst);
  const auto* x = static_cast<const T*>(a);
  const auto* y = static_cast<const T*>(b);
  size_t i = 0;
  for (; i + kBlock <= n; i += kBlock) {
    T t[kBlock];
    for (size_t j = 0; j < kBlock; ++j) t[j] = Op::Apply(x[i + j], y[i + j]);
    std::memcpy(d + i, t, sizeof t);
  }
  for (; i < n; ++i) d[i] = Op::Apply(x[i], y[i]);
}

// float16 / bfloat16: computed in float32, rounded once to the dtype.
template <class T, class Op>
void NarrowFloatKernel(void* dst, const void* a, const void* b, size_t n) {
  auto* d = static_cast<T*>(dst);
  const auto* x = static_cast<const T*>(a);
  const auto* y = static_cast<const T*>(b);
  for (size_t i = 0; i < n; ++i) d[i] = T(Op::Apply(static_cast<float>(x[i]), static_cast<float>(y[i])));
}

template <class Op>
ReduceFn ForDType(DType dtype) {
  switch (dtype) {
    case DType::kFloat32:
      return &Kernel<float, Op>;
    case DType::kFloat16:
      return &NarrowFloatKernel<Half, Op>;
    case DType::kBFloat16:
      return &NarrowFloatKernel<BFloat16, Op>;
    case DType::kInt8:
      return &Kernel<int8_t, Op>;
    case DType::kUint8:
      return &Kernel<uint8_t, Op>;
    case DType::kInt16:
      return &Kernel<int16_t, Op>;
    case DType::kUint16:
      return &Kernel<uint16_t, Op>;
    case DType::kInt32:
      return &Kernel<int32_t, Op>;
    case DType::kUint32:
      return &Kernel<uint32_t, Op>;
    case DType::kInt64:
      return &Kernel<int64_t, Op>;
    case DType::kUint64:
      return &Kernel<uint64_t, Op>;
    default:
      return nullptr;
  }
}

}  // namespace

ReduceFn ReduceFunction(DType dtype, ReduceOp op) {
  switch (op) {
    case ReduceOp::kAdd:
      return ForDType<Add>(dtype);
    case ReduceOp::kMax:
      return ForDType<Max>(dtype);
    case ReduceOp::kMin:
      return ForDType<Min>(dtype);
  }
  return nullptr;
}

const char* ReduceOpName(ReduceOp op) {
  switch (op) {
    case ReduceOp::kAdd:
      return "add";
    case ReduceOp::kMax:
      return "max";
    case ReduceOp::kMin:
      return "min";
  }
  return "?";
}

}  // namespace nrtb
