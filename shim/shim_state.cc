#include "shim_state.h"

#include <pthread.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "call_real.h"
#include "config.h"
#include "log.h"
#include "nrt/nrt_async.h"

namespace nrt_shim {

std::atomic<unsigned> g_flags{0};

namespace {

std::atomic<Shim*> g_shim{nullptr};
std::atomic<bool> g_atfork_registered{false};

void RegisterAtFork() {
  if (!g_atfork_registered.exchange(true)) pthread_atfork(nullptr, nullptr, &Shim::AfterForkInChild);
}

void SetTraceFlag(bool on) {
  if (on) {
    g_flags.fetch_or(kTrace, std::memory_order_acq_rel);
  } else {
    g_flags.fetch_and(~kTrace, std::memory_order_acq_rel);
  }
}

// The storage bytes an execution uses: slices lie inside their parent's range, so they share its fences. A
// tensor without a host-visible address is fenced by its handle alone.
Range StorageRange(const nrt_tensor_t* t) {
  void* va = NRT_SHIM_REAL(nrt_tensor_get_va, t);
  if (va == nullptr) return {reinterpret_cast<uintptr_t>(t), reinterpret_cast<uintptr_t>(t) + 1};
  size_t size = NRT_SHIM_REAL(nrt_tensor_get_size, t);
  const uintptr_t begin = reinterpret_cast<uintptr_t>(va);
  return {begin, begin + (size > 0 ? size : 1)};
}

// The bytes a host operation touches.
Range HostRange(const nrt_tensor_t* t, uint64_t offset, uint64_t size) {
  void* va = NRT_SHIM_REAL(nrt_tensor_get_va, t);
  if (va == nullptr) return {reinterpret_cast<uintptr_t>(t), reinterpret_cast<uintptr_t>(t) + 1};
  const uintptr_t begin = reinterpret_cast<uintptr_t>(va) + offset;
  return {begin, begin + size};
}

}  // namespace

Shim& Shim::Get() {
  Shim* s = g_shim.load(std::memory_order_acquire);
  if (__builtin_expect(s != nullptr, 1)) return *s;
  // First use before our constructor ran (another library's constructor): create it now. Racing creators
  // keep the first one published.
  Shim* fresh = new Shim();
  if (g_shim.compare_exchange_strong(s, fresh, std::memory_order_acq_rel)) return *fresh;
  delete fresh;
  return *s;
}

void Shim::Initialize() {
  ResolveAllReal();
  SetTraceFlag(ParseTraceFlag(std::getenv(kTraceVar)));
  RegisterAtFork();
  Get();
}

void Shim::RefreshTraceFlag() { SetTraceFlag(ParseTraceFlag(std::getenv(kTraceVar))); }

void Shim::AfterForkInChild() {
  // Only this thread exists now. The parent's Shim may have locks held by threads that are gone, and its
  // windows' threads do not exist: it is abandoned (never destroyed, which would join them; kept reachable
  // from the fresh one that takes its place). The callback registration carries over.
  Shim* parent = g_shim.load(std::memory_order_relaxed);
  Shim* fresh = new Shim();
  fresh->abandoned_parent_ = parent;
  if (parent != nullptr) fresh->callbacks_.CopyUnlocked(parent->callbacks_);
  g_shim.store(fresh, std::memory_order_release);
  g_flags.fetch_and(~kActive, std::memory_order_acq_rel);
}

// --- calls that use windows ------------------------------------------------------------------------------

bool Shim::EnterWindowCall() {
  // seq_cst on both sides (here and in Close): either Close sees this call counted, or this call sees closing_.
  window_calls_.fetch_add(1, std::memory_order_seq_cst);
  if (!closing_.load(std::memory_order_seq_cst)) return true;
  LeaveWindowCall();
  return false;
}

void Shim::LeaveWindowCall() {
  if (window_calls_.fetch_sub(1, std::memory_order_seq_cst) == 1) window_calls_.notify_all();
}

class Shim::WindowCall {
 public:
  explicit WindowCall(Shim& shim) : shim_(shim), entered_(shim.EnterWindowCall()) {}
  ~WindowCall() {
    if (entered_) shim_.LeaveWindowCall();
  }
  WindowCall(const WindowCall&) = delete;
  WindowCall& operator=(const WindowCall&) = delete;
  bool entered() const { return entered_; }

 private:
  Shim& shim_;
  bool entered_;
};

// --- lifecycle ------------------------------------------------------------------------------------------

NRT_STATUS Shim::Init(nrt_framework_type_t framework, const char* fw_version, const char* fal_version) {
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  const char* value = std::getenv(kMaxInflightVar);
  std::optional<std::string> saved;
  if (value != nullptr) saved = value;
  MaxInflight config = ParseMaxInflight(value);
  if (!config.problem.empty()) LogLine("nrt_init", "%s", config.problem.c_str());
  // The runtime below must not see the variable (ours warns that implicit mode was removed; the SDK's may
  // refuse explicit async calls), yet the process and its children keep the user's setting. So it is hidden
  // only for the duration of the forwarded nrt_init: the runtime reads its configuration there. This is
  // safe in the way the legacy runtime's own read was: nrt_init is the process's start-up call, made once
  // before any other runtime call, serialised here by lifecycle_mu_ (so concurrent inits cannot restore each
  // other's removal), and glibc's setenv/unsetenv lock against each other. The one thing it cannot exclude is
  // an unrelated thread calling getenv() for this variable during nrt_init (it would see it unset).
  if (saved) unsetenv(kMaxInflightVar);
  NRT_STATUS s = NRT_SHIM_REAL(nrt_init, framework, fw_version, fal_version);
  if (saved) setenv(kMaxInflightVar, saved->c_str(), 1);
  if (s == NRT_SUCCESS && config.value > 0 && !Active()) {
    max_inflight_ = config.value;
    g_flags.fetch_or(kActive, std::memory_order_acq_rel);
  }
  return s;
}

void Shim::Close() {
  if (Active()) {
    closing_.store(true, std::memory_order_seq_cst);
    // Calls already inside (one may be blocked for a slot) finish before anything is torn down; a callback's
    // own calls do not count (they run on a retire thread, which the drain below waits for).
    for (int n = window_calls_.load(); n != 0; n = window_calls_.load()) window_calls_.wait(n);
    // Drain (SPEC §3): every pending execution retires, deferred releases happen, callbacks run.
    DrainAll();
    std::lock_guard<std::mutex> lock(lifecycle_mu_);
    for (auto& slot : windows_) {
      LncWindow* w = slot.exchange(nullptr, std::memory_order_acq_rel);
      if (w == nullptr) continue;
      if (w->OnRetireThread()) {
        // nrt_close from a completion callback: the thread cannot join itself; the window is abandoned.
        LogLine("nrt_close", "called from the completion callback of logical core %d: its window is abandoned",
                w->lnc());
        continue;
      }
      w->Stop();
      delete w;
    }
    g_flags.fetch_and(~kActive, std::memory_order_acq_rel);
    tensors_.Clear();
    counters_.Clear();
    models_.Clear();
    for (bool& logged : window_failed_logged_) logged = false;
    closing_.store(false, std::memory_order_seq_cst);
  }
  NRT_SHIM_REAL(nrt_close);
}

void Shim::OnLoaded(nrt_model_t* model, int32_t vnc) {
  if (Active() && model != nullptr) models_.Add(model, vnc);
}

NRT_STATUS Shim::Unload(nrt_model_t* model) {
  WindowCall call(*this);
  if (call.entered() && Active() && model != nullptr) {
    // Drain the model's core: its pending executions use the model.
    if (auto record = models_.Find(model)) {
      LncWindow* w = ExistingWindow(record->lnc);
      if (w != nullptr && !w->OnRetireThread()) w->Drain();
      models_.Remove(model);
    }
  }
  return NRT_SHIM_REAL(nrt_unload, model);
}

LncWindow* Shim::ExistingWindow(int32_t lnc) const {
  if (lnc < 0 || lnc >= kMaxLnc) return nullptr;
  return windows_[lnc].load(std::memory_order_acquire);
}

LncWindow* Shim::Window(int lnc) {
  LncWindow* w = ExistingWindow(lnc);
  if (w != nullptr || lnc < 0 || lnc >= kMaxLnc) return w;
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  w = windows_[lnc].load(std::memory_order_acquire);
  if (w != nullptr) return w;
  auto fresh = std::make_unique<LncWindow>(lnc, max_inflight_, *this);
  NRT_STATUS s = fresh->Start();
  if (s != NRT_SUCCESS) {
    if (!window_failed_logged_[lnc]) {
      window_failed_logged_[lnc] = true;
      LogLine("nrt_execute",
              "cannot receive completions of logical core %d (nrta_event_register_xu_completion: %d): its executions "
              "run synchronously",
              lnc, static_cast<int>(s));
    }
    return nullptr;
  }
  w = fresh.release();
  windows_[lnc].store(w, std::memory_order_release);
  return w;
}

void Shim::DrainAll() {
  for (auto& slot : windows_) {
    LncWindow* w = slot.load(std::memory_order_acquire);
    if (w != nullptr && !w->OnRetireThread()) w->Drain();
  }
}

// --- execution -------------------------------------------------------------------------------------------

NRT_STATUS Shim::Execute(nrt_model_t* model, const nrt_tensor_set_t* input, nrt_tensor_set_t* output) {
  WindowCall call(*this);
  if (!call.entered() || !Active() || model == nullptr || input == nullptr || output == nullptr) {
    return NRT_SHIM_REAL(nrt_execute, model, input, output);  // the runtime validates and reports
  }
  for (const nrt_tensor_set_t* set : {input, static_cast<const nrt_tensor_set_t*>(output)}) {
    if (tensors_.SetReleasePending(set)) {
      LogLine("nrt_execute", "%s set %p was destroyed", set == input ? "input" : "output", set);
      return NRT_INVALID;
    }
  }
  const std::optional<ModelRegistry::Record> found = models_.Find(model);
  // Not a model loaded since implicit mode began: the runtime validates the handle and reports it.
  if (!found) return NRT_SHIM_REAL(nrt_execute, model, input, output);
  const ModelRegistry::Record model_record = *found;
  LncWindow* w = Window(model_record.lnc);
  if (w == nullptr) return NRT_SHIM_REAL(nrt_execute, model, input, output);
  if (w->unrecoverable()) {
    LogLine("nrt_execute",
            "logical core %d is unrecoverable (an earlier execution failed fatally): restart the process",
            model_record.lnc);
    return NRT_EXEC_UNIT_UNRECOVERABLE;
  }
  const std::vector<TensorRegistry::Member> ins = tensors_.Members(input);
  const std::vector<TensorRegistry::Member> outs = tensors_.Members(output);
  for (const auto* members : {&ins, &outs}) {
    for (const auto& m : *members) {
      if (tensors_.TensorReleasePending(m.tensor)) {
        LogLine("nrt_execute", "%s \"%s\" of the tensor set was freed", members == &ins ? "input" : "output",
                m.name.c_str());
        return NRT_INVALID;
      }
      if (tensors_.IsHost(m.tensor)) {
        LogLine("nrt_execute", "Async exec mode only supports device allocated tensors: %s \"%s\" is host-placed",
                members == &ins ? "input" : "output", m.name.c_str());
        return NRT_INVALID;
      }
    }
  }
  auto exec = std::make_unique<PendingExec>();
  exec->model_id = model_record.id;
  auto schedule = [&](PendingExec& p) {
    return NRT_SHIM_REAL(nrta_execute_schedule, model, input, output, 0, &p.status, &p.seq);
  };
  auto on_scheduled = [&](PendingExec& p) {
    std::vector<Range> reads, writes;
    for (const auto& m : ins) {
      reads.push_back(StorageRange(m.tensor));
      p.tensors.push_back(m.tensor);
    }
    for (const auto& m : outs) {
      writes.push_back(StorageRange(m.tensor));
      p.tensors.push_back(m.tensor);
      p.outputs.push_back(m.tensor);
    }
    p.sets = {const_cast<nrt_tensor_set_t*>(input), output};
    p.fence = fences_.Acquire(std::move(reads), std::move(writes));
    tensors_.AddUses(p.tensors, p.sets);
  };
  NRT_STATUS s = w->Submit(std::move(exec), schedule, on_scheduled);
  if (s == NRT_EXEC_UNIT_UNRECOVERABLE) w->MarkUnrecoverable();
  return s;
}

NRT_STATUS Shim::ExecuteRepeat(nrt_model_t* model, const nrt_tensor_set_t* input, nrt_tensor_set_t* output,
                               int repeat) {
  if (Active() && repeat == 1) return Execute(model, input, output);
  WindowCall call(*this);
  if (call.entered() && Active() && model != nullptr) {
    // Anything else goes to the runtime synchronously (which rejects or runs it); what is pending on the core
    // finishes first, so the order the program wrote is kept.
    auto record = models_.Find(model);
    LncWindow* w = record ? ExistingWindow(record->lnc) : nullptr;
    if (w != nullptr && !w->OnRetireThread()) w->Drain();
  }
  return NRT_SHIM_REAL(nrt_execute_repeat, model, input, output, repeat);
}

NRT_STATUS Shim::RegisterCallback(NRT_ASYNC_EXEC_STATUS_CALLBACK callback, void* params) {
  // Recorded always (legacy programs register before nrt_init), and passed on so the runtime answers as it
  // would without the shim (it never calls it: every execution it sees is synchronous or explicit).
  callbacks_.Register(callback, params);
  auto fn = real::nrt_register_async_exec_callback();
  if (fn == nullptr) return NRT_SUCCESS;  // a runtime without the legacy call: the shim alone implements it
  return fn(callback, params);
}

NRT_STATUS Shim::Drain(int32_t vnc) {
  WindowCall call(*this);
  if (call.entered() && Active()) {
    LncWindow* w = ExistingWindow(vnc);
    if (w != nullptr) {
      if (w->OnRetireThread()) {
        LogLine("nrt_async_drain_queued_execs",
                "called from the completion callback of logical core %d, which would wait for itself", vnc);
        return NRT_FAILURE;
      }
      w->Drain();
    }
    // A runtime that dropped the legacy call: the shim's drain is the whole answer.
    if (real::nrt_async_drain_queued_execs() == nullptr) return vnc >= 0 && vnc < kMaxLnc ? NRT_SUCCESS : NRT_INVALID;
  }
  return NRT_SHIM_REAL(nrt_async_drain_queued_execs, vnc);  // validates vnc
}

void Shim::DrainForObservation() {
  WindowCall call(*this);
  if (call.entered() && Active()) DrainAll();
}

// --- tensors ---------------------------------------------------------------------------------------------

void Shim::OnAllocated(nrt_tensor_t* tensor, bool host) {
  if (Active() && host && tensor != nullptr) tensors_.MarkHost(tensor);
}

void Shim::OnSlice(const nrt_tensor_t* source, nrt_tensor_t* slice) {
  if (Active() && slice != nullptr && tensors_.IsHost(source)) tensors_.MarkHost(slice);
}

void Shim::OnAddedToSet(nrt_tensor_set_t* set, const char* name, nrt_tensor_t* tensor) {
  if (Active()) tensors_.AddToSet(set, name, tensor);
}

void Shim::Free(nrt_tensor_t** tensor) {
  if (Active() && tensor != nullptr && *tensor != nullptr) {
    if (RejectFreed(*tensor, "nrt_tensor_free")) {
      *tensor = nullptr;
      return;
    }
    if (tensors_.DeferOrForgetTensor(*tensor)) {
      *tensor = nullptr;  // released when the last execution using it retires
      return;
    }
    counters_.Forget(*tensor);
  }
  NRT_SHIM_REAL(nrt_tensor_free, tensor);
}

void Shim::DestroySet(nrt_tensor_set_t** set) {
  if (Active() && set != nullptr && *set != nullptr && tensors_.SetReleasePending(*set)) {
    LogLine("nrt_destroy_tensor_set", "tensor set %p was already destroyed", static_cast<void*>(*set));
    *set = nullptr;
    return;
  }
  if (Active() && set != nullptr && *set != nullptr && tensors_.DeferOrForgetSet(*set)) {
    *set = nullptr;
    return;
  }
  NRT_SHIM_REAL(nrt_destroy_tensor_set, set);
}

// A completion callback runs on a retire thread: a fence wait there could wait for an execution only that
// thread can retire, so callbacks see the storage as it is (their own execution's fences are already released).
void Shim::FenceRead(const nrt_tensor_t* tensor, uint64_t offset, uint64_t size) {
  if (!Active() || tensor == nullptr || fences_.Idle() || LncWindow::OnAnyRetireThread()) return;
  fences_.WaitForReaders(HostRange(tensor, offset, size));
}

void Shim::FenceWrite(const nrt_tensor_t* tensor, uint64_t offset, uint64_t size) {
  if (!Active() || tensor == nullptr || fences_.Idle() || LncWindow::OnAnyRetireThread()) return;
  fences_.WaitForWriters(HostRange(tensor, offset, size));
}

void Shim::FenceBatch(const nrt_tensor_batch_t* batches, uint64_t num_batches, bool write) {
  // Above the runtime's limit the call is rejected before any batch is read: so is it here.
  constexpr uint64_t kMaxBatches = 1u << 20;
  if (!Active() || batches == nullptr || num_batches > kMaxBatches || fences_.Idle()) return;
  for (uint64_t i = 0; i < num_batches; ++i) {
    const nrt_tensor_batch_t& b = batches[i];
    if (b.tensor == nullptr || b.ops == nullptr) continue;  // the runtime rejects it
    for (uint32_t j = 0; j < b.num_ops; ++j) {
      write ? FenceWrite(b.tensor, b.ops[j].offset, b.ops[j].size)
            : FenceRead(b.tensor, b.ops[j].offset, b.ops[j].size);
    }
  }
}

bool Shim::RejectFreed(const nrt_tensor_t* tensor, const char* function) {
  if (!Active() || tensor == nullptr || !tensors_.TensorReleasePending(tensor)) return false;
  LogLine(function, "tensor %p was freed", static_cast<const void*>(tensor));
  return true;
}

NRT_STATUS Shim::CheckOutputCompletion(const nrt_tensor_t* tensor, int64_t timeout_us, uint64_t expected) {
  if (!Active() || tensor == nullptr) {
    return NRT_SHIM_REAL(nrt_tensor_check_output_completion, tensor, timeout_us, expected);
  }
  if (RejectFreed(tensor, "nrt_tensor_check_output_completion")) return NRT_INVALID;
  // The runtime validates the handle (a count of 0 is always reached): a stale one gets its NRT_INVALID.
  NRT_STATUS valid = NRT_SHIM_REAL(nrt_tensor_check_output_completion, tensor, 0, 0);
  if (valid != NRT_SUCCESS) return valid;
  return counters_.Wait(tensor, timeout_us, expected);
}

NRT_STATUS Shim::ResetOutputCompletion(nrt_tensor_t* tensor) {
  if (RejectFreed(tensor, "nrt_tensor_reset_output_completion")) return NRT_INVALID;
  if (Active() && tensor != nullptr) counters_.Reset(tensor);
  return NRT_SHIM_REAL(nrt_tensor_reset_output_completion, tensor);
}

// --- WindowOps -------------------------------------------------------------------------------------------

NRT_STATUS Shim::RegisterCompletionFd(int lnc, int fd) {
  auto fn = real::nrta_event_register_xu_completion();
  if (fn == nullptr) return NRT_FAILURE;
  return fn(lnc, NRTA_XU_COMPUTE, 0, fd);
}

bool Shim::IsCompleted(uint64_t seq) {
  bool done = false;
  NRT_STATUS s = NRT_SHIM_REAL(nrta_is_completed, seq, &done);
  // An invalid sequence cannot complete later: treat it as done so the window cannot stall on it.
  return s != NRT_SUCCESS || done;
}

void Shim::Retire(PendingExec& exec) {
  // Counters, then fences, then the callback: a reader woken by the fence may check the outputs' completion
  // counts at once (and a callback may read the outputs or wait for their counts).
  counters_.Bump(exec.outputs);
  fences_.Release(exec.fence);
  TensorRegistry::Due due = tensors_.DropUses(exec.tensors, exec.sets);
  for (nrt_tensor_t* t : due.tensors) {
    counters_.Forget(t);
    NRT_SHIM_REAL(nrt_tensor_free, &t);
  }
  for (nrt_tensor_set_t* s : due.sets) NRT_SHIM_REAL(nrt_destroy_tensor_set, &s);
  callbacks_.Call(exec.model_id, exec.lnc, exec.job_id, exec.status);
}

}  // namespace nrt_shim
