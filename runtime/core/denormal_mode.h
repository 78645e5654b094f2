// How the CPU treats subnormal (denormal) floats while the simulated device computes.
//
// x86 cores take a microcode assist for every subnormal operand or result, so a float32 matmul whose
// products underflow runs ~100x slower than the same matmul on normal numbers; the simulated device's
// compute time would depend on the data. Flushing (x86: MXCSR FTZ+DAZ; aarch64: FPCR.FZ) makes every
// subnormal input and result zero and the time data-independent. README.md ("Numerics") says why it
// is the default and how NRT_SIM_DENORMALS=keep restores IEEE gradual underflow.
#pragma once

#include <cstdint>

namespace nrtb {

enum class DenormalMode { kFlush, kKeep };

// Sets the calling thread's mode for the scope's lifetime and restores the thread's previous
// floating-point control state afterwards, so an application thread that runs a request inline
// gets its own settings back. On architectures other than x86-64 and aarch64 it does nothing
// (subnormals are kept).
class DenormalModeScope {
 public:
  explicit DenormalModeScope(DenormalMode mode);
  ~DenormalModeScope();
  DenormalModeScope(const DenormalModeScope&) = delete;
  DenormalModeScope& operator=(const DenormalModeScope&) = delete;

 private:
  uint64_t saved_ = 0;
  bool changed_ = false;
};

// True when the calling thread currently flushes subnormals (for tests and diagnostics).
bool FlushingDenormals();

}  // namespace nrtb
