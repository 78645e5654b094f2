// The shim's state and the behaviour of every interposed call in implicit mode (SPEC §3). The interpose_*.cc
// files are the thin C boundary: fast path, trace, exception guard, then one call here.
//
// Mode: g_flags holds kActive (implicit mode on: nrt_init saw the variable at N > 0 and succeeded) and kTrace.
// With both clear every wrapper forwards after one relaxed load and one predictable branch.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "callback_registry.h"
#include "completion_counters.h"
#include "fence_table.h"
#include "lnc_window.h"
#include "model_registry.h"
#include "nrt/nrt.h"
#include "nrt/nrt_experimental.h"
#include "tensor_registry.h"

namespace nrt_shim {

inline constexpr unsigned kActive = 1;
inline constexpr unsigned kTrace = 2;
extern std::atomic<unsigned> g_flags;

inline bool Passthrough() { return __builtin_expect(g_flags.load(std::memory_order_relaxed) == 0, 1); }
inline bool Active() { return (g_flags.load(std::memory_order_acquire) & kActive) != 0; }
inline bool Tracing() { return (g_flags.load(std::memory_order_relaxed) & kTrace) != 0; }

// Logical cores the shim keeps windows for (the sequence-ID layout gives an LNC 8 bits).
inline constexpr int kMaxLnc = 256;

class Shim final : public WindowOps {
 public:
  // The process's shim (created on first use; a forked child gets a fresh one, see AfterForkInChild).
  static Shim& Get();
  // pthread_atfork child handler: drops the parent's state without touching its locks (a parent thread may
  // hold them, and the retire threads do not exist here); implicit mode is off until the child's nrt_init.
  static void AfterForkInChild();
  // The constructor's work: resolve the runtime, read the trace flag, register the fork handler.
  static void Initialize();
  // Re-reads NRT_IMPLICIT_ASYNC_TRACE (nrt_init does, before tracing itself: the legacy runtime read its
  // variables there, and programs set them just before).
  static void RefreshTraceFlag();

  NRT_STATUS Init(nrt_framework_type_t framework, const char* fw_version, const char* fal_version);
  void Close();
  void OnLoaded(nrt_model_t* model, int32_t vnc);
  NRT_STATUS Unload(nrt_model_t* model);
  NRT_STATUS Execute(nrt_model_t* model, const nrt_tensor_set_t* input, nrt_tensor_set_t* output);
  NRT_STATUS ExecuteRepeat(nrt_model_t* model, const nrt_tensor_set_t* input, nrt_tensor_set_t* output, int repeat);
  NRT_STATUS RegisterCallback(NRT_ASYNC_EXEC_STATUS_CALLBACK callback, void* params);
  NRT_STATUS Drain(int32_t vnc);
  // Before a trace or profile is stopped or read: every pending execution completes first, so what a
  // synchronous program executed before the call is in it.
  void DrainForObservation();

  void OnAllocated(nrt_tensor_t* tensor, bool host);
  void OnSlice(const nrt_tensor_t* source, nrt_tensor_t* slice);
  void OnAddedToSet(nrt_tensor_set_t* set, const char* name, nrt_tensor_t* tensor);
  void Free(nrt_tensor_t** tensor);
  void DestroySet(nrt_tensor_set_t** set);

  // Host-side fences: wait until the range may be read / written.
  void FenceRead(const nrt_tensor_t* tensor, uint64_t offset, uint64_t size);
  void FenceWrite(const nrt_tensor_t* tensor, uint64_t offset, uint64_t size);
  void FenceBatch(const nrt_tensor_batch_t* batches, uint64_t num_batches, bool write);

  // A tensor whose free is deferred is gone to the program: calls naming it get NRT_INVALID and one line, as
  // the runtime would answer for a freed handle. True if `tensor` is such a handle (the line is logged).
  bool RejectFreed(const nrt_tensor_t* tensor, const char* function);

  NRT_STATUS CheckOutputCompletion(const nrt_tensor_t* tensor, int64_t timeout_us, uint64_t expected);
  NRT_STATUS ResetOutputCompletion(nrt_tensor_t* tensor);

  // WindowOps
  NRT_STATUS RegisterCompletionFd(int lnc, int fd) override;
  bool IsCompleted(uint64_t seq) override;
  void Retire(PendingExec& exec) override;

 private:
  LncWindow* Window(int lnc);
  LncWindow* ExistingWindow(int32_t lnc) const;
  void DrainAll();
  // Calls that use windows count themselves in; nrt_close waits for them to leave before it deletes the
  // windows, and while it closes new calls go straight to the runtime (an execute racing nrt_close runs
  // synchronously and then meets the runtime's NRT_CLOSED, as without the shim).
  bool EnterWindowCall();
  void LeaveWindowCall();
  class WindowCall;

  std::mutex lifecycle_mu_;  // init, close, window creation
  std::atomic<bool> closing_{false};
  std::atomic<int> window_calls_{0};
  int max_inflight_ = 0;
  std::atomic<LncWindow*> windows_[kMaxLnc] = {};
  bool window_failed_logged_[kMaxLnc] = {};
  FenceTable fences_;
  TensorRegistry tensors_;
  CompletionCounters counters_;
  CallbackRegistry callbacks_;
  // In a forked child: the parent's Shim, abandoned but kept reachable from its successor, so the memory it
  // holds is not a leak (LeakSanitizer) and its windows are never destroyed (that would join threads the
  // child does not have).
  Shim* abandoned_parent_ = nullptr;
  ModelRegistry models_;
};

}  // namespace nrt_shim
