#include "runtime/core/denormal_mode.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

namespace nrtb {
namespace {

#if defined(__x86_64__) || defined(__i386__)
constexpr uint64_t kFlushBits = 0x8000 | 0x0040;  // MXCSR FTZ (bit 15) | DAZ (bit 6)
uint64_t ReadControl() { return _mm_getcsr(); }
void WriteControl(uint64_t v) { _mm_setcsr(static_cast<unsigned>(v)); }
#elif defined(__aarch64__)
// FPCR.FZ flushes subnormal inputs and results of single and double precision. FZ16 (half precision)
// is left alone: it is RES0 on cores without FEAT_FP16, and fp16 math here is done in float32.
constexpr uint64_t kFlushBits = uint64_t{1} << 24;
uint64_t ReadControl() {
  uint64_t v;
  __asm__ __volatile__("mrs %0, fpcr" : "=r"(v));
  return v;
}
void WriteControl(uint64_t v) { __asm__ __volatile__("msr fpcr, %0" : : "r"(v)); }
#else
constexpr uint64_t kFlushBits = 0;
uint64_t ReadControl() { return 0; }
void WriteControl(uint64_t) {}
#endif

}  // namespace

DenormalModeScope::DenormalModeScope(DenormalMode mode) {
  if (kFlushBits == 0) return;
  saved_ = ReadControl();
  const uint64_t want = mode == DenormalMode::kFlush ? saved_ | kFlushBits : saved_ & ~kFlushBits;
  if (want != saved_) {
    WriteControl(want);
    changed_ = true;
  }
}

DenormalModeScope::~DenormalModeScope() {
  if (changed_) WriteControl(saved_);
}

bool FlushingDenormals() { return kFlushBits != 0 && (ReadControl() & kFlushBits) == kFlushBits; }

}  // namespace nrtb
