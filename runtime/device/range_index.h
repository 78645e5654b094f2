// Validation mode's index of the byte ranges that one unit's pending requests read (or write): the distinct ranges
// sorted by start address, each with the number of pending accesses to it. "Does any of them meet [begin, end)?" is
// a binary search plus a look at the ranges that start less than the longest range's length before `begin`, not a
// pass over every pending request. Programs keep reusing a few tensors and buffers, so many pending requests share
// a few ranges: adding or dropping one is then a binary search and a count, with no allocation. Requests complete
// in order, so most ranges are added at the end (the highest start so far) or dropped at the front: both are O(1)
// amortised (a range whose count falls to 0 stays as a dead entry, skipped by searches, until dead entries are half
// of all and one pass drops them), not a shift of every later range.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nrtb {

class RangeIndex {
 public:
  // [begin, end) is accessed by one more pending request (an empty range is not indexed).
  void Add(uintptr_t begin, uintptr_t end);
  // One Add of exactly [begin, end) is over.
  void Remove(uintptr_t begin, uintptr_t end);
  // True when an indexed range shares a byte with [begin, end). Inline: most queries fall outside the span of the
  // indexed ranges and end here.
  bool Meets(uintptr_t begin, uintptr_t end) const {
    if (ranges_.empty() || end <= ranges_.front().begin || begin >= max_end_) return false;
    return Search(begin, end);
  }

  bool empty() const { return ranges_.empty(); }
  size_t distinct() const { return ranges_.size() - dead_; }  // ranges with a pending access

 private:
  struct Range {
    uintptr_t begin, end;
    uint64_t count;  // pending accesses to exactly this range; 0: dead, awaiting the next compaction
  };
  std::vector<Range> ranges_;  // by (begin, end), each once; empty whenever no range is live
  size_t dead_ = 0;            // entries of ranges_ with count 0, at most half of them
  // The longest range indexed since the index was last empty: a range starting at or before begin - max_len_ ends
  // at or before begin, so the search stops there. It only grows meanwhile (a conservative bound stays correct).
  uintptr_t max_len_ = 0;
  // The largest end indexed since the index was last empty (a bound like max_len_).
  uintptr_t max_end_ = 0;

  bool Search(uintptr_t begin, uintptr_t end) const;
};

}  // namespace nrtb
