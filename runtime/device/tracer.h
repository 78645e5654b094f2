// Request trace (NRT_SIM_TRACE=path): every request's schedule, start and end on every unit,
// written at nrt_close as Chrome trace-event JSON (loads in ui.perfetto.dev and chrome://tracing):
// one process per logical core, one thread (track) per XU type x queue.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "nrt/nrt_status.h"

namespace nrtb {

class Tracer {
 public:
  // Bound on recorded requests so a long run cannot exhaust memory; later ones are counted, not kept.
  static constexpr size_t kMaxEvents = 4u << 20;

  explicit Tracer(std::string path);

  struct Event {
    uint16_t xu_id;
    uint64_t seq_num;
    uint64_t schedule_ns, start_ns, end_ns;  // NowNs() time base
    NRT_STATUS status;
    std::string label;
  };
  void Record(Event event);  // thread-safe
  // Writes the file (temp file + rename, so never half-written). Logs and returns false on failure.
  bool Write();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  uint64_t origin_ns_;
  std::mutex mu_;
  std::vector<Event> events_;
  uint64_t dropped_ = 0;
};

}  // namespace nrtb
