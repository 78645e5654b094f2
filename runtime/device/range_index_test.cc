// Unit tests of validation mode's range index (RangeIndex): half-open ranges, counts of shared ranges, and the
// search bound from the longest range.
#include "runtime/device/range_index.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <utility>

namespace nrtb {
namespace {

TEST(RangeIndex, HalfOpenRangesMeetOnlyWhenTheyShareAByte) {
  RangeIndex idx;
  EXPECT_FALSE(idx.Meets(0, 100));
  idx.Add(100, 200);
  EXPECT_TRUE(idx.Meets(150, 151));
  EXPECT_TRUE(idx.Meets(0, 101));
  EXPECT_TRUE(idx.Meets(199, 300));
  EXPECT_TRUE(idx.Meets(0, 1000));  // holds the whole range
  EXPECT_FALSE(idx.Meets(0, 100));  // ends where it starts
  EXPECT_FALSE(idx.Meets(200, 300));
  EXPECT_FALSE(idx.Meets(150, 150));  // empty
  idx.Add(5, 5);                      // empty: not indexed
  EXPECT_EQ(idx.distinct(), 1u);
}

TEST(RangeIndex, ASharedRangeStaysUntilItsLastUseIsRemoved) {
  RangeIndex idx;
  idx.Add(100, 200);
  idx.Add(100, 200);
  idx.Add(100, 150);  // same start, another range
  EXPECT_EQ(idx.distinct(), 2u);
  idx.Remove(100, 200);
  EXPECT_TRUE(idx.Meets(180, 190));
  idx.Remove(100, 200);
  EXPECT_FALSE(idx.Meets(180, 190));
  EXPECT_TRUE(idx.Meets(140, 160));
  idx.Remove(300, 400);  // never added: nothing changes
  EXPECT_EQ(idx.distinct(), 1u);
  idx.Remove(100, 150);
  EXPECT_TRUE(idx.empty());
}

// A long range starting far before many short ones still meets a query near its end: the search walks back as far
// as the longest range requires, and no further for short ranges alone.
TEST(RangeIndex, ALongRangeIsFoundBehindManyShortOnes) {
  RangeIndex idx;
  for (uintptr_t i = 0; i < 100; ++i) idx.Add(10000 + i * 16, 10000 + i * 16 + 8);  // gaps [+8, +16)
  EXPECT_FALSE(idx.Meets(10008, 10016));
  EXPECT_TRUE(idx.Meets(10015, 10017));
  idx.Add(1000, 11000);  // covers the gaps below 11000
  EXPECT_TRUE(idx.Meets(10808, 10816));
  EXPECT_FALSE(idx.Meets(11608, 11616));
  idx.Remove(1000, 11000);
  EXPECT_FALSE(idx.Meets(10808, 10816));
  // Every range is found by some query inside it, in any insertion order.
  RangeIndex shuffled;
  for (uintptr_t i = 0; i < 64; ++i) shuffled.Add(((i * 37) % 64) * 100, ((i * 37) % 64) * 100 + 1 + i);
  for (uintptr_t i = 0; i < 64; ++i) {
    const uintptr_t begin = ((i * 37) % 64) * 100;
    EXPECT_TRUE(shuffled.Meets(begin + i, begin + i + 1)) << i;
    EXPECT_FALSE(shuffled.Meets(begin + 70, begin + 100)) << i;
  }
}

// Ranges added in rising order and dropped oldest first (a unit's requests), then in random order, against a plain
// multiset: dead entries left by removals are never found, a range added again after it died is found again, and
// the index empties when the last use goes.
TEST(RangeIndex, AgreesWithAMultisetUnderQueueAndRandomOrder) {
  std::mt19937 rng(12345);
  RangeIndex idx;
  std::map<std::pair<uintptr_t, uintptr_t>, int> model;
  auto model_meets = [&](uintptr_t b, uintptr_t e) {
    for (const auto& [r, n] : model) {
      if (n > 0 && r.first < e && b < r.second) return true;
    }
    return false;
  };
  auto check = [&](int step) {
    size_t live = 0;
    for (const auto& [r, n] : model) live += n > 0 ? 1 : 0;
    ASSERT_EQ(idx.distinct(), live) << step;
    ASSERT_EQ(idx.empty(), live == 0) << step;
    for (int q = 0; q < 8; ++q) {
      const uintptr_t b = rng() % 5000, e = b + 1 + rng() % 300;
      ASSERT_EQ(idx.Meets(b, e), model_meets(b, e)) << step << " [" << b << ", " << e << ")";
    }
  };
  std::vector<std::pair<uintptr_t, uintptr_t>> queue;  // in the order added
  size_t head = 0;
  for (int step = 0; step < 3000; ++step) {
    const bool random_phase = step >= 1500;
    if (rng() % 2 == 0 || head == queue.size()) {
      // Rising addresses in the first phase (with repeats of the last range); anywhere in the second.
      uintptr_t b = random_phase ? rng() % 4800 : (step * 3) % 4800;
      if (!random_phase && rng() % 4 == 0 && !queue.empty()) b = queue.back().first;
      const uintptr_t e = b + 1 + rng() % (rng() % 16 == 0 ? 400 : 20);
      idx.Add(b, e);
      ++model[{b, e}];
      queue.emplace_back(b, e);
    } else {
      const size_t i = random_phase ? head + rng() % (queue.size() - head) : head;
      std::swap(queue[i], queue[head]);
      const auto r = queue[head++];
      idx.Remove(r.first, r.second);
      if (--model[r] == 0) model.erase(r);
    }
    check(step);
    if (HasFatalFailure()) return;
  }
  while (head < queue.size()) {
    idx.Remove(queue[head].first, queue[head].second);
    --model[queue[head++]];
  }
  check(-1);
  EXPECT_TRUE(idx.empty());
}

}  // namespace
}  // namespace nrtb
