// The fixture of the support header's tests (nrtm_inflight_*_test.cc): a runtime with add_one loaded, slots of
// tensors, and the table's counters read under its lock. Requests are held in flight with HoldGate.
#ifndef NRTM_INFLIGHT_TEST_FIXTURE_H_
#define NRTM_INFLIGHT_TEST_FIXTURE_H_

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "nrtest/env.h"
#include "nrtest/hold.h"
#include "nrtest/paths.h"
#include "nrtm_inflight.h"

namespace nrtm_test {

struct Slot {
  nrt_tensor_t *x = nullptr, *y = nullptr;
  nrt_tensor_set_t *in = nullptr, *out = nullptr;
};

class InflightTest : public ::testing::Test {
 protected:
  void Start(const std::string& faults = "") {
    if (!faults.empty()) nrtest::SetEnv("NRT_SIM_FAULTS", faults.c_str());
    ASSERT_EQ(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_SUCCESS);
    std::vector<uint8_t> neff = nrtest::ReadFileBytes(nrtest::SampleModelPath("add_one"));
    ASSERT_FALSE(neff.empty());
    ASSERT_EQ(nrt_load(neff.data(), neff.size(), -1, -1, &model_), NRT_SUCCESS);
    started_ = true;
  }
  void TearDown() override {
    if (!started_) return;
    for (Slot& s : slots_) Free(&s);
    for (nrt_tensor_t*& t : kept_) nrtm_inflight_tensor_free(&t);
    EXPECT_EQ(nrtm_inflight_unload(model_), NRT_SUCCESS);
    nrtm_inflight_close();
    EXPECT_EQ(nrtm_inflight_table.n_deferred, 0);
    nrtm_inflight_register_callback(nullptr, nullptr);
    unsetenv("NRT_SIM_FAULTS");
  }
  Slot& NewSlot() {
    slots_.emplace_back();
    Slot& s = slots_.back();
    EXPECT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "x", &s.x), NRT_SUCCESS);
    EXPECT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "y", &s.y), NRT_SUCCESS);
    EXPECT_EQ(nrt_allocate_tensor_set(&s.in), NRT_SUCCESS);
    EXPECT_EQ(nrt_allocate_tensor_set(&s.out), NRT_SUCCESS);
    EXPECT_EQ(nrt_add_tensor_to_tensor_set(s.in, "x", s.x), NRT_SUCCESS);
    EXPECT_EQ(nrt_add_tensor_to_tensor_set(s.out, "y", s.y), NRT_SUCCESS);
    return s;
  }
  // A slot over tensors the test made (slices, attached buffers); the slot frees them.
  Slot& SlotOf(nrt_tensor_t* x, nrt_tensor_t* y) {
    slots_.emplace_back();
    Slot& s = slots_.back();
    s.x = x;
    s.y = y;
    EXPECT_EQ(nrt_allocate_tensor_set(&s.in), NRT_SUCCESS);
    EXPECT_EQ(nrt_allocate_tensor_set(&s.out), NRT_SUCCESS);
    EXPECT_EQ(nrt_add_tensor_to_tensor_set(s.in, "x", s.x), NRT_SUCCESS);
    EXPECT_EQ(nrt_add_tensor_to_tensor_set(s.out, "y", s.y), NRT_SUCCESS);
    return s;
  }
  // A device tensor freed at the end of the test.
  nrt_tensor_t* Device(size_t size) {
    nrt_tensor_t* t = nullptr;
    EXPECT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, size, "t", &t), NRT_SUCCESS);
    return Keep(t);
  }
  nrt_tensor_t* Slice(const nrt_tensor_t* parent, size_t offset, size_t size) {
    nrt_tensor_t* t = nullptr;
    EXPECT_EQ(nrt_tensor_allocate_slice(parent, offset, size, "slice", &t), NRT_SUCCESS);
    return t;
  }
  nrt_tensor_t* Keep(nrt_tensor_t* t) {
    kept_.push_back(t);
    return t;
  }
  static void Free(Slot* s) {
    nrtm_inflight_destroy_tensor_set(&s->in);
    nrtm_inflight_destroy_tensor_set(&s->out);
    nrtm_inflight_tensor_free(&s->x);
    nrtm_inflight_tensor_free(&s->y);
  }
  static unsigned Pending() {
    pthread_mutex_lock(&nrtm_inflight_table.mu);
    unsigned n = nrtm_inflight_table.count;
    pthread_mutex_unlock(&nrtm_inflight_table.mu);
    return n;
  }
  static int Deferred() {
    pthread_mutex_lock(&nrtm_inflight_table.mu);
    int n = nrtm_inflight_table.n_deferred;
    pthread_mutex_unlock(&nrtm_inflight_table.mu);
    return n;
  }

  nrt_model_t* model_ = nullptr;
  bool started_ = false;
  std::deque<Slot> slots_;
  std::vector<nrt_tensor_t*> kept_;
};

// A guard for calls that must not wait for the held request: if one did, it would wait forever, so a
// watchdog releases the gate after a generous bound and the test fails.
class Watchdog {
 public:
  explicit Watchdog(const nrtest::HoldGate& gate)
      : thread_([this, &gate] {
          for (int i = 0; i < 3000 && !done_.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
          if (!done_.load()) {
            fired_ = true;
            gate.Release();
          }
        }) {}
  bool Stop() {
    done_ = true;
    thread_.join();
    return !fired_.load();
  }

 private:
  std::atomic<bool> done_{false}, fired_{false};
  std::thread thread_;
};

// Releases the gate from another thread after a short delay and records that it did: a fenced call made
// meanwhile on the test's thread must not return before the release (it waits for the held request), so
// Released() right after it returns is true with the fence, and false when the call did not wait. The delay
// only makes the unfenced case likely to be caught; the fenced case cannot fail whatever the timing.
class DelayedRelease {
 public:
  explicit DelayedRelease(const nrtest::HoldGate& gate)
      : thread_([this, &gate] {
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
          released_ = true;
          gate.Release();
        }) {}
  ~DelayedRelease() { thread_.join(); }
  bool Released() const { return released_.load(); }

 private:
  std::atomic<bool> released_{false};
  std::thread thread_;
};

}  // namespace nrtm_test

#endif  // NRTM_INFLIGHT_TEST_FIXTURE_H_
