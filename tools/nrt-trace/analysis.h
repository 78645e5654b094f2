// The numbers `nrt-trace summary` prints, computed from TraceData.
//
// Host/device overlap. The runtime's traces record the moment every request was scheduled, started and
// ended, and profile files also the host's synchronous calls (transfers of device tensors, model
// load/unload), but not the time a thread spends waiting on an asynchronous completion. So "host
// blocked" is:
//   * every synchronous transfer, from its start to its end, and
//   * every *synchronous request*, from its schedule to its end: a request during whose execution the
//     host scheduled nothing and made no recorded call, i.e. the calling thread was held by it (a
//     synchronous nrt_execute). A request during which the host scheduled more work was asynchronous.
// Overlap is the time at least one execution unit was busy while the host was not blocked; its
// fraction is overlap / device-busy time. Waits on asynchronous completions are not in the trace,
// so they count as host time outside the runtime; several host threads count as one host.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tools/nrt-trace/trace_data.h"

namespace nrttrace {

struct Interval {
  double begin = 0, end = 0;
};

// Sorts and merges overlapping or touching intervals; drops empty ones.
std::vector<Interval> Union(std::vector<Interval> v);
double Measure(const std::vector<Interval>& merged);
// Both arguments merged (as Union returns); the result is merged too.
std::vector<Interval> Intersect(const std::vector<Interval>& a, const std::vector<Interval>& b);

struct Percentiles {
  uint64_t count = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
};
// Nearest-rank percentiles (p-th = the ceil(p/100 * n)-th smallest value); all zero when empty.
Percentiles ComputePercentiles(std::vector<double> v);

struct UnitStats {
  std::string name;
  uint64_t requests = 0, failed = 0;
  double busy_us = 0, utilisation = 0;
  Percentiles latency_us;  // schedule -> end
};

struct Summary {
  double begin_us = 0, end_us = 0, span_us = 0;
  uint64_t requests = 0, failed = 0, host_calls = 0, fatal_events = 0;
  std::vector<UnitStats> units;  // in (pid, tid) order
  double device_busy_us = 0;     // at least one unit busy
  double host_blocked_us = 0;
  uint64_t synchronous_requests = 0;
  double overlap_us = 0, overlap_fraction = 0;
  uint32_t max_in_flight = 0;  // requests scheduled and not yet ended
  double mean_in_flight = 0;   // time-weighted over the span
  Percentiles latency_us;
};

// Per request: true when the host scheduled nothing and made no recorded call while it ran (see above).
std::vector<bool> SynchronousRequests(const TraceData& data);

struct Window {
  std::optional<double> from_us, to_us;
};

// Requests and calls are clipped to the window; latency counts requests that end inside it.
Summary Summarize(const TraceData& data, const Window& window = {});

}  // namespace nrttrace
