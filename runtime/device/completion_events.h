// eventfd notification for one execution unit: per-sequence registrations (signalled once when that
// request completes, at once if it already has) and one unit-wide fd (signalled on every completion;
// dropped with one WARN line the first time it cannot be signalled).
//
// No lost wake-up: a registrar inserts (under mu_) and bumps active_ before it reads the completed
// counter; the completer publishes the counter before it reads active_. With both seq_cst, at least
// one side sees the other, and whoever signals erases the entry under mu_, so each registration is
// signalled exactly once. Deregistration takes mu_ too, so no write happens after it returns.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>

#include "nrt/nrt_status.h"

namespace nrtb {

// Validation mode (validator.h) checks an application's eventfd just before the runtime signals it: an fd closed,
// or closed and reused, while its request was pending means the program lost the wake-up it waits for.
class EventFdWatch {
 public:
  // `fd` is about to be signalled for request n (0: the unit-wide registration) of unit xu_id.
  virtual void BeforeSignal(uint16_t xu_id, uint64_t n, int fd) = 0;

 protected:
  ~EventFdWatch() = default;
};

class CompletionEvents {
 public:
  ~CompletionEvents();
  // fd < 0 removes the application's registrations of n (not runtime-owned ones). `owned` fds
  // (runtime-created completion handles) are closed after signalling.
  void RegisterSeq(uint64_t n, int fd, bool owned, const std::atomic<uint64_t>& completed);
  // Replaces the unit-wide fd; fd < 0 removes it.
  void SetUnitFd(int fd);
  // Called by the completer right after publishing completed = n.
  void OnCompleted(uint64_t n) {
    if (active_.load(std::memory_order_seq_cst) != 0) SignalUpTo(n);
  }
  // Closes runtime-owned fds still waiting (used at shutdown; every request has completed by then).
  void CloseOwned();
  // Validation mode only: consulted before each application fd (not runtime-owned ones) is signalled.
  void set_watch(EventFdWatch* watch, uint16_t xu_id) {
    watch_ = watch;
    xu_id_ = xu_id;
  }

 private:
  struct Registration {
    int fd;
    bool owned;
  };
  void SignalUpTo(uint64_t n);
  // 0, or the errno of a failed signal (EAGAIN, a saturated counter, is not a failure).
  static int Signal(int fd);
  // Signals a one-shot registration, logging a failure.
  static void SignalOnce(int fd, const char* what);

  std::atomic<uint32_t> active_{0};  // registrations + (unit fd set ? 1 : 0)
  std::mutex mu_;
  int unit_fd_ = -1;
  std::multimap<uint64_t, Registration> by_seq_;
  EventFdWatch* watch_ = nullptr;
  uint16_t xu_id_ = 0;
};

}  // namespace nrtb
