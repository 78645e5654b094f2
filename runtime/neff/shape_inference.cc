#include "runtime/neff/shape_inference.h"

#include <algorithm>
#include <cinttypes>
#include <limits>

#include "runtime/core/error.h"

namespace nrtb {
namespace {

// Strides of `shape` (as an operand of a broadcast to `out_rank` dims), 0 where a dim of 1 repeats.
std::vector<uint64_t> BroadcastStrides(const Shape& shape, size_t out_rank) {
  std::vector<uint64_t> strides(out_rank, 0);
  const std::vector<uint64_t> own = RowMajorStrides(shape);
  const size_t lead = out_rank - shape.size();
  for (size_t d = 0; d < shape.size(); ++d) strides[lead + d] = shape[d] == 1 ? 0 : own[d];
  return strides;
}

std::string DimsToString(const std::vector<int64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(dims[i]);
  }
  return s + "]";
}

Shape Prefix(const Shape& shape, size_t drop_last) {
  return Shape(shape.begin(), shape.end() - static_cast<ptrdiff_t>(drop_last));
}

}  // namespace

std::string ShapeToString(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

uint64_t ElementCount(const Shape& shape) {
  uint64_t count = 1;
  for (uint32_t d : shape) {
    if (d != 0 && count > std::numeric_limits<uint64_t>::max() / d) {
      ThrowInvalid("shape %s has more than 2^64 elements", ShapeToString(shape).c_str());
    }
    count *= d;
  }
  return count;
}

std::vector<uint64_t> RowMajorStrides(const Shape& shape) {
  std::vector<uint64_t> strides(shape.size());
  uint64_t stride = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    strides[d] = stride;
    stride *= shape[d];
  }
  return strides;
}

size_t NormalizeAxis(int64_t axis, size_t rank) {
  const int64_t r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r) ThrowInvalid("axis %" PRId64 " is out of range for rank %zu", axis, rank);
  return static_cast<size_t>(axis < 0 ? axis + r : axis);
}

BroadcastPlan InferBroadcast(const Shape& a, const Shape& b) {
  BroadcastPlan plan;
  const size_t rank = std::max(a.size(), b.size());
  plan.out.resize(rank);
  for (size_t i = 0; i < rank; ++i) {
    // Right-aligned: dim i of the output pairs a's and b's dims counted from the end.
    const size_t from_end = rank - 1 - i;
    const uint32_t da = from_end < a.size() ? a[a.size() - 1 - from_end] : 1;
    const uint32_t db = from_end < b.size() ? b[b.size() - 1 - from_end] : 1;
    if (da != db && da != 1 && db != 1) {
      ThrowInvalid("shapes %s and %s do not broadcast (dim %zu: %u vs %u)", ShapeToString(a).c_str(),
                   ShapeToString(b).c_str(), i, da, db);
    }
    plan.out[i] = da == 1 ? db : da;
  }
  plan.a_strides = BroadcastStrides(a, rank);
  plan.b_strides = BroadcastStrides(b, rank);
  plan.same_shape = a == b;
  const uint64_t n = ElementCount(plan.out);
  plan.b_scalar = !plan.same_shape && ElementCount(b) == 1 && ElementCount(a) == n;
  plan.a_scalar = !plan.same_shape && !plan.b_scalar && ElementCount(a) == 1 && ElementCount(b) == n;
  return plan;
}

MatMulPlan InferMatMul(const Shape& a, const Shape& b) {
  if (a.size() < 2 || b.size() < 2) {
    ThrowInvalid("operands must have rank >= 2 ([..., M, K] x [..., K, N]), got %s and %s", ShapeToString(a).c_str(),
                 ShapeToString(b).c_str());
  }
  MatMulPlan plan;
  plan.m = a[a.size() - 2];
  plan.k = a[a.size() - 1];
  plan.n = b[b.size() - 1];
  if (b[b.size() - 2] != plan.k) {
    ThrowInvalid("inner dimensions differ: a is %s (K=%" PRIu64 "), b is %s (K=%u)", ShapeToString(a).c_str(), plan.k,
                 ShapeToString(b).c_str(), b[b.size() - 2]);
  }
  plan.batch = InferBroadcast(Prefix(a, 2), Prefix(b, 2));
  plan.out = plan.batch.out;
  plan.out.push_back(static_cast<uint32_t>(plan.m));
  plan.out.push_back(static_cast<uint32_t>(plan.n));
  return plan;
}

AxisPlan InferAxis(const Shape& shape, int64_t axis) {
  if (shape.empty()) ThrowInvalid("operand must have rank >= 1, got a scalar");
  const size_t ax = NormalizeAxis(axis, shape.size());
  AxisPlan plan;
  for (size_t d = 0; d < ax; ++d) plan.outer *= shape[d];
  plan.axis_len = shape[ax];
  for (size_t d = ax + 1; d < shape.size(); ++d) plan.inner *= shape[d];
  return plan;
}

TransposePlan InferTranspose(const Shape& in, const std::vector<int64_t>& perm) {
  const size_t rank = in.size();
  std::vector<size_t> p(rank);
  if (perm.empty()) {
    for (size_t d = 0; d < rank; ++d) p[d] = rank - 1 - d;
  } else {
    if (perm.size() != rank) ThrowInvalid("perm has %zu entries for an operand of rank %zu", perm.size(), rank);
    std::vector<bool> seen(rank, false);
    for (size_t d = 0; d < rank; ++d) {
      if (perm[d] < 0 || perm[d] >= static_cast<int64_t>(rank) || seen[static_cast<size_t>(perm[d])]) {
        ThrowInvalid("perm is not a permutation of 0..%zu (entry %zu is %" PRId64 ")", rank - 1, d, perm[d]);
      }
      p[d] = static_cast<size_t>(perm[d]);
      seen[p[d]] = true;
    }
  }
  const std::vector<uint64_t> strides = RowMajorStrides(in);
  TransposePlan plan;
  for (size_t d = 0; d < rank; ++d) {
    plan.out.push_back(in[p[d]]);
    plan.in_strides.push_back(strides[p[d]]);
  }
  return plan;
}

Shape InferReshape(const Shape& in, const std::vector<int64_t>& target) {
  if (target.size() > kMaxRank) ThrowInvalid("target shape has %zu dims (max %zu)", target.size(), kMaxRank);
  const uint64_t count = ElementCount(in);
  Shape out(target.size(), 1);
  size_t inferred = target.size();
  uint64_t known = 1;
  for (size_t d = 0; d < target.size(); ++d) {
    if (target[d] == -1) {
      if (inferred != target.size()) ThrowInvalid("target shape has more than one -1");
      inferred = d;
      continue;
    }
    if (target[d] < 1 || target[d] > std::numeric_limits<uint32_t>::max()) {
      ThrowInvalid("target dim %zu is %" PRId64 " (must be -1 or in [1, 4294967295])", d, target[d]);
    }
    out[d] = static_cast<uint32_t>(target[d]);
    if (known > count / out[d]) {  // known * out[d] > count, without overflowing
      ThrowInvalid("cannot reshape %s (%" PRIu64 " elements) to %s: too many elements", ShapeToString(in).c_str(),
                   count, DimsToString(target).c_str());
    }
    known *= out[d];
  }
  if (inferred != target.size()) {
    if (count % known != 0 || count / known > std::numeric_limits<uint32_t>::max()) {
      ThrowInvalid("cannot reshape %s (%" PRIu64 " elements) to %s", ShapeToString(in).c_str(), count,
                   DimsToString(target).c_str());
    }
    out[inferred] = static_cast<uint32_t>(count / known);
  }
  if (ElementCount(out) != count) {
    ThrowInvalid("cannot reshape %s (%" PRIu64 " elements) to %s", ShapeToString(in).c_str(), count,
                 DimsToString(target).c_str());
  }
  return out;
}

ReducePlan InferReduce(const Shape& in, const std::vector<int64_t>& axes, bool keepdims) {
  std::vector<bool> reduced(in.size(), axes.empty());
  for (int64_t axis : axes) {
    const size_t ax = NormalizeAxis(axis, in.size());
    if (reduced[ax]) ThrowInvalid("axis %" PRId64 " is listed twice", axis);
    reduced[ax] = true;
  }
  ReducePlan plan;
  plan.in = in;
  for (size_t d = 0; d < in.size(); ++d) {
    if (!reduced[d]) {
      plan.out.push_back(in[d]);
    } else if (keepdims) {
      plan.out.push_back(1);
    }
  }
  // Output strides as seen from each input dim: reduced dims map to stride 0 (they all add up).
  const std::vector<uint64_t> out_strides = RowMajorStrides(plan.out);
  size_t out_dim = 0;
  for (size_t d = 0; d < in.size(); ++d) {
    if (!reduced[d]) {
      plan.out_strides.push_back(out_strides[out_dim++]);
    } else {
      plan.out_strides.push_back(0);
      if (keepdims) ++out_dim;
    }
  }
  return plan;
}

}  // namespace nrtb
