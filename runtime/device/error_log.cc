#include "runtime/device/error_log.h"

#include <algorithm>

namespace nrtb {

void ErrorTracker::Add(const ErrorRecord& r) {
  std::lock_guard<std::mutex> lock(mu_);
  errors_.push_back(r);
}

const std::vector<ErrorRecord>& ErrorTracker::Take() {
  std::lock_guard<std::mutex> lock(mu_);
  snapshot_.swap(errors_);
  errors_.clear();
  return snapshot_;
}

void ErrorLog::Attach(const std::shared_ptr<ErrorTracker>& t) {
  std::lock_guard<std::mutex> lock(mu_);
  trackers_.push_back(t);
  count_.store(static_cast<uint32_t>(trackers_.size()), std::memory_order_release);
}

void ErrorLog::Detach(const ErrorTracker* t) {
  std::lock_guard<std::mutex> lock(mu_);
  trackers_.erase(std::remove_if(trackers_.begin(), trackers_.end(), [&](const auto& p) { return p.get() == t; }),
                  trackers_.end());
  count_.store(static_cast<uint32_t>(trackers_.size()), std::memory_order_release);
}

void ErrorLog::RecordSlow(uint64_t seq, NRT_STATUS status) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& t : trackers_) t->Add({seq, static_cast<uint64_t>(status)});
}

}  // namespace nrtb
