// The shim's configuration: NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS (read at nrt_init, as the legacy
// runtime did) and NRT_IMPLICIT_ASYNC_TRACE. Pure parsing, so it is unit-tested without a runtime.
#pragma once

#include <string>

namespace nrt_shim {

inline constexpr const char* kMaxInflightVar = "NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS";
inline constexpr const char* kTraceVar = "NRT_IMPLICIT_ASYNC_TRACE";
inline constexpr const char* kHandshakeVar = "NRT_IMPLICIT_ASYNC_HANDSHAKE_FD";
// The legacy runtime's cap (runtime 2.25.57+).
inline constexpr int kMaxInflightLimit = 63;

struct MaxInflight {
  int value = 0;        // 0: forward every call unchanged
  std::string problem;  // non-empty: a line to log (clamped or invalid value)
};

// Parses the variable's value (nullptr = unset). Unset, empty or "0": 0. A decimal N > 0: N, clamped to 63
// (with a problem line). Anything else (signs, spaces, letters): 0 with a problem line.
MaxInflight ParseMaxInflight(const char* text);

// NRT_IMPLICIT_ASYNC_TRACE: on for "1" only.
bool ParseTraceFlag(const char* text);

}  // namespace nrt_shim
