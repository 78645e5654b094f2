// The bytes behind one or more tensors (a tensor and its slices share one Storage, ref-counted).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace nrtb {

class MemoryPool;
enum class PoolFailure : uint8_t;

class Storage {
 public:
  // Zero-filled memory: carved from `pool` when given (device memory), else from the host heap.
  // Returns null when the pool is exhausted, the size exceeds the machine's RAM, or the host has no
  // memory left; a pool's reason for refusing goes to *pool_failure when given (left alone otherwise).
  static std::shared_ptr<Storage> Allocate(size_t size, std::shared_ptr<MemoryPool> pool,
                                           PoolFailure* pool_failure = nullptr);
  // Caller-owned memory (nrt_tensor_attach_buffer); never freed by us.
  static std::shared_ptr<Storage> Attach(void* data, size_t size);

  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool owned() const { return owned_; }

 private:
  Storage(uint8_t* data, size_t size, bool owned, std::shared_ptr<MemoryPool> pool)
      : data_(data), size_(size), owned_(owned), pool_(std::move(pool)) {}
  uint8_t* data_;
  size_t size_;
  bool owned_;
  std::shared_ptr<MemoryPool> pool_;
};

}  // namespace nrtb
