#include "runtime/device/tracer.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "runtime/core/log.h"
#include "runtime/core/status_names.h"
#include "runtime/device/sim_clock.h"
#include "runtime/device/xu_id.h"

namespace nrtb {

Tracer::Tracer(std::string path) : path_(std::move(path)), origin_ns_(NowNs()) {}

void Tracer::Record(Event event) {
  std::lock_guard<std::mutex> lock(mu_);
  if (events_.size() >= kMaxEvents) {
    ++dropped_;
    return;
  }
  events_.push_back(std::move(event));
}

bool Tracer::Write() {
  using nlohmann::json;
  std::lock_guard<std::mutex> lock(mu_);
  auto us = [&](uint64_t ns) { return static_cast<double>(ns - std::min(ns, origin_ns_)) / 1000.0; };
  json events = json::array();
  std::set<uint32_t> lncs;
  std::set<uint16_t> tracks;
  for (const Event& e : events_) {
    uint32_t pid = XuIdLnc(e.xu_id);
    uint32_t tid = XuIdType(e.xu_id) * 16 + XuIdQueue(e.xu_id);
    lncs.insert(pid);
    tracks.insert(e.xu_id);
    events.push_back({{"name", "schedule " + e.label}, {"cat", "schedule"}, {"ph", "i"}, {"s", "t"}, {"ts", us(e.schedule_ns)},
                      {"pid", pid}, {"tid", tid}, {"args", {{"seq_num", e.seq_num}}}});
    events.push_back({{"name", e.label}, {"cat", "request"}, {"ph", "X"}, {"ts", us(e.start_ns)},
                      {"dur", static_cast<double>(e.end_ns - e.start_ns) / 1000.0}, {"pid", pid}, {"tid", tid},
                      {"args", {{"seq_num", e.seq_num}, {"seq", MakeSeq(e.xu_id, e.seq_num)}, {"status", StatusName(e.status)},
                                {"queued_us", static_cast<double>(e.start_ns - e.schedule_ns) / 1000.0}}}});
  }
  for (uint32_t lnc : lncs) {
    events.push_back({{"name", "process_name"}, {"ph", "M"}, {"pid", lnc}, {"args", {{"name", "LNC " + std::to_string(lnc)}}}});
    events.push_back({{"name", "process_sort_index"}, {"ph", "M"}, {"pid", lnc}, {"args", {{"sort_index", lnc}}}});
  }
  for (uint16_t id : tracks) {
    uint32_t tid = XuIdType(id) * 16 + XuIdQueue(id);
    std::string name = std::string(XuTypeName(static_cast<XuType>(XuIdType(id)))) + " q" + std::to_string(XuIdQueue(id));
    events.push_back({{"name", "thread_name"}, {"ph", "M"}, {"pid", XuIdLnc(id)}, {"tid", tid}, {"args", {{"name", name}}}});
    events.push_back({{"name", "thread_sort_index"}, {"ph", "M"}, {"pid", XuIdLnc(id)}, {"tid", tid}, {"args", {{"sort_index", tid}}}});
  }
  json doc = {{"traceEvents", std::move(events)},
              {"displayTimeUnit", "ns"},
              {"otherData", {{"producer", "nrt-bridge"}, {"dropped_requests", dropped_}}}};

  std::string tmp = path_ + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << doc.dump() << '\n';
    out.close();
    if (!out) {
      NRTB_ERROR("cannot write trace file %s (NRT_SIM_TRACE)", tmp.c_str());
      std::remove(tmp.c_str());
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path_.c_str()) != 0) {
    NRTB_ERROR("cannot rename %s to %s (NRT_SIM_TRACE)", tmp.c_str(), path_.c_str());
    std::remove(tmp.c_str());
    return false;
  }
  if (dropped_ != 0) NRTB_WARN("trace %s: kept the first %zu requests, dropped %llu", path_.c_str(), events_.size(), static_cast<unsigned long long>(dropped_));
  NRTB_INFO("wrote trace of %zu requests to %s", events_.size(), path_.c_str());
  return true;
}

}  // namespace nrtb
