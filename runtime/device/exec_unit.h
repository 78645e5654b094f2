// One execution unit: (logical core, XU type, queue). Runs its requests one at a time in
// submission order on its own worker thread (started on first use); different units run in
// parallel.
//
// Protocol (indices only increase):
//   submitted_  last sequence number handed out; written under submit_mu_, published with release (the worker's
//               wake-up is an asymmetric Dekker pair with worker_sleeping_: see Submit and WaitForSubmission)
//   completed_  last sequence number completed; written only by whoever runs request n, seq_cst
// Full  <=> submitted_ - completed_ >= depth. A request's slot is slots_[n & mask_]; it is filled
// under submit_mu_ before submitted_ is published and not reused until completed_ >= n.
// The ring starts small and doubles (under submit_mu_ and ring_mu_) whenever the requests in flight
// would not fit, up to the first power of two >= depth: memory follows what is in flight, so a large
// NRT_SIM_QUEUE_DEPTH costs nothing until it is used. The worker takes a slot's contents under
// ring_mu_, so a growing ring never moves a slot under it.
// Completion of n: run -> Finish() -> store *ret -> publish completed_ = n -> wake waiters/eventfds.
//
// Submission exclusion. "submit_mu_ held" above means: submit_mu_, or the single-submitter fast path. The first
// thread to submit (or to run a synchronous request) becomes the unit's owner (under submit_mu_); its later
// submissions and synchronous requests skip the mutex and instead set fast_busy_ for the duration (a biased lock).
// Any other thread that takes submit_mu_ to submit or to run a synchronous request, and Shutdown, revoke the fast
// path for good first: fast_revoked_ = true, a process-wide barrier
// (thread_slots.h HeavyBarrier), then wait until fast_busy_ is clear. The owner's side is an asymmetric Dekker
// pair (fast_busy_ = true; LightBarrier; read fast_revoked_): either it sees the revocation and takes the mutex,
// or the revoker sees it busy and waits. So at most one thread is ever inside the section, which runs the same
// code either way (SubmitExclusive): numbering, FIFO, back-pressure and the worker's wake-up are unchanged.
//
// Synchronous calls (nrt_execute) use RunSync: when the unit is idle the request runs on the
// caller's thread (no hand-off), still taking sequence number n so it stays ordered with scheduled
// work; the worker skips such "inline" requests (their slots are not written) after they complete.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "nrt/nrt_status.h"
#include "runtime/core/denormal_mode.h"
#include "runtime/device/completion_events.h"
#include "runtime/device/sim_clock.h"
#include "runtime/device/trace_event.h"
#include "runtime/device/work.h"

namespace nrtb {

class ErrorLog;
class FaultPlan;
class TraceHub;

struct UnitContext {
  uint32_t depth = 64;
  uint64_t exec_timeout_ns = 30'000'000'000ull;
  bool abort_on_fatal = false;
  DenormalMode denormals = DenormalMode::kFlush;  // while a request's work runs
  const FaultPlan* faults = nullptr;              // may be null
  TraceHub* trace = nullptr;                      // may be null
  ErrorLog* errors = nullptr;                     // may be null
  EventFdWatch* fd_watch = nullptr;               // validation mode only
};

class ExecUnit {
 public:
  ExecUnit(uint16_t xu_id, const UnitContext& ctx);
  ~ExecUnit();
  ExecUnit(const ExecUnit&) = delete;
  ExecUnit& operator=(const ExecUnit&) = delete;

  uint16_t xu_id() const { return xu_id_; }
  uint32_t depth() const { return depth_; }
  // Slots currently allocated (grows with the requests in flight, up to depth rounded up to a power of 2).
  uint64_t ring_capacity() const;

  // Never waits for queue space (at most for another submitter's short critical section). NRT_SUCCESS: queued, *seq_out
  // = full sequence id, `work` moved from. NRT_QUEUE_FULL / NRT_EXEC_UNIT_UNRECOVERABLE / NRT_CLOSED: nothing changed,
  // `work` untouched.
  NRT_STATUS Submit(std::unique_ptr<Work>& work, NRT_STATUS* ret, uint64_t* seq_out);
  // Runs `work` in order with everything scheduled before it and returns its status. Blocks
  // (waiting for queue space too). On the caller's thread when the unit is idle.
  NRT_STATUS RunSync(std::unique_ptr<Work> work);
  // The same for work the caller owns (e.g. on its stack: no allocation when the request runs inline). The caller's
  // object must outlive the call, as it does: RunSync returns once the request has completed.
  NRT_STATUS RunSync(Work& work);

  // The owner's single-submitter fast path is on (for tests; see "Submission exclusion" above).
  bool single_submitter_fast_path() const {
    return owner_.load(std::memory_order_acquire) != nullptr && !fast_revoked_.load(std::memory_order_acquire);
  }
  // The worker has announced that it is going to sleep (for tests of the wake-up; see WaitForSubmission).
  bool worker_sleeping_for_testing() const { return worker_sleeping_.load(std::memory_order_acquire); }
  // Inline requests the worker has stepped over one by one (for tests: it must not follow a caller's stream of
  // them; see WorkerLoop).
  uint64_t inline_steps_for_testing() const { return inline_steps_.load(std::memory_order_relaxed); }
  uint64_t completed() const { return completed_.load(std::memory_order_acquire); }
  uint64_t submitted() const { return submitted_.load(std::memory_order_acquire); }
  // Blocks until request n has completed (every request completes, also at shutdown).
  void WaitCompleted(uint64_t n);
  // As above with a timeout; false when it expired.
  bool WaitCompletedFor(uint64_t n, uint64_t timeout_ns);

  // Event registration; n must be <= submitted() (checked by the caller).
  void RegisterSeqFd(uint64_t n, int fd, bool owned) { events_.RegisterSeq(n, fd, owned, completed_); }
  void SetUnitFd(int fd) { events_.SetUnitFd(fd); }

  bool fatal() const { return fatal_.load(std::memory_order_acquire); }
  std::string fatal_cause() const;
  // Turns the unit unrecoverable (sticky; the first cause is kept and logged).
  void MakeFatal(const std::string& cause);

  // Tests only: `hook(unit)` is called inside the submission exclusion of every submission and idle RunSync of
  // every unit, after the section's checks and before it publishes the request (null: none). Lets a test park a
  // submitter in the window a revocation must wait out.
  using ExclusiveSectionHook = void (*)(ExecUnit&);
  static void SetExclusiveSectionHookForTesting(ExclusiveSectionHook hook);
  // Tests only: `hook(unit)` is called by every successful Submit after it published its request and before it looks
  // for a sleeping worker (null: none). Lets a test hold a submitter there while the worker falls asleep.
  static void SetWakeCheckHookForTesting(ExclusiveSectionHook hook);

  // Stops accepting work, cuts the running request's simulated time short, completes every queued
  // request (with NRT_CLOSED if it had not started) and joins the worker. Idempotent.
  void Shutdown();

 private:
  // One cache line each: the worker empties slot n while a submitter fills slot n + 1.
  struct alignas(64) Slot {
    // seq << 1 of the last request queued in the slot (the low bit, once an inline flag, stays 0: inline requests
    // do not write their slot). Atomic because the worker may look at the slot of an inline request that already
    // completed while a producer refills it (see WorkerLoop).
    std::atomic<uint64_t> tag{0};
    std::unique_ptr<Work> work;
    NRT_STATUS* ret = nullptr;
    uint64_t schedule_ns = 0;
  };

  // RunSync; `owned`: the work's owner, reset before the completion is published (null: the caller owns it).
  NRT_STATUS RunSyncImpl(Work& work, std::unique_ptr<Work>* owned);
  // Runs request n's work, traces it and finishes it (no completion published); returns its status.
  NRT_STATUS RunAndFinish(Work& work, uint64_t n, uint64_t schedule_ns, uint64_t start_ns);
  // RunAndFinish of an inline request (started at start_ns) with no fault plan, no trace on when it started and no
  // simulated time: the same steps without the fault match and the simulated time's (RunSync; ≈ 50 instructions
  // fewer, bench/README.md, issue 11).
  NRT_STATUS RunInlinePlain(Work& work, uint64_t n, uint64_t start_ns);
  // The steps Execute and RunInlinePlain share. NRT_SUCCESS when a request may start, else its status (the unit is
  // fatal; or stopping, counted in closed_unstarted_).
  NRT_STATUS CheckStartable();
  // Request n, which ran to its end, did so past timeout_deadline while the unit was not stopping: the unit is now
  // fatal.
  bool RanPastTimeout(const Work& work, uint64_t n, uint64_t timeout_deadline);
  // RanPastTimeout's finding, out of line: inlined, its text building kept the check itself from being inlined
  // (≈ 27 instructions more per idle nrt_execute).
  __attribute__((noinline, cold)) void MakeOverrunFatal(const Work& work, uint64_t n);
  // After request n ran with `status`: its trace record, Finish, and the error log.
  void FinishRequest(Work& work, uint64_t n, uint64_t schedule_ns, uint64_t start_ns, NRT_STATUS status);
  // Runs `section` (returning NRT_STATUS) inside the submission exclusion: the owner's fast path, or submit_mu_
  // (taking ownership when nobody has it, revoking it when another thread has).
  template <typename Section>
  NRT_STATUS WithSubmissionExclusion(Section&& section);
  void ExclusiveSectionHookPoint();
  // The submission proper; the caller holds the submission exclusion (see the top of this file).
  NRT_STATUS SubmitExclusive(std::unique_ptr<Work>& work, NRT_STATUS* ret, uint64_t* seq_out, uint64_t schedule_ns);
  // Turns the owner's fast path off for good and waits until it is out of a submission; submit_mu_ held.
  void RevokeFastPathLocked();
  void StartWorkerLocked();
  // Doubles the ring; submit_mu_ held.
  void GrowRingLocked();
  // Runs the work under the unit's compute limits and float mode. Any exception it throws becomes the
  // request's status: the unit keeps working. *stopped_at_deadline: the computation was cut off at
  // deadline_ns (the unit is then fatal, as after any timeout).
  NRT_STATUS RunWork(Work& work, uint64_t n, uint64_t deadline_ns, bool* stopped_at_deadline);
  void WorkerLoop();
  // Waits until request n is submitted (true) or the unit stops with none left (false). With `only_queued` it
  // sleeps at once and only a queued request (or the stop) ends the wait: inline ones are stepped over later.
  bool WaitForSubmission(uint64_t n, bool only_queued);
  // A queued request was submitted and has not completed (the worker has work); takes ring_mu_.
  bool QueuedRequestPending() const;
  // Runs request n and publishes its completion. start_ns: when it starts (NowNs), 0 = now.
  void Complete(uint64_t n, std::unique_ptr<Work> work, NRT_STATUS* ret, uint64_t schedule_ns, uint64_t start_ns = 0);
  NRT_STATUS Execute(Work& work, uint64_t n, uint64_t start_ns);
  void Publish(uint64_t n);
  TraceRecord RequestRecord(const Work& work, uint64_t n, uint64_t schedule_ns, uint64_t start_ns,
                            NRT_STATUS status) const;
  TraceRecord FatalRecord(const std::string& cause) const;

  const uint16_t xu_id_;
  const uint32_t depth_;
  const UnitContext ctx_;
  const uint64_t max_capacity_;  // first power of two >= depth

  // Cache lines: what the submitter and the worker read on every request, what each of them writes on every
  // request (its lock, its counter) and what both write live on separate lines, so neither side's writes evict
  // what the other only reads (the worker's spin loop reads stopping_; a submitter locks submit_mu_ twice per
  // request).
  // Read by both sides per request; written only when the ring grows (under both locks) and once at shutdown.
  alignas(64) std::unique_ptr<Slot[]> slots_;  // replaced only with submit_mu_ and ring_mu_ held
  uint64_t capacity_;
  uint64_t mask_;
  // Set once, under submit_mu_, by Shutdown: submitters check it under the lock, the runner without.
  std::atomic<bool> stopping_{false};
  // The fast path's owner (its thread slot; set once under submit_mu_) and its revocation (set once, under
  // submit_mu_): read by the owner on every submission, written at most once each.
  std::atomic<const void*> owner_{nullptr};
  std::atomic<bool> fast_revoked_{false};
  // Taken by the worker for every request.
  alignas(64) mutable std::mutex ring_mu_;
  // Taken by every submitter for every request, unless the owner's fast path is on; then only the owner writes
  // fast_busy_, twice per request.
  alignas(64) std::mutex submit_mu_;
  std::atomic<bool> fast_busy_{false};
  // completed_ as the submission section last read it (submission exclusion held): see SubmitExclusive.
  uint64_t completed_seen_ = 0;
  std::thread worker_;

  alignas(64) std::atomic<uint64_t> submitted_{0};
  alignas(64) std::atomic<uint64_t> completed_{0};

  // Worker sleep/wake (an asymmetric Dekker pair worker_sleeping_ / submitted_: WaitForSubmission). Every submission
  // reads worker_sleeping_, so it has a line of its own: beside completed_, which the worker writes per request,
  // each of those reads was a cross-core miss while the worker ran on the other core.
  alignas(64) std::atomic<bool> worker_sleeping_{false};
  std::atomic<uint64_t> inline_steps_{0};  // the worker's only (inline_steps_for_testing)
  std::mutex worker_mu_;
  std::condition_variable worker_cv_;

  // Blocking waiters (Dekker pair waiters_ / completed_).
  std::atomic<uint32_t> waiters_{0};
  std::mutex wait_mu_;
  std::condition_variable wait_cv_;

  CompletionEvents events_;
  Sleeper sleeper_;

  std::atomic<bool> fatal_{false};
  mutable std::mutex fatal_mu_;
  std::string fatal_cause_;
  uint64_t closed_unstarted_ = 0;  // requests failed with NRT_CLOSED at shutdown (runner only)
};

}  // namespace nrtb
