#include "launch_env.h"

#include <stdlib.h>

#include <vector>

#include "shim_location.h"

namespace nrt_launcher {
namespace {

bool IsSanitizerRuntime(const std::string& entry) {
  const size_t slash = entry.rfind('/');
  const std::string base = slash == std::string::npos ? entry : entry.substr(slash + 1);
  for (const char* prefix : {"libasan", "libtsan", "libubsan", "libhwasan", "libclang_rt."}) {
    if (base.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

}  // namespace

std::optional<unsigned long> ParseInflight(const std::string& text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  unsigned long v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned long>(c - '0');
  }
  if (v > kMaxInflightArg) return std::nullopt;
  return v;
}

std::string PrependPreload(const std::string& shim, const char* existing) {
  std::vector<std::string> sanitizers, others;
  if (existing != nullptr) {
    std::string cur;
    for (const char* p = existing;; ++p) {
      if (*p == ':' || *p == ' ' || *p == '\0') {
        if (!cur.empty() && cur != shim) (IsSanitizerRuntime(cur) ? sanitizers : others).push_back(cur);
        cur.clear();
        if (*p == '\0') break;
      } else {
        cur += *p;
      }
    }
  }
  std::string out;
  auto append = [&out](const std::string& e) { out += (out.empty() ? "" : ":") + e; };
  for (const std::string& e : sanitizers) append(e);
  append(shim);
  for (const std::string& e : others) append(e);
  return out;
}

LaunchEnv ComputeLaunchEnv(const std::string& shim, std::optional<unsigned long> inflight_flag) {
  LaunchEnv env;
  env.ld_preload = PrependPreload(shim, getenv("LD_PRELOAD"));
  if (inflight_flag) {
    env.inflight = std::to_string(*inflight_flag);
    env.inflight_description = *env.inflight + " (from --max-inflight)";
    if (*inflight_flag > 63) env.inflight_description += "; the shim clamps it to 63";
  } else if (const char* cur = getenv(kInflightEnv); cur != nullptr) {
    env.inflight_description = std::string(cur) + " (from the environment)";
  } else {
    env.inflight_description = "unset (the shim forwards every call unchanged: synchronous execution)";
  }
  return env;
}

void ApplyLaunchEnv(const LaunchEnv& env) {
  setenv("LD_PRELOAD", env.ld_preload.c_str(), 1);
  if (env.inflight) setenv(kInflightEnv, env.inflight->c_str(), 1);
  unsetenv(kShimOverrideEnv);
}

}  // namespace nrt_launcher
