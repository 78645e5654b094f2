#include "runtime/device/timing_model.h"

#include "runtime/core/config.h"

namespace nrtb {

uint64_t DmaTiming::Cost(uint64_t bytes) const {
  // In double, then saturated: converting an out-of-range double to an integer is undefined.
  double ns = static_cast<double>(latency_ns);
  if (bytes_per_ns > 0) ns += static_cast<double>(bytes) / bytes_per_ns;
  return ns >= static_cast<double>(kMaxSimulatedNs) ? kMaxSimulatedNs : static_cast<uint64_t>(ns);
}

}  // namespace nrtb
