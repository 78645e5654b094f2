// Validation mode, host access racing device work: nrt_tensor_read of memory a pending request writes, and
// nrt_tensor_write / memset / copy / batches of memory a pending request reads or writes. Each buggy program
// sits beside its correct twin (the missing wait added), which must report nothing.
#include <vector>

#include "nrtest.h"
#include "validate_test_util.h"

using namespace nrtest;

namespace {

// Schedules async_scale on lnc 0 (held), then runs `host` on the model's tensors before (buggy) or after
// (correct) waiting for the execution. Returns stderr up to and including nrt_close.
template <typename Host>
std::string WithPendingExecution(bool wait_first, Host host) {
  HoldGate gate;
  ValidateHolding(gate, "xu=compute,lnc=0,nth=1");
  Runtime rt;
  EXPECT_EQ(rt.status(), NRT_SUCCESS);
  StderrCapture cap;
  {
    AsyncModel am("async_scale", 0);
    EXPECT_EQ(am.m.status(), NRT_SUCCESS);
    Req r;
    EXPECT_EQ(nrta_execute_schedule(am.m, am.is, am.os, 0, &r.ret, &r.seq), NRT_SUCCESS);
    if (wait_first) {
      gate.Release();
      EXPECT_EQ(r.Result(), NRT_SUCCESS);
    }
    host(am);
    gate.Release();
    EXPECT_EQ(r.Result(), NRT_SUCCESS);
  }
  rt.Close();
  return cap.Stop();
}

}  // namespace

TEST(ValidateHostAccess, ReadOfAPendingExecutionsOutputIsReported) {
  std::string err = WithPendingExecution(false, [](AsyncModel& am) {
    std::vector<float> y(kModelElems);
    EXPECT_EQ(nrt_tensor_read(am.y, y.data(), 0, kModelBytes), NRT_SUCCESS);
  });
  auto f = Findings(err);
  ASSERT_EQ(f.size(), 1u) << err;
  EXPECT_TRUE(
      HasAll(f[0], {"[host-read-racing-device-write]", "nrt_tensor_read at ", "reads tensor \"y\" bytes [0, 256)",
                    "seq 1 (lnc 0, compute queue 0), nrta_execute_schedule scheduled at", "writes tensor \"y\""}))
      << f[0];
  EXPECT_EQ(LinesWith(err, {"nrt-validate: summary: 1 finding(s) at 1 call site(s)"}).size(), 1u) << err;
}

TEST(ValidateHostAccess, ReadAfterWaitingIsSilent) {
  std::string err = WithPendingExecution(true, [](AsyncModel& am) {
    std::vector<float> y(kModelElems);
    EXPECT_EQ(nrt_tensor_read(am.y, y.data(), 0, kModelBytes), NRT_SUCCESS);
    EXPECT_EQ(y, ScaleRef(Iota(0)));
  });
  EXPECT_TRUE(Findings(err).empty()) << err;
  EXPECT_EQ(LinesWith(err, {"nrt-validate: summary: no findings"}).size(), 1u) << err;
}

// Reading what a pending request only reads is no race.
TEST(ValidateHostAccess, ReadOfAPendingExecutionsInputIsSilent) {
  std::string err = WithPendingExecution(false, [](AsyncModel& am) {
    std::vector<float> x(kModelElems);
    EXPECT_EQ(nrt_tensor_read(am.x, x.data(), 0, kModelBytes), NRT_SUCCESS);
  });
  EXPECT_TRUE(Findings(err).empty()) << err;
}

TEST(ValidateHostAccess, WriteOfAPendingExecutionsInputIsReported) {
  std::string err = WithPendingExecution(false, [](AsyncModel& am) {
    auto x = Iota(7);
    EXPECT_EQ(nrt_tensor_write(am.x, x.data(), 0, kModelBytes), NRT_SUCCESS);
  });
  auto f = Findings(err);
  ASSERT_EQ(f.size(), 1u) << err;
  EXPECT_TRUE(HasAll(f[0], {"[host-write-racing-device-access]", "nrt_tensor_write at ", "writes tensor \"x\"",
                            "nrta_execute_schedule", "reads tensor \"x\""}))
      << f[0];
}

TEST(ValidateHostAccess, WriteAfterWaitingIsSilent) {
  std::string err = WithPendingExecution(true, [](AsyncModel& am) {
    auto x = Iota(7);
    EXPECT_EQ(nrt_tensor_write(am.x, x.data(), 0, kModelBytes), NRT_SUCCESS);
  });
  EXPECT_TRUE(Findings(err).empty()) << err;
}

// By storage range: a slice of the output, made after scheduling, races as the output does; a slice of another
// part of the same memory does not.
TEST(ValidateHostAccess, MemsetOfASliceOfAPendingOutputIsReported) {
  std::string err = WithPendingExecution(false, [](AsyncModel& am) {
    nrt_tensor_t* slice = nullptr;
    ASSERT_EQ(nrt_tensor_allocate_slice(am.y, 64, 32, "y_part", &slice), NRT_SUCCESS);
    EXPECT_EQ(nrt_tensor_memset(slice, 0, 0, 32), NRT_SUCCESS);
    nrt_tensor_free(&slice);
  });
  auto f = Findings(err);
  ASSERT_EQ(f.size(), 1u) << err;
  EXPECT_TRUE(HasAll(f[0], {"[host-write-racing-device-access]", "nrt_tensor_memset", "tensor \"y_part\" bytes [0, 32)",
                            "writes tensor \"y\" bytes [0, 256)"}))
      << f[0];
}

TEST(ValidateHostAccess, MemsetOfASliceAfterWaitingIsSilent) {
  std::string err = WithPendingExecution(true, [](AsyncModel& am) {
    nrt_tensor_t* slice = nullptr;
    ASSERT_EQ(nrt_tensor_allocate_slice(am.y, 64, 32, "y_part", &slice), NRT_SUCCESS);
    EXPECT_EQ(nrt_tensor_memset(slice, 0, 0, 32), NRT_SUCCESS);
    nrt_tensor_free(&slice);
  });
  EXPECT_TRUE(Findings(err).empty()) << err;
}

TEST(ValidateHostAccess, CopyIntoAPendingInputIsReported) {
  std::string err = WithPendingExecution(false, [](AsyncModel& am) {
    Tensor src(0, kModelBytes, "src");
    EXPECT_EQ(nrt_tensor_copy(src, 0, am.x, 0, kModelBytes), NRT_SUCCESS);
  });
  auto f = Findings(err);
  ASSERT_EQ(f.size(), 1u) << err;
  EXPECT_TRUE(HasAll(f[0], {"[host-write-racing-device-access]", "nrt_tensor_copy", "writes tensor \"x\""})) << f[0];
}

TEST(ValidateHostAccess, CopyFromAPendingOutputIsReported) {
  std::string err = WithPendingExecution(false, [](AsyncModel& am) {
    Tensor dst(0, kModelBytes, "dst");
    EXPECT_EQ(nrt_tensor_copy(am.y, 0, dst, 0, kModelBytes), NRT_SUCCESS);
  });
  auto f = Findings(err);
  ASSERT_EQ(f.size(), 1u) << err;
  EXPECT_TRUE(HasAll(f[0], {"[host-read-racing-device-write]", "nrt_tensor_copy", "reads tensor \"y\""})) << f[0];
}

TEST(ValidateHostAccess, CopyAfterWaitingIsSilent) {
  std::string err = WithPendingExecution(true, [](AsyncModel& am) {
    Tensor dst(0, kModelBytes, "dst");
    EXPECT_EQ(nrt_tensor_copy(am.y, 0, dst, 0, kModelBytes), NRT_SUCCESS);
    EXPECT_EQ(nrt_tensor_copy(dst, 0, am.x, 0, kModelBytes), NRT_SUCCESS);
  });
  EXPECT_TRUE(Findings(err).empty()) << err;
}

TEST(ValidateHostAccess, ReadBatchOfAPendingOutputIsReported) {
  std::string err = WithPendingExecution(false, [](AsyncModel& am) {
    std::vector<float> a(4), b(4);
    nrt_tensor_batch_op_t ops[2] = {{0, 16, a.data()}, {128, 16, b.data()}};
    nrt_tensor_batch_t batch{am.y, ops, 2};
    EXPECT_EQ(nrt_tensor_read_batch(&batch, 1, false), NRT_SUCCESS);
  });
  auto f = Findings(err);
  ASSERT_EQ(f.size(), 1u) << err;
  EXPECT_TRUE(
      HasAll(f[0], {"[host-read-racing-device-write]", "nrt_tensor_read_batch", "reads tensor \"y\" bytes [0, 16)"}))
      << f[0];
}

TEST(ValidateHostAccess, WriteBatchOfAPendingInputIsReported) {
  std::string err = WithPendingExecution(false, [](AsyncModel& am) {
    std::vector<float> a(4, 1.0f);
    nrt_tensor_batch_op_t op{32, 16, a.data()};
    nrt_tensor_batch_t batch{am.x, &op, 1};
    EXPECT_EQ(nrt_tensor_write_batch(&batch, 1, false), NRT_SUCCESS);
  });
  auto f = Findings(err);
  ASSERT_EQ(f.size(), 1u) << err;
  EXPECT_TRUE(HasAll(
      f[0], {"[host-write-racing-device-access]", "nrt_tensor_write_batch", "writes tensor \"x\" bytes [32, 48)"}))
      << f[0];
}

TEST(ValidateHostAccess, BatchesAfterWaitingAreSilent) {
  std::string err = WithPendingExecution(true, [](AsyncModel& am) {
    std::vector<float> a(4, 1.0f);
    nrt_tensor_batch_op_t op{32, 16, a.data()};
    nrt_tensor_batch_t in{am.x, &op, 1}, out{am.y, &op, 1};
    EXPECT_EQ(nrt_tensor_write_batch(&in, 1, false), NRT_SUCCESS);
    EXPECT_EQ(nrt_tensor_read_batch(&out, 1, false), NRT_SUCCESS);
  });
  EXPECT_TRUE(Findings(err).empty()) << err;
}

namespace {

// Two tensors attached to one host buffer; a write to the first is pending on tensor_op queue 0 (held) while
// the host reads [read_offset, read_offset + 64) of the second.
std::string AttachedAliasRead(uint64_t read_offset) {
  HoldGate gate;
  ValidateHolding(gate, "xu=tensor_op,queue=0,nth=1");
  Runtime rt;
  EXPECT_EQ(rt.status(), NRT_SUCCESS);
  StderrCapture cap;
  {
    std::vector<uint8_t> memory(256), data(64, 0x5A), got(64);
    nrt_tensor_t *a = nullptr, *b = nullptr;
    EXPECT_EQ(nrt_tensor_allocate_empty("a", &a), NRT_SUCCESS);
    EXPECT_EQ(nrt_tensor_allocate_empty("b", &b), NRT_SUCCESS);
    EXPECT_EQ(nrt_tensor_attach_buffer(a, memory.data(), 128), NRT_SUCCESS);
    EXPECT_EQ(nrt_tensor_attach_buffer(b, memory.data(), 256), NRT_SUCCESS);
    Req w;
    EXPECT_EQ(nrta_tensor_write(a, data.data(), 0, 64, 0, 0, &w.ret, &w.seq), NRT_SUCCESS);
    EXPECT_EQ(nrt_tensor_read(b, got.data(), read_offset, 64), NRT_SUCCESS);
    gate.Release();
    EXPECT_EQ(w.Result(), NRT_SUCCESS);
    nrt_tensor_free(&a);
    nrt_tensor_free(&b);
  }
  rt.Close();
  return cap.Stop();
}

}  // namespace

TEST(ValidateHostAccess, ReadThroughAnotherTensorOnTheSameAttachedBufferIsReported) {
  std::string err = AttachedAliasRead(32);
  auto f = Findings(err);
  ASSERT_EQ(f.size(), 1u) << err;
  EXPECT_TRUE(
      HasAll(f[0], {"[host-read-racing-device-write]", "reads tensor \"b\" bytes [32, 96)",
                    "seq 1 (lnc 0, tensor_op queue 0), nrta_tensor_write", "writes tensor \"a\" bytes [0, 64)"}))
      << f[0];
}

TEST(ValidateHostAccess, ReadOfADisjointRangeOfTheSameAttachedBufferIsSilent) {
  std::string err = AttachedAliasRead(64);
  EXPECT_TRUE(Findings(err).empty()) << err;
}
