// Storage fences of pending executions (SPEC §3 "Tensor I/O fences"). A fence is an address range of a
// tensor's storage (nrt_tensor_get_va + nrt_tensor_get_size), so a slice and its parent overlap and share it.
// An execution registers the ranges it reads (inputs) and writes (outputs) when it is scheduled and releases
// them when it retires. Host-side operations wait first: a read for pending writers of its range, a write (or
// memset, copy destination) for every pending user.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace nrt_shim {

struct Range {
  uintptr_t begin = 0;
  uintptr_t end = 0;  // exclusive
  bool Overlaps(const Range& o) const { return begin < o.end && o.begin < end; }
  bool empty() const { return end <= begin; }
};

class FenceTable {
 public:
  using Token = uint64_t;  // 0: no fence

  // Registers an execution's ranges until Release(token).
  Token Acquire(std::vector<Range> reads, std::vector<Range> writes);
  void Release(Token token);

  // Block until no pending execution writes any byte of r (a host read may proceed).
  void WaitForReaders(const Range& r) { Wait(r, /*exclusive=*/false); }
  // Block until no pending execution reads or writes any byte of r (a host write may proceed).
  void WaitForWriters(const Range& r) { Wait(r, /*exclusive=*/true); }

  // True when nothing is pending: the host operation needs no fence (a lock-free check, so the common case
  // costs one load). Acquire pairs with the release in Acquire()/Release().
  bool Idle() const { return pending_.load(std::memory_order_acquire) == 0; }
  size_t pending() const { return pending_.load(std::memory_order_acquire); }

 private:
  struct Entry {
    std::vector<Range> reads, writes;
  };
  bool Conflicts(const Range& r, bool exclusive) const;
  void Wait(const Range& r, bool exclusive);

  mutable std::mutex mu_;
  std::condition_variable released_;
  std::unordered_map<Token, Entry> entries_;
  Token next_ = 1;
  std::atomic<size_t> pending_{0};
};

}  // namespace nrt_shim
