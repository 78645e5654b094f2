#include "runtime/device/exec_unit.h"

#include <sched.h>

#include <cstdlib>

#include "runtime/core/log.h"
#include "runtime/core/status_names.h"
#include "runtime/device/error_log.h"
#include "runtime/device/fault_plan.h"
#include "runtime/device/tracer.h"
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

inline void CpuRelax() { __builtin_ia32_pause(); }

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

}  // namespace

ExecUnit::ExecUnit(uint16_t xu_id, const UnitContext& ctx)
    : xu_id_(xu_id), depth_(ctx.depth), ctx_(ctx), slots_(NextPowerOfTwo(ctx.depth)), mask_(slots_.size() - 1) {}

ExecUnit::~ExecUnit() { Shutdown(); }

NRT_STATUS ExecUnit::Submit(std::unique_ptr<Work>& work, NRT_STATUS* ret, uint64_t* seq_out) {
  uint64_t schedule_ns = ctx_.tracer != nullptr ? NowNs() : 0;
  {
    std::lock_guard<std::mutex> lock(submit_mu_);
    if (stopping_.load(std::memory_order_relaxed)) return NRT_CLOSED;
    if (fatal()) return NRT_EXEC_UNIT_UNRECOVERABLE;
    uint64_t n = submitted_.load(std::memory_order_relaxed) + 1;
    if (n - 1 - completed_.load(std::memory_order_acquire) >= depth_) return NRT_QUEUE_FULL;
    Slot& s = slots_[n & mask_];
    s.work = std::move(work);
    s.ret = ret;
    s.schedule_ns = schedule_ns;
    s.tag.store(n << 1, std::memory_order_relaxed);
    if (seq_out != nullptr) *seq_out = MakeSeq(xu_id_, n);
    if (!worker_.joinable()) StartWorkerLocked();
    submitted_.store(n, std::memory_order_seq_cst);
  }
  if (worker_sleeping_.load(std::memory_order_seq_cst)) {
    std::lock_guard<std::mutex> lock(worker_mu_);
    worker_cv_.notify_one();
  }
  return NRT_SUCCESS;
}

NRT_STATUS ExecUnit::RunSync(std::unique_ptr<Work> work) {
  uint64_t schedule_ns = NowNs();
  {
    std::unique_lock<std::mutex> lock(submit_mu_);
    if (stopping_.load(std::memory_order_relaxed)) return NRT_CLOSED;
    if (fatal()) return NRT_EXEC_UNIT_UNRECOVERABLE;
    uint64_t last = submitted_.load(std::memory_order_relaxed);
    if (completed_.load(std::memory_order_acquire) == last) {
      // Idle: run here. The slot only carries the inline tag; the worker skips it.
      uint64_t n = last + 1;
      slots_[n & mask_].tag.store(n << 1 | 1, std::memory_order_release);
      submitted_.store(n, std::memory_order_seq_cst);
      lock.unlock();
      NRT_STATUS status = NRT_FAILURE;
      Complete(n, std::move(work), &status, schedule_ns);
      return status;
    }
  }
  // Busy: queue behind the scheduled work and wait, waiting for space if the queue is full.
  NRT_STATUS status = NRT_FAILURE;
  uint64_t seq = 0;
  while (true) {
    uint64_t seen = completed();
    NRT_STATUS s = Submit(work, &status, &seq);
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

bool ExecUnit::WaitForSubmission(uint64_t n) {
  bool ready = SpinUntil(
      [&] { return submitted_.load(std::memory_order_acquire) >= n || stopping_.load(std::memory_order_relaxed); },
      kWorkerSpinNs);
  if (ready && submitted_.load(std::memory_order_acquire) >= n) return true;
  std::unique_lock<std::mutex> lock(worker_mu_);
  worker_sleeping_.store(true, std::memory_order_seq_cst);
  worker_cv_.wait(lock, [&] {
    return submitted_.load(std::memory_order_seq_cst) >= n || stopping_.load(std::memory_order_seq_cst);
  });
  worker_sleeping_.store(false, std::memory_order_relaxed);
  return submitted_.load(std::memory_order_acquire) >= n;
}

void ExecUnit::WorkerLoop() {
  UsePreciseTimers();
  uint64_t n = completed() + 1;
  while (WaitForSubmission(n)) {
    Slot& s = slots_[n & mask_];
    uint64_t tag = s.tag.load(std::memory_order_acquire);
    if ((tag & 1) != 0 || (tag >> 1) != n) {
      // An inline (synchronous) request: it completes on its caller's thread. If the tag already
      // names a later request, n completed and the slot was refilled.
      WaitCompleted(n);
    } else {
      Complete(n, std::move(s.work), s.ret, s.schedule_ns);
    }
    ++n;
  }
  if (closed_unstarted_ != 0) {
    NRTB_WARN("nrt_close: %llu request(s) still queued on %s completed with NRT_CLOSED",
              static_cast<unsigned long long>(closed_unstarted_), UnitName(xu_id_).c_str());
  }
}

void ExecUnit::Complete(uint64_t n, std::unique_ptr<Work> work, NRT_STATUS* ret, uint64_t schedule_ns) {
  uint64_t start = NowNs();
  NRT_STATUS status = Execute(*work, n, start);
  work->Finish(status);
  if (ctx_.tracer != nullptr) {
    ctx_.tracer->Record({xu_id_, n, schedule_ns, start, NowNs(), status, work->Label()});
  }
  if (status != NRT_SUCCESS && ctx_.errors != nullptr) ctx_.errors->Record(MakeSeq(xu_id_, n), status);
  // Release the request's tensors and model before the slot can be reused.
  work.reset();
  if (ret != nullptr) *ret = status;
  Publish(n);
}

NRT_STATUS ExecUnit::Execute(Work& work, uint64_t n, uint64_t start_ns) {
  if (fatal()) return NRT_EXEC_UNIT_UNRECOVERABLE;
  if (stopping_.load(std::memory_order_acquire)) {
    ++closed_unstarted_;
    return NRT_CLOSED;
  }
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

  NRT_STATUS status = work.Run();
  uint64_t simulated = work.SimulatedNs();
  if (simulated > ctx_.exec_timeout_ns) return time_out("ran", status);
  if (simulated != 0) sleeper_.SleepUntil(start_ns + simulated);
  if (NowNs() > timeout_deadline && !stopping_.load(std::memory_order_acquire)) {
    MakeFatal("request " + std::to_string(n) + " (" + work.Label() + ") ran past NEURON_RT_EXEC_TIMEOUT");
    return NRT_TIMEOUT;
  }
  if (fault) {
    status = fault->status;
    if (fault->kind == FaultKind::kFatal) {
      MakeFatal("request " + std::to_string(n) + " (" + work.Label() + ") hit an injected fatal error " + StatusName(status));
    }
  }
  return status;
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
  if (ctx_.abort_on_fatal) {
    NRTB_ERROR("NRT_SIM_ABORT_ON_FATAL is set: aborting");
    std::abort();
  }
}

void ExecUnit::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(submit_mu_);
    if (stopping_.load(std::memory_order_relaxed)) return;
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
