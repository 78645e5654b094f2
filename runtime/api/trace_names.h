// Name lists shared by nrt_sys_trace.h and nrt_profile.h: event types and activity types are handed
// to the caller as malloc'ed arrays of malloc'ed strings (the SDK's documented ownership: free()
// each string, then the array).
#pragma once

#include <cstddef>

#include "nrt/nrt_status.h"
#include "runtime/device/trace_event.h"

namespace nrtb {

// The event type `name` names, or Error(NRT_INVALID, "... known types: ...").
TraceEventType RequireEventType(const char* name);
// Allocates the names of the types in `mask`.
NRT_STATUS EventTypeList(TraceEventMask mask, const char*** names, size_t* count);
// Allocates a copy of `names` (n entries).
NRT_STATUS NameList(const char* const* names, size_t n, const char*** out, size_t* count);
void FreeNameList(const char** names, size_t count);

}  // namespace nrtb
