// What nrt-trace keeps of a Chrome/Perfetto trace written by the runtime (NRT_SIM_TRACE, profile
// and inspect files): requests on execution-unit tracks and the host-side calls the trace records.
// Times are the trace's own `ts` unit, microseconds since the runtime's origin.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace nrttrace {

// One execution unit: a (pid, tid) track; the runtime names it "compute q0", "tensor_op q1", ...
struct Track {
  uint32_t pid = 0, tid = 0;
  std::string name;  // from the thread_name metadata, or derived from tid when the trace has none
};

// A request that ran on a unit: scheduled at `schedule`, ran from `start` to `end`.
struct Request {
  uint32_t track = 0;  // index into TraceData::tracks
  uint32_t label = 0;  // index into TraceData::labels
  double schedule = 0, start = 0, end = 0;
  bool ok = true;  // status NRT_SUCCESS
};

// A synchronous host call the trace records with a duration (nrt_tensor_read / write of a device
// tensor); model load/unload are instants (start == end).
struct HostCall {
  uint32_t label = 0;
  double start = 0, end = 0;
};

struct TraceData {
  std::vector<Track> tracks;
  std::vector<std::string> labels;
  std::vector<Request> requests;
  std::vector<HostCall> host_calls;
  uint64_t fatal_events = 0;    // "unrecoverable" instants
  uint64_t ignored_events = 0;  // events of kinds nrt-trace does not use (schedule instants, other producers' events)
};

}  // namespace nrttrace
