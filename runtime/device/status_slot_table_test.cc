// Unit tests of validation mode's status slot table: entries of completed requests stay until the table would grow,
// then go in bulk, so the table's size follows the pending requests, not the slots ever used. Keys and units are
// fake addresses (the table never dereferences them) and "pending" is a counter of the test, so millions of
// requests cost milliseconds.
#include "runtime/device/status_slot_table.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <algorithm>

namespace nrtb {
namespace {

NRT_STATUS* SlotKey(uint64_t i) { return reinterpret_cast<NRT_STATUS*>(uintptr_t{0x10000} + 4 * i); }
const ExecUnit* SlotUnit(uint64_t u) { return reinterpret_cast<const ExecUnit*>(uintptr_t{0x1000} + 64 * u); }

// One fake unit whose requests up to `completed` have completed.
struct SlotTableHarness {
  StatusSlotTable table;
  uint64_t completed = 0;
  uint64_t sweeps_seen = 0;  // calls of the predicate: only a table about to grow asks it
  // Gives key to request n; returns whether the key was new to the table and the owner it had before.
  bool Claim(NRT_STATUS* key, uint64_t n, StatusSlotTable::Owner* before = nullptr) {
    bool added = false;
    StatusSlotTable::Owner& owner =
        table.FindOrAdd(key, {SlotUnit(0), n}, &added, [&](const StatusSlotTable::Owner& o) {
          ++sweeps_seen;
          return o.n > completed;
        });
    if (before != nullptr) *before = owner;
    owner = {SlotUnit(0), n};
    return added;
  }
};

TEST(StatusSlotTable, ACompletedOwnerStaysUntilTheTableWouldGrowAndIsThenReplaced) {
  SlotTableHarness h;
  ASSERT_TRUE(h.Claim(SlotKey(0), 1));
  h.completed = 1;
  StatusSlotTable::Owner before{};
  // The slot given out again finds its completed owner (the caller tells it completed by its number).
  EXPECT_FALSE(h.Claim(SlotKey(0), 2, &before));
  EXPECT_EQ(before.n, 1u);
  EXPECT_EQ(h.table.size(), 1u);
  EXPECT_EQ(h.sweeps_seen, 0u);  // a table far from full never asks which owners completed
}

TEST(StatusSlotTable, PendingOwnersSurviveEverySweepAndCompletedOnesGo) {
  StatusSlotTable table;
  // Unit 0's requests stay pending; unit 1's have completed.
  auto still_pending = [](const StatusSlotTable::Owner& o) { return o.unit == SlotUnit(0); };
  constexpr uint64_t kPending = 20;
  bool added = false;
  for (uint64_t n = 1; n <= kPending; ++n) {
    table.FindOrAdd(SlotKey(n), {SlotUnit(0), n}, &added, still_pending);
    ASSERT_TRUE(added);
  }
  // Thousands of other slots given to completed requests: the table sweeps many times and stays small.
  for (uint64_t i = 0; i < 5000; ++i) {
    StatusSlotTable::Owner& owner = table.FindOrAdd(SlotKey(1000 + i), {SlotUnit(1), i}, &added, still_pending);
    ASSERT_TRUE(added);
    EXPECT_EQ(owner.n, i);
    ASSERT_LE(table.capacity(), 256u) << "after " << i;
  }
  // Every pending owner is still there, with its number.
  for (uint64_t n = 1; n <= kPending; ++n) {
    StatusSlotTable::Owner& owner = table.FindOrAdd(SlotKey(n), {SlotUnit(1), 0}, &added, still_pending);
    EXPECT_FALSE(added) << n;
    EXPECT_EQ(owner.unit, SlotUnit(0));
    EXPECT_EQ(owner.n, n);
  }
}

// Millions of distinct slots over time with at most kInFlight pending at once (a program that allocates its status
// slots, e.g. on the heap or the stack, rather than rotating a fixed array): the table stays a few times the
// pending requests, and a slot still pending is found after all those sweeps.
TEST(StatusSlotTable, MillionsOfDistinctSlotsKeepTheTableBoundedByThePendingRequests) {
  SlotTableHarness h;
  constexpr uint64_t kInFlight = 100, kRequests = 2'000'000;
  size_t max_capacity = 0;
  uint64_t not_added = 0, over_half = 0;  // counted, not asserted per request: 2M gtest assertions cost a second
  for (uint64_t n = 1; n <= kRequests; ++n) {
    if (n > kInFlight) h.completed = n - kInFlight;
    not_added += h.Claim(SlotKey(n), n) ? 0 : 1;
    max_capacity = std::max(max_capacity, h.table.capacity());
    over_half += h.table.size() * 2 > h.table.capacity() ? 1 : 0;
  }
  EXPECT_EQ(not_added, 0u);
  EXPECT_EQ(over_half, 0u);
  // At most 8 entries per pending request (+1), as a power of two: 1024 for 100 in flight.
  EXPECT_LE(max_capacity, 1024u);
  EXPECT_GE(max_capacity, 4 * kInFlight);
  // The last kInFlight requests are pending: each slot is found with its owner.
  for (uint64_t n = kRequests - kInFlight + 1; n <= kRequests; ++n) {
    StatusSlotTable::Owner before{};
    EXPECT_FALSE(h.Claim(SlotKey(n), kRequests + n, &before)) << n;
    EXPECT_EQ(before.n, n);
  }
}

// A burst of pending requests grows the table; once they completed, the next sweep gives the memory back.
TEST(StatusSlotTable, TheTableShrinksAfterABurstCompleted) {
  SlotTableHarness h;
  constexpr uint64_t kBurst = 10'000;
  for (uint64_t n = 1; n <= kBurst; ++n) ASSERT_TRUE(h.Claim(SlotKey(n), n));
  EXPECT_GE(h.table.capacity(), 2 * kBurst);
  uint64_t n = kBurst;
  // Keys that were never used, each request completed once the next is claimed: the sweep comes when the table
  // would pass half full.
  while (h.table.capacity() >= 2 * kBurst) {
    h.completed = n;
    ++n;
    ASSERT_TRUE(h.Claim(SlotKey(n), n));
    ASSERT_LT(n, 10 * kBurst) << "no sweep";
  }
  EXPECT_LE(h.table.capacity(), StatusSlotTable::kMinCapacity);
  EXPECT_EQ(h.table.size(), 1u);
}

}  // namespace
}  // namespace nrtb
