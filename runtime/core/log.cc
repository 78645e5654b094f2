#include "runtime/core/log.h"

#include <strings.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace nrtb {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kError)};

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kError: return "ERROR";
    case LogLevel::kWarn: return "WARN ";
    case LogLevel::kInfo: return "INFO ";
    case LogLevel::kDebug: return "DEBUG";
    case LogLevel::kTrace: return "TRACE";
    default: return "?    ";
  }
}

// Reads the environment once when the library is loaded, so logging works before nrt_init.
struct EnvLevelLoader {
  EnvLevelLoader() { ReloadLogLevelFromEnv(); }
} g_env_level_loader;

}  // namespace

bool ParseLogLevel(const char* text, LogLevel* out) {
  static const struct { const char* name; LogLevel level; } kNames[] = {
      {"ERROR", LogLevel::kError}, {"WARN", LogLevel::kWarn},   {"WARNING", LogLevel::kWarn},
      {"INFO", LogLevel::kInfo},   {"DEBUG", LogLevel::kDebug}, {"TRACE", LogLevel::kTrace},
      {"QUIET", LogLevel::kQuiet},
  };
  if (text == nullptr) return false;
  for (const auto& n : kNames) {
    if (strcasecmp(text, n.name) == 0) {
      *out = n.level;
      return true;
    }
  }
  return false;
}

void ReloadLogLevelFromEnv() {
  const char* v = std::getenv("NEURON_RT_LOG_LEVEL");
  LogLevel level = LogLevel::kError;
  if (v != nullptr && *v != '\0' && !ParseLogLevel(v, &level)) {
    level = LogLevel::kError;
    g_level.store(static_cast<int>(level), std::memory_order_relaxed);
    LogLine(LogLevel::kError, "log", "invalid NEURON_RT_LOG_LEVEL=\"%s\" (expected ERROR, WARN, INFO, DEBUG, TRACE or QUIET); using ERROR", v);
    return;
  }
  g_level.store(static_cast<int>(level), std::memory_order_relaxed);
}

LogLevel CurrentLogLevel() { return static_cast<LogLevel>(g_level.load(std::memory_order_relaxed)); }

bool LogEnabled(LogLevel level) {
  return static_cast<int>(level) <= g_level.load(std::memory_order_relaxed);
}

void LogLine(LogLevel level, const char* where, const char* fmt, ...) {
  char message[2048];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);

  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  tm parts{};
  localtime_r(&ts.tv_sec, &parts);
  char stamp[64];
  std::strftime(stamp, sizeof stamp, "%Y-%b-%d %H:%M:%S", &parts);
  // One fprintf per line keeps lines from different threads whole (stdio locks the stream).
  std::fprintf(stderr, "%s.%06ld %d:%ld %s NRT:%s %s\n", stamp, ts.tv_nsec / 1000, static_cast<int>(getpid()),
               static_cast<long>(syscall(SYS_gettid)), LevelName(level), where, message);
}

}  // namespace nrtb
