#include "runtime/device/storage.h"

#include <unistd.h>

#include <cstdlib>

#include "runtime/device/memory_pool.h"

namespace nrtb {

namespace {
// More than the machine's RAM can never succeed; refusing it up front gives a clean NRT_RESOURCE
// instead of depending on how the allocator (or a sanitizer's) treats absurd requests.
uint64_t PhysicalMemoryBytes() {
  static const uint64_t bytes =
      static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  return bytes;
}
}  // namespace

std::shared_ptr<Storage> Storage::Allocate(size_t size, std::shared_ptr<MemoryPool> pool, PoolFailure* pool_failure) {
  if (size > PhysicalMemoryBytes()) return nullptr;
  // Device memory is carved from the core's simulated HBM (see memory_pool.h); host memory comes
  // from calloc, whose large blocks are fresh zero pages, so an untouched buffer costs no memory.
  auto* data = pool != nullptr ? pool->Allocate(size, pool_failure)
                               : static_cast<uint8_t*>(std::calloc(size == 0 ? 1 : size, 1));
  if (data == nullptr) return nullptr;
  return std::shared_ptr<Storage>(new Storage(data, size, true, std::move(pool)));
}

std::shared_ptr<Storage> Storage::Attach(void* data, size_t size) {
  return std::shared_ptr<Storage>(new Storage(static_cast<uint8_t*>(data), size, false, nullptr));
}

Storage::~Storage() {
  if (pool_ != nullptr) {
    pool_->Free(data_, size_);
  } else if (owned_) {
    std::free(data_);
  }
}

}  // namespace nrtb
