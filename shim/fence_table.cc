#include "fence_table.h"

#include "wait_clock.h"

namespace nrt_shim {

FenceTable::Token FenceTable::Acquire(std::vector<Range> reads, std::vector<Range> writes) {
  std::lock_guard<std::mutex> lock(mu_);
  Token t = next_++;
  entries_.emplace(t, Entry{std::move(reads), std::move(writes)});
  pending_.store(entries_.size(), std::memory_order_release);
  return t;
}

void FenceTable::Release(Token token) {
  if (token == 0) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.erase(token);
    pending_.store(entries_.size(), std::memory_order_release);
  }
  released_.notify_all();
}

bool FenceTable::Conflicts(const Range& r, bool exclusive) const {
  for (const auto& [token, e] : entries_) {
    for (const Range& w : e.writes) {
      if (w.Overlaps(r)) return true;
    }
    if (!exclusive) continue;
    for (const Range& rd : e.reads) {
      if (rd.Overlaps(r)) return true;
    }
  }
  return false;
}

void FenceTable::Wait(const Range& r, bool exclusive) {
  if (r.empty() || Idle()) return;
  std::unique_lock<std::mutex> lock(mu_);
  if (!Conflicts(r, exclusive)) return;
  ScopedWaitClock clock;
  released_.wait(lock, [&] { return !Conflicts(r, exclusive); });
}

}  // namespace nrt_shim
