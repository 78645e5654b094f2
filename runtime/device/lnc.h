// One logical NeuronCore of the simulated device: its memory, its execution units (created on
// first use) and its error trackers.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "runtime/device/debug_stream.h"
#include "runtime/device/error_log.h"
#include "runtime/device/exec_unit.h"
#include "runtime/device/memory_pool.h"
#include "runtime/device/xu_id.h"

namespace nrtb {

class Lnc {
 public:
  Lnc(uint32_t index, uint64_t memory_bytes, const UnitContext& unit_template);
  ~Lnc();

  uint32_t index() const { return index_; }
  const std::shared_ptr<MemoryPool>& pool() const { return pool_; }
  ErrorLog& errors() { return errors_; }
  DebugStream& debug_stream() { return debug_stream_; }

  // The unit, created on first use; null after Shutdown. `queue` must be valid for `type`.
  ExecUnit* Unit(XuType type, uint32_t queue);
  // The unit if it was ever created, else null (never creates one).
  ExecUnit* ExistingUnit(XuType type, uint32_t queue) const {
    return units_[Slot(type, queue)].load(std::memory_order_acquire);
  }
  // Joins every unit's worker (work still queued completes with a status), then closes the debug
  // stream and releases the device memory's physical pages.
  void Shutdown();

  std::atomic<uint32_t> loaded_models{0};

 private:
  static size_t Slot(XuType type, uint32_t queue) { return static_cast<size_t>(type) * kMaxQueuesPerXu + queue; }

  const uint32_t index_;
  std::shared_ptr<MemoryPool> pool_;
  ErrorLog errors_;
  DebugStream debug_stream_;
  UnitContext unit_template_;
  std::mutex mu_;
  bool closed_ = false;
  std::array<std::atomic<ExecUnit*>, kXuTypeCount * kMaxQueuesPerXu> units_{};
  std::array<std::unique_ptr<ExecUnit>, kXuTypeCount * kMaxQueuesPerXu> owned_;
};

}  // namespace nrtb
