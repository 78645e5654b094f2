#include "runtime/core/env.h"

#include <strings.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "runtime/core/error.h"

namespace nrtb {

std::optional<std::string> GetEnv(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

uint64_t ParseUintEnv(const char* name, const std::string& value, uint64_t min, uint64_t max) {
  if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos) {
    ThrowInvalid("%s=\"%s\": expected a non-negative integer", name, value.c_str());
  }
  errno = 0;
  unsigned long long v = std::strtoull(value.c_str(), nullptr, 10);
  if (errno == ERANGE || v < min || v > max) {
    ThrowInvalid("%s=\"%s\": must be between %llu and %llu", name, value.c_str(), static_cast<unsigned long long>(min),
                 static_cast<unsigned long long>(max));
  }
  return v;
}

double ParseNumberEnv(const char* name, const std::string& value, double min, double max) {
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size() || errno == ERANGE || !std::isfinite(v)) {
    ThrowInvalid("%s=\"%s\": expected a number", name, value.c_str());
  }
  if (v < min || v > max) ThrowInvalid("%s=\"%s\": must be between %g and %g", name, value.c_str(), min, max);
  return v;
}

bool ParseBoolEnv(const char* name, const std::string& value) {
  static const char* kTrue[] = {"1", "true", "yes", "on"};
  static const char* kFalse[] = {"0", "false", "no", "off"};
  for (const char* t : kTrue)
    if (strcasecmp(value.c_str(), t) == 0) return true;
  for (const char* f : kFalse)
    if (strcasecmp(value.c_str(), f) == 0) return false;
  ThrowInvalid("%s=\"%s\": expected 1/0, true/false, yes/no or on/off", name, value.c_str());
}

std::vector<uint32_t> ParseCoreList(const char* name, const std::string& value) {
  constexpr uint64_t kMaxCore = 1023;
  std::vector<uint32_t> cores;
  size_t pos = 0;
  while (pos <= value.size()) {
    size_t comma = value.find(',', pos);
    std::string item = value.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    size_t dash = item.find('-');
    uint64_t lo, hi;
    if (dash == std::string::npos) {
      lo = hi = ParseUintEnv(name, item, 0, kMaxCore);
    } else {
      lo = ParseUintEnv(name, item.substr(0, dash), 0, kMaxCore);
      hi = ParseUintEnv(name, item.substr(dash + 1), 0, kMaxCore);
      if (hi < lo) ThrowInvalid("%s=\"%s\": range \"%s\" is reversed", name, value.c_str(), item.c_str());
    }
    for (uint64_t c = lo; c <= hi; ++c) cores.push_back(static_cast<uint32_t>(c));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  std::sort(cores.begin(), cores.end());
  if (std::adjacent_find(cores.begin(), cores.end()) != cores.end()) {
    ThrowInvalid("%s=\"%s\": a core is listed twice", name, value.c_str());
  }
  if (cores.back() - cores.front() + 1 != cores.size()) {
    ThrowInvalid("%s=\"%s\": visible cores must be contiguous", name, value.c_str());
  }
  return cores;
}

}  // namespace nrtb
