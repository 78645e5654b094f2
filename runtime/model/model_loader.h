// Turning NEFF bytes into a model on a logical core: parse and validate the NEFF, build its CPU graph (or
// take its signature for a compiled NEFF), and reserve its device memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "runtime/model/model.h"

namespace nrtb {

struct LoadOptions {
  uint32_t lnc = 0;
  uint32_t runtime_lnc_size = 2;
  uint64_t default_exec_time_ns = 0;
  std::shared_ptr<MemoryPool> pool;
};

// Throws Error(NRT_INVALID / NRT_UNSUPPORTED_NEFF_VERSION / NRT_RESOURCE, "...").
ModelRef LoadModel(const void* neff, size_t size, const LoadOptions& options);

}  // namespace nrtb
