// Validation mode (NRT_SIM_VALIDATE=1|abort): the runtime sees every request, so it can tell where an
// explicit-async program forgot to wait. The API layer describes each request and host access
// (RequestFootprint) and calls one method here; the checks:
//   - host access racing device work: a host read of memory a pending request writes, a host write of memory
//     a pending request reads or writes (by address range: slices and attached buffers included);
//   - cross-unit hazards: a request that reads what a pending request on another unit writes, or writes
//     what it reads or writes. Requests of one unit (one LNC, XU type and queue) are ordered: never reported.
//     A conflict with a request that is pending now is always a missing wait: had the program waited for it,
//     it would have completed;
//   - lifetimes: freeing a tensor, destroying a tensor set, unloading a model, closing the runtime or
//     deregistering an eventfd while a request that needs it is pending; closing a registered eventfd before its
//     request completed (found when the runtime is about to signal it: the fd is closed, or now refers to another
//     file or eventfd); one NRT_STATUS* given to a second request while the first is pending;
//   - back-pressure misuse: NRT_QUEUE_FULL retried from one call site kQueueFullSpinLimit times in a row with
//     no completion on that unit in between.
// Findings go to the ValidationReport. Nothing here changes what a request does or returns.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "nrt/nrt_status.h"
#include "runtime/core/yielding_spin_lock.h"
#include "runtime/device/exec_unit.h"
#include "runtime/device/fd_identity.h"
#include "runtime/device/pending_requests.h"
#include "runtime/device/request_footprint.h"
#include "runtime/device/validation_report.h"

namespace nrtb {

class Validator final : public EventFdWatch {
 public:
  // Consecutive NRT_QUEUE_FULL returns (one thread, call site and unit, no completion) that make a finding.
  static constexpr uint64_t kQueueFullSpinLimit = 10000;

  explicit Validator(bool abort_on_finding, ValidationReport::Sink sink = nullptr);

  // A schedule call `api` (called from `site`) on `unit`: describe(RequestFootprint&) says what the request
  // touches, straight into a free slot of the pending registry (no footprint is built elsewhere and copied in),
  // then submit() schedules it and returns its status. An accepted request (sequence id *seq) is checked against
  // the pending requests and registered; a NRT_QUEUE_FULL is counted for the back-pressure check. The lock is held
  // from describe to registration, submit included: the slot is the registry's meanwhile, and no lock that
  // submit takes is ever held by a caller of this class.
  template <typename Describe, typename Submit>
  NRT_STATUS Schedule(const char* api, const void* site, const ExecUnit& unit, NRT_STATUS* ret, const uint64_t* seq,
                      Describe&& describe, Submit&& submit) {
    std::unique_lock<YieldingSpinLock> lock(mu_);
    RequestFootprint& r = pending_.Reserve(&unit, api, site);
    describe(r);
    const NRT_STATUS s = submit();
    if (s == NRT_SUCCESS) {
      OnScheduledLocked(r, unit, *seq, ret);
    } else if (s == NRT_QUEUE_FULL) {
      lock.unlock();  // the slot is free for the next Reserve: what OnQueueFull needs is passed by value
      OnQueueFull(api, site, unit);
    }
    return s;
  }
  // A request `unit` accepted as sequence id `seq`: checked against the pending requests, then registered.
  void OnScheduled(RequestFootprint&& r, const ExecUnit& unit, uint64_t seq, NRT_STATUS* ret);
  // A schedule call that returned NRT_QUEUE_FULL on `unit`.
  void OnQueueFull(const RequestFootprint& r, const ExecUnit& unit) { OnQueueFull(r.api(), r.site(), unit); }
  void OnQueueFull(const char* api, const void* site, const ExecUnit& unit);
  // A synchronous request about to run on `unit` (nrt_execute): checked, not registered.
  void OnSyncRequest(const RequestFootprint& r, const ExecUnit& unit);
  // A host call about to access tensor memory directly (nrt_tensor_read/write/memset/copy/batches). A call that
  // runs in order behind the requests of a unit (`ordered_after`: nrt_all_gather on its collectives queue) is
  // not checked against that unit's requests.
  void OnHostAccess(const RequestFootprint& r, const ExecUnit* ordered_after = nullptr);
  // An object going away (kTensorFreed, kTensorSetDestroyed, kModelUnloaded): `what` names it in the line.
  void OnRelease(Check check, const char* api, const void* site, const void* object, const std::string& what);
  // An eventfd deregistered: `n` > 0 for the one of request n, 0 for the unit-wide one.
  void OnEventFdRemoved(const char* api, const void* site, const ExecUnit& unit, uint64_t n);
  // An application eventfd registered for request n (0: unit-wide) of `unit`: what it refers to now is
  // remembered and compared when the runtime is about to signal it (BeforeSignal).
  void OnEventFdRegistered(const char* api, const void* site, const ExecUnit& unit, uint64_t n, int fd);
  void BeforeSignal(uint16_t xu_id, uint64_t n, int fd) override;
  // nrt_close: reports requests still pending, then prints the summary.
  void OnClose(const void* site);

  ValidationReport& report() { return report_; }
  // For tests, while no other thread uses this validator: its status slot table.
  const StatusSlotTable& status_slots() const { return pending_.status_slots(); }

 private:
  // Reports the first conflict of r with a pending request not on own_unit: r is request own_n of own_unit, or
  // with `host` a host access (own_unit, if any, is the unit it is ordered behind).
  void CheckHazardsLocked(const RequestFootprint& r, const ExecUnit* own_unit, uint64_t own_n, bool host = false);
  // Its finding (ours conflicts with theirs, of pending request p). Out of line: inlined, the text building made
  // every check save and restore registers it only needs for a finding.
  __attribute__((noinline)) void ReportHazardLocked(const RequestFootprint& r, const ExecUnit* own_unit, uint64_t own_n,
                                                    bool host, const MemoryAccess& ours, const PendingRequest& p,
                                                    const MemoryAccess& theirs);
  // OnScheduled for r, the footprint pending_.Reserve(&unit, ...) returned: checks it, then commits it.
  void OnScheduledLocked(const RequestFootprint& r, const ExecUnit& unit, uint64_t seq, NRT_STATUS* ret);

  struct WatchedFd {
    int fd;
    FdIdentity id;  // holds a duplicate of fd until the registration is signalled or removed
    const char* api;
    const void* site;
  };

  // Not a mutex: every validated schedule call takes it once, and the mutex's lock and unlock were a fifth of what
  // validation adds to a schedule call (bench/README.md, issue 10, session 7). A holder submits a request or writes
  // a finding; it never blocks.
  YieldingSpinLock mu_;
  PendingRequests pending_;
  // (unit id, request number or 0 for the unit-wide fd) -> the registrations. Its own lock: BeforeSignal runs on
  // a unit's worker under the unit's event lock, and must not wait for a scheduler holding mu_.
  std::mutex fd_mu_;
  std::multimap<std::pair<uint16_t, uint64_t>, WatchedFd> watched_fds_;
  ValidationReport report_;
};

// "seq 3 (lnc 0, compute queue 0)" for request n of the unit with id xu_id.
std::string DescribeRequest(uint16_t xu_id, uint64_t n);

}  // namespace nrtb
