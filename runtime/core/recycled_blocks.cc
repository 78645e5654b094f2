#include "runtime/core/recycled_blocks.h"

#include <atomic>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define NRTB_RECYCLED_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NRTB_RECYCLED_ASAN 1
#endif
#endif
#ifdef NRTB_RECYCLED_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace nrtb {
namespace {

struct Cache;

// Precedes every block's payload. 16 bytes, so the payload keeps operator new's 16-byte alignment.
struct alignas(16) Header {
  Cache* owner;  // null: a plain global allocation (too big, or made while the thread exits)
  Header* next;  // while the block is free: the next one on its list
};
static_assert(sizeof(Header) == 16);

struct Cache {
  // Owner thread only.
  Header* local = nullptr;
  uint32_t local_count = 0;
  // Pushed by other threads' frees; its own line, so those pushes do not evict the owner's list head.
  alignas(64) std::atomic<Header*> remote{nullptr};
  // The owning thread's reference plus one per block made for this cache and not yet given back; the cache is
  // deleted by whoever drops the last one.
  alignas(64) std::atomic<uint64_t> refs{1};
};

// `remote` once the owner has exited: frees then go to the global allocator.
Header* const kRetired = reinterpret_cast<Header*>(uintptr_t{alignof(Header)});

__thread Cache* t_cache = nullptr;
__thread bool t_retired = false;  // the thread's cache was retired (the thread is exiting)

std::atomic<uint64_t> g_made{0};
std::atomic<uint64_t> g_live{0};

// A free block's payload is poisoned under ASan, so a use after free of a work item is still reported.
void Poison(Header* h) {
#ifdef NRTB_RECYCLED_ASAN
  ASAN_POISON_MEMORY_REGION(h + 1, kRecycledBlockBytes);
#else
  (void)h;
#endif
}
void Unpoison(Header* h) {
#ifdef NRTB_RECYCLED_ASAN
  ASAN_UNPOISON_MEMORY_REGION(h + 1, kRecycledBlockBytes);
#else
  (void)h;
#endif
}

// Gives a cache's block back to the global allocator and drops its reference on the cache.
void Release(Cache* c, Header* h, uint64_t count = 1) {
  Unpoison(h);
  ::operator delete(h);
  g_live.fetch_sub(count, std::memory_order_relaxed);
  if (c->refs.fetch_sub(count, std::memory_order_acq_rel) == count) delete c;
}

// Frees a list of the cache's blocks to the global allocator (references not dropped); returns how many.
uint64_t FreeList(Header* h) {
  uint64_t n = 0;
  while (h != nullptr) {
    Header* next = h->next;
    Unpoison(h);
    ::operator delete(h);
    h = next;
    ++n;
  }
  return n;
}

// Runs at thread exit (a thread_local's destructor): see the header.
void Retire(Cache* c) {
  t_cache = nullptr;
  t_retired = true;
  // Acquire: the frees that pushed these blocks happen before they are given back.
  Header* remote = c->remote.exchange(kRetired, std::memory_order_acq_rel);
  const uint64_t n = FreeList(c->local) + FreeList(remote);
  c->local = nullptr;
  g_live.fetch_sub(n, std::memory_order_relaxed);
  if (c->refs.fetch_sub(n + 1, std::memory_order_acq_rel) == n + 1) delete c;
}

struct Retirer {
  Cache* cache = nullptr;
  ~Retirer() {
    if (cache != nullptr) Retire(cache);
  }
};

Cache* OwnCache() {
  if (t_retired) return nullptr;
  static thread_local Retirer retirer;  // registers the thread-exit hook on first use
  retirer.cache = new Cache;
  t_cache = retirer.cache;
  return t_cache;
}

void* NewBlock(Cache* c, size_t payload) {
  Header* h = static_cast<Header*>(::operator new(sizeof(Header) + payload));
  h->owner = c;
  h->next = nullptr;
  if (c != nullptr) {
    c->refs.fetch_add(1, std::memory_order_relaxed);
    g_made.fetch_add(1, std::memory_order_relaxed);
    g_live.fetch_add(1, std::memory_order_relaxed);
  }
  return h + 1;
}

// The owner's local list is empty: takes what other threads freed, keeping at most kMaxCachedBlocks.
Header* TakeRemote(Cache* c) {
  Header* list = c->remote.exchange(nullptr, std::memory_order_acquire);
  uint32_t kept = 0;
  Header* last = nullptr;
  for (Header* h = list; h != nullptr && kept < kMaxCachedBlocks; h = h->next) {
    last = h;
    ++kept;
  }
  if (last != nullptr && last->next != nullptr) {
    Header* excess = last->next;
    last->next = nullptr;
    const uint64_t n = FreeList(excess);
    g_live.fetch_sub(n, std::memory_order_relaxed);
    c->refs.fetch_sub(n, std::memory_order_relaxed);  // the owner's own reference keeps the count above 0
  }
  c->local_count = kept;
  return list;
}

}  // namespace

void* AllocateRecycled(size_t size) {
  if (size > kRecycledBlockBytes) return NewBlock(nullptr, size);
  Cache* c = t_cache;
  if (__builtin_expect(c == nullptr, 0)) {
    c = OwnCache();
    if (c == nullptr) return NewBlock(nullptr, size);
  }
  Header* h = c->local;
  if (h == nullptr) {
    if (c->remote.load(std::memory_order_relaxed) == nullptr) return NewBlock(c, kRecycledBlockBytes);
    h = TakeRemote(c);
  }
  c->local = h->next;
  --c->local_count;
  Unpoison(h);
  return h + 1;
}

void FreeRecycled(void* p) noexcept {
  if (p == nullptr) return;
  Header* h = static_cast<Header*>(p) - 1;
  Cache* c = h->owner;
  if (c == nullptr) {
    ::operator delete(h);
    return;
  }
  Poison(h);
  if (c == t_cache) {
    if (c->local_count >= kMaxCachedBlocks) return Release(c, h);
    h->next = c->local;
    c->local = h;
    ++c->local_count;
    return;
  }
  // Release: the block's last use (its destructor) happens before the owner takes it.
  Header* head = c->remote.load(std::memory_order_relaxed);
  do {
    if (head == kRetired) return Release(c, h);
    h->next = head;
  } while (!c->remote.compare_exchange_weak(head, h, std::memory_order_release, std::memory_order_relaxed));
}

RecycledBlockCounts RecycledBlockCountsNow() {
  return {g_made.load(std::memory_order_relaxed), g_live.load(std::memory_order_relaxed)};
}

uint32_t LocalRecycledBlocks() { return t_cache != nullptr ? t_cache->local_count : 0; }

}  // namespace nrtb
