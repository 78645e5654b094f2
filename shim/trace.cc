#include "trace.h"

#include <cstdarg>
#include <cstdio>

#include "log.h"
#include "real_api.h"
#include "shim_state.h"
#include "wait_clock.h"

namespace nrt_shim {

TraceScope::TraceScope(const char* function) : function_(function), on_(Tracing()) {
  if (!on_) return;
  TakeWaitNs();  // only this call's waits count
  start_ = std::chrono::steady_clock::now();
}

void TraceScope::End(NRT_STATUS result, const char* format, ...) {
  if (!on_) return;
  auto as_str = real::nrt_get_status_as_str();
  char text[96];
  std::snprintf(text, sizeof(text), "%s (%d)", as_str != nullptr ? as_str(result) : "status", static_cast<int>(result));
  va_list args;
  va_start(args, format);
  Emit(text, format, args);
  va_end(args);
}

void TraceScope::EndVoid(const char* format, ...) {
  if (!on_) return;
  va_list args;
  va_start(args, format);
  Emit("void", format, args);
  va_end(args);
}

void TraceScope::Emit(const char* result, const char* format, va_list args) {
  const double total_us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start_).count();
  const double waited_us = static_cast<double>(TakeWaitNs()) / 1000.0;
  char arguments[512];
  std::vsnprintf(arguments, sizeof(arguments), format, args);
  LogText("%s(%s) = %s %.1f us, waited %.1f us", function_, arguments, result, total_us, waited_us);
}

}  // namespace nrt_shim
