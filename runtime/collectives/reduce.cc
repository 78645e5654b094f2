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

// Element-wise loops in blocks of a fixed length: GCC's -O2 vectorizer (its "very cheap" cost model)
// only vectorizes a loop whose trip count it knows, and `__restrict` tells it the block's stores cannot
// change its loads. The in-place form covers dst == a; Kernel below picks the form. Each instruction set
// is a struct of the two loops, so that Kernel's choice of form is written once for all of them.
template <class T>
constexpr size_t kBlock = 128 / sizeof(T);

#define NRTB_REDUCE_LOOPS(NAME, ATTR)                                                                   \
  struct NAME {                                                                                         \
    template <class T, class Op>                                                                        \
    ATTR static size_t Apart(T* __restrict d, const T* __restrict x, const T* __restrict y, size_t n) { \
      size_t i = 0;                                                                                     \
      for (; i + kBlock<T> <= n; i += kBlock<T>)                                                        \
        for (size_t j = 0; j < kBlock<T>; ++j) d[i + j] = Op::Apply(x[i + j], y[i + j]);                \
      return i;                                                                                         \
    }                                                                                                   \
    template <class T, class Op>                                                                        \
    ATTR static size_t InPlace(T* __restrict d, const T* __restrict y, size_t n) {                      \
      size_t i = 0;                                                                                     \
      for (; i + kBlock<T> <= n; i += kBlock<T>)                                                        \
        for (size_t j = 0; j < kBlock<T>; ++j) d[i + j] = Op::Apply(d[i + j], y[i + j]);                \
      return i;                                                                                         \
    }                                                                                                   \
  };

NRTB_REDUCE_LOOPS(BaselineLoops, )
#if defined(__x86_64__)
// The same loops for AVX2 (twice SSE2's width), chosen at run time on CPUs that have it: the library
// itself is built for the x86-64 baseline.
NRTB_REDUCE_LOOPS(Avx2Loops, __attribute__((target("avx2"))))
#endif
#undef NRTB_REDUCE_LOOPS

bool Disjoint(const void* a, const void* b, size_t bytes) {
  const auto* p = static_cast<const char*>(a);
  const auto* q = static_cast<const char*>(b);
  return p + bytes <= q || q + bytes <= p;
}

// dst may be a or b (in place) or overlap them otherwise. The blocked loops of `Isa` take the common cases
// (dst == a, or three separate buffers); any other overlap (dst == b among them: max and min are not
// commutative with NaNs, so the operands are not swapped), and each tail, go element by element, which
// is right for any overlap where an element is read before its own store.
template <class T, class Op, class Isa>
void Kernel(void* dst, const void* a, const void* b, size_t n) {
  auto* d = static_cast<T*>(dst);
  const auto* x = static_cast<const T*>(a);
  const auto* y = static_cast<const T*>(b);
  const size_t bytes = n * sizeof(T);
  size_t i = 0;
  if (d == x && (d == y || Disjoint(d, y, bytes))) {
    i = Isa::template InPlace<T, Op>(d, y, n);
  } else if (Disjoint(d, x, bytes) && Disjoint(d, y, bytes)) {
    i = Isa::template Apart<T, Op>(d, x, y, n);
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

template <class Op, class Isa>
ReduceFn ForDType(DType dtype) {
  switch (dtype) {
    case DType::kFloat32:
      return &Kernel<float, Op, Isa>;
    case DType::kFloat16:
      return &NarrowFloatKernel<Half, Op>;
    case DType::kBFloat16:
      return &NarrowFloatKernel<BFloat16, Op>;
    case DType::kInt8:
      return &Kernel<int8_t, Op, Isa>;
    case DType::kUint8:
      return &Kernel<uint8_t, Op, Isa>;
    case DType::kInt16:
      return &Kernel<int16_t, Op, Isa>;
    case DType::kUint16:
      return &Kernel<uint16_t, Op, Isa>;
    case DType::kInt32:
      return &Kernel<int32_t, Op, Isa>;
    case DType::kUint32:
      return &Kernel<uint32_t, Op, Isa>;
    case DType::kInt64:
      return &Kernel<int64_t, Op, Isa>;
    case DType::kUint64:
      return &Kernel<uint64_t, Op, Isa>;
    default:
      return nullptr;
  }
}

template <class Op>
ReduceFn ForDType(DType dtype) {
#if defined(__x86_64__)
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx2) return ForDType<Op, Avx2Loops>(dtype);
#endif
  return ForDType<Op, BaselineLoops>(dtype);
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
