// Shapes and the per-op shape inference of CPU graphs. Each Infer* function checks its operands,
// returns the output shape with the iteration plan the kernel follows, and throws
// Error(NRT_INVALID, ...) describing the mismatch (the caller adds which node it was).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nrtb {

using Shape = std::vector<uint32_t>;

inline constexpr size_t kMaxRank = 32;

// "[2, 3]"; "[]" for a scalar.
std::string ShapeToString(const Shape& shape);

// Product of the dims (1 for a scalar). Throws if it does not fit in 64 bits.
uint64_t ElementCount(const Shape& shape);

// Row-major element strides of `shape`.
std::vector<uint64_t> RowMajorStrides(const Shape& shape);

// An axis in [-rank, rank) as an index in [0, rank).
size_t NormalizeAxis(int64_t axis, size_t rank);

// numpy broadcasting of two operands: shapes are right-aligned and each pair of dims must be equal
// or one of them 1. Strides are per output dim, in elements of each operand, 0 where it repeats.
struct BroadcastPlan {
  Shape out;
  std::vector<uint64_t> a_strides;
  std::vector<uint64_t> b_strides;
  bool same_shape = false;  // no broadcasting at all: a flat loop does
  // One operand is a single element and the other has as many elements as the output (x + 1): a flat loop
  // against the single value does.
  bool a_scalar = false, b_scalar = false;
};
BroadcastPlan InferBroadcast(const Shape& a, const Shape& b);

// a [..., M, K] x b [..., K, N] -> [..., M, N]; the leading (batch) dims broadcast as numpy.matmul.
struct MatMulPlan {
  uint64_t m = 0, k = 0, n = 0;
  BroadcastPlan batch;  // over the batch dims; strides count whole matrices
  Shape out;
};
MatMulPlan InferMatMul(const Shape& a, const Shape& b);

// A tensor seen as [outer, axis_len, inner] around one axis (softmax).
struct AxisPlan {
  uint64_t outer = 1, axis_len = 1, inner = 1;
};
AxisPlan InferAxis(const Shape& shape, int64_t axis);

// out[i_0..] = in[i_perm[0]..]: out dim d is in dim perm[d]. An empty perm reverses the dims.
struct TransposePlan {
  Shape out;
  std::vector<uint64_t> in_strides;  // per output dim, the input stride it walks
};
TransposePlan InferTranspose(const Shape& in, const std::vector<int64_t>& perm);

// The target shape of a reshape: dims >= 1, at most one -1 (inferred); element counts must agree.
Shape InferReshape(const Shape& in, const std::vector<int64_t>& target);

// Sum over `axes` (empty = all; negative counted from the end; no repeats). Reduced dims are kept
// as 1 with keepdims, dropped otherwise.
struct ReducePlan {
  Shape in;
  Shape out;
  std::vector<uint64_t> out_strides;  // per input dim, the output stride it maps to (0 if reduced)
};
ReducePlan InferReduce(const Shape& in, const std::vector<int64_t>& axes, bool keepdims);

}  // namespace nrtb
