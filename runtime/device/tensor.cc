#include "runtime/device/tensor.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "runtime/core/error.h"
#include "runtime/core/log.h"

namespace nrtb {
namespace {
std::mutex g_completion_mu;
std::condition_variable g_completion_cv;
std::atomic<uint32_t> g_completion_waiters{0};
}  // namespace

TensorUse::TensorUse(TensorRef t) : t_(std::move(t)) {
  std::lock_guard<std::mutex> lock(t_->layout_mu);
  t_->in_flight.fetch_add(1, std::memory_order_relaxed);
}

TensorUse& TensorUse::operator=(TensorUse&& other) noexcept {
  if (this != &other) {
    Release();
    t_ = std::move(other.t_);
  }
  return *this;
}

void TensorUse::Release() {
  if (t_) t_->in_flight.fetch_sub(1, std::memory_order_release);
  t_.reset();
}

TensorRef MakeEmptyTensor(const std::string& name) {
  auto t = std::make_shared<nrt_tensor>();
  t->name = name;
  t->placement = Placement::kVirtual;
  return t;
}

TensorRef MakeSlice(const nrt_tensor& source, uint64_t offset, uint64_t size, const std::string& name) {
  if (size == 0) ThrowInvalid("slice \"%s\": size must be greater than 0", name.c_str());
  CheckRange(source, offset, size, "nrt_tensor_allocate_slice");
  auto t = std::make_shared<nrt_tensor>();
  t->name = name;
  t->placement = source.placement;
  t->lnc = source.lnc;
  t->storage = source.storage;
  t->offset = source.offset + offset;
  t->size = size;
  return t;
}

void AttachBuffer(nrt_tensor& t, void* buffer, size_t size) {
  std::lock_guard<std::mutex> lock(t.layout_mu);
  // Under layout_mu: no use can start while this runs, and every earlier one is counted.
  if (uint32_t n = t.in_flight.load(std::memory_order_acquire)) {
    ThrowInvalid("tensor \"%s\": cannot attach a buffer while %u request(s) or call(s) use the tensor", t.name.c_str(), n);
  }
  t.storage = Storage::Attach(buffer, size);
  t.offset = 0;
  t.size = size;
  t.placement = Placement::kVirtual;
  t.lnc = -1;
}

void CheckRange(const nrt_tensor& t, uint64_t offset, uint64_t size, const char* what) {
  if (!t.storage) ThrowInvalid("%s: tensor \"%s\" has no memory (allocate_empty without attach_buffer)", what, t.name.c_str());
  if (offset > t.size || size > t.size - offset) {
    ThrowInvalid("%s: offset %llu + size %llu is outside tensor \"%s\" of %zu bytes", what,
                 static_cast<unsigned long long>(offset), static_cast<unsigned long long>(size), t.name.c_str(), t.size);
  }
}

void BumpOutputCompletion(nrt_tensor& t) {
  t.completions.fetch_add(1, std::memory_order_seq_cst);
  if (g_completion_waiters.load(std::memory_order_seq_cst) != 0) NotifyOutputCompletionWaiters();
}

void NotifyOutputCompletionWaiters() {
  std::lock_guard<std::mutex> lock(g_completion_mu);
  g_completion_cv.notify_all();
}

NRT_STATUS WaitOutputCompletion(const nrt_tensor& t, int64_t timeout_us, uint64_t expected) {
  auto done = [&] { return t.completions.load(std::memory_order_seq_cst) >= expected; };
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
        NRTB_WARN("still waiting for output tensor \"%s\" to reach completion count %llu after %d s", t.name.c_str(),
                  static_cast<unsigned long long>(expected), waited_s);
      }
    }
  }
  g_completion_waiters.fetch_sub(1, std::memory_order_relaxed);
  return status;
}

}  // namespace nrtb
