#include "runtime/core/lifecycle.h"

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <new>
#include <thread>

#include "runtime/core/thread_slots.h"

namespace nrtb {
namespace {

// Re-created in place in the fork child: a parent thread that held it at fork time does not exist there, so it
// would never be unlocked. (Ending the old object's lifetime without its destructor is fine: it owns nothing.)
std::mutex g_transition_mu;

// The parent's threads do not exist in the child: an initialised runtime there is unusable (every call fails,
// as in the SDK), and pins or the transition mutex held by parent threads will never be released.
void OnForkChild() {
  ResetThreadSlotsInChild();
  new (&g_transition_mu) std::mutex();  // the child runs this single-threaded, before anything else
  if (g_lifecycle_state.load(std::memory_order_relaxed) == State::kInit)
    g_lifecycle_state.store(State::kChild, std::memory_order_relaxed);
}

struct LifecycleAtFork {
  LifecycleAtFork() { pthread_atfork(nullptr, nullptr, OnForkChild); }
} g_lifecycle_atfork;

}  // namespace

std::atomic<State> g_lifecycle_state{State::kStart};

State CurrentState() { return g_lifecycle_state.load(std::memory_order_seq_cst); }

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

void SetState(State s) { g_lifecycle_state.store(s, std::memory_order_seq_cst); }

bool TryPin() { return PinSlot(MySlot()); }

// Release: what the call did happens-before the transition that sees the slot unpinned.
void Unpin() { MySlot().pinned.store(0, std::memory_order_release); }

void WaitUntilUnpinned() {
  // Pins are held for the length of one API call, and nrt_close has already completed every request a pinned
  // call could wait for, so this is short; polling keeps the unpin path a single plain store.
  HeavyBarrier();
  auto pause = std::chrono::microseconds(20);
  while (AnySlotPinned()) {
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(1000));
  }
}

}  // namespace nrtb
