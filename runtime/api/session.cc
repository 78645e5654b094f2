#include "runtime/api/session.h"

#include <atomic>

namespace nrtb {
namespace {
std::atomic<Session*> g_session{nullptr};
}  // namespace

Session* CurrentSession() { return g_session.load(std::memory_order_acquire); }

void SetCurrentSession(Session* s) {
  g_session.store(s, std::memory_order_release);
  Device::SetCurrent(s != nullptr ? &s->device() : nullptr);
}

}  // namespace nrtb
