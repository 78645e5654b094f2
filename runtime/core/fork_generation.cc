#include "runtime/core/fork_generation.h"

#include <pthread.h>

#include <atomic>

namespace nrtb {
namespace {

// Written only by the child handler, which glibc runs in the new child while it has a single thread.
std::atomic<uint32_t> g_generation{0};

struct GenerationAtFork {
  GenerationAtFork() {
    pthread_atfork(nullptr, nullptr, [] { g_generation.fetch_add(1, std::memory_order_relaxed); });
  }
} g_generation_atfork;

}  // namespace

uint32_t ForkGeneration() { return g_generation.load(std::memory_order_relaxed); }

}  // namespace nrtb
