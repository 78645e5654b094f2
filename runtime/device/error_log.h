// Error trackers of one logical core (nrta_error_tracker_*, an nrt-bridge extension): each tracker
// keeps (seq, status) of every request on that core that completed with an error after the
// tracker was created.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "nrt/nrt_status.h"

namespace nrtb {

// Same layout as nrta_error_t (checked in runtime/api).
struct ErrorRecord {
  uint64_t seq;
  uint64_t error_code;
};

class ErrorTracker {
 public:
  explicit ErrorTracker(uint32_t lnc) : lnc_(lnc) {}
  uint32_t lnc() const { return lnc_; }
  void Add(const ErrorRecord& r);
  // Moves the errors recorded since the previous call into a list the caller may read until the
  // next Take() or the tracker's destruction (get-and-clear, as torch-neuronx uses it).
  const std::vector<ErrorRecord>& Take();

 private:
  uint32_t lnc_;
  std::mutex mu_;
  std::vector<ErrorRecord> errors_;
  std::vector<ErrorRecord> snapshot_;
};

class ErrorLog {
 public:
  void Attach(const std::shared_ptr<ErrorTracker>& t);
  void Detach(const ErrorTracker* t);
  // Called by units on every failed request; one relaxed load when no tracker exists.
  void Record(uint64_t seq, NRT_STATUS status) {
    if (count_.load(std::memory_order_acquire) != 0) RecordSlow(seq, status);
  }

 private:
  void RecordSlow(uint64_t seq, NRT_STATUS status);
  std::atomic<uint32_t> count_{0};
  std::mutex mu_;
  std::vector<std::shared_ptr<ErrorTracker>> trackers_;
};

}  // namespace nrtb
