// The in-flight count and its lock-free use path: a use never overlaps a change of what it uses, a change is
// refused while anything is in use, and uses that meet a change wait for it (TensorUse) instead of being lost.
// The racing tests are meant for the TSan build, which sees any overlap of a use's reads with a change's writes.
#include "runtime/device/in_flight.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "runtime/core/error.h"
#include "runtime/device/tensor.h"

namespace nrtb {
namespace {

TEST(InFlight, CountsUsesAndRefusesAChangeWhileInUse) {
  InFlight f;
  EXPECT_EQ(f.count(), 0u);
  ASSERT_TRUE(f.TryEnter());
  f.Enter();
  EXPECT_EQ(f.count(), 2u);
  EXPECT_FALSE(f.TryBeginChange());
  f.Leave();
  EXPECT_FALSE(f.TryBeginChange());
  f.Leave();
  EXPECT_EQ(f.count(), 0u);
  ASSERT_TRUE(f.TryBeginChange());
  EXPECT_EQ(f.count(), 0u);  // the change is not a use
  EXPECT_FALSE(f.TryEnter());
  EXPECT_EQ(f.count(), 0u);  // the refused use left nothing behind
  EXPECT_FALSE(f.TryBeginChange());
  f.EndChange();
  EXPECT_TRUE(f.TryEnter());
  EXPECT_EQ(f.count(), 1u);
  f.Leave();
}

// Two plain fields stand for the tensor's layout: a change rewrites both, a use reads both and must see a pair
// that was written together. TSan reports any read that is not ordered after the last change.
TEST(InFlight, UsesNeverOverlapAChange) {
  InFlight f;
  uint64_t a = 0, b = 0;
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::atomic<uint64_t> uses{0}, changes{0};
  std::vector<std::thread> users;
  for (int u = 0; u < 2; ++u) {
    users.emplace_back([&] {
      while (!stop.load(std::memory_order_relaxed)) {
        if (!f.TryEnter()) continue;
        if (a != b) torn++;
        f.Leave();
        uses++;
      }
    });
  }
  std::thread changer([&] {
    for (uint64_t i = 1; changes.load() < 2000 || uses.load() < 2000; ++i) {
      if (!f.TryBeginChange()) continue;
      a = i;
      b = i;
      f.EndChange();
      changes++;
    }
    stop = true;
  });
  changer.join();
  for (auto& t : users) t.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(f.count(), 0u);
}

// TensorUse racing AttachBuffer on one tensor: every use sees a whole layout (the size it reads is the size of the
// buffer it reads, never a mix), attach either happens or is refused with NRT_INVALID, and no use is lost.
TEST(InFlight, TensorUsesRaceAttachBuffer) {
  TensorRef t = MakeEmptyTensor("raced");
  std::vector<uint8_t> small(16), big(4096);
  AttachBuffer(*t, big.data(), big.size());
  std::atomic<bool> stop{false};
  std::atomic<int> mixed{0};
  std::atomic<uint64_t> uses{0}, attached{0}, refused{0};
  std::vector<std::thread> users;
  for (int u = 0; u < 2; ++u) {
    users.emplace_back([&] {
      while (!stop.load(std::memory_order_relaxed)) {
        TensorUse use(t);
        const bool is_small = use->data() == small.data();
        if (use->size() != (is_small ? small.size() : big.size())) mixed++;
        uses++;
      }
    });
  }
  std::thread attacher([&] {
    for (uint64_t i = 0; attached.load() < 1000 || uses.load() < 2000; ++i) {
      std::vector<uint8_t>& buf = i % 2 == 0 ? small : big;
      try {
        AttachBuffer(*t, buf.data(), buf.size());
        attached++;
      } catch (const Error& e) {
        EXPECT_EQ(e.status(), NRT_INVALID);
        refused++;
      }
      if (refused.load() > 10'000'000) break;  // uses never let go: reported below, not a hang
    }
    stop = true;
  });
  attacher.join();
  for (auto& th : users) th.join();
  EXPECT_EQ(mixed.load(), 0);
  EXPECT_GE(attached.load(), 1000u);
  EXPECT_EQ(t->in_flight(), 0u);
}

}  // namespace
}  // namespace nrtb
