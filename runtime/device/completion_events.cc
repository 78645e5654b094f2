#include "runtime/device/completion_events.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/core/log.h"

namespace nrtb {

CompletionEvents::~CompletionEvents() { CloseOwned(); }

int CompletionEvents::Signal(int fd) {
  uint64_t one = 1;
  ssize_t r;
  do {
    r = write(fd, &one, sizeof one);
  } while (r < 0 && errno == EINTR);
  // EAGAIN means the eventfd counter is saturated: the reader is already due a wake-up.
  return r < 0 && errno != EAGAIN ? errno : 0;
}

void CompletionEvents::SignalOnce(int fd, const char* what) {
  if (int err = Signal(fd)) {
    NRTB_WARN("cannot signal %s fd %d: %s (was it closed without deregistering?)", what, fd, std::strerror(err));
  }
}

void CompletionEvents::RegisterSeq(uint64_t n, int fd, bool owned, const std::atomic<uint64_t>& completed) {
  std::lock_guard<std::mutex> lock(mu_);
  if (fd < 0) {
    // Removes the application's registrations only; runtime-owned completion handles stay armed.
    auto range = by_seq_.equal_range(n);
    for (auto it = range.first; it != range.second;) {
      if (it->second.owned) {
        ++it;
        continue;
      }
      active_.fetch_sub(1, std::memory_order_seq_cst);
      it = by_seq_.erase(it);
    }
    return;
  }
  auto range = by_seq_.equal_range(n);
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second.fd == fd) return;  // already registered: still one signal
  }
  auto it = by_seq_.emplace(n, Registration{fd, owned});
  active_.fetch_add(1, std::memory_order_seq_cst);
  if (completed.load(std::memory_order_seq_cst) >= n) {
    SignalOnce(fd, "completion");
    if (owned) close(fd);
    by_seq_.erase(it);
    active_.fetch_sub(1, std::memory_order_seq_cst);
  }
}

void CompletionEvents::SetUnitFd(int fd) {
  std::lock_guard<std::mutex> lock(mu_);
  if (unit_fd_ >= 0) active_.fetch_sub(1, std::memory_order_seq_cst);
  unit_fd_ = fd < 0 ? -1 : fd;
  if (unit_fd_ >= 0) active_.fetch_add(1, std::memory_order_seq_cst);
}

void CompletionEvents::SignalUpTo(uint64_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  if (unit_fd_ >= 0) {
    if (watch_ != nullptr) watch_->BeforeSignal(xu_id_, 0, unit_fd_);
    if (int err = Signal(unit_fd_)) {
      // The fd is dead (closed, or never an eventfd): every later completion would fail the same
      // way, so the registration is dropped after one line instead of one line per completion.
      NRTB_WARN(
          "cannot signal execution-unit completion fd %d: %s (was it closed without deregistering?); "
          "the registration is dropped",
          unit_fd_, std::strerror(err));
      unit_fd_ = -1;
      active_.fetch_sub(1, std::memory_order_seq_cst);
    }
  }
  auto end = by_seq_.upper_bound(n);
  for (auto it = by_seq_.begin(); it != end; ++it) {
    if (watch_ != nullptr && !it->second.owned) watch_->BeforeSignal(xu_id_, it->first, it->second.fd);
    SignalOnce(it->second.fd, "completion");  // a per-request registration is signalled once anyway
    if (it->second.owned) close(it->second.fd);
    active_.fetch_sub(1, std::memory_order_seq_cst);
  }
  by_seq_.erase(by_seq_.begin(), end);
}

void CompletionEvents::CloseOwned() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = by_seq_.begin(); it != by_seq_.end();) {
    if (it->second.owned) {
      close(it->second.fd);
      active_.fetch_sub(1, std::memory_order_seq_cst);
      it = by_seq_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace nrtb
