#include "lnc_window.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <vector>

#include "log.h"
#include "wait_clock.h"

namespace nrt_shim {
namespace {
// The window whose retire thread this is (nullptr on every other thread).
thread_local const LncWindow* t_retire_window = nullptr;
}  // namespace

LncWindow::LncWindow(int lnc, int max_inflight, WindowOps& ops)
    : lnc_(lnc), max_inflight_(static_cast<size_t>(max_inflight > 0 ? max_inflight : 1)), ops_(ops) {}

LncWindow::~LncWindow() { Stop(); }

NRT_STATUS LncWindow::Start() {
  efd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (efd_ < 0) {
    LogLine("nrt_execute", "cannot create an eventfd for logical core %d: errno %d", lnc_, errno);
    return NRT_RESOURCE;
  }
  // Registered before the first request is scheduled, so no completion can be missed.
  NRT_STATUS s = ops_.RegisterCompletionFd(lnc_, efd_);
  if (s != NRT_SUCCESS) {
    close(efd_);
    efd_ = -1;
    return s;
  }
  thread_ = std::thread([this] { RetireLoop(); });
  started_ = true;
  return NRT_SUCCESS;
}

bool LncWindow::OnRetireThread() const { return t_retire_window == this; }

bool LncWindow::OnAnyRetireThread() { return t_retire_window != nullptr; }

size_t LncWindow::inflight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return inflight_;
}

NRT_STATUS LncWindow::Submit(std::unique_ptr<PendingExec> exec, const std::function<NRT_STATUS(PendingExec&)>& schedule,
                             const std::function<void(PendingExec&)>& on_scheduled) {
  std::unique_lock<std::mutex> lock(mu_);
  // A callback that executes again runs on the retire thread: waiting for a slot there would wait for itself.
  const bool on_retire_thread = OnRetireThread();
  if (!on_retire_thread && inflight_ >= max_inflight_) {
    ScopedWaitClock clock;
    changed_.wait(lock, [&] { return inflight_ < max_inflight_; });
  }
  ++inflight_;  // the slot is ours while we schedule
  NRT_STATUS s;
  while ((s = schedule(*exec)) == NRT_QUEUE_FULL) {
    // Absorbed, never returned: wait for one of ours to retire (the runtime's queue then has room), or, when
    // none of the requests filling it are ours to wait for, retry shortly.
    ScopedWaitClock clock;
    const uint64_t seen = retired_;
    if (queued_.empty() || on_retire_thread) {
      changed_.wait_for(lock, std::chrono::milliseconds(1));
    } else {
      changed_.wait(lock, [&] { return retired_ != seen; });
    }
  }
  if (s != NRT_SUCCESS) {
    --inflight_;
    lock.unlock();
    changed_.notify_all();
    return s;
  }
  exec->job_id = next_job_id_++;
  exec->lnc = static_cast<uint32_t>(lnc_);
  on_scheduled(*exec);
  queued_.push_back(std::move(exec));
  return NRT_SUCCESS;
}

void LncWindow::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  if (inflight_ == 0) return;
  ScopedWaitClock clock;
  changed_.wait(lock, [&] { return inflight_ == 0; });
}

void LncWindow::Stop() {
  if (!started_) return;
  Drain();
  ops_.RegisterCompletionFd(lnc_, -1);  // the runtime drops its reference before we close the fd
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  const uint64_t one = 1;
  while (write(efd_, &one, sizeof(one)) < 0 && errno == EINTR) {
  }
  thread_.join();
  close(efd_);
  efd_ = -1;
  started_ = false;
}

void LncWindow::RetireLoop() {
  t_retire_window = this;
  std::vector<std::unique_ptr<PendingExec>> done;
  for (;;) {
    pollfd p{efd_, POLLIN, 0};
    int r = poll(&p, 1, -1);
    if (r < 0 && errno != EINTR) {
      LogLine("nrt_execute", "retire thread of logical core %d: poll failed (errno %d)", lnc_, errno);
      return;
    }
    uint64_t count;
    // One read drains every completion signalled so far; the queue below is the truth.
    while (read(efd_, &count, sizeof(count)) < 0 && errno == EINTR) {
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      while (!queued_.empty() && ops_.IsCompleted(queued_.front()->seq)) {
        done.push_back(std::move(queued_.front()));
        queued_.pop_front();
      }
      if (done.empty() && stopping_ && queued_.empty()) return;
    }
    if (done.empty()) continue;
    for (auto& e : done) {
      if (e->status == NRT_EXEC_UNIT_UNRECOVERABLE) MarkUnrecoverable();
      ops_.Retire(*e);
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      inflight_ -= done.size();
      retired_ += done.size();
    }
    done.clear();
    changed_.notify_all();
  }
}

}  // namespace nrt_shim
