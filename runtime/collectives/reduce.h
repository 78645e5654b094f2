// Element-wise reductions of the collectives (nrt_op_type_t ADD / MAX / MIN) over the dtypes where
// they are defined: the integer dtypes (exact, wrapping as the hardware's adders do) and float32,
// float16 and bfloat16 (each step computed in float32 and rounded to the dtype, so a result is within
// the dtype's rounding of the float64 sum per step). FMA has no documented meaning for a collective;
// fp8 and fp32r have no host arithmetic here; both are refused at prepare time.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/neff/dtype.h"

namespace nrtb {

enum class ReduceOp : uint32_t { kAdd = 0, kMax = 2, kMin = 3 };  // nrt_op_type_t values

// dst[i] = a[i] op b[i] for n elements; dst may alias a or b (element-wise, same index).
using ReduceFn = void (*)(void* dst, const void* a, const void* b, size_t n);

// The kernel for (dtype, op), or null when the reduction is not defined for that dtype.
ReduceFn ReduceFunction(DType dtype, ReduceOp op);
// Name for log lines: "add", "max", "min".
const char* ReduceOpName(ReduceOp op);

}  // namespace nrtb
