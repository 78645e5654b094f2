#include "runtime/device/exec_unit.h"

#include <sched.h>

#include <algorithm>
#include <cstdlib>
#include <new>

#include "runtime/core/compute_interrupt.h"
#include "runtime/core/deadline_clock.h"
#include "runtime/core/error.h"
#include "runtime/core/log.h"
#include "runtime/core/status_names.h"
#include "runtime/core/thread_slots.h"
#include "runtime/device/error_log.h"
#include "runtime/device/fault_plan.h"
#include "runtime/device/trace_hub.h"
#include "runtime/device/xu_id.h"

namespace nrtb {
namespace {

// Busy-poll budgets before sleeping, in time rather than iterations (a `pause` costs 10-100 ns
// depending on the CPU). A worker that keeps up with a steady stream of submissions never pays a
// futex round trip; an idle one sleeps after a few microseconds. Every few polls the spinner
// yields, so a submitter or poller sharing its CPU (2-vCPU machines) is not starved meanwhile.
constexpr uint64_t kWorkerSpinNs = 10'000;
constexpr uint64_t kWaiterSpinNs = 5'000;
constexpr int kPollsPerYield = 64;

// An inline request's start may come from the coarse clock (RunSync) when its timeout is at least this long: the
// deadline is then up to CoarseSlackNs() late, under 2 % of the timeout.
constexpr uint64_t kCoarseStartMinTimeoutNs = 1'000'000'000;

// Ring slots allocated up front; the ring doubles from here as requests pile up.
constexpr uint64_t kInitialRingCapacity = 64;

// Tells the core a spin-wait is in progress (frees pipeline resources for a sibling hyperthread).
inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("isb" ::: "memory");  // a short, predictable stall, as `pause` on x86
#endif
}

// Polls `done` for up to `budget_ns`; true as soon as it holds.
template <typename Done>
bool SpinUntil(Done done, uint64_t budget_ns) {
  const uint64_t deadline = NowNs() + budget_ns;
  for (int i = 1;; ++i) {
    if (done()) return true;
    if (i % kPollsPerYield == 0) {
      if (NowNs() >= deadline) return false;
      sched_yield();
    } else {
      CpuRelax();
    }
  }
}

uint64_t NextPowerOfTwo(uint64_t v) {
  uint64_t p = 1;
  while (p < v) p <<= 1;
  return p;
}

std::string UnitName(uint16_t xu_id) {
  return "lnc " + std::to_string(XuIdLnc(xu_id)) + " " + XuTypeName(static_cast<XuType>(XuIdType(xu_id))) + " queue " +
         std::to_string(XuIdQueue(xu_id));
}

// The work of a synchronous request its caller owns and waits for (RunSync(Work&)), when it has to be queued.
class BorrowedWork final : public Work {
 public:
  explicit BorrowedWork(Work& work) : work_(work) {}
  NRT_STATUS Run() override { return work_.Run(); }
  uint64_t SimulatedNs() const override { return work_.SimulatedNs(); }
  const char* Label() const override { return work_.Label(); }
  uint32_t ModelId() const override { return work_.ModelId(); }
  uint64_t TransferBytes() const override { return work_.TransferBytes(); }
  std::string_view TransferTensor() const override { return work_.TransferTensor(); }
  void Finish(NRT_STATUS status) override { work_.Finish(status); }

 private:
  Work& work_;
};

}  // namespace

ExecUnit::ExecUnit(uint16_t xu_id, const UnitContext& ctx)
    : xu_id_(xu_id),
      depth_(ctx.depth),
      ctx_(ctx),
      max_capacity_(NextPowerOfTwo(ctx.depth)),
      capacity_(std::min(max_capacity_, kInitialRingCapacity)),
      mask_(capacity_ - 1) {
  slots_ = std::make_unique<Slot[]>(capacity_);
  events_.set_watch(ctx.fd_watch, xu_id);
}

ExecUnit::~ExecUnit() { Shutdown(); }

namespace {
// Test hook (SetExclusiveSectionHookForTesting): called inside the submission exclusion, after the section's
// checks and before it publishes. One relaxed load per submission.
std::atomic<ExecUnit::ExclusiveSectionHook> g_exclusive_section_hook{nullptr};
}  // namespace

namespace {
// Test hook (SetWakeCheckHookForTesting): one relaxed load per submission.
std::atomic<ExecUnit::ExclusiveSectionHook> g_wake_check_hook{nullptr};
}  // namespace

void ExecUnit::SetWakeCheckHookForTesting(ExclusiveSectionHook hook) {
  g_wake_check_hook.store(hook, std::memory_order_seq_cst);
}

void ExecUnit::SetExclusiveSectionHookForTesting(ExclusiveSectionHook hook) {
  g_exclusive_section_hook.store(hook, std::memory_order_seq_cst);
}

inline void ExecUnit::ExclusiveSectionHookPoint() {
  if (ExclusiveSectionHook hook = g_exclusive_section_hook.load(std::memory_order_relaxed)) hook(*this);
}

template <typename Section>
NRT_STATUS ExecUnit::WithSubmissionExclusion(Section&& section) {
  const void* me = &MySlot();
  if (owner_.load(std::memory_order_relaxed) == me) {
    // The fast path's "lock": announce, then look for a revocation (asymmetric Dekker with RevokeFastPathLocked).
    fast_busy_.store(true, std::memory_order_relaxed);
    LightBarrier();
    if (!fast_revoked_.load(std::memory_order_acquire)) {
      const NRT_STATUS s = section();
      fast_busy_.store(false, std::memory_order_release);
      return s;
    }
    fast_busy_.store(false, std::memory_order_release);
  }
  std::lock_guard<std::mutex> lock(submit_mu_);
  const void* owner = owner_.load(std::memory_order_relaxed);
  if (owner == nullptr && !fast_revoked_.load(std::memory_order_relaxed)) {
    owner_.store(me, std::memory_order_relaxed);  // this thread's next submission takes the fast path
  } else if (owner != me) {
    RevokeFastPathLocked();
  }
  return section();
}

NRT_STATUS ExecUnit::Submit(std::unique_ptr<Work>& work, NRT_STATUS* ret, uint64_t* seq_out) {
  uint64_t schedule_ns = ctx_.trace != nullptr && ctx_.trace->active() ? NowNs() : 0;
  const NRT_STATUS s = WithSubmissionExclusion([&] { return SubmitExclusive(work, ret, seq_out, schedule_ns); });
  // The submission's side of the wake-up pair: publish (in the section), LightBarrier, look for a sleeping worker.
  // Only the submission that takes the flag wakes the worker: the others (the worker can take tens of microseconds
  // to run again) would each pay a mutex and a futex call, which was a quarter of all submissions in the ~600 ns
  // mode of a busy stream (bench/README.md, issues 10 and 11, session 7).
  if (s != NRT_SUCCESS) return s;
  if (ExclusiveSectionHook hook = g_wake_check_hook.load(std::memory_order_relaxed)) hook(*this);
  LightBarrier();
  if (worker_sleeping_.load(std::memory_order_relaxed) && worker_sleeping_.exchange(false, std::memory_order_relaxed)) {
    std::lock_guard<std::mutex> lock(worker_mu_);
    worker_cv_.notify_one();
  }
  return s;
}

void ExecUnit::RevokeFastPathLocked() {
  if (fast_revoked_.load(std::memory_order_relaxed)) return;
  fast_revoked_.store(true, std::memory_order_seq_cst);
  // No owner: owners are only made under submit_mu_, which we hold, so no fast path can be running.
  if (owner_.load(std::memory_order_relaxed) == nullptr) return;
  HeavyBarrier();
  // The owner is either inside a submission it began before the revocation (wait for it to leave; release/acquire
  // orders its writes before ours) or will see the revocation and take the mutex.
  while (fast_busy_.load(std::memory_order_acquire)) sched_yield();
}

NRT_STATUS ExecUnit::SubmitExclusive(std::unique_ptr<Work>& work, NRT_STATUS* ret, uint64_t* seq_out,
                                     uint64_t schedule_ns) {
  if (stopping_.load(std::memory_order_relaxed)) return NRT_CLOSED;
  if (fatal()) return NRT_EXEC_UNIT_UNRECOVERABLE;
  uint64_t n = submitted_.load(std::memory_order_relaxed) + 1;
  // In flight counted against the completions this section saw last: completed_ is the line the worker writes per
  // request, so reading it on every submission costs a cross-core miss whenever the worker runs beside us. A stale
  // count only overstates what is in flight; it is refreshed before it could refuse a request or grow the ring.
  uint64_t in_flight = n - 1 - completed_seen_;
  if (in_flight >= capacity_ || in_flight >= depth_) {
    completed_seen_ = completed_.load(std::memory_order_acquire);
    in_flight = n - 1 - completed_seen_;
  }
  if (in_flight >= depth_) return NRT_QUEUE_FULL;
  if (in_flight >= capacity_) GrowRingLocked();
  Slot& s = slots_[n & mask_];
  s.work = std::move(work);
  s.ret = ret;
  s.schedule_ns = schedule_ns;
  s.tag.store(n << 1, std::memory_order_relaxed);
  if (seq_out != nullptr) *seq_out = MakeSeq(xu_id_, n);
  if (!worker_.joinable()) StartWorkerLocked();
  ExclusiveSectionHookPoint();
  // Release, not seq_cst: the worker's wake-up is an asymmetric Dekker pair (WaitForSubmission). A seq_cst store
  // would drain the store buffer here, waiting for the slot's and this counter's lines to come back from the worker
  // that is polling them on the other core (bench/README.md, issues 10 and 11, session 7).
  submitted_.store(n, std::memory_order_release);
  return NRT_SUCCESS;
}

NRT_STATUS ExecUnit::RunSync(std::unique_ptr<Work> work) { return RunSyncImpl(*work, &work); }

NRT_STATUS ExecUnit::RunSync(Work& work) { return RunSyncImpl(work, nullptr); }

NRT_STATUS ExecUnit::RunSyncImpl(Work& work, std::unique_ptr<Work>* owned) {
  // An inline request's start sets its timeout deadline (and its trace times). A precise clock read costs 50-60 ns
  // on this project's VMs, a quarter of an idle nrt_execute's own cost (bench/README.md, issue 11); an upper bound
  // from the coarse clock costs ~10 and puts the deadline later by at most CoarseSlackNs() (1-16 ms), never earlier.
  // Taken only where that cannot show: a timeout of a second or more, no trace, no simulated time (slept from the
  // start) and no fault plan (whose holds and hangs are timed by tests).
  // `plain`: nothing but the work and its timeout to run (RunInlinePlain).
  const bool plain =
      ctx_.faults == nullptr && (ctx_.trace == nullptr || !ctx_.trace->active()) && work.SimulatedNs() == 0;
  const bool coarse_start = plain && ctx_.exec_timeout_ns >= kCoarseStartMinTimeoutNs;
  const uint64_t schedule_ns = coarse_start ? MonotonicUpperBoundNs() : NowNs();
  uint64_t inline_n = 0;  // the request's number when it runs here
  // The same exclusion as Submit: on the owner's thread (a thread that keeps calling nrt_execute becomes the owner)
  // no mutex, and another thread's call revokes the fast path first.
  const NRT_STATUS section = WithSubmissionExclusion([&] {
    if (stopping_.load(std::memory_order_relaxed)) return NRT_CLOSED;
    if (fatal()) return NRT_EXEC_UNIT_UNRECOVERABLE;
    const uint64_t last = submitted_.load(std::memory_order_relaxed);
    if (completed_.load(std::memory_order_acquire) == last) {
      // Idle: run here. Its slot is not written: the worker takes a slot only when its tag names n as queued, and
      // this one holds an older request's tag or none. (Writing it cost a cache miss per call once the ring had
      // grown: an idle nrt_execute steps through the whole ring, bench/README.md, issue 11.)
      inline_n = last + 1;
      ExclusiveSectionHookPoint();
      // Release, as in SubmitExclusive; and an inline request wakes nobody (the worker skips it).
      submitted_.store(inline_n, std::memory_order_release);
    }
    return NRT_SUCCESS;
  });
  if (section != NRT_SUCCESS) return section;
  if (inline_n != 0) {
    // Starts now: the clock read a moment ago serves as the start too (one clock read less per call).
    const NRT_STATUS status =
        plain ? RunInlinePlain(work, inline_n, schedule_ns) : RunAndFinish(work, inline_n, schedule_ns, schedule_ns);
    if (owned != nullptr) owned->reset();  // before the completion is published, as for a queued request
    Publish(inline_n);
    return status;
  }
  // Busy: queue behind the scheduled work and wait, waiting for space if the queue is full. Work the caller owns is
  // queued through a BorrowedWork: the caller waits here until it completes.
  std::unique_ptr<Work> queued = owned != nullptr ? std::move(*owned) : std::make_unique<BorrowedWork>(work);
  NRT_STATUS status = NRT_FAILURE;
  uint64_t seq = 0;
  while (true) {
    uint64_t seen = completed();
    NRT_STATUS s = Submit(queued, &status, &seq);
    if (s == NRT_SUCCESS) break;
    if (s != NRT_QUEUE_FULL) return s;
    WaitCompleted(seen + 1);
  }
  WaitCompleted(SeqNum(seq));
  return status;
}

void ExecUnit::StartWorkerLocked() {
  worker_ = std::thread([this] { WorkerLoop(); });
}

uint64_t ExecUnit::ring_capacity() const {
  std::lock_guard<std::mutex> lock(ring_mu_);
  return capacity_;
}

void ExecUnit::GrowRingLocked() {
  const uint64_t capacity = capacity_ * 2;
  auto slots = std::make_unique<Slot[]>(capacity);
  std::lock_guard<std::mutex> lock(ring_mu_);
  // Every slot moves to the index its sequence number has in the bigger ring. Slots of completed
  // requests move too (harmlessly): they hold distinct n mod capacity_, hence distinct n mod capacity.
  for (uint64_t i = 0; i < capacity_; ++i) {
    Slot& from = slots_[i];
    const uint64_t tag = from.tag.load(std::memory_order_relaxed);
    if (tag == 0) continue;
    Slot& to = slots[(tag >> 1) & (capacity - 1)];
    to.work = std::move(from.work);
    to.ret = from.ret;
    to.schedule_ns = from.schedule_ns;
    to.tag.store(tag, std::memory_order_relaxed);
  }
  slots_ = std::move(slots);
  capacity_ = capacity;
  mask_ = capacity - 1;
}

bool ExecUnit::QueuedRequestPending() const {
  const uint64_t s = submitted_.load(std::memory_order_acquire);
  const uint64_t c = completed_.load(std::memory_order_acquire);
  if (s <= c) return false;
  // A request runs inline only when every one before it completed, so at most the first pending request is inline
  // (and running); any after it was queued.
  if (s > c + 1) return true;
  // Request s alone is pending: queued if its slot is tagged with it (inline requests do not write their slot).
  std::lock_guard<std::mutex> lock(ring_mu_);
  return slots_[s & mask_].tag.load(std::memory_order_acquire) == s << 1;
}

bool ExecUnit::WaitForSubmission(uint64_t n, bool only_queued) {
  // only_queued: wake for a queued request, not for inline ones (which need nothing from the worker).
  const auto ready_or_stopping = [&] {
    if (stopping_.load(std::memory_order_acquire)) return true;
    return only_queued ? QueuedRequestPending() : submitted_.load(std::memory_order_acquire) >= n;
  };
  if (!only_queued) {
    const bool ready = SpinUntil(
        [&] { return submitted_.load(std::memory_order_acquire) >= n || stopping_.load(std::memory_order_relaxed); },
        kWorkerSpinNs);
    if (ready && submitted_.load(std::memory_order_acquire) >= n) return true;
  }
  std::unique_lock<std::mutex> lock(worker_mu_);
  while (!ready_or_stopping()) {
    // The sleeper's side of the asymmetric Dekker pair with Submit (which publishes with a release store and then
    // passes only a LightBarrier): after this barrier a submission either is visible to the check below or sees
    // worker_sleeping_ and wakes us. Paid once per sleep (after kWorkerSpinNs idle), not per request. Announced
    // again on every round: a submitter that cleared the flag may have published an earlier request than n.
    worker_sleeping_.store(true, std::memory_order_relaxed);
    HeavyBarrier();
    if (ready_or_stopping()) break;
    worker_cv_.wait(lock);
  }
  worker_sleeping_.store(false, std::memory_order_relaxed);
  return submitted_.load(std::memory_order_acquire) >= n;
}

void ExecUnit::WorkerLoop() {
  UsePreciseTimers();
  // The worker runs nothing but requests: it keeps their float mode for good, so the scope each request opens
  // (RunWork) finds the mode already set and skips two MXCSR writes. RunSync's callers still get theirs back.
  DenormalModeScope float_mode(ctx_.denormals);
  uint64_t n = completed() + 1;
  // Inline requests the worker met in a row. A thread calling nrt_execute on an idle unit runs each request
  // itself; a worker that kept spinning on submitted_ and waiting on completed_ behind every one of them would
  // pull those lines to its core on each call, and the caller's next stores would miss (≈ 50 ns per idle
  // nrt_execute on 2 vCPUs, bench/README.md, issue 11). So after the second inline request in a row the worker
  // waits without spinning, and only for a queued request (whose submitter wakes it).
  int inline_in_a_row = 0;
  while (WaitForSubmission(n, inline_in_a_row >= 2)) {
    std::unique_ptr<Work> work;
    NRT_STATUS* ret = nullptr;
    uint64_t schedule_ns = 0;
    bool queued;
    {
      std::lock_guard<std::mutex> lock(ring_mu_);
      Slot& s = slots_[n & mask_];
      const uint64_t tag = s.tag.load(std::memory_order_acquire);
      queued = (tag & 1) == 0 && (tag >> 1) == n;
      if (queued) {
        work = std::move(s.work);
        ret = s.ret;
        schedule_ns = s.schedule_ns;
      }
    }
    if (queued) {
      Complete(n, std::move(work), ret, schedule_ns);
      inline_in_a_row = 0;
      ++n;
    } else {
      // An inline (synchronous) request: it completes on its caller's thread. Its slot holds an older request's
      // tag, none, or (the slot refilled after n completed) a later request's.
      WaitCompleted(n);
      // Every request up to completed_ is done and was inline: a request runs inline only on an idle unit (all
      // before it completed), and a queued one completes only here. So the worker steps over them all at once.
      n = std::max(n, completed_.load(std::memory_order_acquire)) + 1;
      ++inline_in_a_row;
      inline_steps_.store(inline_steps_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }
  }
  if (closed_unstarted_ != 0) {
    NRTB_WARN("nrt_close: %llu request(s) still queued on %s completed with NRT_CLOSED",
              static_cast<unsigned long long>(closed_unstarted_), UnitName(xu_id_).c_str());
  }
}

TraceRecord ExecUnit::RequestRecord(const Work& work, uint64_t n, uint64_t schedule_ns, uint64_t start_ns,
                                    NRT_STATUS status) const {
  TraceRecord r;
  r.kind = TraceKind::kRequest;
  r.lnc = XuIdLnc(xu_id_);
  r.xu_id = xu_id_;
  r.model_id = work.ModelId();
  r.seq_num = n;
  r.end_ns = NowNs();
  // Bounded by the end: an inline request's start may be an upper bound from the coarse clock (RunSync) when
  // tracing began while it ran.
  r.start_ns = std::min(start_ns, r.end_ns);
  r.schedule_ns = std::min(schedule_ns, r.start_ns);
  r.status = status;
  r.label = work.Label();
  r.bytes = work.TransferBytes();
  r.detail = work.TransferTensor();
  return r;
}

TraceRecord ExecUnit::FatalRecord(const std::string& cause) const {
  TraceRecord r;
  r.kind = TraceKind::kUnitFatal;
  r.lnc = XuIdLnc(xu_id_);
  r.xu_id = xu_id_;
  r.start_ns = r.end_ns = NowNs();
  r.detail = cause;
  return r;
}

void ExecUnit::Complete(uint64_t n, std::unique_ptr<Work> work, NRT_STATUS* ret, uint64_t schedule_ns,
                        uint64_t start_ns) {
  const NRT_STATUS status = RunAndFinish(*work, n, schedule_ns, start_ns != 0 ? start_ns : NowNs());
  // Release the request's tensors and model before the slot can be reused.
  work.reset();
  if (ret != nullptr) *ret = status;
  Publish(n);
}

inline NRT_STATUS ExecUnit::CheckStartable() {
  if (fatal()) return NRT_EXEC_UNIT_UNRECOVERABLE;
  if (stopping_.load(std::memory_order_acquire)) {
    ++closed_unstarted_;
    return NRT_CLOSED;
  }
  return NRT_SUCCESS;
}

inline bool ExecUnit::RanPastTimeout(const Work& work, uint64_t n, uint64_t timeout_deadline) {
  if (!MonotonicReached(timeout_deadline + 1) || stopping_.load(std::memory_order_acquire)) return false;
  MakeOverrunFatal(work, n);
  return true;
}

void ExecUnit::MakeOverrunFatal(const Work& work, uint64_t n) {
  MakeFatal("request " + std::to_string(n) + " (" + work.Label() + ") ran past NEURON_RT_EXEC_TIMEOUT");
}

inline void ExecUnit::FinishRequest(Work& work, uint64_t n, uint64_t schedule_ns, uint64_t start_ns,
                                    NRT_STATUS status) {
  // Traced before Finish, which releases the tensors whose name the record carries.
  if (ctx_.trace != nullptr && ctx_.trace->active())
    ctx_.trace->Emit(RequestRecord(work, n, schedule_ns, start_ns, status));
  work.Finish(status);
  if (status != NRT_SUCCESS && ctx_.errors != nullptr) ctx_.errors->Record(MakeSeq(xu_id_, n), status);
}

NRT_STATUS ExecUnit::RunAndFinish(Work& work, uint64_t n, uint64_t schedule_ns, uint64_t start_ns) {
  const NRT_STATUS status = Execute(work, n, start_ns);
  FinishRequest(work, n, schedule_ns, start_ns, status);
  return status;
}

NRT_STATUS ExecUnit::RunInlinePlain(Work& work, uint64_t n, uint64_t start_ns) {
  NRT_STATUS status = CheckStartable();
  if (status == NRT_SUCCESS) {
    // Execute's steps for a request without a fault (no plan) and without simulated time (it has none).
    const uint64_t timeout_deadline = start_ns + ctx_.exec_timeout_ns;
    bool stopped_at_deadline = false;
    status = RunWork(work, n, timeout_deadline, &stopped_at_deadline);
    if (stopped_at_deadline || RanPastTimeout(work, n, timeout_deadline)) status = NRT_TIMEOUT;
  }
  // A trace may have started while the request ran.
  FinishRequest(work, n, start_ns, start_ns, status);
  return status;
}

NRT_STATUS ExecUnit::Execute(Work& work, uint64_t n, uint64_t start_ns) {
  if (const NRT_STATUS s = CheckStartable(); s != NRT_SUCCESS) return s;
  std::optional<Fault> fault;
  if (ctx_.faults != nullptr) fault = ctx_.faults->Match(xu_id_, n, work.Label());
  if (fault && fault->kind == FaultKind::kHold) {
    // Held until the test creates the release file; shutdown ends the hold. The execution proper (and
    // its timeout) starts at the release.
    fault->MarkHeld();
    while (!fault->Released()) {
      if (!sleeper_.SleepUntil(NowNs() + kHoldPollNs)) return NRT_CLOSED;
    }
    start_ns = NowNs();
    fault.reset();
  }
  const uint64_t timeout_deadline = start_ns + ctx_.exec_timeout_ns;
  // Waits out the execution timeout, then turns the unit fatal. Shutdown cuts the wait short; the
  // request then reports `if_interrupted` and the unit stays as it was.
  auto time_out = [&](const char* what, NRT_STATUS if_interrupted) {
    if (!sleeper_.SleepUntil(timeout_deadline)) return if_interrupted;
    MakeFatal("request " + std::to_string(n) + " (" + work.Label() + ") " + what + " past NEURON_RT_EXEC_TIMEOUT (" +
              std::to_string(ctx_.exec_timeout_ns / 1'000'000) + " ms)");
    return NRT_TIMEOUT;
  };
  if (fault && fault->kind == FaultKind::kHang) return time_out("hung (injected)", NRT_CLOSED);

  bool stopped_at_deadline = false;
  NRT_STATUS status = RunWork(work, n, timeout_deadline, &stopped_at_deadline);
  if (stopped_at_deadline) return NRT_TIMEOUT;
  uint64_t simulated = work.SimulatedNs();
  if (simulated > ctx_.exec_timeout_ns) return time_out("ran", status);
  if (simulated != 0) sleeper_.SleepUntil(start_ns + simulated);
  if (RanPastTimeout(work, n, timeout_deadline)) return NRT_TIMEOUT;
  if (fault) {
    status = fault->status;
    if (fault->kind == FaultKind::kFatal) {
      MakeFatal("request " + std::to_string(n) + " (" + work.Label() + ") hit an injected fatal error " +
                StatusName(status));
    }
  }
  return status;
}

NRT_STATUS ExecUnit::RunWork(Work& work, uint64_t n, uint64_t deadline_ns, bool* stopped_at_deadline) {
  const auto request = [&] {
    return "request " + std::to_string(n) + " (" + work.Label() + ") on " + UnitName(xu_id_);
  };
  try {
    DenormalModeScope float_mode(ctx_.denormals);
    ComputeInterruptScope limits(deadline_ns, &stopping_);
    return work.Run();
  } catch (const ComputeInterrupted& e) {
    if (e.reason() == InterruptReason::kStop) return NRT_CLOSED;  // shutdown: the request never finished
    MakeFatal("request " + std::to_string(n) + " (" + work.Label() +
              ") was still computing at NEURON_RT_EXEC_TIMEOUT (" + std::to_string(ctx_.exec_timeout_ns / 1'000'000) +
              " ms); computation stopped");
    *stopped_at_deadline = true;
    return NRT_TIMEOUT;
  } catch (const Error& e) {
    NRTB_ERROR("%s failed: %s", request().c_str(), e.what());
    return e.status();
  } catch (const std::bad_alloc&) {
    NRTB_ERROR("%s failed: out of host memory", request().c_str());
    return NRT_RESOURCE;
  } catch (const std::exception& e) {
    NRTB_ERROR("%s failed with an unexpected exception: %s", request().c_str(), e.what());
    return NRT_FAILURE;
  } catch (...) {
    NRTB_ERROR("%s failed with an exception of unknown type", request().c_str());
    return NRT_FAILURE;
  }
}

void ExecUnit::Publish(uint64_t n) {
  completed_.store(n, std::memory_order_seq_cst);
  if (waiters_.load(std::memory_order_seq_cst) != 0) {
    std::lock_guard<std::mutex> lock(wait_mu_);
    wait_cv_.notify_all();
  }
  events_.OnCompleted(n);
}

void ExecUnit::WaitCompleted(uint64_t n) {
  if (SpinUntil([&] { return completed_.load(std::memory_order_acquire) >= n; }, kWaiterSpinNs)) return;
  waiters_.fetch_add(1, std::memory_order_seq_cst);
  {
    std::unique_lock<std::mutex> lock(wait_mu_);
    wait_cv_.wait(lock, [&] { return completed_.load(std::memory_order_seq_cst) >= n; });
  }
  waiters_.fetch_sub(1, std::memory_order_relaxed);
}

bool ExecUnit::WaitCompletedFor(uint64_t n, uint64_t timeout_ns) {
  if (completed_.load(std::memory_order_acquire) >= n) return true;
  waiters_.fetch_add(1, std::memory_order_seq_cst);
  bool done;
  {
    std::unique_lock<std::mutex> lock(wait_mu_);
    done = wait_cv_.wait_for(lock, std::chrono::nanoseconds(timeout_ns),
                             [&] { return completed_.load(std::memory_order_seq_cst) >= n; });
  }
  waiters_.fetch_sub(1, std::memory_order_relaxed);
  return done;
}

std::string ExecUnit::fatal_cause() const {
  std::lock_guard<std::mutex> lock(fatal_mu_);
  return fatal_cause_;
}

void ExecUnit::MakeFatal(const std::string& cause) {
  {
    std::lock_guard<std::mutex> lock(fatal_mu_);
    if (fatal_.load(std::memory_order_relaxed)) return;
    fatal_cause_ = cause;
    fatal_.store(true, std::memory_order_release);
  }
  NRTB_ERROR("execution unit %s is unrecoverable: %s; every later request on it fails with NRT_EXEC_UNIT_UNRECOVERABLE",
             UnitName(xu_id_).c_str(), cause.c_str());
  if (ctx_.trace != nullptr && ctx_.trace->active()) ctx_.trace->Emit(FatalRecord(cause));
  if (ctx_.abort_on_fatal) {
    NRTB_ERROR("NRT_SIM_ABORT_ON_FATAL is set: aborting");
    std::abort();
  }
}

void ExecUnit::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(submit_mu_);
    if (stopping_.load(std::memory_order_relaxed)) return;
    RevokeFastPathLocked();  // also when the owner closes: no submission may publish after stopping_
    stopping_.store(true, std::memory_order_seq_cst);
  }
  sleeper_.Interrupt();
  {
    std::lock_guard<std::mutex> lock(worker_mu_);
    worker_cv_.notify_all();
  }
  if (worker_.joinable()) worker_.join();
  // An inline request may still be running on a caller's thread.
  WaitCompleted(submitted_.load(std::memory_order_acquire));
  events_.CloseOwned();
}

}  // namespace nrtb
