#include "runtime/device/trace_event.h"

namespace nrtb {
namespace {
constexpr const char* kNames[kTraceEventTypeCount] = {
    "request_schedule", "request_start", "request_end",  "request_error",
    "tensor_op",        "model_load",    "model_unload", "unit_fatal",
};
}  // namespace

const char* TraceEventTypeName(TraceEventType t) { return kNames[static_cast<int>(t)]; }

std::optional<TraceEventType> ParseTraceEventType(std::string_view name) {
  for (int i = 0; i < kTraceEventTypeCount; ++i) {
    if (name == kNames[i]) return static_cast<TraceEventType>(i);
  }
  return std::nullopt;
}

}  // namespace nrtb
