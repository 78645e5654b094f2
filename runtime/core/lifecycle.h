// The runtime's lifecycle state machine (SPEC §4.2):
//   kStart --nrt_init--> kInit --nrt_close--> kClosed --nrt_init--> kInit ...
//   fork, in the child: kInit -> kChild (sticky); kStart and kClosed stay as they are, so a process that forks
//   before nrt_init, or after nrt_close, may initialise a runtime of its own in the child.
// API calls check it first: kStart -> NRT_UNINITIALIZED, kClosed -> NRT_CLOSED, kChild -> NRT_FAILURE.
//
// Pins let nrt_close free the runtime while other threads may still be inside API calls: a call pins the
// runtime (TryPin) before it touches any runtime object and unpins when it returns; a transition first moves
// the state away from kInit (new pins fail), then waits until no pin is held (WaitUntilUnpinned) before it
// frees anything. A pin is a plain store to the calling thread's own slot (thread_slots.h), which the transition
// scans after a heavy barrier: the state and the slots are a Dekker pair whose cost the rare transition pays.
//
// Nothing here takes a lock a forked child could inherit held: the state and the slots are atomics, and
// the transition mutex is re-created in the child.
#pragma once

#include <atomic>
#include <mutex>

#include "nrt/nrt_status.h"
#include "runtime/core/thread_slots.h"

namespace nrtb {

enum class State { kStart, kInit, kClosed, kChild };

// The state word: read through the functions below (PinSlot inline, for the fast path of synchronous copies).
extern std::atomic<State> g_lifecycle_state;

State CurrentState();
// NRT_SUCCESS when initialised, else the status the state maps to.
NRT_STATUS CheckInitialized();

// Serialises nrt_init and nrt_close. Never taken in a forked child of an initialised parent (callers check
// the state first); a child gets a fresh mutex, so one held by a parent thread at fork time is never waited on.
std::unique_lock<std::mutex> LockTransitions();
// Transitions; the caller holds LockTransitions().
void SetState(State s);

// Pins the initialised runtime: true when the state is kInit, and then the runtime is not freed until
// Unpin(). False (nothing held) in any other state. One pin per thread at a time (the API layer pins once per
// outermost call).
bool TryPin();
// TryPin on a slot the caller already holds (api/copy_fast_path.h has the thread's slot in hand). The slot first,
// then the state: a transition that stored a new state and then found no slot pinned (after its HeavyBarrier)
// cannot miss this call, and this call cannot miss that state (thread_slots.h).
inline bool PinSlot(ThreadSlot& slot) {
  slot.pinned.store(1, std::memory_order_relaxed);
  LightBarrier();
  if (g_lifecycle_state.load(std::memory_order_seq_cst) == State::kInit) return true;
  slot.pinned.store(0, std::memory_order_release);
  return false;
}
void Unpin();
// Blocks until no call holds a pin. Called by a transition after it moved the state away from kInit.
void WaitUntilUnpinned();

}  // namespace nrtb
