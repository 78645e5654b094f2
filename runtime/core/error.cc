#include "runtime/core/error.h"

#include <cstdarg>
#include <cstdio>

namespace nrtb {
namespace {
std::string Format(const char* fmt, va_list ap) {
  char buf[1024];
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  return buf;
}
}  // namespace

void ThrowInvalid(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::string m = Format(fmt, ap);
  va_end(ap);
  throw Error(NRT_INVALID, m);
}

void ThrowStatus(NRT_STATUS status, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::string m = Format(fmt, ap);
  va_end(ap);
  throw Error(status, m);
}

}  // namespace nrtb
