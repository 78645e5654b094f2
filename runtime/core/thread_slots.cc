#include "runtime/core/thread_slots.h"

#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <new>
#include <thread>

namespace nrtb {
namespace {

// Lock-free push-only list: a slot is never unlinked, so a scan never meets a freed one, and a forked child
// never finds the list's lock held (there is none).
std::atomic<ThreadSlot*> g_slots{nullptr};

// Decided once, before the first slot exists, so every call's LightBarrier agrees with every HeavyBarrier.
enum class Barrier : int { kUnknown, kMembarrier, kFence };
std::atomic<Barrier> g_barrier{Barrier::kUnknown};

long Membarrier(int cmd) { return syscall(SYS_membarrier, cmd, 0, 0); }

Barrier DecideBarrier() {
  Barrier b = g_barrier.load(std::memory_order_acquire);
  if (b != Barrier::kUnknown) return b;
  const long cmds = Membarrier(MEMBARRIER_CMD_QUERY);
  const bool ok = cmds > 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) != 0 &&
                  Membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0;
  Barrier decided = ok ? Barrier::kMembarrier : Barrier::kFence;
  // Before the decision is published: the first slot is claimed after it, so no call ever skipped a fence it needed.
  if (!ok) g_light_barrier_fences.store(true, std::memory_order_seq_cst);
  Barrier expected = Barrier::kUnknown;
  g_barrier.compare_exchange_strong(expected, decided, std::memory_order_acq_rel);
  return g_barrier.load(std::memory_order_acquire);
}

// Gives the slot back when its thread exits (a call never spans the thread's end, so it is idle then).
struct SlotReleaser {
  ThreadSlot* slot = nullptr;
  ~SlotReleaser() {
    if (slot != nullptr) {
      slot->hazard.store(nullptr, std::memory_order_relaxed);
      slot->pinned.store(0, std::memory_order_relaxed);
      slot->owned.store(false, std::memory_order_release);
    }
    t_thread_slot = nullptr;
  }
};

}  // namespace

__thread ThreadSlot* t_thread_slot = nullptr;
std::atomic<bool> g_light_barrier_fences{false};
std::atomic<uint32_t> g_fence_word{0};

ThreadSlot* ClaimThreadSlot() {
  DecideBarrier();
  ThreadSlot* slot = nullptr;
  for (ThreadSlot* s = g_slots.load(std::memory_order_acquire); s != nullptr && slot == nullptr; s = s->next) {
    bool idle = false;
    if (s->owned.compare_exchange_strong(idle, true, std::memory_order_acquire)) slot = s;
  }
  if (slot == nullptr) {
    slot = new ThreadSlot;
    slot->owned.store(true, std::memory_order_relaxed);
    ThreadSlot* head = g_slots.load(std::memory_order_relaxed);
    do {
      slot->next = head;
    } while (!g_slots.compare_exchange_weak(head, slot, std::memory_order_release, std::memory_order_relaxed));
  }
  thread_local SlotReleaser releaser;
  releaser.slot = slot;
  t_thread_slot = slot;
  return slot;
}

void HeavyBarrier() {
  FullFence();
  if (DecideBarrier() != Barrier::kMembarrier) return;
  if (Membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0) return;
  // A forked child's process is not registered (registration belongs to the parent's address space): register
  // and retry; the global barrier (every CPU passes a context switch) is the slow last resort.
  if (Membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0 && Membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0) {
    return;
  }
  Membarrier(MEMBARRIER_CMD_GLOBAL);
}

bool AnySlotPinned() {
  for (ThreadSlot* s = g_slots.load(std::memory_order_acquire); s != nullptr; s = s->next) {
    if (s->pinned.load(std::memory_order_acquire) != 0) return true;
  }
  return false;
}

bool AnySlotHolds(const void* p) {
  for (ThreadSlot* s = g_slots.load(std::memory_order_acquire); s != nullptr; s = s->next) {
    if (s->hazard.load(std::memory_order_acquire) == p) return true;
  }
  return false;
}

void WaitUntilNoSlotHolds(const void* p) {
  HeavyBarrier();
  auto pause = std::chrono::microseconds(1);
  while (AnySlotHolds(p)) {
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(200));
  }
}

void UseFenceBarriersForTesting() {
  // The fence on the call side first: a HeavyBarrier that no longer runs membarrier relies on it.
  g_light_barrier_fences.store(true, std::memory_order_seq_cst);
  g_barrier.store(Barrier::kFence, std::memory_order_seq_cst);
}

void ResetThreadSlotsInChild() {
  for (ThreadSlot* s = g_slots.load(std::memory_order_relaxed); s != nullptr; s = s->next) {
    s->pinned.store(0, std::memory_order_relaxed);
    s->hazard.store(nullptr, std::memory_order_relaxed);
    s->owned.store(s == t_thread_slot, std::memory_order_relaxed);
  }
}

}  // namespace nrtb
