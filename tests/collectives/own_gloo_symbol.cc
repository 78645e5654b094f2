// A process that carries its own Gloo: this executable defines (and exports, ENABLE_EXPORTS)
// gloo::rendezvous::Context::Context(int, int, int), the constructor libnrt's Gloo plugin calls to
// join a group. If the plugin's Gloo bound to the executable's copy, as it would with ordinary
// symbol resolution, the rank would end here with exit code 97 instead of running the collective.
#include "own_gloo_symbol.h"

#include <cstdio>
#include <cstdlib>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define OWN_GLOO_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define OWN_GLOO_SANITIZED 1
#endif
#endif

#ifndef OWN_GLOO_SANITIZED
namespace gloo::rendezvous {
class Context {
 public:
  Context(int rank, int size, int base);
};
__attribute__((visibility("default"), used, noinline)) Context::Context(int rank, int size, int base) {
  std::fprintf(stderr, "the application's own gloo::rendezvous::Context ran for rank %d of %d: symbols clashed\n", rank,
               size);
  std::_Exit(97);
}
}  // namespace gloo::rendezvous

bool CarriesOwnGlooSymbol() { return true; }
#else
bool CarriesOwnGlooSymbol() { return false; }
#endif
