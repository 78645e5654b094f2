#include "tools/nrt-trace/analysis.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace nrttrace {

std::vector<Interval> Union(std::vector<Interval> v) {
  std::sort(v.begin(), v.end(), [](const Interval& a, const Interval& b) { return a.begin < b.begin; });
  std::vector<Interval> out;
  for (const Interval& i : v) {
    if (!(i.end > i.begin)) continue;
    if (!out.empty() && i.begin <= out.back().end) {
      out.back().end = std::max(out.back().end, i.end);
    } else {
      out.push_back(i);
    }
  }
  return out;
}

double Measure(const std::vector<Interval>& merged) {
  double total = 0;
  for (const Interval& i : merged) total += i.end - i.begin;
  return total;
}

std::vector<Interval> Intersect(const std::vector<Interval>& a, const std::vector<Interval>& b) {
  std::vector<Interval> out;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    double begin = std::max(a[i].begin, b[j].begin), end = std::min(a[i].end, b[j].end);
    if (end > begin) out.push_back({begin, end});
    // Advance whichever ends first; the other may still meet the next one.
    if (a[i].end < b[j].end) {
      ++i;
    } else {
      ++j;
    }
  }
  return out;
}

Percentiles ComputePercentiles(std::vector<double> v) {
  Percentiles p;
  p.count = v.size();
  if (v.empty()) return p;
  std::sort(v.begin(), v.end());
  auto rank = [&](double q) {
    size_t k = static_cast<size_t>(std::ceil(q / 100.0 * static_cast<double>(v.size())));
    return v[std::clamp<size_t>(k, 1, v.size()) - 1];
  };
  p.p50 = rank(50);
  p.p90 = rank(90);
  p.p99 = rank(99);
  p.max = v.back();
  return p;
}

namespace {

// Clips [begin, end] to the window; false when nothing is left (instants inside are kept).
bool Clip(double* begin, double* end, double from, double to) {
  if (*end < from || *begin > to) return false;
  *begin = std::max(*begin, from);
  *end = std::min(*end, to);
  return true;
}

}  // namespace

std::vector<bool> SynchronousRequests(const TraceData& data) {
  std::vector<double> host_events;
  host_events.reserve(data.requests.size() + data.host_calls.size());
  for (const Request& r : data.requests) host_events.push_back(r.schedule);
  for (const HostCall& c : data.host_calls) host_events.push_back(c.start);
  std::sort(host_events.begin(), host_events.end());
  std::vector<bool> sync(data.requests.size());
  for (size_t k = 0; k < data.requests.size(); ++k) {
    const Request& r = data.requests[k];
    auto next = std::upper_bound(host_events.begin(), host_events.end(), r.schedule);
    sync[k] = next == host_events.end() || *next >= r.end;
  }
  return sync;
}

Summary Summarize(const TraceData& data, const Window& window) {
  Summary s;
  double lo = INFINITY, hi = -INFINITY;
  for (const Request& r : data.requests) lo = std::min(lo, r.schedule), hi = std::max(hi, r.end);
  for (const HostCall& c : data.host_calls) lo = std::min(lo, c.start), hi = std::max(hi, c.end);
  if (!(hi >= lo)) lo = hi = 0;
  const double from = window.from_us.value_or(lo), to = window.to_us.value_or(hi);
  s.begin_us = from;
  s.end_us = std::max(from, to);
  s.span_us = s.end_us - s.begin_us;
  s.fatal_events = data.fatal_events;

  const std::vector<bool> sync = SynchronousRequests(data);
  std::vector<std::vector<Interval>> busy(data.tracks.size());
  std::vector<std::vector<double>> unit_latency(data.tracks.size());
  std::vector<Interval> blocked;
  std::vector<double> latency;
  std::vector<std::pair<double, int>> in_flight_steps;
  s.units.resize(data.tracks.size());
  for (size_t k = 0; k < data.requests.size(); ++k) {
    const Request& r = data.requests[k];
    double begin = r.start, end = r.end;
    double queued_begin = r.schedule, queued_end = r.end;
    if (!Clip(&queued_begin, &queued_end, from, to)) continue;
    UnitStats& u = s.units[r.track];
    ++s.requests;
    ++u.requests;
    if (!r.ok) ++s.failed, ++u.failed;
    if (Clip(&begin, &end, from, to)) busy[r.track].push_back({begin, end});
    if (sync[k]) {
      blocked.push_back({queued_begin, queued_end});
      ++s.synchronous_requests;
    }
    in_flight_steps.push_back({queued_begin, +1});
    in_flight_steps.push_back({queued_end, -1});
    if (r.end >= from && r.end <= to) {
      latency.push_back(r.end - r.schedule);
      unit_latency[r.track].push_back(r.end - r.schedule);
    }
  }
  for (const HostCall& c : data.host_calls) {
    double begin = c.start, end = c.end;
    if (!Clip(&begin, &end, from, to)) continue;
    ++s.host_calls;
    blocked.push_back({begin, end});
  }

  std::vector<Interval> all_busy;
  for (size_t t = 0; t < data.tracks.size(); ++t) {
    std::vector<Interval> merged = Union(std::move(busy[t]));
    UnitStats& u = s.units[t];
    u.name = data.tracks[t].name;
    u.busy_us = Measure(merged);
    u.utilisation = s.span_us > 0 ? u.busy_us / s.span_us : 0;
    u.latency_us = ComputePercentiles(std::move(unit_latency[t]));
    all_busy.insert(all_busy.end(), merged.begin(), merged.end());
  }
  // Tracks in (pid, tid) order, the order of the trace viewer.
  std::vector<size_t> order(data.tracks.size());
  for (size_t t = 0; t < order.size(); ++t) order[t] = t;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::make_pair(data.tracks[a].pid, data.tracks[a].tid) <
           std::make_pair(data.tracks[b].pid, data.tracks[b].tid);
  });
  std::vector<UnitStats> sorted;
  for (size_t t : order) sorted.push_back(std::move(s.units[t]));
  s.units = std::move(sorted);

  std::vector<Interval> device = Union(std::move(all_busy));
  std::vector<Interval> host = Union(std::move(blocked));
  s.device_busy_us = Measure(device);
  s.host_blocked_us = Measure(host);
  s.overlap_us = std::max(0.0, s.device_busy_us - Measure(Intersect(device, host)));
  s.overlap_fraction = s.device_busy_us > 0 ? s.overlap_us / s.device_busy_us : 0;

  // Ends sort before schedules at the same instant: back-to-back requests are not "two in flight".
  std::sort(in_flight_steps.begin(), in_flight_steps.end());
  int depth = 0;
  double area = 0, last = from;
  for (const auto& [t, step] : in_flight_steps) {
    area += depth * (t - last);
    last = t;
    depth += step;
    s.max_in_flight = std::max<uint32_t>(s.max_in_flight, static_cast<uint32_t>(std::max(depth, 0)));
  }
  s.mean_in_flight = s.span_us > 0 ? area / s.span_us : 0;
  s.latency_us = ComputePercentiles(std::move(latency));
  return s;
}

}  // namespace nrttrace
