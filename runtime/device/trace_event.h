// What the runtime reports to its trace sinks (NRT_SIM_TRACE file, profile and inspect sessions,
// the system trace): one TraceRecord per thing that happened, and the event types a record expands
// to in the system trace (nrt_sys_trace_get_event_types lists their names).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "nrt/nrt_status.h"

namespace nrtb {

enum class TraceKind : uint8_t {
  kRequest,      // a request completed on an execution unit (xu_id, seq_num, schedule/start/end); a tensor
                 // transfer's (nrta_tensor_read/write/copy) also has bytes and detail = the device tensor
  kTensorOp,     // a synchronous tensor transfer (nrt_tensor_read/write/copy/memset): lnc, label, bytes, start/end
  kModelLoad,    // lnc, model_id, label = model name; start == end
  kModelUnload,  // as kModelLoad
  kUnitFatal,    // an execution unit turned unrecoverable: xu_id, detail = cause; start == end
};

struct TraceRecord {
  TraceKind kind = TraceKind::kRequest;
  uint32_t lnc = 0;
  uint16_t xu_id = 0;
  uint32_t model_id = 0;  // executions, load, unload; 0 otherwise
  uint64_t seq_num = 0;
  uint64_t schedule_ns = 0, start_ns = 0, end_ns = 0;  // NowNs() (CLOCK_MONOTONIC); schedule 0 = unknown
  NRT_STATUS status = NRT_SUCCESS;
  uint64_t bytes = 0;
  // Only valid while the record is being delivered: a sink that keeps a record copies them.
  std::string_view label;   // model name, "read" / "write" / "copy", ...
  std::string_view detail;  // tensor name, fatal cause
};

// System trace event types. A kRequest record is up to four events (schedule, start, end, and
// error when its status is not NRT_SUCCESS), five for a tensor-op unit's request that succeeded (its
// tensor_op event, at its start, like a synchronous transfer's); every other kind is one.
enum class TraceEventType : uint8_t {
  kRequestSchedule,
  kRequestStart,
  kRequestEnd,
  kRequestError,
  kTensorOp,
  kModelLoad,
  kModelUnload,
  kUnitFatal,
};
constexpr int kTraceEventTypeCount = 8;
using TraceEventMask = uint32_t;
constexpr TraceEventMask kAllTraceEvents = (1u << kTraceEventTypeCount) - 1;
constexpr TraceEventMask Bit(TraceEventType t) { return 1u << static_cast<int>(t); }

const char* TraceEventTypeName(TraceEventType t);
std::optional<TraceEventType> ParseTraceEventType(std::string_view name);

}  // namespace nrtb
