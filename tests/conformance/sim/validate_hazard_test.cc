// Validation mode, cross-unit hazards: a request that reads what a pending request on another execution unit
// writes (read-after-write), writes what it reads (write-after-read) or writes (write-after-write). Requests of
// one unit (one LNC, XU type and queue) are ordered and never reported. Each buggy program sits beside its
// correct twin (the missing wait added), which must report nothing.
#include <atomic>
#include <thread>
#include <vector>

#include "nrtest.h"
#include "validate_test_util.h"

using namespace nrtest;

namespace {

// Runs body(gate) in a validating runtime where the requests `selector` picks are held; returns stderr up to and
// including nrt_close (the gate is released before closing).
template <typename Body>
std::string Validated(const std::string& selector, Body body) {
  HoldGate gate;
  ValidateHolding(gate, selector);
  Runtime rt;
  EXPECT_EQ(rt.status(), NRT_SUCCESS);
  StderrCapture cap;
  body(gate);
  gate.Release();
  rt.Close();
  return cap.Stop();
}

// The stale-read bug of the SDK migration guide: the input write and the execution on different units.
std::string WriteThenExecute(bool wait_for_write) {
  return Validated("xu=tensor_op,queue=0,nth=1", [&](const HoldGate& gate) {
    AsyncModel am("async_scale", 0);
    ASSERT_EQ(am.m.status(), NRT_SUCCESS);
    auto x = Iota(3);
    Req w, e;
    ASSERT_EQ(nrta_tensor_write(am.x, x.data(), 0, kModelBytes, 0, 0, &w.ret, &w.seq), NRT_SUCCESS);
    if (wait_for_write) {
      gate.Release();
      ASSERT_EQ(w.Result(), NRT_SUCCESS);
    }
    ASSERT_EQ(nrta_execute_schedule(am.m, am.is, am.os, 0, &e.ret, &e.seq), NRT_SUCCESS);
    gate.Release();
    EXPECT_EQ(w.Result(), NRT_SUCCESS);
    EXPECT_EQ(e.Result(), NRT_SUCCESS);
  });
}

}  // namespace

TEST(ValidateHazard, ExecutionReadingAPendingWriteIsReadAfterWrite) {
  std::string err = WriteThenExecute(false);
  auto f = Findings(err);
  ASSERT_EQ(f.size(), 1u) << err;
  EXPECT_TRUE(HasAll(f[0], {"[cross-unit-read-after-write]", "nrta_execute_schedule at ",
                            "request seq 1 (lnc 0, compute queue 0) reads tensor \"x\" bytes [0, 256)",
                            "request seq 1 (lnc 0, tensor_op queue 0), nrta_tensor_write scheduled at ",
                            "writes tensor \"x\" bytes [0, 256)"}))
      << f[0];
}

TEST(ValidateHazard, ExecutionAfterWaitingForTheWriteIsSilent) {
  std::string err = WriteThenExecute(true);
  EXPECT_TRUE(Findings(err).empty()) << err;
}

namespace {

// An execution (held) and then `after` on its tensors, with or without waiting for the execution first.
template <typename After>
std::string ExecuteThen(bool wait_for_execution, After after) {
  return Validated("xu=compute,nth=1", [&](const HoldGate& gate) {
    AsyncModel am("async_scale", 0);
    ASSERT_EQ(am.m.status(), NRT_SUCCESS);
    Req e;
    ASSERT_EQ(nrta_execute_schedule(am.m, am.is, am.os, 0, &e.ret, &e.seq), NRT_SUCCESS);
    if (wait_for_execution) {
      gate.Release();
      ASSERT_EQ(e.Result(), NRT_SUCCESS);
    }
    Req r;
    after(am, r);
    gate.Release();
    EXPECT_EQ(e.Result(), NRT_SUCCESS);
    EXPECT_EQ(r.Result(), NRT_SUCCESS);
  });
}

// `r` stays in the caller: its status slot must outlive the request.
void OverwriteInput(AsyncModel& am, Req& w) {
  static auto x = Iota(9);
  EXPECT_EQ(nrta_tensor_write(am.x, x.data(), 0, kModelBytes, 0, 1, &w.ret, &w.seq), NRT_SUCCESS);
}

void ReadOutput(AsyncModel& am, Req& r) {
  static std::vector<float> y(kModelElems);
  EXPECT_EQ(nrta_tensor_read(y.data(), am.y, 0, kModelBytes, 0, 1, &r.ret, &r.seq), NRT_SUCCESS);
}

}  // namespace

TEST(ValidateHazard, OverwritingAPendingExecutionsInputIsWriteAfterRead) {
  std::string err = ExecuteThen(false, OverwriteInput);
  auto f = Findings(err);
  ASSERT_EQ(f.size(), 1u) << err;
  EXPECT_TRUE(HasAll(f[0], {"[cross-unit-write-after-read]", "nrta_tensor_write at ",
                            "request seq 1 (lnc 0, tensor_op queue 1) writes tensor \"x\"",
                            "request seq 1 (lnc 0, compute queue 0), nrta_execute_schedule", "reads tensor \"x\""}))
      << f[0];
}

TEST(ValidateHazard, OverwritingTheInputAfterWaitingIsSilent) {
  std::string err = ExecuteThen(true, OverwriteInput);
  EXPECT_TRUE(Findings(err).empty()) << err;
}

TEST(ValidateHazard, ReadingAPendingExecutionsOutputIsReadAfterWrite) {
  std::string err = ExecuteThen(false, ReadOutput);
  auto f = Findings(err);
  ASSERT_EQ(f.size(), 1u) << err;
  EXPECT_TRUE(HasAll(f[0], {"[cross-unit-read-after-write]", "nrta_tensor_read at ",
                            "request seq 1 (lnc 0, tensor_op queue 1) reads tensor \"y\"", "writes tensor \"y\""}))
      << f[0];
}

TEST(ValidateHazard, ReadingTheOutputAfterWaitingIsSilent) {
  std::string err = ExecuteThen(true, ReadOutput);
  EXPECT_TRUE(Findings(err).empty()) << err;
}

namespace {

// Two writes of one tensor: the first on tensor_op queue 0 (held), the second on `second_queue`.
std::string TwoWrites(int second_queue, bool wait_for_first) {
  return Validated("xu=tensor_op,queue=0,nth=1", [&](const HoldGate& gate) {
    Tensor t(0, 128, "buf");
    std::vector<uint8_t> a(128, 1), b(64, 2);
    Req w1, w2;
    ASSERT_EQ(nrta_tensor_write(t, a.data(), 0, 128, 0, 0, &w1.ret, &w1.seq), NRT_SUCCESS);
    if (wait_for_first) {
      gate.Release();
      ASSERT_EQ(w1.Result(), NRT_SUCCESS);
    }
    ASSERT_EQ(nrta_tensor_write(t, b.data(), 64, 64, 0, second_queue, &w2.ret, &w2.seq), NRT_SUCCESS);
    gate.Release();
    EXPECT_EQ(w1.Result(), NRT_SUCCESS);
    EXPECT_EQ(w2.Result(), NRT_SUCCESS);
  });
}

}  // namespace

TEST(ValidateHazard, WritesOnTwoQueuesAreWriteAfterWrite) {
  std::string err = TwoWrites(1, false);
  auto f = Findings(err);
  ASSERT_EQ(f.size(), 1u) << err;
  EXPECT_TRUE(HasAll(
      f[0], {"[cross-unit-write-after-write]",
             "request seq 1 (lnc 0, tensor_op queue 1) writes tensor "
             "\"buf\" bytes [64, 128)",
             "request seq 1 (lnc 0, tensor_op queue 0), nrta_tensor_write", "writes tensor \"buf\" bytes [0, 128)"}))
      << f[0];
}

TEST(ValidateHazard, WritesOnTwoQueuesWithAWaitBetweenAreSilent) {
  std::string err = TwoWrites(1, true);
  EXPECT_TRUE(Findings(err).empty()) << err;
}

// One unit runs its requests in order: no wait is needed, nothing is reported.
TEST(ValidateHazard, WritesOnOneQueueAreNeverReported) {
  std::string err = TwoWrites(0, false);
  EXPECT_TRUE(Findings(err).empty()) << err;
}

TEST(ValidateHazard, WriteThenReadOnOneQueueIsNeverReported) {
  std::string err = Validated("xu=tensor_op,queue=0,nth=1", [&](const HoldGate& gate) {
    Tensor t(0, 64, "buf");
    std::vector<uint8_t> a(64, 1), b(64);
    Req w1, r, w2;
    ASSERT_EQ(nrta_tensor_write(t, a.data(), 0, 64, 0, 0, &w1.ret, &w1.seq), NRT_SUCCESS);
    ASSERT_EQ(nrta_tensor_read(b.data(), t, 0, 64, 0, 0, &r.ret, &r.seq), NRT_SUCCESS);
    ASSERT_EQ(nrta_tensor_write(t, a.data(), 0, 64, 0, 0, &w2.ret, &w2.seq), NRT_SUCCESS);
    gate.Release();
    EXPECT_EQ(w2.Result(), NRT_SUCCESS);
  });
  EXPECT_TRUE(Findings(err).empty()) << err;
}

namespace {

// A host tensor written through lnc 0 (held) and read through lnc `reader_lnc`.
std::string HostTensorAcrossCores(int reader_lnc, bool wait_for_write) {
  return Validated("xu=tensor_op,lnc=0,queue=0,nth=1", [&](const HoldGate& gate) {
    Tensor t(-1, 64, "shared", NRT_TENSOR_PLACEMENT_HOST);
    ASSERT_EQ(t.status(), NRT_SUCCESS);
    std::vector<uint8_t> a(64, 7), b(64);
    Req w, r;
    ASSERT_EQ(nrta_tensor_write(t, a.data(), 0, 64, 0, 0, &w.ret, &w.seq), NRT_SUCCESS);
    if (wait_for_write) {
      gate.Release();
      ASSERT_EQ(w.Result(), NRT_SUCCESS);
    }
    ASSERT_EQ(nrta_tensor_read(b.data(), t, 0, 64, reader_lnc, 0, &r.ret, &r.seq), NRT_SUCCESS);
    gate.Release();
    EXPECT_EQ(w.Result(), NRT_SUCCESS);
    EXPECT_EQ(r.Result(), NRT_SUCCESS);
    if (wait_for_write) {  // the buggy read may see either the old or the new bytes: that is the bug
      EXPECT_EQ(b, a);
    }
  });
}

}  // namespace

TEST(ValidateHazard, AcrossLogicalCoresIsReadAfterWrite) {
  std::string err = HostTensorAcrossCores(1, false);
  auto f = Findings(err);
  ASSERT_EQ(f.size(), 1u) << err;
  EXPECT_TRUE(HasAll(f[0], {"[cross-unit-read-after-write]",
                            "request seq 1 (lnc 1, tensor_op queue 0) reads tensor "
                            "\"shared\"",
                            "request seq 1 (lnc 0, tensor_op queue 0), nrta_tensor_write"}))
      << f[0];
}

TEST(ValidateHazard, AcrossLogicalCoresAfterWaitingIsSilent) {
  std::string err = HostTensorAcrossCores(1, true);
  EXPECT_TRUE(Findings(err).empty()) << err;
}

// nrt_execute is a request on the model's compute queue 0 too: it races a pending write on a tensor_op queue.
TEST(ValidateHazard, SynchronousExecuteReadingAPendingWriteIsReadAfterWrite) {
  std::string err = Validated("xu=tensor_op,queue=0,nth=1", [&](const HoldGate& gate) {
    AsyncModel am("async_scale", 0);
    ASSERT_EQ(am.m.status(), NRT_SUCCESS);
    auto x = Iota(3);
    Req w;
    ASSERT_EQ(nrta_tensor_write(am.x, x.data(), 0, kModelBytes, 0, 0, &w.ret, &w.seq), NRT_SUCCESS);
    ASSERT_EQ(nrt_execute(am.m, am.is, am.os), NRT_SUCCESS);
    gate.Release();
    EXPECT_EQ(w.Result(), NRT_SUCCESS);
  });
  auto f = Findings(err);
  ASSERT_EQ(f.size(), 1u) << err;
  EXPECT_TRUE(HasAll(f[0], {"[cross-unit-read-after-write]", "nrt_execute at ",
                            "(lnc 0, compute queue 0) reads tensor \"x\"", "nrta_tensor_write"}))
      << f[0];
}

// ... but not a pending execution on its own unit, which it waits behind.
TEST(ValidateHazard, SynchronousExecuteBehindAScheduledOneIsSilent) {
  std::string err = Validated("xu=compute,nth=1", [&](const HoldGate& gate) {
    AsyncModel am("async_scale", 0);
    ASSERT_EQ(am.m.status(), NRT_SUCCESS);
    Req e;
    ASSERT_EQ(nrta_execute_schedule(am.m, am.is, am.os, 0, &e.ret, &e.seq), NRT_SUCCESS);
    ASSERT_TRUE(gate.WaitHolding());
    std::thread release([&] { gate.Release(); });
    EXPECT_EQ(nrt_execute(am.m, am.is, am.os), NRT_SUCCESS);
    release.join();
    EXPECT_EQ(e.Result(), NRT_SUCCESS);
  });
  EXPECT_TRUE(Findings(err).empty()) << err;
}

// Many threads, each on its own logical core, make the same mistake at one call site: one line, counted in the
// summary. The same threads with the wait added report nothing.
namespace {
std::string ThreadsReadingPendingWrites(bool wait_for_write) {
  uint32_t cores = 0;
  return Validated("xu=tensor_op,queue=0", [&](const HoldGate& gate) {
    ASSERT_EQ(nrt_get_visible_nc_count(&cores), NRT_SUCCESS);
    ASSERT_GE(cores, 2u);
    std::vector<std::thread> threads;
    std::atomic<int> scheduled{0};
    for (uint32_t lnc = 0; lnc < cores; ++lnc) {
      threads.emplace_back([&, lnc] {
        Tensor t(static_cast<int>(lnc), 64, "per_core");
        std::vector<uint8_t> a(64, static_cast<uint8_t>(lnc)), b(64);
        Req w, r;
        EXPECT_EQ(nrta_tensor_write(t, a.data(), 0, 64, static_cast<int>(lnc), 0, &w.ret, &w.seq), NRT_SUCCESS);
        if (wait_for_write) {
          if (++scheduled == static_cast<int>(cores)) gate.Release();
          EXPECT_EQ(w.Result(), NRT_SUCCESS);
        }
        EXPECT_EQ(nrta_tensor_read(b.data(), t, 0, 64, static_cast<int>(lnc), 1, &r.ret, &r.seq), NRT_SUCCESS);
        if (!wait_for_write && ++scheduled == static_cast<int>(cores)) gate.Release();
        EXPECT_EQ(w.Result(), NRT_SUCCESS);
        EXPECT_EQ(r.Result(), NRT_SUCCESS);
      });
    }
    for (auto& th : threads) th.join();
  });
}
}  // namespace

TEST(ValidateHazard, ManyThreadsOneCallSiteIsOneLineWithACount) {
  std::string err = ThreadsReadingPendingWrites(false);
  auto f = Findings(err);
  ASSERT_EQ(f.size(), 1u) << err;
  EXPECT_TRUE(HasAll(f[0], {"[cross-unit-read-after-write]", "nrta_tensor_read at "})) << f[0];
  auto summary = LinesWith(err, {"nrt-validate:   [cross-unit-read-after-write] x"});
  ASSERT_EQ(summary.size(), 1u) << err;
  uint32_t cores = 0;
  // nrt_close ran: count the cores from the environment's default (4) instead of the runtime.
  EXPECT_EQ(nrt_get_visible_nc_count(&cores), NRT_SUCCESS);
  EXPECT_TRUE(HasAll(summary[0], {"x" + std::to_string(cores) + " at "})) << summary[0];
}

TEST(ValidateHazard, ManyThreadsThatWaitAreSilent) {
  std::string err = ThreadsReadingPendingWrites(true);
  EXPECT_TRUE(Findings(err).empty()) << err;
}

namespace {

// Storage, not handles, across units: a transfer on tensor-op queue 1 touching memory that a held transfer on
// queue 0 touches through another handle. `through_slice`: queue 0 writes tensor "whole" and queue 1 writes 32 bytes
// of its slice "upper" (bytes 64..128); otherwise queue 0 reads tensor "a" into a host buffer and queue 1 writes
// tensor "b" from that same buffer.
std::string AcrossQueuesByStorage(bool through_slice, bool wait_first) {
  return Validated("xu=tensor_op,lnc=0,queue=0,nth=1", [&](const HoldGate& gate) {
    Tensor whole(0, 128, "whole"), a(0, 64, "a"), b(0, 64, "b");
    std::vector<uint8_t> buf(128, 7);
    Req first, second;
    if (through_slice) {
      ASSERT_EQ(nrta_tensor_write(whole, buf.data(), 0, 128, 0, 0, &first.ret, &first.seq), NRT_SUCCESS);
    } else {
      ASSERT_EQ(nrta_tensor_read(buf.data(), a, 0, 64, 0, 0, &first.ret, &first.seq), NRT_SUCCESS);
    }
    if (wait_first) {
      gate.Release();
      ASSERT_EQ(first.Result(), NRT_SUCCESS);
    }
    nrt_tensor_t* upper = nullptr;
    if (through_slice) {
      ASSERT_EQ(nrt_tensor_allocate_slice(whole, 64, 64, "upper", &upper), NRT_SUCCESS);
      ASSERT_EQ(nrta_tensor_write(upper, buf.data(), 0, 32, 0, 1, &second.ret, &second.seq), NRT_SUCCESS);
    } else {
      ASSERT_EQ(nrta_tensor_write(b, buf.data(), 0, 64, 0, 1, &second.ret, &second.seq), NRT_SUCCESS);
    }
    gate.Release();
    EXPECT_EQ(first.Result(), NRT_SUCCESS);
    EXPECT_EQ(second.Result(), NRT_SUCCESS);
    nrt_tensor_free(&upper);
  });
}

}  // namespace

TEST(ValidateHazard, WriteThroughASliceOfAPendingWriteOnAnotherQueueIsWriteAfterWrite) {
  std::string err = AcrossQueuesByStorage(true, false);
  auto f = Findings(err);
  ASSERT_EQ(f.size(), 1u) << err;
  EXPECT_TRUE(HasAll(f[0], {"[cross-unit-write-after-write]",
                            "request seq 1 (lnc 0, tensor_op queue 1) writes tensor \"upper\" bytes [0, 32) (memory 0x",
                            "request seq 1 (lnc 0, tensor_op queue 0), nrta_tensor_write scheduled at ",
                            "writes tensor \"whole\" bytes [0, 128) (memory 0x"}))
      << f[0];
}

TEST(ValidateHazard, WriteThroughASliceAfterWaitingIsSilent) {
  std::string err = AcrossQueuesByStorage(true, true);
  EXPECT_TRUE(Findings(err).empty()) << err;
}

TEST(ValidateHazard, WritingFromAHostBufferAPendingReadFillsIsReadAfterWrite) {
  std::string err = AcrossQueuesByStorage(false, false);
  auto f = Findings(err);
  ASSERT_EQ(f.size(), 1u) << err;
  EXPECT_TRUE(HasAll(
      f[0],
      {"[cross-unit-read-after-write]", "request seq 1 (lnc 0, tensor_op queue 1) reads host buffer bytes [0, 64)",
       "request seq 1 (lnc 0, tensor_op queue 0), nrta_tensor_read scheduled at ", "writes host buffer bytes [0, 64)"}))
      << f[0];
}

TEST(ValidateHazard, WritingFromTheBufferAfterWaitingIsSilent) {
  std::string err = AcrossQueuesByStorage(false, true);
  EXPECT_TRUE(Findings(err).empty()) << err;
}

// README "Validation mode", before and after: the program there (an input write and the execution that reads it, on
// two units) prints exactly the finding, the summary and its per-site line; with the wait added, only the summary.
TEST(ValidateHazard, ReadmeBeforeAndAfterExample) {
  std::vector<std::string> before = LinesWith(WriteThenExecute(false), {"nrt-validate:"});
  ASSERT_EQ(before.size(), 3u) << ::testing::PrintToString(before);
  EXPECT_EQ(before[0].rfind("nrt-validate: [cross-unit-read-after-write] nrta_execute_schedule at ", 0), 0u)
      << before[0];
  EXPECT_TRUE(HasAll(
      before[0], {": request seq 1 (lnc 0, compute queue 0) reads tensor \"x\" bytes [0, 256) (memory 0x",
                  ") while request seq 1 (lnc 0, tensor_op queue 0), nrta_tensor_write scheduled at ",
                  ", still pending, writes tensor \"x\" bytes [0, 256) (memory 0x", "; wait for that request first"}))
      << before[0];
  EXPECT_EQ(before[1], "nrt-validate: summary: 1 finding(s) at 1 call site(s)");
  EXPECT_EQ(before[2].rfind("nrt-validate:   [cross-unit-read-after-write] x1 at ", 0), 0u) << before[2];
  std::vector<std::string> after = LinesWith(WriteThenExecute(true), {"nrt-validate:"});
  EXPECT_EQ(after, std::vector<std::string>{"nrt-validate: summary: no findings"});
}

namespace {

// Two executions on one input set (both held): between them the set's "x" is replaced by another tensor, then the
// new tensor is written on another unit, with or without waiting for the second execution first. The second
// execution reads the new tensor: whatever the footprint of an execution reuses of an earlier one on the same
// set (a binding, ranges computed at bind time) must follow the change, or this conflict goes unreported.
std::string WriteToAReplacedInput(bool wait_for_execution) {
  return Validated("xu=compute", [&](const HoldGate& gate) {
    AsyncModel am("async_scale", 0);
    ASSERT_EQ(am.m.status(), NRT_SUCCESS);
    Tensor x2(0, kModelBytes, "x_replaced");
    ASSERT_EQ(x2.status(), NRT_SUCCESS);
    static auto in = Iota(5);
    Req e1, e2, w;
    ASSERT_EQ(nrta_execute_schedule(am.m, am.is, am.os, 0, &e1.ret, &e1.seq), NRT_SUCCESS);
    ASSERT_EQ(am.is.Add("x", x2), NRT_SUCCESS);
    ASSERT_EQ(nrta_execute_schedule(am.m, am.is, am.os, 0, &e2.ret, &e2.seq), NRT_SUCCESS);
    if (wait_for_execution) {
      gate.Release();
      ASSERT_EQ(e2.Result(), NRT_SUCCESS);
    }
    ASSERT_EQ(nrta_tensor_write(x2, in.data(), 0, kModelBytes, 0, 0, &w.ret, &w.seq), NRT_SUCCESS);
    gate.Release();
    EXPECT_EQ(e1.Result(), NRT_SUCCESS);
    EXPECT_EQ(e2.Result(), NRT_SUCCESS);
    EXPECT_EQ(w.Result(), NRT_SUCCESS);
  });
}

}  // namespace

TEST(ValidateHazard, WritingATensorPutIntoABoundSetIsWriteAfterReadOfTheNextExecution) {
  std::string err = WriteToAReplacedInput(false);
  auto f = Findings(err);
  ASSERT_EQ(f.size(), 1u) << err;
  EXPECT_TRUE(HasAll(f[0], {"[cross-unit-write-after-read]", "nrta_tensor_write at ",
                            "request seq 1 (lnc 0, tensor_op queue 0) writes tensor \"x_replaced\" bytes [0, 256)",
                            "request seq 2 (lnc 0, compute queue 0), nrta_execute_schedule",
                            "reads tensor \"x_replaced\" bytes [0, 256)"}))
      << f[0];
}

TEST(ValidateHazard, WritingATensorPutIntoABoundSetAfterWaitingIsSilent) {
  std::string err = WriteToAReplacedInput(true);
  EXPECT_TRUE(Findings(err).empty()) << err;
}
