// Tensor sets hold their tensors weakly: a freed (or destroyed) tensor is never handed out again.
#include "runtime/device/tensor_set.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "runtime/device/tensor.h"

namespace nrtb {
namespace {

TEST(TensorSet, PutAndGetByName) {
  TensorSet set;
  TensorRef a = MakeEmptyTensor("a"), b = MakeEmptyTensor("b");
  set.Put("x", a);
  set.Put("y", b);
  EXPECT_EQ(set.size(), 2u);
  EXPECT_EQ(set.Get("x"), a);
  EXPECT_EQ(set.Get("y"), b);
  EXPECT_EQ(set.Get("z"), nullptr);
  EXPECT_EQ(set.Get(""), nullptr);
}

TEST(TensorSet, PutReplacesTheEntryOfTheSameName) {
  TensorSet set;
  TensorRef a = MakeEmptyTensor("a"), b = MakeEmptyTensor("b");
  set.Put("x", a);
  set.Put("x", b);
  EXPECT_EQ(set.size(), 1u);
  EXPECT_EQ(set.Get("x"), b);
}

TEST(TensorSet, AFreedTensorIsNoLongerHandedOut) {
  TensorSet set;
  TensorRef a = MakeEmptyTensor("a");
  set.Put("x", a);
  a->MarkFreed();
  EXPECT_EQ(set.Get("x"), nullptr) << "freed but still referenced (e.g. by work in flight)";
  EXPECT_EQ(set.size(), 1u) << "the entry stays; binding the set reports it";
}

TEST(TensorSet, ADestroyedTensorIsNotKeptAlive) {
  TensorSet set;
  std::weak_ptr<nrt_tensor> watch;
  {
    TensorRef a = MakeEmptyTensor("a");
    watch = a;
    set.Put("x", a);
  }
  EXPECT_TRUE(watch.expired()) << "the set must not own its tensors";
  EXPECT_EQ(set.Get("x"), nullptr);
}

TEST(TensorSet, EntriesAreSortedByNameWithNullForDeadTensors) {
  TensorSet set;
  TensorRef live = MakeEmptyTensor("live"), freed = MakeEmptyTensor("freed");
  freed->MarkFreed();
  set.Put("b", live);
  set.Put("a", freed);
  {
    TensorRef gone = MakeEmptyTensor("gone");
    set.Put("c", gone);
  }
  auto entries = set.Entries();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].first, "a");
  EXPECT_EQ(entries[0].second, nullptr);
  EXPECT_EQ(entries[1].first, "b");
  EXPECT_EQ(entries[1].second, live);
  EXPECT_EQ(entries[2].first, "c");
  EXPECT_EQ(entries[2].second, nullptr);
}

// Concurrent writers and readers (run under TSan in CI): every Get sees either nothing or a whole entry.
TEST(TensorSet, ConcurrentPutsAndReadsAreSafe) {
  TensorSet set;
  std::vector<TensorRef> tensors;
  for (int i = 0; i < 8; ++i) tensors.push_back(MakeEmptyTensor("t" + std::to_string(i)));
  std::vector<std::thread> threads;
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 2000; ++i) set.Put("k" + std::to_string(i % 16), tensors[(i + w) % tensors.size()]);
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < 2000; ++i) {
      TensorRef t = set.Get("k" + std::to_string(i % 16));
      if (t) {
        EXPECT_EQ(t->name()[0], 't');
      }
      for (const auto& [name, ref] : set.Entries()) EXPECT_EQ(name[0], 'k');
    }
  });
  for (auto& t : threads) t.join();
  EXPECT_EQ(set.size(), 16u);
}

}  // namespace
}  // namespace nrtb
