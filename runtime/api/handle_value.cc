#include "runtime/api/handle_value.h"

#include <atomic>

namespace nrtb {

uintptr_t NewHandleValue(HandleKind kind) {
  static std::atomic<uintptr_t> next_serial{1};
  return next_serial.fetch_add(1, std::memory_order_relaxed) << 4 | static_cast<uintptr_t>(kind);
}

std::atomic<uint64_t> g_handle_epoch{1};

}  // namespace nrtb
