// Element types of model inputs, outputs and graph values. Numerically identical to nrt_dtype_t
// (the hardware encodings, FLOAT32 = 0xA), so converting is a cast.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace nrtb {

enum class DType : uint32_t {
  kUnknown = 0x0,
  kUint64 = 0x1,
  kInt8 = 0x2,
  kUint8 = 0x3,
  kInt16 = 0x4,
  kUint16 = 0x5,
  kBFloat16 = 0x6,
  kFloat16 = 0x7,
  kInt32 = 0x8,
  kUint32 = 0x9,
  kFloat32 = 0xA,
  kFp32R = 0xB,
  kInt64 = 0xC,
  kFp8E3 = 0xD,
  kFp8E4 = 0xE,
  kFp8E5 = 0xF,
};

// Bytes per element; 0 for kUnknown.
uint32_t DTypeSize(DType t);
// NEFF / numpy-style names: "float32", "float16", "bfloat16", "int8", "uint8", "int16", "uint16",
// "int32", "uint32", "int64", "uint64" (the set libnrt's metadata reader maps). Unknown -> nullopt.
std::optional<DType> DTypeFromName(std::string_view name);
// Inverse of DTypeFromName; "unknown" for anything else.
const char* DTypeName(DType t);

}  // namespace nrtb
