// The system trace (nrt_sys_trace.h): while it runs, events are captured per logical core into a
// bounded ring (capacity from the options, storage grown on use up to it); when a ring is full the
// oldest event is dropped and counted. Fetch() moves events out as JSON, so each is returned once.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "nrt/nrt_status.h"
#include "runtime/device/trace_hub.h"

namespace nrtb {

struct SysTraceOptions {
  static constexpr uint64_t kDefaultMaxEventsPerNc = 65536;
  static constexpr uint64_t kMaxEventsPerNcLimit = 1u << 20;
  static constexpr uint32_t kMaxNc = 128;  // per-core switches kept for cores 0 .. kMaxNc - 1

  uint64_t max_events_per_nc = kDefaultMaxEventsPerNc;
  std::vector<bool> nc_enabled = std::vector<bool>(kMaxNc, true);
  TraceEventMask types = kAllTraceEvents;
  // Set by a void setter given a bad value (already logged): starting with these options fails.
  std::string invalid;
};

class SysTraceBuffer : public TraceSink {
 public:
  static constexpr size_t kMaxNameBytes = 63;

  // Options must be valid (max_events_per_nc within limits).
  SysTraceBuffer(const SysTraceOptions& options, uint32_t lnc_count);

  void OnRecord(const TraceRecord& record) override;

  // Moves up to `max_per_nc` of the oldest events of core `nc` (every core when nc < 0) into a JSON
  // document (schema: README, "System trace"). Thread-safe.
  std::string Fetch(int64_t nc, uint64_t max_per_nc);
  uint32_t lnc_count() const { return static_cast<uint32_t>(rings_.size()); }

 private:
  struct Event {
    TraceEventType type;
    uint16_t xu_id;
    uint8_t name_len;
    uint8_t detail_len;
    NRT_STATUS status;
    uint32_t model_id;
    uint64_t seq_num;
    uint64_t ts_ns;
    uint64_t bytes;
    char name[kMaxNameBytes];
    char detail[kMaxNameBytes];
  };
  struct Ring {
    std::mutex mu;
    bool enabled = false;
    std::vector<Event> slots;  // grows to capacity, then reused
    uint64_t head = 0, tail = 0;  // absolute indexes: events [head, tail) are held
    uint64_t dropped = 0;         // since the last fetch
  };

  void Push(Ring& ring, const Event& e);
  static void AppendEvent(std::string& out, uint32_t nc, const Event& e);

  const uint64_t capacity_;
  const TraceEventMask types_;
  std::vector<std::unique_ptr<Ring>> rings_;
};

}  // namespace nrtb
