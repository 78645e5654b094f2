#include "runtime/collectives/local_exchange.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>

#include "runtime/core/compute_interrupt.h"
#include "runtime/core/error.h"
#include "runtime/device/device_access.h"

namespace nrtb {
namespace {

// Data is moved in pieces of this size, so a failed round is noticed within about a millisecond.
constexpr uint64_t kPieceBytes = 1 << 20;
// How often a waiting rank looks at its deadline and stop flag.
constexpr auto kPollInterval = std::chrono::milliseconds(5);

bool Overlap(const uint8_t* a, uint64_t an, const uint8_t* b, uint64_t bn) { return a < b + bn && b < a + an; }

// An output may be exactly one of my inputs (in place) but not overlap any input otherwise: the
// other ranks read my inputs while I write my outputs.
bool BadAlias(const CcPlan& p) {
  for (const Chunk& o : p.outputs) {
    for (size_t i = 0; i < p.inputs.size(); ++i) {
      const Chunk& in = p.inputs[i];
      if (!Overlap(o.data(), o.size, in.data(), in.size)) continue;
      const bool same = o.data() == in.data() && o.size == in.size;
      // In place: all-reduce output i on input i, reduce-scatter output on my chunk, all-gather input on my chunk.
      if (same && p.kind == CcKind::kAllReduce && &o - p.outputs.data() == static_cast<ptrdiff_t>(i)) continue;
      if (same && p.kind == CcKind::kReduceScatter && i == p.index) continue;
      if (same && p.kind == CcKind::kAllGather && &o - p.outputs.data() == static_cast<ptrdiff_t>(p.index)) continue;
      return true;
    }
  }
  return false;
}

std::string Disagreement(const CcPlan& a, const CcPlan& b) {
  auto sizes = [](const std::vector<Chunk>& v) {
    std::vector<uint64_t> s;
    for (const Chunk& c : v) s.push_back(c.size);
    return s;
  };
  if (a.kind != b.kind || a.dtype != b.dtype || (a.reduce != nullptr && a.op != b.op) ||
      sizes(a.inputs) != sizes(b.inputs) || sizes(a.outputs) != sizes(b.outputs)) {
    return "the ranks' collectives do not match: " + a.Describe() + " vs " + b.Describe();
  }
  return "";
}

}  // namespace

struct LocalExchange::Round {
  explicit Round(uint32_t n) : posts(n, nullptr) {}
  std::mutex mu;
  std::condition_variable cv;
  std::vector<const CcPlan*> posts;  // valid while their ranks are in the round
  uint32_t joined = 0;               // guarded by LocalExchange::mu_ (not mu): ranks that looked the round up
  uint32_t posted = 0;
  uint32_t passed[2] = {0, 0};      // ranks past barrier 0 / 1
  uint32_t working = 0;             // ranks moving data now
  std::string invalid;              // the plans disagree (set once all posted)
  std::atomic<bool> failed{false};  // a rank gave up: the others stop and fail
};

LocalExchange::LocalExchange() = default;
LocalExchange::~LocalExchange() = default;

std::shared_ptr<LocalExchange::Round> LocalExchange::Join(const CcPlan& plan, uint32_t channel, uint64_t* k) {
  std::lock_guard<std::mutex> lock(mu_);
  *k = next_[{channel, plan.group, plan.my_rank()}]++;
  auto key = std::make_tuple(channel, plan.group, *k);
  auto it = rounds_.find(key);
  if (it != rounds_.end()) {
    std::shared_ptr<Round> r = it->second;
    // The last rank in: nobody else will look the round up.
    if (++r->joined == plan.size()) rounds_.erase(it);
    return r;
  }
  auto r = std::make_shared<Round>(plan.size());
  r->joined = 1;
  if (plan.size() > 1) rounds_.emplace(key, r);
  return r;
}

NRT_STATUS LocalExchange::Run(const CcPlan& plan, uint32_t channel) {
  uint64_t k = 0;
  std::shared_ptr<Round> round = Join(plan, channel, &k);
  Round& r = *round;
  const uint32_t n = plan.size(), me = plan.index;
  std::unique_lock<std::mutex> lock(r.mu);

  // Waits for `done`; false when the round failed. A deadline or stop fails the round and, once no
  // rank is still moving data (which may be ours), lets the interruption through.
  auto await = [&](auto done) {
    while (true) {
      if (r.failed.load()) {
        r.cv.wait(lock, [&] { return r.working == 0; });  // nobody reads our buffers any more
        return false;
      }
      if (done()) return true;
      r.cv.wait_for(lock, kPollInterval);
      try {
        CheckComputeInterrupt();
      } catch (const ComputeInterrupted&) {
        r.failed.store(true);
        r.cv.notify_all();
        r.cv.wait(lock, [&] { return r.working == 0; });
        throw;
      }
    }
  };
  // Runs `move` (our share of the data movement) outside the lock, counted in `working`.
  auto work = [&](auto move) {
    ++r.working;
    lock.unlock();
    {
      DeviceAccessScope device;
      move();
    }
    lock.lock();
    if (--r.working == 0) r.cv.notify_all();
  };
  auto barrier = [&](int b) {
    if (++r.passed[b] == n) r.cv.notify_all();
    return await([&] { return r.passed[b] == n; });
  };
  // Copies or reduces in pieces, stopping when the round fails.
  auto pieces = [&](uint64_t bytes, auto f) {
    const uint64_t elem = std::max<uint64_t>(1, DTypeSize(plan.dtype));
    const uint64_t step = kPieceBytes / elem * elem;
    for (uint64_t off = 0; off < bytes && !r.failed.load(std::memory_order_relaxed); off += step) {
      f(off, std::min(step, bytes - off));
    }
  };

  // A rank that arrives after the round failed (a peer gave up on it) fails too, without posting: the
  // plans are only compared while every poster is still in the round.
  if (r.failed.load()) return NRT_EXEC_HW_ERR_COLLECTIVES;
  r.posts[me] = &plan;
  if (++r.posted == n) {
    for (uint32_t j = 0; j < n && r.invalid.empty(); ++j) {
      if (BadAlias(*r.posts[j])) {
        r.invalid = "rank " + std::to_string(r.posts[j]->my_rank()) +
                    "'s output overlaps its input other than in place (" + r.posts[j]->Describe() + ")";
      } else if (j > 0) {
        r.invalid = Disagreement(*r.posts[0], *r.posts[j]);
      }
    }
    r.cv.notify_all();
  }
  if (!await([&] { return r.posted == n; })) return NRT_EXEC_HW_ERR_COLLECTIVES;
  if (!r.invalid.empty()) throw Error(NRT_INVALID, r.invalid);

  const auto& posts = r.posts;
  const uint64_t elem = std::max<uint64_t>(1, DTypeSize(plan.dtype));
  switch (plan.kind) {
    case CcKind::kBarrier:
      return NRT_SUCCESS;
    case CcKind::kAllGather:
      work([&] {
        for (uint32_t j = 0; j < n; ++j) {
          uint8_t* dst = plan.outputs[j].data();
          const uint8_t* src = posts[j]->inputs[0].data();
          if (dst != src)
            pieces(plan.outputs[j].size, [&](uint64_t o, uint64_t len) { std::memcpy(dst + o, src + o, len); });
        }
      });
      break;
    case CcKind::kReduceScatter:
      work([&] {
        uint8_t* dst = plan.outputs[0].data();
        const uint8_t* mine = plan.inputs[me].data();
        pieces(plan.outputs[0].size, [&](uint64_t o, uint64_t len) {
          if (dst != mine) std::memcpy(dst + o, mine + o, len);
          for (uint32_t j = 0; j < n; ++j) {
            if (j != me) plan.reduce(dst + o, dst + o, posts[j]->inputs[me].data() + o, len / elem);
          }
        });
      });
      break;
    case CcKind::kAllReduce: {
      // Slice j of every buffer (whole elements) is reduced by rank j.
      auto slice = [&](uint64_t bytes, uint32_t j) {
        const uint64_t elems = bytes / elem;
        return std::make_pair(elems * j / n * elem, elems * (j + 1) / n * elem);
      };
      work([&] {
        for (size_t p = 0; p < plan.outputs.size(); ++p) {
          const std::pair<uint64_t, uint64_t> range = slice(plan.outputs[p].size, me);
          const uint64_t lo = range.first, hi = range.second;  // not a structured binding: lambdas capture it
          uint8_t* dst = plan.outputs[p].data() + lo;
          const uint8_t* mine = plan.inputs[p].data() + lo;
          pieces(hi - lo, [&](uint64_t o, uint64_t len) {
            if (dst != mine) std::memcpy(dst + o, mine + o, len);
            for (uint32_t j = 0; j < n; ++j) {
              if (j != me) plan.reduce(dst + o, dst + o, posts[j]->inputs[p].data() + lo + o, len / elem);
            }
          });
        }
      });
      if (!barrier(0)) return NRT_EXEC_HW_ERR_COLLECTIVES;
      work([&] {
        for (size_t p = 0; p < plan.outputs.size(); ++p) {
          for (uint32_t j = 0; j < n; ++j) {
            if (j == me) continue;
            const std::pair<uint64_t, uint64_t> range = slice(plan.outputs[p].size, j);
            const uint64_t lo = range.first, hi = range.second;
            uint8_t* dst = plan.outputs[p].data() + lo;
            const uint8_t* src = posts[j]->outputs[p].data() + lo;
            pieces(hi - lo, [&](uint64_t o, uint64_t len) { std::memcpy(dst + o, src + o, len); });
          }
        }
      });
      break;
    }
  }
  if (!barrier(1)) return NRT_EXEC_HW_ERR_COLLECTIVES;
  return NRT_SUCCESS;
}

}  // namespace nrtb
