#include "runtime/core/log.h"

#include <strings.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "runtime/core/fork_generation.h"

namespace nrtb {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kError)};
// Offset of local time from UTC, refreshed with the level. Log lines convert the time themselves instead of
// calling localtime_r, which takes glibc's time zone lock: a child forked while a parent thread held it would
// hang in its first log line.
std::atomic<long> g_utc_offset_s{0};
thread_local const char* t_api = nullptr;
// In a forked child even the refresh must not call localtime_r: a parent thread inside it (another nrt_init, or
// any localtime call of the application) at fork time leaves the lock taken forever, and a child that
// initialises its own runtime would hang in nrt_init. The child keeps the offset it inherited.
void RefreshUtcOffset() {
  if (InForkedChild()) return;
  time_t now = time(nullptr);
  tm parts{};
  if (localtime_r(&now, &parts) != nullptr) g_utc_offset_s.store(parts.tm_gmtoff, std::memory_order_relaxed);
}

// "2026-Nov-30 13:05:09" for `epoch_s` (seconds since the epoch) in local time, without any library lock.
void FormatLocalTime(time_t epoch_s, char* out, size_t size) {
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  using namespace std::chrono;
  sys_seconds local{std::chrono::seconds{epoch_s + g_utc_offset_s.load(std::memory_order_relaxed)}};
  sys_days day = floor<days>(local);
  year_month_day ymd{day};
  hh_mm_ss<std::chrono::seconds> hms{local - day};
  std::snprintf(out, size, "%d-%s-%02u %02ld:%02ld:%02lld", static_cast<int>(ymd.year()),
                kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long long>(hms.seconds().count()));
}

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kError:
      return "ERROR";
    case LogLevel::kWarn:
      return "WARN ";
    case LogLevel::kInfo:
      return "INFO ";
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kTrace:
      return "TRACE";
    default:
      return "?    ";
  }
}

// Reads the environment once when the library is loaded, so logging works before nrt_init.
struct EnvLevelLoader {
  EnvLevelLoader() { ReloadLogLevelFromEnv(); }
} g_env_level_loader;

}  // namespace

bool ParseLogLevel(const char* text, LogLevel* out) {
  static const struct {
    const char* name;
    LogLevel level;
  } kNames[] = {
      {"ERROR", LogLevel::kError}, {"WARN", LogLevel::kWarn},   {"WARNING", LogLevel::kWarn}, {"INFO", LogLevel::kInfo},
      {"DEBUG", LogLevel::kDebug}, {"TRACE", LogLevel::kTrace}, {"QUIET", LogLevel::kQuiet},
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

bool ReloadLogLevelFromEnv() {
  RefreshUtcOffset();
  const char* v = std::getenv("NEURON_RT_LOG_LEVEL");
  LogLevel level = LogLevel::kError;
  bool valid = v == nullptr || *v == '\0' || ParseLogLevel(v, &level);
  g_level.store(static_cast<int>(valid ? level : LogLevel::kError), std::memory_order_relaxed);
  return valid;
}

ScopedApiName::ScopedApiName(const char* api) : previous_(t_api) { t_api = api; }
ScopedApiName::~ScopedApiName() { t_api = previous_; }

LogLevel CurrentLogLevel() { return static_cast<LogLevel>(g_level.load(std::memory_order_relaxed)); }

bool LogEnabled(LogLevel level) { return static_cast<int>(level) <= g_level.load(std::memory_order_relaxed); }

void LogLine(LogLevel level, const char* where, const char* fmt, ...) {
  char message[2048];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);

  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  char stamp[64];
  FormatLocalTime(ts.tv_sec, stamp, sizeof stamp);
  if (t_api != nullptr) where = t_api;
  char line[2304];
  int n = std::snprintf(line, sizeof line, "%s.%06ld %d:%ld %s NRT:%s %s\n", stamp, ts.tv_nsec / 1000,
                        static_cast<int>(getpid()), static_cast<long>(syscall(SYS_gettid)), LevelName(level), where,
                        message);
  if (n < 0) return;
  size_t len = std::min(static_cast<size_t>(n), sizeof line - 1);
  line[len - 1] = '\n';  // a truncated line still ends the line
  // One write(2) per line: lines from different threads stay whole, and no stdio lock is taken (a forked
  // child must not wait for the stderr lock a parent thread held at fork time).
  for (size_t done = 0; done < len;) {
    ssize_t w = write(STDERR_FILENO, line + done, len - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    done += static_cast<size_t>(w);
  }
}

}  // namespace nrtb
