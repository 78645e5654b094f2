// The environment the program runs with: the shim prepended to LD_PRELOAD and the in-flight limit.
#pragma once

#include <optional>
#include <string>

namespace nrt_launcher {

inline constexpr const char* kShimLibName = "libnrt-implicit-async.so";
inline constexpr const char* kInflightEnv = "NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS";
// --max-inflight accepts what fits the variable's int; the shim clamps values above 63 (with one log line).
inline constexpr unsigned long kMaxInflightArg = 2147483647;

// A decimal integer in [0, kMaxInflightArg] (no sign, no spaces, no suffix); nullopt otherwise.
std::optional<unsigned long> ParseInflight(const std::string& text);

// LD_PRELOAD with `shim` first: after sanitizer runtimes already listed there (AddressSanitizer insists on
// coming first in the initial library list), before everything else; an entry naming the shim again is
// dropped. Entries may be separated by ':' or ' ' (as ld.so accepts); the result uses ':'.
std::string PrependPreload(const std::string& shim, const char* existing);

struct LaunchEnv {
  std::string ld_preload;
  std::optional<std::string> inflight;  // the value to set; nullopt: keep the environment's as it is
  std::string inflight_description;     // for --print-config
};

LaunchEnv ComputeLaunchEnv(const std::string& shim, std::optional<unsigned long> inflight_flag);

// Applies it to this process's environment (the child inherits it). The shim-location override is removed:
// it is for the launcher only.
void ApplyLaunchEnv(const LaunchEnv& env);

}  // namespace nrt_launcher
