#include "runtime/model/model.h"

#include "runtime/device/memory_pool.h"

nrt_model::nrt_model(Contents contents, uint32_t id, std::shared_ptr<nrtb::MemoryPool> pool, uint64_t device_bytes)
    : c_(std::move(contents)), id_(id), pool_(std::move(pool)), device_bytes_(pool_ ? device_bytes : 0) {}

nrt_model::~nrt_model() {
  if (pool_) pool_->Release(device_bytes_);
}
