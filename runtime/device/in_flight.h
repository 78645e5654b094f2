// The runtime's one in-flight count: how many requests (scheduled, not finished) and calls use an object now.
// Tensors count their uses through TensorUse (tensor.h) and models their executions (model.h) with it.
//
// It also lets one owner shut new uses out while it changes the object (nrt_tensor_attach_buffer changes a
// tensor's layout): the top bit says "being changed". A use is one atomic add that sees the bit or not, so the
// schedule path takes no lock:
//   TryEnter:        add 1 (acquire); bit set -> take it back, the caller waits for the change (under its lock)
//   TryBeginChange:  0 -> bit (acquire): fails while any use is counted; afterwards every new use sees the bit
//   EndChange:       clear the bit (release): the change happens-before every use that starts later
// Leave is a release, so what a use read happens-before a change that starts after it.
#pragma once

#include <atomic>
#include <cstdint>

namespace nrtb {

class InFlight {
 public:
  // Counts a use unless a change is under way (then counts nothing and returns false).
  bool TryEnter() noexcept {
    if ((count_.fetch_add(1, std::memory_order_acquire) & kChanging) == 0) return true;
    count_.fetch_sub(1, std::memory_order_relaxed);
    return false;
  }
  // Counts a use unconditionally: for objects that never change (models), or with the change excluded otherwise
  // (the tensor's layout mutex, which a change holds throughout).
  void Enter() noexcept { count_.fetch_add(1, std::memory_order_acquire); }
  void Leave() noexcept { count_.fetch_sub(1, std::memory_order_release); }
  // Uses now (for log lines and the "in use" check).
  uint32_t count() const noexcept { return count_.load(std::memory_order_relaxed) & ~kChanging; }
  // A change is under way. Acquire: a use that saw no change sees everything the last EndChange published.
  bool changing() const noexcept { return (count_.load(std::memory_order_acquire) & kChanging) != 0; }

  // True when nothing uses the object: new uses are then shut out until EndChange().
  bool TryBeginChange() noexcept {
    uint32_t idle = 0;
    return count_.compare_exchange_strong(idle, kChanging, std::memory_order_acquire, std::memory_order_relaxed);
  }
  void EndChange() noexcept { count_.fetch_and(~kChanging, std::memory_order_release); }

 private:
  static constexpr uint32_t kChanging = uint32_t{1} << 31;
  std::atomic<uint32_t> count_{0};
};

}  // namespace nrtb
