// Work implementations for unit tests of the device layer (header-only; tests include it).
#pragma once

#include <atomic>
#include <functional>
#include <thread>
#include <utility>

#include "runtime/device/work.h"

namespace nrtb::testing {

// Runs a callback; optional simulated time and label.
class LambdaWork final : public Work {
 public:
  explicit LambdaWork(std::function<NRT_STATUS()> run, uint64_t sim_ns = 0, const char* label = "test")
      : run_(std::move(run)), sim_ns_(sim_ns), label_(label) {}
  NRT_STATUS Run() override { return run_ ? run_() : NRT_SUCCESS; }
  uint64_t SimulatedNs() const override { return sim_ns_; }
  const char* Label() const override { return label_; }
  void Finish(NRT_STATUS s) override { finished_status = s; }
  NRT_STATUS finished_status = NRT_FAILURE;

 private:
  std::function<NRT_STATUS()> run_;
  uint64_t sim_ns_;
  const char* label_;
};

// Blocks its request until Open() is called, to hold a unit busy deterministically.
class Gate {
 public:
  void Open() { open_.store(true, std::memory_order_release); }
  void Wait() const {
    while (!open_.load(std::memory_order_acquire)) std::this_thread::yield();
  }

 private:
  std::atomic<bool> open_{false};
};

}  // namespace nrtb::testing
