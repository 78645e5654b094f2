// The shim's log lines: one line each on stderr, "nrt-implicit-async: <function>: <message>", written with a
// single write(2) so lines of concurrent threads never interleave.
#pragma once

namespace nrt_shim {

inline constexpr const char* kLogPrefix = "nrt-implicit-async: ";

void LogLine(const char* function, const char* format, ...) __attribute__((format(printf, 2, 3)));
// "nrt-implicit-async: <message>" (the trace's lines, which start with the call itself).
void LogText(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace nrt_shim
