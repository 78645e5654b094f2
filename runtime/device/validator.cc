#include "runtime/device/validator.h"

#include <cinttypes>
#include <cstdio>

#include "runtime/device/xu_id.h"

namespace nrtb {
namespace {

std::string Hex(uintptr_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%" PRIxPTR, v);
  return buf;
}

std::string DescribeAccess(const MemoryAccess& a) {
  std::string what = a.host() ? std::string("host buffer") : "tensor \"" + std::string(a.tensor) + "\"";
  const uint64_t offset = a.offset;
  return what + " bytes [" + std::to_string(offset) + ", " + std::to_string(offset + (a.end - a.begin)) + ") (memory " +
         Hex(a.begin) + "-" + Hex(a.end) + ")";
}

// "seq 2 (lnc 0, tensor_op queue 1), nrta_tensor_write scheduled at main+0x42 (...)"
std::string DescribePending(const PendingRequest& p) {
  return DescribeRequest(p.unit->xu_id(), p.n) + ", " + p.footprint.api() + " scheduled at " +
         DescribeSite(p.footprint.site());
}

Check HazardKind(bool host, bool we_write, bool they_write) {
  if (host) return we_write ? Check::kHostWriteRace : Check::kHostReadRace;
  if (!we_write) return Check::kReadAfterWrite;
  return they_write ? Check::kWriteAfterWrite : Check::kWriteAfterRead;
}

// Per thread: the current run of NRT_QUEUE_FULL returns from one call site on one unit.
struct QueueFullRun {
  const void* validator = nullptr;
  const void* site = nullptr;
  const ExecUnit* unit = nullptr;
  uint64_t completed = 0;
  uint64_t count = 0;
};
thread_local QueueFullRun t_queue_full;

}  // namespace

std::string DescribeRequest(uint16_t xu_id, uint64_t n) {
  return "seq " + std::to_string(n) + " (lnc " + std::to_string(XuIdLnc(xu_id)) + ", " +
         XuTypeName(static_cast<XuType>(XuIdType(xu_id))) + " queue " + std::to_string(XuIdQueue(xu_id)) + ")";
}

Validator::Validator(bool abort_on_finding, ValidationReport::Sink sink) : report_(abort_on_finding, std::move(sink)) {}

void Validator::CheckHazardsLocked(const RequestFootprint& r, const ExecUnit* own_unit, uint64_t own_n, bool host) {
  if (r.accesses().empty()) return;
  host = host || own_unit == nullptr;
  const RequestFootprint::Bounds& bounds = r.bounds();
  // Not own_unit's requests: one unit runs its requests in order.
  pending_.ForEachMayConflict(own_unit, r, [&](const PendingRequest& p) {
    if (!bounds.MayConflict(p.footprint.bounds())) return true;
    for (const MemoryAccess& ours : r.accesses()) {
      for (const MemoryAccess& theirs : p.footprint.accesses()) {
        if (!ours.Overlaps(theirs) || (!ours.write && !theirs.write)) continue;
        ReportHazardLocked(r, own_unit, own_n, host, ours, p, theirs);
        return false;  // one finding per call
      }
    }
    return true;
  });
}

void Validator::ReportHazardLocked(const RequestFootprint& r, const ExecUnit* own_unit, uint64_t own_n, bool host,
                                   const MemoryAccess& ours, const PendingRequest& p, const MemoryAccess& theirs) {
  report_.Add(HazardKind(host, ours.write, theirs.write), r.site(), [&] {
    std::string who = host ? std::string(r.api()) + " at " + DescribeSite(r.site()) + ": the host "
                           : std::string(r.api()) + " at " + DescribeSite(r.site()) + ": request " +
                                 DescribeRequest(own_unit->xu_id(), own_n) + " ";
    return who + (ours.write ? "writes " : "reads ") + DescribeAccess(ours) + " while request " + DescribePending(p) +
           ", still pending, " + (theirs.write ? "writes " : "reads ") + DescribeAccess(theirs) +
           "; wait for that request first";
  });
}

void Validator::OnScheduled(RequestFootprint&& r, const ExecUnit& unit, uint64_t seq, NRT_STATUS* ret) {
  std::lock_guard<YieldingSpinLock> lock(mu_);
  RequestFootprint& slot = pending_.Reserve(&unit, nullptr, nullptr);
  slot = std::move(r);
  OnScheduledLocked(slot, unit, seq, ret);
}

void Validator::OnScheduledLocked(const RequestFootprint& r, const ExecUnit& unit, uint64_t seq, NRT_STATUS* ret) {
  const uint64_t n = SeqNum(seq);
  if (t_queue_full.validator == this) t_queue_full = QueueFullRun{};
  CheckHazardsLocked(r, &unit, n);
  if (const PendingRequest* p = ret != nullptr ? pending_.ClaimStatusSlot(ret, &unit, n) : nullptr) {
    report_.Add(Check::kStatusSlotReused, r.site(), [&] {
      char slot[32];
      std::snprintf(slot, sizeof slot, "%p", static_cast<void*>(ret));
      return std::string(r.api()) + " at " + DescribeSite(r.site()) + ": request " + DescribeRequest(unit.xu_id(), n) +
             " was given NRT_STATUS slot " + slot + " of request " + DescribePending(*p) +
             ", still pending; that request's status would be lost";
    });
  }
  pending_.Commit(&unit, n);
}

void Validator::OnQueueFull(const char* api, const void* site, const ExecUnit& unit) {
  const uint64_t completed = unit.completed();
  QueueFullRun& run = t_queue_full;
  if (run.validator != this || run.site != site || run.unit != &unit || run.completed != completed) {
    run = QueueFullRun{this, site, &unit, completed, 0};
  }
  if (++run.count != kQueueFullSpinLimit) return;
  std::lock_guard<YieldingSpinLock> lock(mu_);
  const PendingRequest* oldest = pending_.Oldest(&unit);
  report_.Add(Check::kQueueFullSpin, site, [&] {
    return std::string(api) + " at " + DescribeSite(site) + ": retried " + std::to_string(kQueueFullSpinLimit) +
           " times on NRT_QUEUE_FULL for " + DescribeRequest(unit.xu_id(), unit.submitted() + 1) +
           " with no completion in between" +
           (oldest != nullptr ? "; oldest pending request " + DescribePending(*oldest) : std::string()) +
           "; wait for a completion (nrta_is_completed, an eventfd) before retrying";
  });
}

void Validator::OnSyncRequest(const RequestFootprint& r, const ExecUnit& unit) {
  std::lock_guard<YieldingSpinLock> lock(mu_);
  // Numbered like the request it will be (the next on its unit) for the line; the unit orders it anyway.
  CheckHazardsLocked(r, &unit, unit.submitted() + 1);
}

void Validator::OnHostAccess(const RequestFootprint& r, const ExecUnit* ordered_after) {
  std::lock_guard<YieldingSpinLock> lock(mu_);
  CheckHazardsLocked(r, ordered_after, 0, true);
}

void Validator::OnRelease(Check check, const char* api, const void* site, const void* object, const std::string& what) {
  std::lock_guard<YieldingSpinLock> lock(mu_);
  const PendingRequest* first = nullptr;
  uint64_t count = 0;
  pending_.ForEach(nullptr, [&](const PendingRequest& p) {
    if (p.footprint.UsesObject(object)) {
      if (first == nullptr) first = &p;
      ++count;
    }
    return true;
  });
  if (first == nullptr) return;
  report_.Add(check, site, [&] {
    return std::string(api) + " at " + DescribeSite(site) + ": " + what + " is used by " + std::to_string(count) +
           " pending request(s), first " + DescribePending(*first) +
           "; on hardware its memory may be reused under them: wait for them first";
  });
}

void Validator::OnEventFdRegistered(const char* api, const void* site, const ExecUnit& unit, uint64_t n, int fd) {
  WatchedFd w{fd, FdIdentity::Of(fd), api, site};
  if (w.id.empty()) return;  // closed (the API call rejects it itself), or no fd left for the duplicate
  std::lock_guard<std::mutex> lock(fd_mu_);
  // Registrations of requests that completed before the runtime armed them were signalled without a check: drop.
  const uint64_t completed = unit.completed();
  watched_fds_.erase(watched_fds_.lower_bound({unit.xu_id(), 1}), watched_fds_.upper_bound({unit.xu_id(), completed}));
  if (n != 0 && n <= completed) return;
  const auto key = std::make_pair(unit.xu_id(), n);
  auto range = watched_fds_.equal_range(key);
  for (auto it = range.first; it != range.second; ++it) {
    // The unit-wide fd is replaced; a request's fd registered again is still one registration.
    if (n == 0 || it->second.fd == fd) {
      it->second = std::move(w);
      return;
    }
  }
  watched_fds_.emplace(key, std::move(w));
}

void Validator::BeforeSignal(uint16_t xu_id, uint64_t n, int fd) {
  std::lock_guard<std::mutex> lock(fd_mu_);
  auto range = watched_fds_.equal_range(std::make_pair(xu_id, n));
  auto it = range.first;
  while (it != range.second && it->second.fd != fd) ++it;
  if (it == range.second) return;
  const FdIdentity::Now now = it->second.id.Compare(fd);
  const char* api = it->second.api;
  const void* site = it->second.site;
  // A request's registration is signalled once; the unit-wide one stays until a finding (the runtime then keeps
  // signalling whatever the number refers to, or drops a dead fd itself).
  if (n != 0 || now != FdIdentity::Now::kSame) watched_fds_.erase(it);
  if (now == FdIdentity::Now::kSame) return;
  report_.Add(Check::kEventFdClosed, site, [&] {
    return std::string(api) + " at " + DescribeSite(site) + ": eventfd " + std::to_string(fd) + " registered for " +
           (n == 0 ? "every completion of unit " + DescribeRequest(xu_id, 0).substr(6) + " was closed"
                   : "request " + DescribeRequest(xu_id, n) + " was closed") +
           (now == FdIdentity::Now::kOtherFile ? " and the number now refers to another file" : "") +
           (n == 0 ? " while that unit still had requests to complete" : " before that request completed") +
           "; the wake-up the program waits for is lost: wait, deregister (fd -1), then close";
  });
}

void Validator::OnEventFdRemoved(const char* api, const void* site, const ExecUnit& unit, uint64_t n) {
  {
    // Deregistered: nothing of it is signalled any more.
    std::lock_guard<std::mutex> lock(fd_mu_);
    watched_fds_.erase(std::make_pair(unit.xu_id(), n));
  }
  std::lock_guard<YieldingSpinLock> lock(mu_);
  const PendingRequest* waited = nullptr;
  if (n == 0) {
    waited = pending_.Oldest(&unit);
  } else {
    pending_.ForEach(nullptr, [&](const PendingRequest& p) {
      if (p.unit == &unit && p.n == n) waited = &p;
      return waited == nullptr;
    });
  }
  if (waited == nullptr) return;
  report_.Add(Check::kEventFdRemoved, site, [&] {
    return std::string(api) + " at " + DescribeSite(site) + ": the eventfd " +
           (n == 0 ? "of unit lnc " + std::to_string(XuIdLnc(unit.xu_id())) + " " +
                         XuTypeName(static_cast<XuType>(XuIdType(unit.xu_id()))) + " queue " +
                         std::to_string(XuIdQueue(unit.xu_id()))
                   : std::string("of request ") + DescribeRequest(unit.xu_id(), n)) +
           " was removed while request " + DescribePending(*waited) +
           " is pending; a program waiting on that eventfd would not be woken";
  });
}

void Validator::OnClose(const void* site) {
  {
    std::lock_guard<YieldingSpinLock> lock(mu_);
    const PendingRequest* first = nullptr;
    uint64_t count = 0;
    pending_.ForEach(nullptr, [&](const PendingRequest& p) {
      if (first == nullptr) first = &p;
      ++count;
      return true;
    });
    if (first != nullptr) {
      report_.Add(Check::kClosedWithPending, site, [&] {
        return "nrt_close at " + DescribeSite(site) + ": " + std::to_string(count) +
               " request(s) still pending, first " + DescribePending(*first) +
               "; they complete with NRT_CLOSED: wait for them before closing";
      });
    }
  }
  report_.PrintSummary();
}

}  // namespace nrtb
