#include "runtime/api/session.h"

#include <atomic>

namespace nrtb {
std::atomic<Session*> g_current_session{nullptr};

void SetCurrentSession(Session* s) {
  g_current_session.store(s, std::memory_order_release);
  Device::SetCurrent(s != nullptr ? &s->device() : nullptr);
}

}  // namespace nrtb
