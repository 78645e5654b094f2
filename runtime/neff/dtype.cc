#include "runtime/neff/dtype.h"

#include <array>

namespace nrtb {
namespace {

struct NamedDType {
  DType type;
  const char* name;
};

// The names libnrt's metadata reader understands; the fp8 and fp32r encodings have none there.
constexpr std::array<NamedDType, 11> kNames = {{
    {DType::kFloat32, "float32"},
    {DType::kFloat16, "float16"},
    {DType::kBFloat16, "bfloat16"},
    {DType::kInt8, "int8"},
    {DType::kUint8, "uint8"},
    {DType::kInt16, "int16"},
    {DType::kUint16, "uint16"},
    {DType::kInt32, "int32"},
    {DType::kUint32, "uint32"},
    {DType::kInt64, "int64"},
    {DType::kUint64, "uint64"},
}};

}  // namespace

uint32_t DTypeSize(DType t) {
  switch (t) {
    case DType::kInt8:
    case DType::kUint8:
    case DType::kFp8E3:
    case DType::kFp8E4:
    case DType::kFp8E5:
      return 1;
    case DType::kInt16:
    case DType::kUint16:
    case DType::kBFloat16:
    case DType::kFloat16:
      return 2;
    case DType::kInt32:
    case DType::kUint32:
    case DType::kFloat32:
    case DType::kFp32R:
      return 4;
    case DType::kInt64:
    case DType::kUint64:
      return 8;
    case DType::kUnknown:
      return 0;
  }
  return 0;
}

std::optional<DType> DTypeFromName(std::string_view name) {
  for (const NamedDType& n : kNames) {
    if (name == n.name) return n.type;
  }
  return std::nullopt;
}

const char* DTypeName(DType t) {
  for (const NamedDType& n : kNames) {
    if (t == n.type) return n.name;
  }
  return "unknown";
}

}  // namespace nrtb
