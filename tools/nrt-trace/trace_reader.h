// Reads a Chrome trace-event JSON file (object form {"traceEvents": [...]} or a bare array) as a
// stream, with bounded memory: the file is never held whole, a single JSON token is limited, and
// only the few numbers per request that the analyses need are kept (about 40 bytes per request).
// Malformed or hostile input throws TraceError with a message naming the problem and where it is.
#pragma once

#include <cstdint>
#include <istream>
#include <stdexcept>
#include <string>

#include "tools/nrt-trace/trace_data.h"

namespace nrttrace {

struct TraceError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ReadLimits {
  uint64_t max_token_bytes = 1 << 20;  // one string or number
  uint32_t max_depth = 64;             // JSON nesting
  uint64_t max_kept_events = 1 << 23;  // requests + host calls (~40 bytes each: ~340 MB at the limit)
  uint32_t max_labels = 4096;          // distinct request / call names; more are merged into "(other)"
  uint32_t max_tracks = 4096;          // distinct (pid, tid) unit tracks
};

// `what` names the input in messages (the file name).
TraceData ReadTrace(std::istream& in, const std::string& what, const ReadLimits& limits = {});
TraceData ReadTraceFile(const std::string& path, const ReadLimits& limits = {});

}  // namespace nrttrace
