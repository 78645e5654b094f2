#include "runtime/api/handle_value.h"

#include <atomic>

namespace nrtb {

uintptr_t NewHandleValue(HandleKind kind) {
  static std::atomic<uintptr_t> next_serial{1};
  return next_serial.fetch_add(1, std::memory_order_relaxed) << 4 | static_cast<uintptr_t>(kind);
}

std::atomic<uint64_t>& HandleEpoch() {
  static std::atomic<uint64_t> epoch{1};
  return epoch;
}

}  // namespace nrtb
