#include "runtime/core/lifecycle.h"

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <new>
#include <thread>

namespace nrtb {
namespace {

std::atomic<State> g_state{State::kStart};
std::atomic<uint32_t> g_pins{0};
// Re-created in place in the fork child: a parent thread that held it at fork time does not exist there, so it
// would never be unlocked. (Ending the old object's lifetime without its destructor is fine: it owns nothing.)
std::mutex g_transition_mu;

// The parent's threads do not exist in the child: an initialised runtime there is unusable (every call fails,
// as in the SDK), and pins or the transition mutex held by parent threads will never be released.
void OnForkChild() {
  g_pins.store(0, std::memory_order_relaxed);
  new (&g_transition_mu) std::mutex();  // the child runs this single-threaded, before anything else
  if (g_state.load(std::memory_order_relaxed) == State::kInit) g_state.store(State::kChild, std::memory_order_relaxed);
}

struct AtForkRegistration {
  AtForkRegistration() { pthread_atfork(nullptr, nullptr, OnForkChild); }
} g_atfork;

}  // namespace

State CurrentState() { return g_state.load(std::memory_order_seq_cst); }

NRT_STATUS CheckInitialized() {
  switch (CurrentState()) {
    case State::kInit:
      return NRT_SUCCESS;
    case State::kStart:
      return NRT_UNINITIALIZED;
    case State::kClosed:
      return NRT_CLOSED;
    case State::kChild:
      return NRT_FAILURE;
  }
  return NRT_FAILURE;
}

std::unique_lock<std::mutex> LockTransitions() { return std::unique_lock<std::mutex>(g_transition_mu); }

void SetState(State s) { g_state.store(s, std::memory_order_seq_cst); }

bool TryPin() {
  // Count first, then look at the state (seq_cst both): a transition that stored a new state and then read zero
  // pins cannot miss this call, and this call cannot miss that state.
  g_pins.fetch_add(1, std::memory_order_seq_cst);
  if (g_state.load(std::memory_order_seq_cst) == State::kInit) return true;
  g_pins.fetch_sub(1, std::memory_order_release);
  return false;
}

void Unpin() { g_pins.fetch_sub(1, std::memory_order_release); }

void WaitUntilUnpinned() {
  // Pins are held for the length of one API call, and nrt_close has already completed every request a pinned
  // call could wait for, so this is short; polling keeps the unpin path a single atomic.
  auto pause = std::chrono::microseconds(20);
  while (g_pins.load(std::memory_order_seq_cst) != 0) {
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(1000));
  }
}

}  // namespace nrtb
