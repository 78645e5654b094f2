// The in-flight window of one logical core: at most N executions scheduled and not yet retired, and the
// retire thread that finishes them in order.
//
// The retire thread sleeps in poll() on an eventfd the runtime signals whenever the core's compute XU
// completes a request (nrta_event_register_xu_completion), so nothing polls. On each wake it pops the
// completed prefix of the queue (nrta_is_completed of the oldest first: executions of one core complete in
// submission order), retires each (fences, counters, deferred releases, callback) in that order, then frees
// their window slots. The runtime is reached through WindowOps so unit tests can drive the window alone.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "nrt/nrt_status.h"
#include "pending_exec.h"

namespace nrt_shim {

class WindowOps {
 public:
  virtual ~WindowOps() = default;
  // nrta_event_register_xu_completion(lnc, COMPUTE, 0, fd); fd < 0 deregisters.
  virtual NRT_STATUS RegisterCompletionFd(int lnc, int fd) = 0;
  // nrta_is_completed.
  virtual bool IsCompleted(uint64_t seq) = 0;
  // Finishes one execution (on the retire thread, in completion order).
  virtual void Retire(PendingExec& exec) = 0;
};

class LncWindow {
 public:
  LncWindow(int lnc, int max_inflight, WindowOps& ops);
  ~LncWindow();
  LncWindow(const LncWindow&) = delete;
  LncWindow& operator=(const LncWindow&) = delete;

  // Creates the eventfd, registers it and starts the retire thread. NRT_SUCCESS, or the registration's status.
  NRT_STATUS Start();

  // Waits for a free slot (N in flight block the caller), then calls schedule(exec) until it returns anything
  // but NRT_QUEUE_FULL, waiting for a retirement of this core between tries (the runtime's queue is full, so
  // one of ours will complete). On NRT_SUCCESS, calls on_scheduled(exec) and queues exec for retirement (both
  // under the window's lock, so retirement order is submission order). Returns schedule's last status.
  NRT_STATUS Submit(std::unique_ptr<PendingExec> exec, const std::function<NRT_STATUS(PendingExec&)>& schedule,
                    const std::function<void(PendingExec&)>& on_scheduled);

  // Blocks until every execution submitted so far has retired (its callback returned).
  void Drain();
  // Drains, stops the retire thread and deregisters the eventfd.
  void Stop();

  int lnc() const { return lnc_; }
  size_t inflight() const;
  bool unrecoverable() const { return unrecoverable_.load(std::memory_order_acquire); }
  void MarkUnrecoverable() { unrecoverable_.store(true, std::memory_order_release); }
  // True on this window's retire thread (a callback calling back into the shim).
  bool OnRetireThread() const;
  // True on any window's retire thread.
  static bool OnAnyRetireThread();

 private:
  void RetireLoop();

  const int lnc_;
  const size_t max_inflight_;
  WindowOps& ops_;
  int efd_ = -1;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable changed_;                  // a slot was freed (retirement) or the thread was asked to stop
  std::deque<std::unique_ptr<PendingExec>> queued_;  // scheduled, not yet seen complete; oldest first
  size_t inflight_ = 0;                              // queued_ + being retired
  uint64_t retired_ = 0;
  uint64_t next_job_id_ = 1;
  bool stopping_ = false;
  bool started_ = false;
  std::atomic<bool> unrecoverable_{false};
};

}  // namespace nrt_shim
