// Kernels of the CPU graph ops. Each works on raw, densely packed row-major buffers whose dtype and
// shape were checked at Parse time (the plans come from shape_inference.h). Single-threaded,
// no shared state: safe to call concurrently. Float math is done in double (matmul: float32 via
// Eigen) and rounded once to the output dtype, nearest even. Long kernels call CheckComputeInterrupt
// (core/compute_interrupt.h) between chunks, so under an execution unit's limits they may throw
// ComputeInterrupted; subnormals follow the calling thread's mode (core/denormal_mode.h).
#pragma once

#include <cstdint>

#include "runtime/neff/dtype.h"
#include "runtime/neff/shape_inference.h"

namespace nrtb {

enum class BinaryOp { kAdd, kSub, kMul, kDiv };
enum class UnaryOp { kScale, kRelu, kGeluErf, kGeluTanh, kTanh, kSigmoid, kExp };

struct UnaryParams {
  double scale = 1.0;  // kScale: y = x * scale + bias
  double bias = 0.0;
};

// Elementwise a op b with numpy broadcasting. Integers wrap (two's complement); integer division
// truncates toward zero, INT_MIN / -1 wraps to INT_MIN, and division by zero throws
// Error(NRT_EXEC_BAD_INPUT).
void RunBinary(BinaryOp op, DType dtype, const BroadcastPlan& plan, const void* a, const void* b, void* out);

// RunBinary for one op, dtype and flat plan (same shapes, or one operand a single element), chosen once when the
// graph is compiled: a call of one of these is the whole kernel, with no dispatch and no chunking (for a small
// model's op the dispatch was most of the op's instructions, bench/README.md, issue 11). Same results as RunBinary.
using FlatBinaryKernel = void (*)(const void* a, const void* b, void* out, uint64_t count);
// The kernel for `plan`, or null when the plan is not flat or has more elements than one uninterrupted chunk
// (RunBinary checks for interruption between chunks).
FlatBinaryKernel FlatBinaryKernelFor(BinaryOp op, DType dtype, const BroadcastPlan& plan);

// Elementwise unary op over `count` elements. Integers: kRelu only.
void RunUnary(UnaryOp op, DType dtype, const UnaryParams& params, uint64_t count, const void* in, void* out);

// Batched matrix product. fp16/bf16 operands are widened to float32, multiplied, rounded back.
void RunMatMul(DType dtype, const MatMulPlan& plan, const void* a, const void* b, void* out);

// exp(x - max) / sum(exp(x - max)) along the plan's axis.
void RunSoftmax(DType dtype, const AxisPlan& plan, const void* in, void* out);

// (x - mean) / sqrt(var + eps) * gamma + beta over each row of `cols` elements (biased variance).
// gamma and beta hold `cols` elements each, or are null (1 and 0).
void RunLayerNorm(DType dtype, uint64_t rows, uint64_t cols, double eps, const void* x, const void* gamma,
                  const void* beta, void* out);

// Permutes dims; works for any element size of 1, 2, 4 or 8 bytes.
void RunTranspose(uint32_t element_size, const TransposePlan& plan, const void* in, void* out);

// Sum over the plan's axes: floats accumulate in double, int32 in int64 then wraps to 32 bits.
void RunReduceSum(DType dtype, const ReducePlan& plan, const void* in, void* out);

// Converts `count` elements (policy in element.h: ConvertElement).
void RunCast(DType from, DType to, uint64_t count, const void* in, void* out);

}  // namespace nrtb
