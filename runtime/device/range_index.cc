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
  auto it = LowerBound(ranges_.begin(), ranges_.end(), begin, end);
  if (it != ranges_.end() && it->begin == begin && it->end == end) {
    ++it->count;
    return;
  }
  ranges_.insert(it, Range{begin, end, 1});
  max_len_ = std::max(max_len_, end - begin);
  max_end_ = std::max(max_end_, end);
}

void RangeIndex::Remove(uintptr_t begin, uintptr_t end) {
  if (begin >= end) return;
  auto it = LowerBound(ranges_.begin(), ranges_.end(), begin, end);
  if (it == ranges_.end() || it->begin != begin || it->end != end) return;  // never added
  if (--it->count == 0) ranges_.erase(it);
  if (ranges_.empty()) max_len_ = max_end_ = 0;
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
    if (it->end > begin) return true;
  }
  return false;
}

}  // namespace nrtb
