#include "runtime/device/status_slot_table.h"

namespace nrtb {

void StatusSlotTable::Rebuild(size_t live) {
  size_t capacity = kMinCapacity;
  while (capacity < 4 * (live + 1)) capacity *= 2;
  std::vector<Entry> old(capacity);
  old.swap(entries_);
  const size_t mask = capacity - 1;
  for (const Entry& e : old) {
    if (e.key == nullptr) continue;
    size_t i = Home(e.key);
    while (entries_[i].key != nullptr) i = (i + 1) & mask;
    entries_[i] = e;
  }
  size_ = live;
}

}  // namespace nrtb
