// Validation mode's index of NRT_STATUS slots: which request each slot was last given to, so a slot given to a
// second request while the first is pending can be reported. Entries are never erased one by one when their
// request completes (that was a random probe of the table per completed request, paid by the schedule calls that
// prune): an entry whose request completed simply counts as free when its slot is given out again. Instead, when
// an insert would fill the table past half, the table is rebuilt with only the entries whose request is still
// pending, at a size of four to eight times their number (at least kMinCapacity). Memory is therefore bounded by
// the requests pending at the last rebuild, however many distinct slots a program uses over time, and a rebuild
// costs O(1) amortised per insert: the next one comes at least a quarter of the new size of inserts later.
// Not thread-safe: the Validator serialises its use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "nrt/nrt_status.h"
#include "runtime/device/exec_unit.h"

namespace nrtb {

class StatusSlotTable {
 public:
  static constexpr size_t kMinCapacity = 64;

  // The request a status slot was last given to (by number: ring slots move when a ring grows).
  struct Owner {
    const ExecUnit* unit;
    uint64_t n;
  };

  // The owner of key: the existing entry, or a new one holding `owner` (`*added` tells which). If the insert would
  // fill the table past half, entries for which still_pending(const Owner&) is false are dropped first (the table
  // may shrink); key's own entry, if its request completed, may be one of them (it is then added anew).
  template <typename StillPending>
  Owner& FindOrAdd(NRT_STATUS* key, Owner owner, bool* added, StillPending&& still_pending) {
    if (__builtin_expect((size_ + 1) * 2 > entries_.size(), 0)) {
      // Mark the entries to drop (null key), then move the rest into a table sized for them.
      size_t live = 0;
      for (Entry& e : entries_) {
        if (e.key == nullptr) continue;
        if (still_pending(static_cast<const Owner&>(e.owner))) {
          ++live;
        } else {
          e.key = nullptr;
        }
      }
      Rebuild(live);
    }
    const size_t mask = entries_.size() - 1;
    size_t i = Home(key);
    for (; entries_[i].key != nullptr; i = (i + 1) & mask) {
      if (entries_[i].key == key) {
        *added = false;
        return entries_[i].owner;
      }
    }
    entries_[i] = Entry{key, owner};
    ++size_;
    *added = true;
    return entries_[i].owner;
  }

  // For tests: entries held (pending or completed but not dropped yet) and the table's size in entries.
  size_t size() const { return size_; }
  size_t capacity() const { return entries_.size(); }

 private:
  struct Entry {
    NRT_STATUS* key = nullptr;  // null: empty
    Owner owner{};
  };
  size_t Home(NRT_STATUS* key) const {
    return static_cast<size_t>((reinterpret_cast<uintptr_t>(key) >> 2) * 0x9E3779B97F4A7C15ull) & (entries_.size() - 1);
  }
  // Moves the entries with a key into a new table of at least 4 * (live + 1) entries (a power of two).
  void Rebuild(size_t live);

  std::vector<Entry> entries_;  // a power of two in size once used, at most half full
  size_t size_ = 0;
};

}  // namespace nrtb
