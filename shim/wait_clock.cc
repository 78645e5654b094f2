#include "wait_clock.h"

namespace nrt_shim {
namespace {
thread_local uint64_t t_wait_ns = 0;
}  // namespace

uint64_t TakeWaitNs() {
  uint64_t ns = t_wait_ns;
  t_wait_ns = 0;
  return ns;
}

void AddWaitNs(uint64_t ns) { t_wait_ns += ns; }

}  // namespace nrt_shim
