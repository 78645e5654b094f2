// Synchronous copies (nrt_tensor_read / nrt_tensor_write) racing the calls that end or change what they copy:
// nrt_tensor_free, nrt_close and nrt_tensor_attach_buffer on other threads. A copy may hold its tensor without a
// reference (the runtime keeps per-thread "in a call" words instead), so each of these must wait for, or refuse
// while, a copy that already found the tensor. Any copy that succeeds copied the tensor's own bytes; none touches
// memory after it was released (ASan), and the synchronisation is complete (TSan). In the simulator a freed
// handle is rejected with NRT_INVALID (in the SDK it is a dangling pointer).
#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include "nrtest.h"

namespace {

using namespace nrtest;

constexpr size_t kCopyHazardBytes = 64 * 1024;
constexpr uint8_t kCopyHazardOld = 0x11, kCopyHazardNew = 0xee;

bool CopyHazardAll(const std::vector<uint8_t>& v, uint8_t b) {
  for (uint8_t x : v) {
    if (x != b) return false;
  }
  return true;
}

// Each freed tensor's memory is taken at once by a new tensor filled with other bytes: a copy the free did not
// wait for reads those bytes (or writes into the new tensor), which the checks below see even without ASan.
TEST(CopyHazard, AFreeWaitsForCopiesOnOtherThreads) {
  NRTEST_INIT(rt);
  constexpr int kTensors = 12, kThreads = 3;
  std::vector<nrt_tensor_t*> handles(kTensors, nullptr);
  const std::vector<uint8_t> old_bytes(kCopyHazardBytes, kCopyHazardOld);
  for (auto& h : handles) {
    ASSERT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, kCopyHazardBytes, "raced", &h), NRT_SUCCESS);
    ASSERT_EQ(nrt_tensor_write(h, old_bytes.data(), 0, kCopyHazardBytes), NRT_SUCCESS);
  }
  std::vector<std::atomic<bool>> freed(kTensors);
  std::atomic<bool> stop{false};
  std::atomic<int> wrong_bytes{0}, used_after_free{0}, bad_status{0};
  std::atomic<uint64_t> calls{0};

  StderrCapture quiet;  // every rejected call logs one line
  std::vector<std::thread> copiers;
  for (int c = 0; c < kThreads; ++c) {
    copiers.emplace_back([&, c] {
      std::vector<uint8_t> buf(kCopyHazardBytes);
      while (!stop.load(std::memory_order_relaxed)) {
        for (int i = 0; i < kTensors; ++i) {
          const bool was_freed = freed[i].load(std::memory_order_acquire);
          NRT_STATUS s;
          if ((c + i) % 2 == 0) {
            s = nrt_tensor_read(handles[i], buf.data(), 0, kCopyHazardBytes);
            if (s == NRT_SUCCESS && !CopyHazardAll(buf, kCopyHazardOld)) wrong_bytes++;
          } else {
            s = nrt_tensor_write(handles[i], old_bytes.data(), 0, kCopyHazardBytes);
          }
          if (s != NRT_SUCCESS && s != NRT_INVALID) bad_status++;
          if (was_freed && s == NRT_SUCCESS) used_after_free++;
          calls++;
        }
      }
    });
  }
  std::vector<nrt_tensor_t*> successors;
  const std::vector<uint8_t> new_bytes(kCopyHazardBytes, kCopyHazardNew);
  for (int i = 0; i < kTensors; ++i) {
    const uint64_t seen = calls.load();
    while (calls.load() < seen + 3 * kTensors) std::this_thread::yield();
    nrt_tensor_t* h = handles[i];
    nrt_tensor_free(&h);
    freed[i].store(true, std::memory_order_release);
    nrt_tensor_t* next = nullptr;
    ASSERT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, kCopyHazardBytes, "successor", &next), NRT_SUCCESS);
    ASSERT_EQ(nrt_tensor_write(next, new_bytes.data(), 0, kCopyHazardBytes), NRT_SUCCESS);
    successors.push_back(next);
  }
  stop = true;
  for (auto& t : copiers) t.join();
  quiet.Stop();
  EXPECT_EQ(wrong_bytes.load(), 0) << "a read returned bytes of the tensor allocated after the free";
  EXPECT_EQ(used_after_free.load(), 0);
  EXPECT_EQ(bad_status.load(), 0);
  std::vector<uint8_t> buf(kCopyHazardBytes);
  for (nrt_tensor_t* s : successors) {
    ASSERT_EQ(nrt_tensor_read(s, buf.data(), 0, kCopyHazardBytes), NRT_SUCCESS);
    EXPECT_TRUE(CopyHazardAll(buf, kCopyHazardNew)) << "a write landed in the tensor allocated after the free";
    nrt_tensor_free(&s);
  }
}

// nrt_close frees every tensor: it must wait for copies in progress, and every call after it returns NRT_CLOSED.
TEST(CopyHazard, CloseWaitsForCopiesOnOtherThreads) {
  NRTEST_INIT(rt);
  constexpr int kThreads = 3;
  std::vector<nrt_tensor_t*> handles(kThreads, nullptr);
  for (auto& h : handles) {
    ASSERT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, kCopyHazardBytes, "closed", &h), NRT_SUCCESS);
  }
  std::atomic<bool> closed{false};
  std::atomic<int> bad_status{0}, after_close{0};
  std::atomic<uint64_t> calls{0};
  std::vector<std::thread> copiers;
  for (int c = 0; c < kThreads; ++c) {
    copiers.emplace_back([&, c] {
      std::vector<uint8_t> buf(kCopyHazardBytes, kCopyHazardOld);
      for (;;) {
        const bool was_closed = closed.load(std::memory_order_acquire);
        NRT_STATUS s = c % 2 == 0 ? nrt_tensor_read(handles[c], buf.data(), 0, kCopyHazardBytes)
                                  : nrt_tensor_write(handles[c], buf.data(), 0, kCopyHazardBytes);
        if (s != NRT_SUCCESS && s != NRT_CLOSED) bad_status++;
        if (was_closed) {
          if (s != NRT_CLOSED) after_close++;
          return;
        }
        calls++;
      }
    });
  }
  while (calls.load() < 20 * kThreads) std::this_thread::yield();
  rt.Close();
  closed.store(true, std::memory_order_release);
  for (auto& t : copiers) t.join();
  EXPECT_EQ(bad_status.load(), 0);
  EXPECT_EQ(after_close.load(), 0);
}

// attach_buffer either happens before a copy (which then copies the attached buffer's size at most) or is
// refused while a copy holds the tensor. Once an attach has returned, the old buffer is the caller's again: no copy
// still writes it (the attacher overwrites it and finds its own bytes), and no copy reaches past the small buffer.
TEST(CopyHazard, AttachBufferIsRefusedWhileACopyRuns) {
  NRTEST_INIT(rt);
  constexpr size_t kSmall = 16, kCanary = 4096;
  constexpr uint8_t kMine = 0x55;  // the attacher's bytes in the detached big buffer
  nrt_tensor_t* t = nullptr;
  ASSERT_EQ(nrt_tensor_allocate_empty("attached", &t), NRT_SUCCESS);
  std::vector<uint8_t> big(kCopyHazardBytes, kCopyHazardOld);
  std::vector<uint8_t> small_block(kSmall + kCanary, 0xcd);  // the tail must stay untouched
  ASSERT_EQ(nrt_tensor_attach_buffer(t, big.data(), big.size()), NRT_SUCCESS);
  std::atomic<bool> stop{false};
  std::atomic<int> bad_status{0}, wrong_bytes{0}, written_after_attach{0};
  StderrCapture quiet;  // refused attaches and out-of-range copies log one line each
  std::thread attacher([&] {
    while (!stop.load()) {
      NRT_STATUS s = nrt_tensor_attach_buffer(t, small_block.data(), kSmall);
      if (s == NRT_SUCCESS) {
        std::memset(big.data(), kMine, big.size());
        for (int i = 0; i < 20; ++i) std::this_thread::yield();
        for (uint8_t b : big) {
          if (b != kMine) {
            written_after_attach++;
            break;
          }
        }
        while ((s = nrt_tensor_attach_buffer(t, big.data(), big.size())) == NRT_INVALID) std::this_thread::yield();
      }
      if (s != NRT_SUCCESS && s != NRT_INVALID) bad_status++;
    }
  });
  std::vector<std::thread> copiers;
  for (int c = 0; c < 2; ++c) {
    copiers.emplace_back([&, c] {
      std::vector<uint8_t> buf(kCopyHazardBytes, kCopyHazardOld);
      const std::vector<uint8_t> payload(kCopyHazardBytes, kCopyHazardOld);
      for (int i = 0; i < 3000; ++i) {
        NRT_STATUS s = c == 0 ? nrt_tensor_read(t, buf.data(), 0, kCopyHazardBytes)
                              : nrt_tensor_write(t, payload.data(), 0, kCopyHazardBytes);
        if (s != NRT_SUCCESS && s != NRT_INVALID) bad_status++;
        if (c == 0 && s == NRT_SUCCESS) {
          for (uint8_t b : buf) {
            if (b != kCopyHazardOld && b != kMine) {
              wrong_bytes++;
              break;
            }
          }
        }
      }
    });
  }
  for (auto& c : copiers) c.join();
  stop = true;
  attacher.join();
  quiet.Stop();
  EXPECT_EQ(bad_status.load(), 0);
  EXPECT_EQ(wrong_bytes.load(), 0);
  EXPECT_EQ(written_after_attach.load(), 0) << "a copy wrote the old buffer after attach_buffer had replaced it";
  for (size_t i = kSmall; i < small_block.size(); ++i) {
    ASSERT_EQ(small_block[i], 0xcd) << "a copy of " << kCopyHazardBytes << " bytes reached past a " << kSmall
                                    << "-byte buffer (byte " << i << ")";
  }
}

}  // namespace
