#include "runtime/neff/cpu_ops.h"

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "runtime/core/compute_interrupt.h"
#include "runtime/core/error.h"
#include "runtime/neff/element.h"

namespace nrtb {
namespace {

// Kernels check for interruption (execution timeout, shutdown) about every this many elements: well
// under a millisecond of work, and a clock read costs ~20 ns, so the check is free.
constexpr uint64_t kCheckEveryElements = uint64_t{1} << 16;

// Calls chunk(begin, end) over [0, n) in interruptible chunks.
template <class F>
void InChunks(uint64_t n, F&& chunk) {
  for (uint64_t begin = 0; begin < n; begin += kCheckEveryElements) {
    // Between chunks, not before the first: a chunk is well under a millisecond, and the graph checks between its
    // nodes. An op of one chunk (most ops of small models) then reads no clock at all.
    if (begin != 0) CheckComputeInterrupt();
    chunk(begin, std::min(n, begin + kCheckEveryElements));
  }
}

// Counts elements done and checks for interruption once per kCheckEveryElements.
class InterruptCheckpoint {
 public:
  void Done(uint64_t elements) {
    done_ += elements;
    if (done_ >= kCheckEveryElements) {
      done_ = 0;
      CheckComputeInterrupt();
    }
  }

 private:
  uint64_t done_ = 0;
};

// Calls row(offsets) for each row (all dims but the last) of `dims` in row-major order, with the
// offset of the row's first element in each of N operands; strides[k] has one entry per dim.
// A scalar is one row of one element.
template <size_t N, class F>
void ForEachRow(const Shape& dims, const std::array<const std::vector<uint64_t>*, N>& strides, F&& row) {
  std::array<uint64_t, N> offsets{};
  if (dims.empty()) {
    row(offsets);
    return;
  }
  const size_t outer_rank = dims.size() - 1;
  InterruptCheckpoint checkpoint;
  uint64_t rows = 1;
  for (size_t d = 0; d < outer_rank; ++d) rows *= dims[d];
  std::vector<uint32_t> index(outer_rank, 0);
  for (uint64_t r = 0; r < rows; ++r) {
    row(offsets);
    checkpoint.Done(dims.back());
    for (size_t d = outer_rank; d-- > 0;) {
      ++index[d];
      for (size_t k = 0; k < N; ++k) offsets[k] += (*strides[k])[d];
      if (index[d] < dims[d]) break;
      for (size_t k = 0; k < N; ++k) offsets[k] -= (*strides[k])[d] * dims[d];
      index[d] = 0;
    }
  }
}

uint64_t RowLength(const Shape& dims) { return dims.empty() ? 1 : dims.back(); }
uint64_t RowStride(const std::vector<uint64_t>& strides) { return strides.empty() ? 0 : strides.back(); }

template <class T>
double ToDouble(T v) {
  if constexpr (kIsFloatElement<T>) {
    return static_cast<float>(v);  // exact: fp16/bf16 widen to float32 without rounding
  } else {
    return v;
  }
}

// ---- binary ----

template <class T>
T IntegerBinary(BinaryOp op, T a, T b) {
  using U = std::make_unsigned_t<T>;
  // Unsigned arithmetic wraps where signed would be undefined; C++20 narrows it back modulo 2^n.
  switch (op) {
    case BinaryOp::kAdd:
      return static_cast<T>(static_cast<U>(static_cast<U>(a) + static_cast<U>(b)));
    case BinaryOp::kSub:
      return static_cast<T>(static_cast<U>(static_cast<U>(a) - static_cast<U>(b)));
    case BinaryOp::kMul:
      return static_cast<T>(static_cast<U>(static_cast<uint64_t>(static_cast<U>(a)) * static_cast<U>(b)));
    case BinaryOp::kDiv:
      if (b == 0) ThrowStatus(NRT_EXEC_BAD_INPUT, "integer division by zero");
      if constexpr (std::is_signed_v<T>) {
        if (a == std::numeric_limits<T>::min() && b == -1) return a;
      }
      return static_cast<T>(a / b);
  }
  return T{};
}

template <class T>
T FloatBinary(BinaryOp op, T a, T b) {
  const double x = ToDouble(a), y = ToDouble(b);
  double r = 0;
  switch (op) {
    case BinaryOp::kAdd:
      r = x + y;
      break;
    case BinaryOp::kSub:
      r = x - y;
      break;
    case BinaryOp::kMul:
      r = x * y;
      break;
    case BinaryOp::kDiv:
      r = x / y;
      break;
  }
  return RoundToFloatElement<T>(r);
}

template <class T>
T ApplyBinary(BinaryOp op, T a, T b) {
  if constexpr (kIsFloatElement<T>) {
    return FloatBinary(op, a, b);
  } else {
    return IntegerBinary(op, a, b);
  }
}

template <class T>
void BinaryTyped(BinaryOp op, const BroadcastPlan& plan, const T* a, const T* b, T* out) {
  if (plan.same_shape) {
    InChunks(ElementCount(plan.out), [&](uint64_t begin, uint64_t end) {
      for (uint64_t i = begin; i < end; ++i) out[i] = ApplyBinary(op, a[i], b[i]);
    });
    return;
  }
  if (plan.a_scalar || plan.b_scalar) {
    const T* full = plan.b_scalar ? a : b;
    const T single = plan.b_scalar ? *b : *a;
    InChunks(ElementCount(plan.out), [&](uint64_t begin, uint64_t end) {
      if (plan.b_scalar) {
        for (uint64_t i = begin; i < end; ++i) out[i] = ApplyBinary(op, full[i], single);
      } else {
        for (uint64_t i = begin; i < end; ++i) out[i] = ApplyBinary(op, single, full[i]);
      }
    });
    return;
  }
  const uint64_t len = RowLength(plan.out);
  const uint64_t sa = RowStride(plan.a_strides), sb = RowStride(plan.b_strides);
  T* dst = out;
  ForEachRow<2>(plan.out, {&plan.a_strides, &plan.b_strides}, [&](const std::array<uint64_t, 2>& off) {
    const T* pa = a + off[0];
    const T* pb = b + off[1];
    for (uint64_t i = 0; i < len; ++i) *dst++ = ApplyBinary(op, pa[i * sa], pb[i * sb]);
  });
}

// ---- unary ----

double FloatUnary(UnaryOp op, const UnaryParams& p, double x) {
  switch (op) {
    case UnaryOp::kScale:
      return x * p.scale + p.bias;
    case UnaryOp::kRelu:
      return x < 0 ? 0.0 : x;
    case UnaryOp::kGeluErf:
      return 0.5 * x * (1.0 + std::erf(x * std::numbers::sqrt2 / 2));
    case UnaryOp::kGeluTanh: {
      const double c = std::sqrt(2.0 / std::numbers::pi);
      return 0.5 * x * (1.0 + std::tanh(c * (x + 0.044715 * x * x * x)));
    }
    case UnaryOp::kTanh:
      return std::tanh(x);
    case UnaryOp::kSigmoid:
      return 1.0 / (1.0 + std::exp(-x));
    case UnaryOp::kExp:
      return std::exp(x);
  }
  return x;
}

template <class T>
void UnaryTyped(UnaryOp op, const UnaryParams& p, uint64_t n, const T* in, T* out) {
  if constexpr (kIsFloatElement<T>) {
    InChunks(n, [&](uint64_t begin, uint64_t end) {
      for (uint64_t i = begin; i < end; ++i) out[i] = RoundToFloatElement<T>(FloatUnary(op, p, ToDouble(in[i])));
    });
  } else {
    if (op != UnaryOp::kRelu) ThrowInvalid("integer operands support relu only");
    InChunks(n, [&](uint64_t begin, uint64_t end) {
      for (uint64_t i = begin; i < end; ++i) out[i] = in[i] < 0 ? T{0} : in[i];
    });
  }
}

// ---- matmul ----

using RowMajorMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// A product of more multiply-adds than this (~10 ms) runs in blocks of rows with an interruption
// check between them; a block keeps at least kMinBlockRows rows so Eigen still runs a full GEMM.
constexpr uint64_t kMatMulBlockMacs = uint64_t{1} << 26;
constexpr uint64_t kMinBlockRows = 16;

void MatMulFloat(const MatMulPlan& p, const float* a, const float* b, float* c) {
  const auto k = static_cast<Eigen::Index>(p.k), n = static_cast<Eigen::Index>(p.n);
  const uint64_t row_macs = std::max<uint64_t>(1, p.k * p.n);
  const uint64_t block =
      p.m * row_macs <= kMatMulBlockMacs ? p.m : std::max(kMinBlockRows, kMatMulBlockMacs / row_macs);
  for (uint64_t r = 0; r < p.m; r += block) {
    CheckComputeInterrupt();
    const auto rows = static_cast<Eigen::Index>(std::min(block, p.m - r));
    Eigen::Map<RowMajorMatrix>(c + r * p.n, rows, n).noalias() =
        Eigen::Map<const RowMajorMatrix>(a + r * p.k, rows, k) * Eigen::Map<const RowMajorMatrix>(b, k, n);
  }
}

// Runs one [M,K]x[K,N] product per output batch index, each operand at its broadcast offset.
template <class F>
void ForEachBatch(const MatMulPlan& p, F&& product) {
  const uint64_t a_size = p.m * p.k, b_size = p.k * p.n, c_size = p.m * p.n;
  const uint64_t len = RowLength(p.batch.out);
  const uint64_t sa = RowStride(p.batch.a_strides), sb = RowStride(p.batch.b_strides);
  uint64_t c_off = 0;
  ForEachRow<2>(p.batch.out, {&p.batch.a_strides, &p.batch.b_strides}, [&](const std::array<uint64_t, 2>& off) {
    for (uint64_t i = 0; i < len; ++i, c_off += c_size) {
      product((off[0] + i * sa) * a_size, (off[1] + i * sb) * b_size, c_off);
    }
  });
}

template <class T>
void MatMulTyped(const MatMulPlan& p, const T* a, const T* b, T* c) {
  if constexpr (std::is_same_v<T, float>) {
    ForEachBatch(p, [&](uint64_t ao, uint64_t bo, uint64_t co) { MatMulFloat(p, a + ao, b + bo, c + co); });
  } else {
    std::vector<float> fa(p.m * p.k), fb(p.k * p.n), fc(p.m * p.n);
    ForEachBatch(p, [&](uint64_t ao, uint64_t bo, uint64_t co) {
      std::transform(a + ao, a + ao + fa.size(), fa.begin(), [](T v) { return static_cast<float>(v); });
      std::transform(b + bo, b + bo + fb.size(), fb.begin(), [](T v) { return static_cast<float>(v); });
      MatMulFloat(p, fa.data(), fb.data(), fc.data());
      std::transform(fc.begin(), fc.end(), c + co, [](float v) { return T(v); });
    });
  }
}

// ---- softmax, layernorm ----

template <class T>
void SoftmaxTyped(const AxisPlan& p, const T* in, T* out) {
  std::vector<double> e(p.axis_len);
  InterruptCheckpoint checkpoint;
  for (uint64_t o = 0; o < p.outer; ++o) {
    for (uint64_t i = 0; i < p.inner; ++i) {
      checkpoint.Done(p.axis_len);
      const uint64_t base = o * p.axis_len * p.inner + i;
      double max = -std::numeric_limits<double>::infinity();
      for (uint64_t j = 0; j < p.axis_len; ++j) max = std::max(max, ToDouble(in[base + j * p.inner]));
      double sum = 0;
      for (uint64_t j = 0; j < p.axis_len; ++j) sum += e[j] = std::exp(ToDouble(in[base + j * p.inner]) - max);
      for (uint64_t j = 0; j < p.axis_len; ++j) out[base + j * p.inner] = RoundToFloatElement<T>(e[j] / sum);
    }
  }
}

template <class T>
void LayerNormTyped(uint64_t rows, uint64_t cols, double eps, const T* x, const T* gamma, const T* beta, T* out) {
  InterruptCheckpoint checkpoint;
  for (uint64_t r = 0; r < rows; ++r) {
    checkpoint.Done(cols);
    const T* row = x + r * cols;
    double mean = 0;
    for (uint64_t j = 0; j < cols; ++j) mean += ToDouble(row[j]);
    mean /= static_cast<double>(cols);
    double var = 0;
    for (uint64_t j = 0; j < cols; ++j) var += (ToDouble(row[j]) - mean) * (ToDouble(row[j]) - mean);
    const double inv_std = 1.0 / std::sqrt(var / static_cast<double>(cols) + eps);
    for (uint64_t j = 0; j < cols; ++j) {
      double y = (ToDouble(row[j]) - mean) * inv_std;
      if (gamma) y *= ToDouble(gamma[j]);
      if (beta) y += ToDouble(beta[j]);
      out[r * cols + j] = RoundToFloatElement<T>(y);
    }
  }
}

// ---- transpose, reduce, cast ----

template <class E>
void TransposeTyped(const TransposePlan& p, const E* in, E* out) {
  const uint64_t len = RowLength(p.out), stride = RowStride(p.in_strides);
  E* dst = out;
  ForEachRow<1>(p.out, {&p.in_strides}, [&](const std::array<uint64_t, 1>& off) {
    const E* src = in + off[0];
    for (uint64_t i = 0; i < len; ++i) *dst++ = src[i * stride];
  });
}

template <class T>
void ReduceSumTyped(const ReducePlan& p, const T* in, T* out) {
  using Acc = std::conditional_t<kIsFloatElement<T>, double, int64_t>;
  std::vector<Acc> acc(ElementCount(p.out), Acc{0});
  const uint64_t len = RowLength(p.in), stride = RowStride(p.out_strides);
  const T* src = in;
  ForEachRow<1>(p.in, {&p.out_strides}, [&](const std::array<uint64_t, 1>& off) {
    Acc* dst = acc.data() + off[0];
    for (uint64_t i = 0; i < len; ++i) {
      if constexpr (kIsFloatElement<T>) {
        dst[i * stride] += ToDouble(*src++);
      } else {
        dst[i * stride] += *src++;
      }
    }
  });
  for (size_t i = 0; i < acc.size(); ++i) {
    if constexpr (kIsFloatElement<T>) {
      out[i] = RoundToFloatElement<T>(acc[i]);
    } else {
      out[i] = static_cast<T>(static_cast<uint32_t>(acc[i]));
    }
  }
}

}  // namespace

void RunBinary(BinaryOp op, DType dtype, const BroadcastPlan& plan, const void* a, const void* b, void* out) {
  VisitElement(dtype, [&](auto tag) {
    using T = decltype(tag);
    BinaryTyped(op, plan, static_cast<const T*>(a), static_cast<const T*>(b), static_cast<T*>(out));
  });
}

namespace {

enum class FlatShape { kSame, kScalarA, kScalarB };

// The flat loops of BinaryTyped, for one op and shape fixed at compile time.
template <BinaryOp kOp, class T, FlatShape kShape>
void FlatBinary(const void* a_raw, const void* b_raw, void* out_raw, uint64_t count) {
  const T* a = static_cast<const T*>(a_raw);
  const T* b = static_cast<const T*>(b_raw);
  T* out = static_cast<T*>(out_raw);
  if constexpr (kShape == FlatShape::kSame) {
    for (uint64_t i = 0; i < count; ++i) out[i] = ApplyBinary(kOp, a[i], b[i]);
  } else if constexpr (kShape == FlatShape::kScalarB) {
    const T single = *b;
    for (uint64_t i = 0; i < count; ++i) out[i] = ApplyBinary(kOp, a[i], single);
  } else {
    const T single = *a;
    for (uint64_t i = 0; i < count; ++i) out[i] = ApplyBinary(kOp, single, b[i]);
  }
}

template <BinaryOp kOp, class T>
FlatBinaryKernel FlatBinaryOf(const BroadcastPlan& plan) {
  if (plan.same_shape) return &FlatBinary<kOp, T, FlatShape::kSame>;
  if (plan.b_scalar) return &FlatBinary<kOp, T, FlatShape::kScalarB>;
  if (plan.a_scalar) return &FlatBinary<kOp, T, FlatShape::kScalarA>;
  return nullptr;
}

}  // namespace

FlatBinaryKernel FlatBinaryKernelFor(BinaryOp op, DType dtype, const BroadcastPlan& plan) {
  if (ElementCount(plan.out) > kCheckEveryElements) return nullptr;
  return VisitElement(dtype, [&](auto tag) -> FlatBinaryKernel {
    using T = decltype(tag);
    switch (op) {
      case BinaryOp::kAdd:
        return FlatBinaryOf<BinaryOp::kAdd, T>(plan);
      case BinaryOp::kSub:
        return FlatBinaryOf<BinaryOp::kSub, T>(plan);
      case BinaryOp::kMul:
        return FlatBinaryOf<BinaryOp::kMul, T>(plan);
      case BinaryOp::kDiv:
        return FlatBinaryOf<BinaryOp::kDiv, T>(plan);
    }
    return nullptr;
  });
}

void RunUnary(UnaryOp op, DType dtype, const UnaryParams& params, uint64_t count, const void* in, void* out) {
  VisitElement(dtype, [&](auto tag) {
    using T = decltype(tag);
    UnaryTyped(op, params, count, static_cast<const T*>(in), static_cast<T*>(out));
  });
}

void RunMatMul(DType dtype, const MatMulPlan& plan, const void* a, const void* b, void* out) {
  VisitFloatElement(dtype, [&](auto tag) {
    using T = decltype(tag);
    MatMulTyped(plan, static_cast<const T*>(a), static_cast<const T*>(b), static_cast<T*>(out));
  });
}

void RunSoftmax(DType dtype, const AxisPlan& plan, const void* in, void* out) {
  VisitFloatElement(dtype, [&](auto tag) {
    using T = decltype(tag);
    SoftmaxTyped(plan, static_cast<const T*>(in), static_cast<T*>(out));
  });
}

void RunLayerNorm(DType dtype, uint64_t rows, uint64_t cols, double eps, const void* x, const void* gamma,
                  const void* beta, void* out) {
  VisitFloatElement(dtype, [&](auto tag) {
    using T = decltype(tag);
    LayerNormTyped(rows, cols, eps, static_cast<const T*>(x), static_cast<const T*>(gamma), static_cast<const T*>(beta),
                   static_cast<T*>(out));
  });
}

void RunTranspose(uint32_t element_size, const TransposePlan& plan, const void* in, void* out) {
  switch (element_size) {
    case 1:
      return TransposeTyped(plan, static_cast<const uint8_t*>(in), static_cast<uint8_t*>(out));
    case 2:
      return TransposeTyped(plan, static_cast<const uint16_t*>(in), static_cast<uint16_t*>(out));
    case 4:
      return TransposeTyped(plan, static_cast<const uint32_t*>(in), static_cast<uint32_t*>(out));
    case 8:
      return TransposeTyped(plan, static_cast<const uint64_t*>(in), static_cast<uint64_t*>(out));
    default:
      ThrowInvalid("transpose: unsupported element size %u", element_size);
  }
}

void RunReduceSum(DType dtype, const ReducePlan& plan, const void* in, void* out) {
  if (dtype != DType::kInt32) {
    VisitFloatElement(dtype, [&](auto tag) {
      using T = decltype(tag);
      ReduceSumTyped(plan, static_cast<const T*>(in), static_cast<T*>(out));
    });
    return;
  }
  ReduceSumTyped(plan, static_cast<const int32_t*>(in), static_cast<int32_t*>(out));
}

void RunCast(DType from, DType to, uint64_t count, const void* in, void* out) {
  VisitElement(from, [&](auto from_tag) {
    using From = decltype(from_tag);
    VisitElement(to, [&](auto to_tag) {
      using To = decltype(to_tag);
      const From* src = static_cast<const From*>(in);
      To* dst = static_cast<To*>(out);
      InChunks(count, [&](uint64_t begin, uint64_t end) {
        for (uint64_t i = begin; i < end; ++i) dst[i] = ConvertElement<To>(src[i]);
      });
    });
  });
}

}  // namespace nrtb
