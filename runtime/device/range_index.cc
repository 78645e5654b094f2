#include "runtime/device/range_index.h"

#include <algorithm>

namespace nrtb {
namespace {

// The first range not before (begin, end).
template <typename It>
It LowerBound(It first, It last, uintptr_t begin, uintptr_t end) {
  return std::lower_bound(first, last, std::make_pair(begin, end), [](const auto& r, const auto& key) {
    return r.begin < key.first || (r.begin == key.first && r.end < key.second);
  });
}

}  // namespace

void RangeIndex::Add(uintptr_t begin, uintptr_t end) {
  if (begin >= end) return;
  auto it = ranges_.end();
  // After the last range (the common case: a new tensor or buffer higher in memory): no search, no shift.
  if (!ranges_.empty()) {
    const Range& last = ranges_.back();
    if (last.begin > begin || (last.begin == begin && last.end >= end))
      it = LowerBound(ranges_.begin(), it, begin, end);
  }
  if (it != ranges_.end() && it->begin == begin && it->end == end) {
    if (it->count++ == 0) --dead_;
    return;
  }
  ranges_.insert(it, Range{begin, end, 1});
  max_len_ = std::max(max_len_, end - begin);
  max_end_ = std::max(max_end_, end);
}

void RangeIndex::Remove(uintptr_t begin, uintptr_t end) {
  if (begin >= end || ranges_.empty()) return;
  // The first range (the common case: the oldest request's) without a search.
  auto it = ranges_.begin();
  if (it->begin != begin || it->end != end) it = LowerBound(it, ranges_.end(), begin, end);
  if (it == ranges_.end() || it->begin != begin || it->end != end || it->count == 0) return;  // never added
  if (--it->count > 0) return;
  if (++dead_ == ranges_.size()) {
    ranges_.clear();
    dead_ = 0;
    max_len_ = max_end_ = 0;
  } else if (dead_ * 2 > ranges_.size()) {
    // One pass over every entry per ranges_.size() / 2 removals.
    std::erase_if(ranges_, [](const Range& r) { return r.count == 0; });
    dead_ = 0;
  }
}

bool RangeIndex::Search(uintptr_t begin, uintptr_t end) const {
  if (begin >= end) return false;
  // Ranges from `it` on start at or after `end`: none meets. Before it, walk back while a range may still reach
  // `begin`.
  auto it =
      std::lower_bound(ranges_.begin(), ranges_.end(), end, [](const Range& r, uintptr_t e) { return r.begin < e; });
  while (it != ranges_.begin()) {
    --it;
    if (it->begin + max_len_ <= begin) return false;
    if (it->end > begin && it->count > 0) return true;
  }
  return false;
}

}  // namespace nrtb
