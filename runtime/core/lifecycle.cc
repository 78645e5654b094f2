#include "runtime/core/lifecycle.h"

#include <pthread.h>

#include <atomic>

namespace nrtb {
namespace {

std::atomic<State> g_state{State::kStart};

// A forked child shares nothing usable with the parent's worker threads (they do not exist in the
// child), so every call there fails, as in the SDK.
void OnForkChild() { g_state.store(State::kChild, std::memory_order_relaxed); }

struct AtForkRegistration {
  AtForkRegistration() { pthread_atfork(nullptr, nullptr, OnForkChild); }
} g_atfork;

}  // namespace

State CurrentState() { return g_state.load(std::memory_order_acquire); }

NRT_STATUS CheckInitialized() {
  switch (CurrentState()) {
    case State::kInit: return NRT_SUCCESS;
    case State::kStart: return NRT_UNINITIALIZED;
    case State::kClosed: return NRT_CLOSED;
    case State::kChild: return NRT_FAILURE;
  }
  return NRT_FAILURE;
}

void SetState(State s) { g_state.store(s, std::memory_order_release); }

}  // namespace nrtb
