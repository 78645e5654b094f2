#include "real_api.h"

#include <dlfcn.h>

namespace nrt_shim {
namespace {

struct RealEntry {
  const char* name;
  const char* node;
};
constexpr RealEntry kEntries[kRealCount] = {
#define NRT_SHIM_ENTRY(name, node) {#name, node},
    NRT_SHIM_REAL_FUNCTIONS(NRT_SHIM_ENTRY)
#undef NRT_SHIM_ENTRY
};

}  // namespace

namespace detail {

std::atomic<void*> g_real_slots[kRealCount];

void* ResolveReal(int index) {
  // Versioned first: the SDK's libnrt defines each function at one node; an unversioned library (or an older
  // one) is found by plain dlsym. RTLD_NEXT skips the shim itself.
  void* p = dlvsym(RTLD_NEXT, kEntries[index].name, kEntries[index].node);
  if (p == nullptr) p = dlsym(RTLD_NEXT, kEntries[index].name);
  if (p != nullptr) g_real_slots[index].store(p, std::memory_order_release);
  return p;
}

}  // namespace detail

void ResolveAllReal() {
  for (int i = 0; i < kRealCount; ++i) {
    if (detail::g_real_slots[i].load(std::memory_order_acquire) == nullptr) detail::ResolveReal(i);
  }
}

const char* RealName(int index) { return index >= 0 && index < kRealCount ? kEntries[index].name : "?"; }

}  // namespace nrt_shim
