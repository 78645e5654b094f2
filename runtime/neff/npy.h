// NumPy .npy files (format versions 1.0, 2.0 and 3.0): the constants of a CPU graph.
//
// Only little-endian, C-ordered data of these descrs is read and written:
//   '<f4' float32   '<f2' float16   '|i1' int8    '|u1' uint8   '<i2' int16   '<u2' uint16
//   '<i4' int32     '<u4' uint32    '<i8' int64   '<u8' uint64
// ('<' and '|' are both accepted for the one-byte types). NumPy has no bfloat16: arrays saved from
// ml_dtypes' bfloat16 carry the raw 2-byte descr '<V2' (or '|V2'), which says nothing about the
// encoding, so it is read as bfloat16 only when the caller expects bfloat16, and bfloat16 is
// written as '<V2'. fortran_order True is accepted only when at most one dim exceeds 1 (where both
// orders store the same bytes). The data must be exactly product(shape) * itemsize bytes.
#pragma once

#include <string>
#include <string_view>

#include "runtime/neff/dtype.h"
#include "runtime/neff/shape_inference.h"

namespace nrtb {

// Largest header accepted (NumPy itself refuses headers over 10000 bytes by default).
inline constexpr size_t kMaxNpyHeaderBytes = 65536;

struct NpyArray {
  DType dtype = DType::kUnknown;
  Shape shape;
  std::string_view data;  // points into the buffer given to ParseNpy
};

// Parses a whole .npy file held in memory. `what` names it in errors ("constant 'w' (w.npy)").
// Throws Error(NRT_INVALID, "<what>: <problem>") for anything malformed, truncated or unsupported.
NpyArray ParseNpy(std::string_view file, std::string_view what, bool raw2_is_bfloat16);

// A format 1.0 .npy file holding `data`, which must be
// product(shape) * DTypeSize(dtype) bytes. Throws Error(NRT_INVALID, ...) otherwise, or for a
// dtype without a descr above.
std::string WriteNpy(DType dtype, const Shape& shape, std::string_view data);

}  // namespace nrtb
