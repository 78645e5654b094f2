// The output of validation mode (NRT_SIM_VALIDATE): one stderr line per finding, starting with "nrt-validate:",
// printed the first time a check fires at a call site; later findings of that check at that site are only
// counted, and the counts are listed in the summary at nrt_close. With abort set, the first finding is
// printed and the process aborts (for a core dump at the faulty call).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace nrtb {

enum class Check {
  kHostReadRace,     // host read of memory a pending request writes
  kHostWriteRace,    // host write of memory a pending request reads or writes
  kReadAfterWrite,   // a request reads memory a pending request on another unit writes
  kWriteAfterRead,   // a request writes memory a pending request on another unit reads
  kWriteAfterWrite,  // a request writes memory a pending request on another unit writes
  kTensorFreed,      // nrt_tensor_free of a tensor a pending request uses
  kTensorSetDestroyed,
  kModelUnloaded,
  kClosedWithPending,  // nrt_close while requests are pending
  kEventFdRemoved,     // an eventfd deregistered while the completion it waits for is pending
  kEventFdClosed,      // a registered eventfd closed (or its number reused) before its request completed
  kStatusSlotReused,   // one NRT_STATUS* given to a second request while the first is pending
  kQueueFullSpin,      // NRT_QUEUE_FULL retried in a tight loop with no completion in between
};
const char* CheckName(Check c);

// "symbol+0xoff (module+0xoff)" for a code address, as far as dladdr can tell; "unknown call site" for null.
std::string DescribeSite(const void* site);

class ValidationReport {
 public:
  using Sink = std::function<void(const std::string& line)>;  // gets each line without its newline
  // abort_on_finding: abort() after printing the first finding. Lines go to `sink`, by default stderr.
  explicit ValidationReport(bool abort_on_finding, Sink sink = nullptr);

  // A finding of `check` at `site` (the public call's return address). `detail` is only called when the
  // line is printed, so repeats cost a map lookup.
  void Add(Check check, const void* site, const std::function<std::string()>& detail);
  // Prints the summary: the number of findings and call sites, and one line per (check, site) with its count.
  void PrintSummary();
  uint64_t total() const;

 private:
  void Emit(const std::string& line);

  const bool abort_;
  Sink sink_;
  mutable std::mutex mu_;
  std::map<std::pair<Check, const void*>, uint64_t> counts_;
  uint64_t total_ = 0;
};

}  // namespace nrtb
