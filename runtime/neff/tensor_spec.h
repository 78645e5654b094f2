// One model input or output as the NEFF declares it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/neff/dtype.h"

namespace nrtb {

struct TensorSpec {
  std::string name;
  DType dtype = DType::kUnknown;
  std::vector<uint32_t> shape;
  uint64_t size_bytes = 0;  // product(shape) * DTypeSize(dtype), overflow-checked by whoever builds it
};

}  // namespace nrtb
