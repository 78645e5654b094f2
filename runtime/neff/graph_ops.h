// The op set of graph.json: for each op its arity, dtype rules and attrs, checked together with
// shape inference by CompileOp at Parse time, and its execution by RunOp. The schema is documented
// in samples/models/README.md.
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "runtime/neff/cpu_ops.h"
#include "runtime/neff/dtype.h"
#include "runtime/neff/graph_json.h"
#include "runtime/neff/shape_inference.h"

namespace nrtb {

struct ValueType {
  DType dtype = DType::kUnknown;
  Shape shape;
};

struct BinaryStep {
  BinaryOp op;
  BroadcastPlan plan;
  FlatBinaryKernel flat = nullptr;  // the whole op when not null (FlatBinaryKernelFor)
  uint64_t count = 0;               // output elements, for `flat`
};
struct UnaryStep {
  UnaryOp op;
  UnaryParams params;
  uint64_t count;
};
struct SoftmaxStep {
  AxisPlan plan;
};
struct LayerNormStep {
  uint64_t rows, cols;
  double eps;
  bool has_gamma, has_beta;
};
struct TransposeStep {
  uint32_t element_size;
  TransposePlan plan;
};
struct CopyStep {  // reshape: same bytes, new shape
  uint64_t bytes;
};
struct CastStep {
  DType to;
  uint64_t count;
};

// An op checked against its inputs, ready to run: what to do and the plan to do it with.
struct CompiledOp {
  DType dtype = DType::kUnknown;  // of the (first) input
  std::variant<BinaryStep, UnaryStep, MatMulPlan, SoftmaxStep, LayerNormStep, TransposeStep, CopyStep, ReducePlan,
               CastStep>
      step;
};

// Checks op `name` (arity, input dtypes, attrs: an object, or null when the node has none) against
// the input types, infers the output type into *out and returns the compiled op. Throws
// Error(NRT_INVALID, "<problem>"); the caller says which node.
CompiledOp CompileOp(std::string_view name, const graph_json::Json& attrs, const std::vector<ValueType>& inputs,
                     ValueType* out);

// Runs a compiled op: inputs[i] and output are the buffers of the types CompileOp saw.
void RunOp(const CompiledOp& op, const void* const* inputs, void* output);

}  // namespace nrtb
