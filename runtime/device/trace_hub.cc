#include "runtime/device/trace_hub.h"

#include <algorithm>
#include <mutex>

namespace nrtb {

void TraceHub::Emit(const TraceRecord& record) noexcept {
  std::shared_lock<std::shared_mutex> lock(mu_);
  for (const auto& sink : sinks_) {
    try {
      sink->OnRecord(record);
    } catch (...) {
      // A sink reports its own failures (once, at its end); one bad record never stops the runtime.
    }
  }
}

void TraceHub::Attach(std::shared_ptr<TraceSink> sink) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  sinks_.push_back(std::move(sink));
  count_.store(static_cast<uint32_t>(sinks_.size()), std::memory_order_relaxed);
}

void TraceHub::Detach(const TraceSink* sink) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  sinks_.erase(std::remove_if(sinks_.begin(), sinks_.end(), [&](const auto& s) { return s.get() == sink; }), sinks_.end());
  count_.store(static_cast<uint32_t>(sinks_.size()), std::memory_order_relaxed);
}

}  // namespace nrtb
