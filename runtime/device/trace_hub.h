// Where the runtime's trace records go: the sinks attached right now. Emitting costs one relaxed
// atomic load while no sink is attached, so the schedule and completion paths only pay for tracing
// when something listens:
//
//   if (hub->active()) hub->Emit(record);
//
// A sink attached while requests are in flight may see records whose schedule time is 0 (unknown).
#pragma once

#include <atomic>
#include <memory>
#include <shared_mutex>
#include <vector>

#include "runtime/device/trace_event.h"

namespace nrtb {

class TraceSink {
 public:
  virtual ~TraceSink() = default;
  // Called from any thread, concurrently; must not throw (the hub drops a sink's exception).
  virtual void OnRecord(const TraceRecord& record) = 0;
};

class TraceHub {
 public:
  bool active() const { return count_.load(std::memory_order_relaxed) != 0; }
  // Delivers to every attached sink. Never throws.
  void Emit(const TraceRecord& record) noexcept;
  void Attach(std::shared_ptr<TraceSink> sink);
  // After Detach returns, the sink receives no more records.
  void Detach(const TraceSink* sink);

 private:
  std::atomic<uint32_t> count_{0};
  std::shared_mutex mu_;
  std::vector<std::shared_ptr<TraceSink>> sinks_;
};

}  // namespace nrtb
