#include "runtime/core/env.h"

#include <strings.h>

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <system_error>

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

namespace {

// The documented number syntax and nothing else: digits with an optional fraction and an optional decimal
// exponent ("3", "0.25", ".5", "1e3", "2.5E-4"). No sign, no spaces, no hex, no inf/nan, which strtod would
// all accept.
bool IsPlainDecimal(const std::string& s) {
  size_t i = 0, digits = 0;
  auto skip_digits = [&] {
    size_t n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++n;
    return n;
  };
  digits += skip_digits();
  if (i < s.size() && s[i] == '.') {
    ++i;
    digits += skip_digits();
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (skip_digits() == 0) return false;
  }
  return i == s.size();
}

}  // namespace

double ParseNumberEnv(const char* name, const std::string& value, double min, double max) {
  double v = 0;
  // from_chars, unlike strtod, does not depend on the locale's decimal point.
  const char* end = value.data() + value.size();
  if (!IsPlainDecimal(value) || std::from_chars(value.data(), end, v).ec != std::errc() || !std::isfinite(v)) {
    ThrowInvalid("%s=\"%s\": expected a non-negative decimal number (e.g. 0.25 or 1e3)", name, value.c_str());
  }
  // A subnormal value (e.g. 1e-320) has lost its precision: refused like strtod's underflow was.
  if (std::fpclassify(v) == FP_SUBNORMAL)
    ThrowInvalid("%s=\"%s\": too close to zero to represent", name, value.c_str());
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
