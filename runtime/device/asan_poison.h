// AddressSanitizer annotations for memory the runtime manages itself. The simulated HBM is one big mapping
// (memory_pool.h), which ASan sees as a single valid range: without these, a tensor overrun into its
// neighbour or into free device memory goes unnoticed. Under ASan the pool marks every byte no live tensor
// owns as poisoned; elsewhere these compile to nothing.
#pragma once

#include <cstddef>

#if defined(__SANITIZE_ADDRESS__)
#define NRTB_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NRTB_ASAN 1
#endif
#endif

#ifdef NRTB_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace nrtb {

#ifdef NRTB_ASAN
inline constexpr bool kAsan = true;
inline void AsanPoison(const void* p, size_t n) { ASAN_POISON_MEMORY_REGION(p, n); }
inline void AsanUnpoison(const void* p, size_t n) { ASAN_UNPOISON_MEMORY_REGION(p, n); }
#else
inline constexpr bool kAsan = false;
inline void AsanPoison(const void*, size_t) {}
inline void AsanUnpoison(const void*, size_t) {}
#endif

}  // namespace nrtb
