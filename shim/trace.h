// NRT_IMPLICIT_ASYNC_TRACE=1: one line per interposed call, with its arguments, result, total time and the
// time it spent blocked in the shim (window, fences, drain, completion waits):
//   nrt-implicit-async: nrt_execute(model=0x.. input_set=0x.. output_set=0x..) = NRT_SUCCESS (0) 12.3 us, waited 0.0 us
#pragma once

#include <chrono>

#include "nrt/nrt_status.h"

namespace nrt_shim {

class TraceScope {
 public:
  explicit TraceScope(const char* function);
  bool on() const { return on_; }
  void End(NRT_STATUS result, const char* format, ...) __attribute__((format(printf, 3, 4)));
  void EndVoid(const char* format, ...) __attribute__((format(printf, 2, 3)));

 private:
  void Emit(const char* result, const char* format, __builtin_va_list args);

  const char* function_;
  bool on_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace nrt_shim
