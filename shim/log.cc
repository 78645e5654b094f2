#include "log.h"

#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace nrt_shim {

namespace {

// Writes prefix + formatted message + newline with one write(2).
void WriteLine(const char* function, const char* format, va_list args) {
  // A fixed buffer: no allocation, so the shim can log from any context it runs in (a forked child, a
  // constructor). Over-long messages are cut, never split.
  char line[1024];
  int n = function != nullptr ? std::snprintf(line, sizeof(line), "%s%s: ", kLogPrefix, function)
                              : std::snprintf(line, sizeof(line), "%s", kLogPrefix);
  if (n < 0) return;
  size_t used = static_cast<size_t>(n) < sizeof(line) ? static_cast<size_t>(n) : sizeof(line) - 1;
  int m = std::vsnprintf(line + used, sizeof(line) - used, format, args);
  if (m > 0) used += static_cast<size_t>(m) < sizeof(line) - used ? static_cast<size_t>(m) : sizeof(line) - used - 1;
  if (used >= sizeof(line) - 1) used = sizeof(line) - 2;
  line[used++] = '\n';
  const int saved_errno = errno;  // the legacy caller may look at errno after our call
  const char* p = line;
  while (used > 0) {
    ssize_t w = ::write(STDERR_FILENO, p, used);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    p += w;
    used -= static_cast<size_t>(w);
  }
  errno = saved_errno;
}

}  // namespace

void LogLine(const char* function, const char* format, ...) {
  va_list args;
  va_start(args, format);
  WriteLine(function, format, args);
  va_end(args);
}

void LogText(const char* format, ...) {
  va_list args;
  va_start(args, format);
  WriteLine(nullptr, format, args);
  va_end(args);
}

}  // namespace nrt_shim
