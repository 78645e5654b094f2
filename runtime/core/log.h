// Runtime logging on stderr, filtered by NEURON_RT_LOG_LEVEL (ERROR by default, as the SDK).
#pragma once

#include <cstdarg>

namespace nrtb {

enum class LogLevel : int { kQuiet = -1, kError = 0, kWarn = 1, kInfo = 2, kDebug = 3, kTrace = 4 };

// Parses a NEURON_RT_LOG_LEVEL value ("ERROR", "WARN", "WARNING", "INFO", "DEBUG", "TRACE", "QUIET",
// any case). Returns false for anything else.
bool ParseLogLevel(const char* text, LogLevel* out);

// Re-reads NEURON_RT_LOG_LEVEL (and the local time zone offset used in log lines). Called at load time and by
// nrt_init so a level set in the environment before nrt_init takes effect. Logs nothing: an invalid value
// leaves the level at ERROR and returns false, and nrt_init reports it (once) by failing.
bool ReloadLogLevelFromEnv();

LogLevel CurrentLogLevel();
bool LogEnabled(LogLevel level);

// One line: "<date time> <pid>:<tid> <LEVEL> NRT:<where> <message>". Inside an API call (ScopedApiName),
// <where> is the public function's name, whatever `where` says: lines logged deeper down (or from a lambda,
// where __func__ is "operator()") still name the function the application called. Takes no lock at all (one
// write(2) per line), so it is safe in a forked child too.
void LogLine(LogLevel level, const char* where, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

// Names the public function the calling thread is in, for LogLine; restores the previous name on exit.
class ScopedApiName {
 public:
  explicit ScopedApiName(const char* api);
  ~ScopedApiName();
  ScopedApiName(const ScopedApiName&) = delete;
  ScopedApiName& operator=(const ScopedApiName&) = delete;

 private:
  const char* previous_;
};

}  // namespace nrtb

// The level check is inline so a disabled DEBUG line costs one load and a compare.
#define NRTB_LOG(level, ...)                                                                                          \
  do {                                                                                                                \
    if (::nrtb::LogEnabled(::nrtb::LogLevel::level)) ::nrtb::LogLine(::nrtb::LogLevel::level, __func__, __VA_ARGS__); \
  } while (0)
#define NRTB_ERROR(...) NRTB_LOG(kError, __VA_ARGS__)
#define NRTB_WARN(...) NRTB_LOG(kWarn, __VA_ARGS__)
#define NRTB_INFO(...) NRTB_LOG(kInfo, __VA_ARGS__)
#define NRTB_DEBUG(...) NRTB_LOG(kDebug, __VA_ARGS__)
#define NRTB_TRACE(...) NRTB_LOG(kTrace, __VA_ARGS__)
