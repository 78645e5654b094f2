#include "runtime/core/recycled_blocks.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define RECYCLED_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RECYCLED_TEST_ASAN 1
#endif
#endif
#ifdef RECYCLED_TEST_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace nrtb {
namespace {

uint64_t RecycledMade() { return RecycledBlockCountsNow().made; }
uint64_t RecycledLive() { return RecycledBlockCountsNow().live; }

TEST(RecycledBlocks, AFreedBlockIsReusedOnTheSameThread) {
  void* first = AllocateRecycled(64);
  FreeRecycled(first);
  const uint64_t made = RecycledMade();
  for (int i = 0; i < 1000; ++i) {
    void* p = AllocateRecycled(64);
    EXPECT_EQ(p, first);
    std::memset(p, 0xab, kRecycledBlockBytes);
    FreeRecycled(p);
  }
  EXPECT_EQ(RecycledMade(), made);
}

TEST(RecycledBlocks, BlocksFreedOnAnotherThreadComeBackToTheirOwner) {
  constexpr int kBlocks = 64;
  std::vector<void*> blocks;
  for (int i = 0; i < kBlocks; ++i) blocks.push_back(AllocateRecycled(80));
  const std::set<void*> first(blocks.begin(), blocks.end());
  const uint64_t made = RecycledMade();
  for (int round = 0; round < 20; ++round) {
    std::thread([&] {
      for (void* p : blocks) FreeRecycled(p);
    }).join();
    blocks.clear();
    for (int i = 0; i < kBlocks; ++i) blocks.push_back(AllocateRecycled(80));
    EXPECT_EQ(std::set<void*>(blocks.begin(), blocks.end()), first);
  }
  EXPECT_EQ(RecycledMade(), made);  // no global allocation once the blocks exist
  for (void* p : blocks) FreeRecycled(p);
}

// Producers hand blocks through a bounded queue to a consumer that frees them: every block's contents must be
// intact when it arrives (a block handed out twice would be overwritten), and the blocks made stay bounded by
// what can be in flight, not by the number of allocations.
TEST(RecycledBlocks, ProducersAndAFreeingConsumerNeverShareABlock) {
  constexpr int kProducers = 3, kPerProducer = 5000;
  constexpr size_t kQueueCap = 32;
  struct Item {
    uint32_t producer, index;
    unsigned char fill[kRecycledBlockBytes - 8];
  };
  static_assert(sizeof(Item) == kRecycledBlockBytes);
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Item*> queue;
  int producers_left = kProducers;
  const uint64_t made = RecycledMade();

  std::thread consumer([&] {
    std::vector<uint32_t> next(kProducers, 0);
    while (true) {
      Item* it;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return !queue.empty() || producers_left == 0; });
        if (queue.empty()) break;
        it = queue.front();
        queue.pop_front();
      }
      cv.notify_all();
      // No ASSERT here: returning early would leave the producers blocked on a full queue.
      if (it->producer < kProducers) {
        EXPECT_EQ(it->index, next[it->producer]++);
      } else {
        ADD_FAILURE() << "producer " << it->producer;
      }
      size_t wrong = 0;
      for (unsigned char c : it->fill) wrong += c != static_cast<unsigned char>(it->index * 7 + it->producer);
      EXPECT_EQ(wrong, 0u) << "block of producer " << it->producer << " item " << it->index;
      FreeRecycled(it);
    }
  });
  std::vector<std::thread> producers;
  for (uint32_t p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (uint32_t i = 0; i < kPerProducer; ++i) {
        Item* it = static_cast<Item*>(AllocateRecycled(sizeof(Item)));
        it->producer = p;
        it->index = i;
        std::memset(it->fill, static_cast<unsigned char>(i * 7 + p), sizeof(it->fill));
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return queue.size() < kQueueCap; });
        queue.push_back(it);
        cv.notify_all();
      }
      // Blocks still queued outlive this thread: the consumer's later frees return them to the global allocator.
      std::lock_guard<std::mutex> lock(mu);
      --producers_left;
      cv.notify_all();
    });
  }
  for (auto& t : producers) t.join();
  consumer.join();
  // At most kQueueCap in the queue + one in the producer's hands + one in the consumer's, per producer.
  EXPECT_LE(RecycledMade() - made, uint64_t{kProducers} * (kQueueCap + 2));
}

TEST(RecycledBlocks, BlocksThatOutliveTheirThreadAreGivenBackWhenFreed) {
  const uint64_t live = RecycledLive();
  std::vector<void*> blocks;
  std::thread([&] {
    for (int i = 0; i < 10; ++i) blocks.push_back(AllocateRecycled(64));
    FreeRecycled(AllocateRecycled(64));  // one on the thread's own list, given back at its exit
  }).join();
  EXPECT_EQ(RecycledLive(), live + 10);
  for (void* p : blocks) {
    std::memset(p, 0, 64);
    FreeRecycled(p);
  }
  // Every block went back to the global allocator; LeakSanitizer (ASan tree) checks the retired cache went too.
  EXPECT_EQ(RecycledLive(), live);
}

TEST(RecycledBlocks, AThreadKeepsAtMostTheCapOfFreeBlocks) {
  std::vector<void*> blocks;
  for (uint32_t i = 0; i < 3 * kMaxCachedBlocks; ++i) blocks.push_back(AllocateRecycled(32));
  const uint64_t live = RecycledLive();
  for (void* p : blocks) FreeRecycled(p);
  EXPECT_EQ(LocalRecycledBlocks(), kMaxCachedBlocks);
  EXPECT_EQ(RecycledLive(), live - 2 * kMaxCachedBlocks);

  // The same when the frees come from another thread: the owner trims what it takes back.
  blocks.clear();
  for (uint32_t i = 0; i < 3 * kMaxCachedBlocks; ++i) blocks.push_back(AllocateRecycled(32));
  std::thread([&] {
    for (void* p : blocks) FreeRecycled(p);
  }).join();
  void* p = AllocateRecycled(32);  // takes the other thread's frees
  EXPECT_EQ(LocalRecycledBlocks(), kMaxCachedBlocks - 1);
  FreeRecycled(p);
  EXPECT_EQ(RecycledLive(), live - 2 * kMaxCachedBlocks);
}

TEST(RecycledBlocks, BigAllocationsGoToTheGlobalAllocator) {
  const uint64_t made = RecycledMade(), live = RecycledLive();
  constexpr size_t kBig = kRecycledBlockBytes + 1;
  void* p = AllocateRecycled(kBig);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 16, 0u);
  std::memset(p, 0x5a, kBig);
  std::thread([&] { FreeRecycled(p); }).join();
  EXPECT_EQ(RecycledMade(), made);
  EXPECT_EQ(RecycledLive(), live);
  FreeRecycled(nullptr);
}

#ifdef RECYCLED_TEST_ASAN
// The standard allocator over the blocks: a small vector made on one thread and freed on another takes no new
// block once warm; a big one goes to the global allocator; elements survive growth.
TEST(RecycledBlocks, VectorsOverTheAllocatorRecycleTheirStorage) {
  using Vec = std::vector<std::shared_ptr<int>, RecycledAllocator<std::shared_ptr<int>>>;
  for (int warm = 0; warm < 2; ++warm) {
    Vec v;
    v.reserve(4);
    std::thread([v = std::move(v)]() mutable { v.clear(); }).join();
  }
  const uint64_t made = RecycledMade();
  for (int i = 0; i < 100; ++i) {
    auto v = std::make_unique<Vec>();
    v->reserve(4);
    for (int k = 0; k < 4; ++k) v->push_back(std::make_shared<int>(k));
    std::thread([v = std::move(v)] {
      for (int k = 0; k < 4; ++k) EXPECT_EQ(*(*v)[k], k);
    }).join();
  }
  EXPECT_EQ(RecycledMade(), made) << "the freed storage came back to this thread's cache";
  Vec big;
  big.reserve(1000);  // at once: growing from one element would also take blocks for the small capacities
  for (int k = 0; k < 1000; ++k) big.push_back(std::make_shared<int>(k));
  for (int k = 0; k < 1000; ++k) ASSERT_EQ(*big[k], k);
  EXPECT_EQ(RecycledMade(), made) << "bigger than a block: the global allocator";
}

TEST(RecycledBlocks, AFreeBlockIsPoisonedUnderAsan) {
  void* p = AllocateRecycled(64);
  EXPECT_FALSE(__asan_address_is_poisoned(p));
  FreeRecycled(p);
  EXPECT_TRUE(__asan_address_is_poisoned(p));
  void* q = AllocateRecycled(64);
  EXPECT_FALSE(__asan_address_is_poisoned(q));
  FreeRecycled(q);
}
#endif

// A forked child has only the forking thread: blocks of the parent's other threads are freed onto caches no
// thread drains (they are leaked, not reused), and the child's own thread keeps recycling.
TEST(RecycledBlocks, AForkedChildFreesTheParentThreadsBlocks) {
  std::vector<void*> theirs;
  std::mutex mu;
  std::condition_variable cv;
  bool made = false, done = false;
  std::thread other([&] {
    for (int i = 0; i < 8; ++i) theirs.push_back(AllocateRecycled(64));
    std::unique_lock<std::mutex> lock(mu);
    made = true;
    cv.notify_all();
    cv.wait(lock, [&] { return done; });
  });
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return made; });
  }
  void* mine = AllocateRecycled(64);
  pid_t pid = fork();
  if (pid == 0) {
    alarm(10);
    for (void* p : theirs) FreeRecycled(p);
    FreeRecycled(mine);
    for (int i = 0; i < 100; ++i) {
      void* p = AllocateRecycled(64);
      if (p != mine) _exit(1);
      FreeRecycled(p);
    }
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  {
    std::lock_guard<std::mutex> lock(mu);
    done = true;
  }
  cv.notify_all();
  other.join();
  for (void* p : theirs) FreeRecycled(p);
  FreeRecycled(mine);
}

}  // namespace
}  // namespace nrtb
