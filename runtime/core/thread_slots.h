// Per-thread "in a call" words, read by the rare thread that must wait for calls (nrt_close, nrt_tensor_free,
// nrt_tensor_attach_buffer), instead of a shared counter every call increments and decrements.
//
// Each thread that makes API calls owns one slot (claimed on its first call, handed to a later thread when it
// exits, never freed). A call marks its slot with plain stores; the waiting side pays for the ordering:
//   call:    slot.store(x); LightBarrier(); load the shared state (runtime state, handle epoch, change bit)
//   waiter:  store the shared state; HeavyBarrier(); scan every slot for x
// This is a Dekker pair: either the call sees the waiter's store and backs off, or the waiter sees the slot and
// waits. HeavyBarrier is membarrier(PRIVATE_EXPEDITED), which runs a full barrier on every thread of the
// process, so LightBarrier only has to stop the compiler; where membarrier is unavailable LightBarrier is a full
// fence (the slots still save the shared cache line every call wrote).
#pragma once

#include <atomic>
#include <cstdint>

namespace nrtb {

struct alignas(64) ThreadSlot {
  std::atomic<uint32_t> pinned{0};           // the thread holds the lifecycle pin (lifecycle.h)
  std::atomic<const void*> hazard{nullptr};  // an object the thread's call uses without owning a reference
  std::atomic<bool> owned{false};            // a live thread owns the slot
  ThreadSlot* next = nullptr;                // the process's list of slots; written once, before publication
};

// Inline: every API call reaches its slot twice (pin, unpin), so the hit is one %fs-relative load. __thread, not
// thread_local: a trivially initialised pointer, reached without a TLS wrapper call from other files.
extern __thread ThreadSlot* t_thread_slot;
ThreadSlot* ClaimThreadSlot();
// True when HeavyBarrier cannot run a barrier on other threads (no membarrier): then LightBarrier is a full fence.
extern std::atomic<bool> g_light_barrier_fences;

// The calling thread's slot (claims one on first use; throws std::bad_alloc when none can be allocated).
inline ThreadSlot& MySlot() {
  ThreadSlot* s = t_thread_slot;
  if (__builtin_expect(s == nullptr, 0)) s = ClaimThreadSlot();
  return *s;
}

// A full memory barrier. GCC refuses atomic_thread_fence under -fsanitize=thread (-Werror=tsan: TSan does not
// model fences), so a TSan build uses a seq_cst read-modify-write of a word of its own instead: a locked
// instruction, a full barrier on x86, where the TSan builds run. (TSan sees the slots' release/acquire pairs.)
extern std::atomic<uint32_t> g_fence_word;
inline void FullFence() {
#if defined(__SANITIZE_THREAD__)
  g_fence_word.fetch_add(0, std::memory_order_seq_cst);
#else
  std::atomic_thread_fence(std::memory_order_seq_cst);
#endif
}

// See above. LightBarrier is the call's side, HeavyBarrier the waiter's.
inline void LightBarrier() {
  if (__builtin_expect(g_light_barrier_fences.load(std::memory_order_relaxed), 0)) {
    FullFence();
  } else {
    std::atomic_signal_fence(std::memory_order_seq_cst);
  }
}
void HeavyBarrier();

// After HeavyBarrier: true when any thread's pin is held / any slot's hazard is `p`.
bool AnySlotPinned();
bool AnySlotHolds(const void* p);
// HeavyBarrier, then waits until no slot's hazard is `p`. Hazards are held for one copy, so this is short.
void WaitUntilNoSlotHolds(const void* p);

// In a forked child: the parent's other threads do not exist, so their slots are cleared and released.
void ResetThreadSlotsInChild();

// Tests only: from now on, barriers as on a host without membarrier (LightBarrier a full fence, HeavyBarrier no
// membarrier), so the unit tests can check that path's guarantees on any host. Safe only while no other thread of
// the process is between a slot store and its barrier (e.g. first thing in a forked child): a call that already
// skipped the fence would not be covered by the fence-only HeavyBarrier.
void UseFenceBarriersForTesting();

}  // namespace nrtb
