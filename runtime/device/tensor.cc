#include "runtime/device/tensor.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "runtime/core/error.h"
#include "runtime/core/log.h"
#include "runtime/core/thread_slots.h"

namespace nrtb {
namespace {
std::mutex g_completion_mu;
std::condition_variable g_completion_cv;
std::atomic<uint32_t> g_completion_waiters{0};
std::atomic<uint64_t> g_tensor_change_epoch{0};
}  // namespace

uint64_t TensorChangeEpoch() { return g_tensor_change_epoch.load(std::memory_order_acquire); }

}  // namespace nrtb

void nrt_tensor::MarkFreed() {
  freed_.store(true, std::memory_order_release);
  nrtb::g_tensor_change_epoch.fetch_add(1, std::memory_order_release);
}

namespace nrtb {

TensorUse::TensorUse(TensorRef t) : t_(std::move(t)) {
  if (t_->in_flight_.TryEnter()) return;
  // nrt_tensor_attach_buffer is changing the layout and holds the mutex until it is done.
  std::lock_guard<std::mutex> lock(t_->layout_mu_);
  t_->in_flight_.Enter();
}

TensorUse& TensorUse::operator=(TensorUse&& other) noexcept {
  if (this != &other) {
    Release();
    t_ = std::move(other.t_);
  }
  return *this;
}

void TensorUse::Release() {
  if (t_) t_->in_flight_.Leave();
  t_.reset();
}

TensorRef MakeTensor(const std::string& name, Placement placement, int lnc, std::shared_ptr<Storage> storage,
                     size_t size) {
  return std::make_shared<nrt_tensor>(nrt_tensor::Key{}, name, placement, lnc, std::move(storage), 0, size);
}

TensorRef MakeEmptyTensor(const std::string& name) { return MakeTensor(name, Placement::kVirtual, -1, nullptr, 0); }

TensorRef MakeSlice(const nrt_tensor& source, uint64_t offset, uint64_t size, const std::string& name) {
  if (size == 0) ThrowInvalid("slice \"%s\": size must be greater than 0", name.c_str());
  CheckRange(source, offset, size, "nrt_tensor_allocate_slice");
  return std::make_shared<nrt_tensor>(nrt_tensor::Key{}, name, source.placement_, source.lnc_, source.storage_,
                                      source.offset_ + offset, size);
}

void AttachBuffer(nrt_tensor& t, void* buffer, size_t size) {
  std::shared_ptr<Storage> storage = Storage::Attach(buffer, size);
  std::lock_guard<std::mutex> lock(t.layout_mu_);
  // Every use that started is counted; one that starts from here on waits for layout_mu_.
  if (!t.in_flight_.TryBeginChange()) {
    ThrowInvalid("tensor \"%s\": cannot attach a buffer while %u request(s) or call(s) use the tensor", t.name_.c_str(),
                 t.in_flight_.count());
  }
  // A copy holding the tensor by its thread's hazard slot either saw the bit just set (and waits for the change
  // as a TensorUse does) or is seen here.
  HeavyBarrier();
  if (AnySlotHolds(&t)) {
    t.in_flight_.EndChange();
    ThrowInvalid("tensor \"%s\": cannot attach a buffer while a call copies to or from the tensor", t.name_.c_str());
  }
  t.storage_ = std::move(storage);
  t.offset_ = 0;
  t.size_ = size;
  t.placement_ = Placement::kVirtual;
  t.lnc_ = -1;
  // Before EndChange (release): a use that starts after the change sees the new epoch (BindSets relies on it).
  g_tensor_change_epoch.fetch_add(1, std::memory_order_release);
  t.in_flight_.EndChange();
}

void CheckRange(const nrt_tensor& t, uint64_t offset, uint64_t size, const char* what) {
  if (!t.storage()) {
    ThrowInvalid("%s: tensor \"%s\" has no memory (allocate_empty without attach_buffer)", what, t.name().c_str());
  }
  if (offset > t.size() || size > t.size() - offset) {
    ThrowInvalid("%s: offset %llu + size %llu is outside tensor \"%s\" of %zu bytes", what,
                 static_cast<unsigned long long>(offset), static_cast<unsigned long long>(size), t.name().c_str(),
                 t.size());
  }
}

void BumpOutputCompletion(nrt_tensor& t) {
  t.completions_.fetch_add(1, std::memory_order_seq_cst);
  if (g_completion_waiters.load(std::memory_order_seq_cst) != 0) NotifyOutputCompletionWaiters();
}

void NotifyOutputCompletionWaiters() {
  std::lock_guard<std::mutex> lock(g_completion_mu);
  g_completion_cv.notify_all();
}

NRT_STATUS WaitOutputCompletion(const nrt_tensor& t, int64_t timeout_us, uint64_t expected) {
  auto done = [&] { return t.completions() >= expected; };
  if (done()) return NRT_SUCCESS;
  if (timeout_us == 0) return NRT_TIMEOUT;
  g_completion_waiters.fetch_add(1, std::memory_order_seq_cst);
  NRT_STATUS status = NRT_SUCCESS;
  {
    std::unique_lock<std::mutex> lock(g_completion_mu);
    // Beyond ~30 years a timeout is "forever"; capping it keeps the deadline arithmetic from overflowing.
    constexpr int64_t kMaxTimeoutUs = int64_t{1'000'000'000'000'000};
    if (timeout_us > 0) {
      auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(std::min(timeout_us, kMaxTimeoutUs));
      if (!g_completion_cv.wait_until(lock, deadline, done)) status = NRT_TIMEOUT;
    } else {
      int waited_s = 0;
      while (!g_completion_cv.wait_for(lock, std::chrono::seconds(30), done)) {
        waited_s += 30;
        NRTB_WARN("still waiting for output tensor \"%s\" to reach completion count %llu after %d s", t.name().c_str(),
                  static_cast<unsigned long long>(expected), waited_s);
      }
    }
  }
  g_completion_waiters.fetch_sub(1, std::memory_order_relaxed);
  return status;
}

}  // namespace nrtb
