// Unit tests of validation mode's range index (RangeIndex): half-open ranges, counts of shared ranges, and the
// search bound from the longest range.
#include "runtime/device/range_index.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace nrtb
