// Synchronous copies (nrt_tensor_read / nrt_tensor_write) racing the calls that end or change what they copy:
// nrt_tensor_free, nrt_close and nrt_tensor_attach_buffer on other threads. A copy may hold its tensor without a
// reference (the runtime keeps per-thread "in a call" words instead), so each of these must wait for, or refuse
// while, a copy that already found the tensor. Any copy that succeeds copied the tensor's own bytes; none touches
// memory after it was released (ASan), and the synchronisation is complete (TSan). In the simulator a freed
// handle is rejected with NRT_INVALID (in the SDK it is a dangling pointer).
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <string>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "nrt/nrt_sys_trace.h"
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

// --- The inline fast path of synchronous copies (runtime/api/copy_fast_path.h) ---
// It is taken once this thread has looked a handle up (a first successful copy), so each test "warms" the handle
// first; what the fast path cannot decide must still end as the general path does: one status, one log line.

// Copies `handle` once each way so this thread's lookup cache holds it (the next copy can take the fast path).
void CopyFastWarm(nrt_tensor_t* handle) {
  uint8_t b = 0;
  ASSERT_EQ(nrt_tensor_read(handle, &b, 0, 1), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_write(handle, &b, 0, 1), NRT_SUCCESS);
}

// Runs `call`, expecting `want` and exactly one log line naming `api`.
template <typename F>
void CopyFastExpectOneLine(const char* api, NRT_STATUS want, F&& call) {
  StderrCapture capture;
  const NRT_STATUS s = call();
  const std::string text = capture.Stop();
  EXPECT_EQ(s, want) << api;
  EXPECT_EQ(LinesWith(text, {api}).size(), 1u) << api << " logged:\n" << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
}

TEST(CopyFastPath, BadArgumentsOnAWarmHandleFailWithOneLogLineAndChangeNothing) {
  NRTEST_INIT(rt);
  Tensor t(0, 64, "warm");
  ASSERT_EQ(t.status(), NRT_SUCCESS);
  std::vector<uint8_t> bytes(64, 0x42), out(64, 0);
  ASSERT_EQ(nrt_tensor_write(t, bytes.data(), 0, 64), NRT_SUCCESS);
  CopyFastWarm(t);
  ASSERT_EQ(nrt_tensor_write(t, bytes.data(), 0, 64), NRT_SUCCESS);
  const std::vector<uint8_t> other(64, 0x99);
  CopyFastExpectOneLine("nrt_tensor_write", NRT_INVALID, [&] { return nrt_tensor_write(t, other.data(), 60, 8); });
  CopyFastExpectOneLine("nrt_tensor_write", NRT_INVALID, [&] { return nrt_tensor_write(t, other.data(), 65, 0); });
  CopyFastExpectOneLine("nrt_tensor_write", NRT_INVALID,
                        [&] { return nrt_tensor_write(t, other.data(), SIZE_MAX, 2); });
  CopyFastExpectOneLine("nrt_tensor_write", NRT_INVALID, [&] { return nrt_tensor_write(t, nullptr, 0, 8); });
  CopyFastExpectOneLine("nrt_tensor_read", NRT_INVALID, [&] { return nrt_tensor_read(t, out.data(), 8, 57); });
  CopyFastExpectOneLine("nrt_tensor_read", NRT_INVALID, [&] { return nrt_tensor_read(t, out.data(), 2, SIZE_MAX); });
  CopyFastExpectOneLine("nrt_tensor_read", NRT_INVALID, [&] { return nrt_tensor_read(t, nullptr, 0, 8); });
  // The edges are still accepted, and no rejected write changed a byte.
  ASSERT_EQ(nrt_tensor_write(t, other.data(), 64, 0), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_read(t, out.data(), 0, 64), NRT_SUCCESS);
  EXPECT_EQ(out, bytes);
}

TEST(CopyFastPath, AFreedWarmHandleIsInvalid) {
  NRTEST_INIT(rt);
  nrt_tensor_t* t = nullptr;
  ASSERT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64, "freed", &t), NRT_SUCCESS);
  CopyFastWarm(t);
  nrt_tensor_t* stale = t;
  nrt_tensor_free(&t);
  uint8_t b = 0;
  CopyFastExpectOneLine("nrt_tensor_read", NRT_INVALID, [&] { return nrt_tensor_read(stale, &b, 0, 1); });
  CopyFastExpectOneLine("nrt_tensor_write", NRT_INVALID, [&] { return nrt_tensor_write(stale, &b, 0, 1); });
}

// The next session's tensor registry may sit at the old one's address: a handle of the closed session must not be
// found in this thread's cache, and a warm handle must report NRT_CLOSED after nrt_close.
TEST(CopyFastPath, AWarmHandleIsClosedAfterCloseAndInvalidInTheNextSession) {
  nrt_tensor_t* stale = nullptr;
  uint8_t b = 0;
  {
    NRTEST_INIT(rt);
    ASSERT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64, "old", &stale), NRT_SUCCESS);
    CopyFastWarm(stale);
    rt.Close();
    EXPECT_EQ(nrt_tensor_write(stale, &b, 0, 1), NRT_CLOSED);
    EXPECT_EQ(nrt_tensor_read(stale, &b, 0, 1), NRT_CLOSED);
  }
  NRTEST_INIT(rt);
  Tensor fresh(0, 64, "new");
  ASSERT_EQ(fresh.status(), NRT_SUCCESS);
  CopyFastWarm(fresh);
  CopyFastExpectOneLine("nrt_tensor_write", NRT_INVALID, [&] { return nrt_tensor_write(stale, &b, 0, 1); });
  CopyFastExpectOneLine("nrt_tensor_read", NRT_INVALID, [&] { return nrt_tensor_read(stale, &b, 0, 1); });
}

// A tensor without memory (allocate_empty) is refused every time, warm or not; once a buffer is attached the
// copies see it and its size, and a smaller buffer attached later bounds them again.
TEST(CopyFastPath, AttachedBuffersBoundWarmCopies) {
  NRTEST_INIT(rt);
  nrt_tensor_t* t = nullptr;
  ASSERT_EQ(nrt_tensor_allocate_empty("empty", &t), NRT_SUCCESS);
  uint8_t b = 0;
  for (int i = 0; i < 2; ++i) {
    CopyFastExpectOneLine("nrt_tensor_read", NRT_INVALID, [&] { return nrt_tensor_read(t, &b, 0, 1); });
  }
  std::vector<uint8_t> big(64, 0x21), small_buf(8, 0x43), out(64, 0);
  ASSERT_EQ(nrt_tensor_attach_buffer(t, big.data(), big.size()), NRT_SUCCESS);
  CopyFastWarm(t);
  ASSERT_EQ(nrt_tensor_read(t, out.data(), 0, 64), NRT_SUCCESS);
  EXPECT_EQ(out, big);
  ASSERT_EQ(nrt_tensor_attach_buffer(t, small_buf.data(), small_buf.size()), NRT_SUCCESS);
  CopyFastExpectOneLine("nrt_tensor_read", NRT_INVALID, [&] { return nrt_tensor_read(t, out.data(), 0, 64); });
  ASSERT_EQ(nrt_tensor_read(t, out.data(), 0, 8), NRT_SUCCESS);
  EXPECT_EQ(std::vector<uint8_t>(out.begin(), out.begin() + 8), small_buf);
  nrt_tensor_free(&t);
}

// A trace started after the handle is warm still records every synchronous copy.
TEST(CopyFastPath, CopiesOfAWarmHandleAreTracedOnceTracingStarts) {
  NRTEST_INIT(rt);
  Tensor t(0, 64, "traced");
  ASSERT_EQ(t.status(), NRT_SUCCESS);
  CopyFastWarm(t);
  ASSERT_EQ(nrt_sys_trace_start(nullptr), NRT_SUCCESS);
  uint8_t b[4] = {};
  ASSERT_EQ(nrt_tensor_write(t, b, 0, 4), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_read(t, b, 0, 4), NRT_SUCCESS);
  char* buffer = nullptr;
  size_t size = 0;
  ASSERT_EQ(nrt_sys_trace_fetch_events(&buffer, &size, nullptr), NRT_SUCCESS);
  const nlohmann::json doc = nlohmann::json::parse(buffer, buffer + size);
  nrt_sys_trace_buffer_free(buffer);
  ASSERT_EQ(nrt_sys_trace_stop(), NRT_SUCCESS);
  std::vector<std::string> ops;
  for (const auto& e : doc["events"]) {
    if (e["event_type"] == "tensor_op") ops.push_back(e.dump());
  }
  ASSERT_EQ(ops.size(), 2u) << doc.dump();
  EXPECT_NE(ops[0].find("write"), std::string::npos) << ops[0];
  EXPECT_NE(ops[1].find("read"), std::string::npos) << ops[1];
}

}  // namespace
