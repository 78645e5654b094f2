// Fences by storage (nrtm_inflight.h): a slice, its parent, its sibling slices and tensors attached to one
// buffer share bytes; an access to bytes a pending request uses waits for it, an access to other bytes does
// not. Requests are held with HoldGate; DelayedRelease proves a call waited, Watchdog that it did not.
#include <gtest/gtest.h>

#include <vector>

#include "nrtm_inflight_test_fixture.h"

namespace {

using nrtm_test::DelayedRelease;
using nrtm_test::Slot;
using nrtm_test::Watchdog;

class InflightStorageTest : public nrtm_test::InflightTest {
 protected:
  // A device tensor the slot it goes into frees.
  static nrt_tensor_t* Alloc(size_t size) {
    nrt_tensor_t* t = nullptr;
    EXPECT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, size, "t", &t), NRT_SUCCESS);
    return t;
  }
  nrt_tensor_t* Attached(float* at) {
    nrt_tensor_t* t = nullptr;
    EXPECT_EQ(nrt_tensor_allocate_empty("attached", &t), NRT_SUCCESS);
    EXPECT_EQ(nrt_tensor_attach_buffer(t, at, 4 * sizeof(float)), NRT_SUCCESS);
    return t;
  }
  // Writes {base, base + 1, base + 2, base + 3} to the slot's input and schedules it; the request is held.
  void ScheduleHeld(Slot& s, float base, const nrtest::HoldGate& gate) {
    float v[4] = {base, base + 1, base + 2, base + 3};
    ASSERT_EQ(nrtm_inflight_tensor_write(s.x, v, 0, sizeof v), NRT_SUCCESS);
    ASSERT_EQ(nrtm_inflight_execute(model_, s.in, s.out), NRT_SUCCESS);
    ASSERT_TRUE(gate.WaitHolding());
  }

  // Host memory the attached tensors use; outlives them (TearDown frees them first).
  std::vector<float> buffer_ = std::vector<float>(8, 0.0f);
};

TEST_F(InflightStorageTest, ReadOfTheParentWaitsForTheRequestWritingItsSlice) {
  nrtest::HoldGate gate;
  ASSERT_NO_FATAL_FAILURE(Start(gate.Rule("xu=compute,nth=1")));
  nrt_tensor_t* parent = Device(32);
  ASSERT_EQ(nrt_tensor_memset(parent, 0, 0, 32), NRT_SUCCESS);
  Slot& s = SlotOf(Alloc(16), Slice(parent, 16, 16));
  ASSERT_NO_FATAL_FAILURE(ScheduleHeld(s, 1, gate));
  float r[4] = {0, 0, 0, 0};
  DelayedRelease release(gate);
  ASSERT_EQ(nrtm_inflight_tensor_read(parent, r, 16, sizeof r), NRT_SUCCESS);
  EXPECT_TRUE(release.Released()) << "the read of the parent did not wait for the request writing its slice";
  EXPECT_EQ(r[0], 2);
  EXPECT_EQ(r[3], 5);
}

TEST_F(InflightStorageTest, WriteOfTheParentWaitsForTheRequestReadingItsSlice) {
  nrtest::HoldGate gate;
  ASSERT_NO_FATAL_FAILURE(Start(gate.Rule("xu=compute,nth=1")));
  nrt_tensor_t* parent = Device(32);
  Slot& s = SlotOf(Slice(parent, 0, 16), Alloc(16));
  ASSERT_NO_FATAL_FAILURE(ScheduleHeld(s, 10, gate));
  {
    DelayedRelease release(gate);
    ASSERT_EQ(nrtm_inflight_tensor_memset(parent, 0, 0, 32), NRT_SUCCESS);
    EXPECT_TRUE(release.Released()) << "the parent was overwritten while a request read its slice";
  }
  ASSERT_EQ(nrtm_inflight_drain(0), NRT_SUCCESS);
  float r[4];
  ASSERT_EQ(nrtm_inflight_tensor_read(s.y, r, 0, sizeof r), NRT_SUCCESS);
  EXPECT_EQ(r[0], 11);  // the execution saw the input, not the memset that had to wait for it
  EXPECT_EQ(r[3], 14);
}

TEST_F(InflightStorageTest, OverlappingSiblingSliceWaits) {
  nrtest::HoldGate gate;
  ASSERT_NO_FATAL_FAILURE(Start(gate.Rule("xu=compute,nth=1")));
  nrt_tensor_t* parent = Device(32);
  ASSERT_EQ(nrt_tensor_memset(parent, 0, 0, 32), NRT_SUCCESS);
  Slot& s = SlotOf(Alloc(16), Slice(parent, 8, 16));   // y is bytes [8, 24) of the parent
  nrt_tensor_t* sibling = Keep(Slice(parent, 0, 16));  // bytes [0, 16): shares [8, 16) with y
  ASSERT_NO_FATAL_FAILURE(ScheduleHeld(s, 1, gate));
  float r[4] = {0, 0, 0, 0};
  DelayedRelease release(gate);
  ASSERT_EQ(nrtm_inflight_tensor_read(sibling, r, 0, sizeof r), NRT_SUCCESS);
  EXPECT_TRUE(release.Released()) << "the read of an overlapping sibling did not wait";
  EXPECT_EQ(r[0], 0);
  EXPECT_EQ(r[2], 2);  // y[0] and y[1]
  EXPECT_EQ(r[3], 3);
}

TEST_F(InflightStorageTest, DisjointSiblingAndParentRangeDoNotWait) {
  nrtest::HoldGate gate;
  ASSERT_NO_FATAL_FAILURE(Start(gate.Rule("xu=compute,nth=1")));
  nrt_tensor_t* parent = Device(32);
  Slot& s = SlotOf(Alloc(16), Slice(parent, 16, 16));
  nrt_tensor_t* sibling = Keep(Slice(parent, 0, 16));
  ASSERT_NO_FATAL_FAILURE(ScheduleHeld(s, 1, gate));
  Watchdog watchdog(gate);
  float w[4] = {7, 7, 7, 7}, r[4] = {0, 0, 0, 0};
  EXPECT_EQ(nrtm_inflight_tensor_memset(sibling, 0, 0, 16), NRT_SUCCESS);
  EXPECT_EQ(nrtm_inflight_tensor_write(sibling, w, 0, sizeof w), NRT_SUCCESS);
  EXPECT_EQ(nrtm_inflight_tensor_read(sibling, r, 0, sizeof r), NRT_SUCCESS);
  EXPECT_EQ(nrtm_inflight_tensor_read(parent, r, 0, sizeof r), NRT_SUCCESS);  // the parent's bytes [0, 16)
  EXPECT_TRUE(watchdog.Stop()) << "an access to bytes no pending request uses waited for one";
  EXPECT_EQ(r[0], 7);
  gate.Release();
  ASSERT_EQ(nrtm_inflight_drain(0), NRT_SUCCESS);
  ASSERT_EQ(nrtm_inflight_tensor_read(parent, r, 16, sizeof r), NRT_SUCCESS);
  EXPECT_EQ(r[0], 2);
}

TEST_F(InflightStorageTest, TensorsAttachedToOneBufferAreFencedTogether) {
  nrtest::HoldGate gate;
  ASSERT_NO_FATAL_FAILURE(Start(gate.Rule("xu=compute,nth=1")));
  Slot& s = SlotOf(Alloc(16), Attached(&buffer_[0]));
  nrt_tensor_t* same = Keep(Attached(&buffer_[0]));   // the output's bytes through another handle
  nrt_tensor_t* other = Keep(Attached(&buffer_[4]));  // the buffer's other half
  ASSERT_NO_FATAL_FAILURE(ScheduleHeld(s, 1, gate));
  float r[4] = {0, 0, 0, 0};
  {
    Watchdog watchdog(gate);
    EXPECT_EQ(nrtm_inflight_tensor_read(other, r, 0, sizeof r), NRT_SUCCESS);
    EXPECT_TRUE(watchdog.Stop()) << "the disjoint half of the buffer waited";
  }
  DelayedRelease release(gate);
  ASSERT_EQ(nrtm_inflight_tensor_read(same, r, 0, sizeof r), NRT_SUCCESS);
  EXPECT_TRUE(release.Released()) << "a second tensor on the output's buffer did not wait";
  EXPECT_EQ(r[0], 2);
  EXPECT_EQ(r[3], 5);
}

TEST_F(InflightStorageTest, TensorWithoutAnAddressWaitsForEveryRequest) {
  nrtest::HoldGate gate;
  ASSERT_NO_FATAL_FAILURE(Start(gate.Rule("xu=compute,nth=1")));
  Slot& s = NewSlot();
  nrt_tensor_t* empty = nullptr;
  ASSERT_EQ(nrt_tensor_allocate_empty("no storage", &empty), NRT_SUCCESS);
  Keep(empty);
  ASSERT_EQ(nrt_tensor_get_va(empty), nullptr);  // as device memory without a mapping on real hardware
  ASSERT_NO_FATAL_FAILURE(ScheduleHeld(s, 1, gate));
  float v[4] = {0, 0, 0, 0};
  DelayedRelease release(gate);
  EXPECT_NE(nrtm_inflight_tensor_write(empty, v, 0, sizeof v), NRT_SUCCESS);  // the runtime's answer, after
  EXPECT_TRUE(release.Released()) << "a tensor whose storage is unknown was not fenced against every request";
}

}  // namespace
