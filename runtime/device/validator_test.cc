// Unit tests of validation mode's checker (Validator) on execution units of all three types, with requests held
// by a Gate so "pending" is a state, not a timing.
#include "runtime/device/validator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "runtime/device/storage.h"
#include "runtime/device/tensor.h"
#include "runtime/device/test_work.h"
#include "runtime/device/xu_id.h"

namespace nrtb {
namespace {

using testing::Gate;
using testing::LambdaWork;

class ValidatorTest : public ::testing::Test {
 protected:
  ValidatorTest() : v_(false, [this](const std::string& line) { lines_.push_back(line); }) {}
  ~ValidatorTest() override {
    gate_.Open();
    for (auto& u : units_) u->Shutdown();
  }

  ExecUnit& Unit(XuType type, uint32_t queue, uint32_t lnc = 0) {
    units_.push_back(std::make_unique<ExecUnit>(MakeXuId(lnc, type, queue), UnitContext{}));
    return *units_.back();
  }
  // Submits a request held until gate_ opens; returns its sequence id.
  uint64_t Held(ExecUnit& u) {
    std::unique_ptr<Work> w = std::make_unique<LambdaWork>([this] {
      gate_.Wait();
      return NRT_SUCCESS;
    });
    uint64_t seq = 0;
    EXPECT_EQ(u.Submit(w, nullptr, &seq), NRT_SUCCESS);
    return seq;
  }
  // Registers a held request on u that touches `t` (write or read), with status slot ret.
  // `site` stands for the call site (findings are reported once per check and site).
  uint64_t Schedule(ExecUnit& u, const TensorRef& t, bool write, NRT_STATUS* ret = nullptr,
                    const void* site = nullptr) {
    RequestFootprint r("test_schedule", site);
    if (write) {
      r.Write(*t, 0, t->size());
    } else {
      r.Read(*t, 0, t->size());
    }
    uint64_t seq = Held(u);
    v_.OnScheduled(std::move(r), u, seq, ret);
    return seq;
  }
  // As Schedule (a write of all of t), but the request completes as soon as it runs: no gate.
  uint64_t ScheduleDone(ExecUnit& u, const TensorRef& t, NRT_STATUS* ret, const void* site = nullptr) {
    RequestFootprint r("test_schedule", site);
    r.Write(*t, 0, t->size());
    std::unique_ptr<Work> w = std::make_unique<LambdaWork>([] { return NRT_SUCCESS; });
    uint64_t seq = 0;
    EXPECT_EQ(u.Submit(w, nullptr, &seq), NRT_SUCCESS);
    v_.OnScheduled(std::move(r), u, seq, ret);
    return seq;
  }
  static TensorRef HostTensor(const char* name, size_t size = 64) {
    return MakeTensor(name, Placement::kHost, -1, Storage::Allocate(size, nullptr), size);
  }
  std::vector<std::string> FindingsWith(const std::string& needle) const {
    std::vector<std::string> out;
    for (const auto& l : lines_) {
      if (l.rfind("nrt-validate: [", 0) == 0 && l.find(needle) != std::string::npos) out.push_back(l);
    }
    return out;
  }
  size_t FindingCount() const { return FindingsWith("").size(); }

  Gate gate_;
  std::vector<std::string> lines_;
  Validator v_;
  std::vector<std::unique_ptr<ExecUnit>> units_;  // after v_: shut down (in the destructor body) before it goes
};

TEST_F(ValidatorTest, EveryPairOfUnitTypesIsCheckedBothWays) {
  const XuType types[] = {XuType::kTensorOp, XuType::kCompute, XuType::kCollectives};
  char sites[6];
  // Every pair's tensor stays alive: a freed one's memory could come back as the next pair's, which the earlier
  // pairs' still-pending requests would then alias.
  std::vector<TensorRef> tensors;
  int pairs = 0;
  for (XuType a : types) {
    for (XuType b : types) {
      if (a == b) continue;
      lines_.clear();
      TensorRef t = tensors.emplace_back(HostTensor("shared"));
      ExecUnit& writer = Unit(a, 0, static_cast<uint32_t>(pairs));
      ExecUnit& reader = Unit(b, 0, static_cast<uint32_t>(pairs));
      Schedule(writer, t, true);
      Schedule(reader, t, false, nullptr, &sites[pairs]);
      auto f = FindingsWith("[cross-unit-read-after-write]");
      ASSERT_EQ(f.size(), 1u) << XuTypeName(a) << " -> " << XuTypeName(b);
      EXPECT_NE(f[0].find(std::string(XuTypeName(a)) + " queue 0"), std::string::npos) << f[0];
      EXPECT_NE(f[0].find(std::string(XuTypeName(b)) + " queue 0"), std::string::npos) << f[0];
      ++pairs;
    }
  }
  EXPECT_EQ(pairs, 6);
}

TEST_F(ValidatorTest, OneUnitIsOrdered) {
  TensorRef t = HostTensor("t");
  ExecUnit& u = Unit(XuType::kCollectives, 2);
  Schedule(u, t, true);
  Schedule(u, t, false);
  Schedule(u, t, true);
  EXPECT_EQ(FindingCount(), 0u);
}

TEST_F(ValidatorTest, ReadsOfReadsAreNoHazard) {
  TensorRef t = HostTensor("t");
  Schedule(Unit(XuType::kTensorOp, 0), t, false);
  Schedule(Unit(XuType::kTensorOp, 1), t, false);
  RequestFootprint host("host_read", nullptr);
  host.Read(*t, 0, 64);
  v_.OnHostAccess(host);
  EXPECT_EQ(FindingCount(), 0u);
}

TEST_F(ValidatorTest, KindsFollowWhoWrites) {
  TensorRef a = HostTensor("a"), b = HostTensor("b");
  ExecUnit& q0 = Unit(XuType::kTensorOp, 0);
  ExecUnit& q1 = Unit(XuType::kTensorOp, 1);
  Schedule(q0, a, false);  // pending read of a
  Schedule(q0, b, true);   // pending write of b
  Schedule(q1, a, true);   // write after read
  Schedule(q1, b, true);   // write after write
  EXPECT_EQ(FindingsWith("[cross-unit-write-after-read]").size(), 1u);
  EXPECT_EQ(FindingsWith("[cross-unit-write-after-write]").size(), 1u);
  EXPECT_EQ(FindingCount(), 2u);
}

TEST_F(ValidatorTest, ACompletedRequestIsNoLongerPending) {
  TensorRef t = HostTensor("t");
  ExecUnit& q0 = Unit(XuType::kTensorOp, 0);
  NRT_STATUS ret;
  uint64_t seq = Schedule(q0, t, true, &ret);
  gate_.Open();
  q0.WaitCompleted(SeqNum(seq));
  RequestFootprint host("host_write", nullptr);
  host.Write(*t, 0, 64);
  v_.OnHostAccess(host);
  Schedule(Unit(XuType::kCompute, 0), t, false, &ret);  // same slot, same memory: both fine now
  EXPECT_EQ(FindingCount(), 0u);
}

TEST_F(ValidatorTest, ByteRangesNotHandles) {
  TensorRef t = HostTensor("whole", 128);
  TensorRef low = MakeSlice(*t, 0, 64, "low");
  TensorRef high = MakeSlice(*t, 64, 64, "high");
  ExecUnit& q0 = Unit(XuType::kTensorOp, 0);
  ExecUnit& q1 = Unit(XuType::kTensorOp, 1);
  Schedule(q0, low, true);
  Schedule(q1, high, true);  // disjoint: no hazard
  EXPECT_EQ(FindingCount(), 0u);
  RequestFootprint host("host_read", nullptr);
  host.Read(*t, 60, 8);  // straddles both halves: the first conflict found is reported, once
  v_.OnHostAccess(host);
  auto f = FindingsWith("[host-read-racing-device-write]");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].find("tensor \"whole\" bytes [60, 68)"), std::string::npos) << f[0];
}

// A pending request writing two far-apart ranges: its bounds span the gap, so a read in the gap gets the full
// comparison (and no finding), a read of the second range a finding.
TEST_F(ValidatorTest, ScanBoundsSkipNothingThatOverlaps) {
  TensorRef t = HostTensor("whole", 4096);
  ExecUnit& u = Unit(XuType::kTensorOp, 0);
  RequestFootprint r("test_schedule", nullptr);
  r.Write(*t, 0, 8).Write(*t, 4000, 8).ReadHost(&u, 1);
  v_.OnScheduled(std::move(r), u, Held(u), nullptr);
  RequestFootprint gap("host_read", nullptr);
  gap.Read(*t, 1000, 8);
  v_.OnHostAccess(gap);
  EXPECT_EQ(FindingCount(), 0u);
  RequestFootprint second("host_read", nullptr);
  second.Read(*t, 4004, 2);
  v_.OnHostAccess(second);
  auto f = FindingsWith("[host-read-racing-device-write]");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].find("tensor \"whole\" bytes [4004, 4006)"), std::string::npos) << f[0];
  // Reads of what it only reads are no hazard, however the bounds lie.
  RequestFootprint reader("host_read", nullptr);
  reader.ReadHost(&u, 1);
  v_.OnHostAccess(reader);
  EXPECT_EQ(FindingCount(), 1u);
}

// Pending requests on one unit writing many distinct slices: the unit's range index finds the one a host read
// meets among them, passes over the unit for a read of other memory, and forgets the slices once they completed.
TEST_F(ValidatorTest, RangeIndexFindsTheOnePendingWriteAmongMany) {
  TensorRef t = HostTensor("whole", 64 * 128), other = HostTensor("other");
  ExecUnit& u = Unit(XuType::kCompute, 0);
  std::vector<TensorRef> slices;
  for (int i = 0; i < 63; ++i) {
    slices.push_back(MakeSlice(*t, 128 * i, 64, ("s" + std::to_string(i)).c_str()));  // every other 64 bytes
    Schedule(u, slices.back(), true);
  }
  RequestFootprint gap("host_read", nullptr);
  gap.Read(*t, 128 * 40 + 64, 64);  // between two written slices
  v_.OnHostAccess(gap);
  RequestFootprint elsewhere("host_read", nullptr);
  elsewhere.Read(*other, 0, 64);
  v_.OnHostAccess(elsewhere);
  EXPECT_EQ(FindingCount(), 0u) << ::testing::PrintToString(lines_);
  RequestFootprint hit("host_read", nullptr);
  hit.Read(*t, 128 * 40 + 60, 8);  // the end of slice 40 and the gap after it
  v_.OnHostAccess(hit);
  auto f = FindingsWith("[host-read-racing-device-write]");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].find("request seq 41 (lnc 0, compute queue 0)"), std::string::npos) << f[0];
  EXPECT_NE(f[0].find("writes tensor \"s40\" bytes [0, 64)"), std::string::npos) << f[0];
  gate_.Open();
  u.WaitCompleted(63);
  lines_.clear();
  RequestFootprint after("host_read_after", nullptr);
  after.Read(*t, 0, t->size());
  v_.OnHostAccess(after);
  EXPECT_EQ(FindingCount(), 0u) << ::testing::PrintToString(lines_);
}

// A host access that runs in order behind a unit's requests (nrt_all_gather on its collectives queue) races only
// the other units' requests, and is reported as a host access.
TEST_F(ValidatorTest, AHostAccessOrderedBehindAUnitIsNotCheckedAgainstIt) {
  TensorRef t = HostTensor("t");
  ExecUnit& cc = Unit(XuType::kCollectives, 0);
  ExecUnit& op = Unit(XuType::kTensorOp, 0);
  Schedule(cc, t, true);
  RequestFootprint read("host_read", nullptr);
  read.Read(*t, 0, 8);
  v_.OnHostAccess(read, &cc);
  EXPECT_EQ(FindingCount(), 0u) << ::testing::PrintToString(lines_);
  Schedule(op, t, true);
  v_.OnHostAccess(read, &cc);
  auto f = FindingsWith("[host-read-racing-device-write]");
  ASSERT_EQ(f.size(), 1u) << ::testing::PrintToString(lines_);
  EXPECT_NE(f[0].find("the host reads tensor \"t\" bytes [0, 8)"), std::string::npos) << f[0];
  EXPECT_NE(f[0].find("request seq 1 (lnc 0, tensor_op queue 0)"), std::string::npos) << f[0];
}

TEST_F(ValidatorTest, StatusSlotReuseNamesBothRequests) {
  TensorRef a = HostTensor("a"), b = HostTensor("b");
  NRT_STATUS ret;
  Schedule(Unit(XuType::kCompute, 0), a, true, &ret);
  Schedule(Unit(XuType::kTensorOp, 1), b, true, &ret);
  auto f = FindingsWith("[status-slot-reused-while-pending]");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].find("request seq 1 (lnc 0, tensor_op queue 1)"), std::string::npos) << f[0];
  EXPECT_NE(f[0].find("of request seq 1 (lnc 0, compute queue 0)"), std::string::npos) << f[0];
}

// Many slots at once (the slot table grows several times), reuse of some while pending, then of all after completion
// (their entries stay in the table, completed, and are found in any probe order). Units hold at most 64 requests: 4
// units of 50.
TEST_F(ValidatorTest, StatusSlotsOfManyRequestsAreTrackedUntilCompletion) {
  constexpr int kUnits = 4, kPerUnit = 50, kN = kUnits * kPerUnit;
  TensorRef b = HostTensor("b");
  std::vector<ExecUnit*> held;
  std::vector<TensorRef> a;  // one per held unit: no cross-unit hazard, only the slots
  for (int u = 0; u < kUnits; ++u) {
    held.push_back(&Unit(XuType::kCollectives, static_cast<uint32_t>(u % 3), u / 3));
    a.push_back(HostTensor("a"));
  }
  ExecUnit& other = Unit(XuType::kTensorOp, 0);
  std::vector<NRT_STATUS> rets(kN);
  char sites[kN];
  for (int i = 0; i < kN; ++i) Schedule(*held[i / kPerUnit], a[i / kPerUnit], true, &rets[i]);
  for (int i : {0, 7, 150, kN - 1}) Schedule(other, b, true, &rets[i], &sites[i]);
  EXPECT_EQ(FindingsWith("[status-slot-reused-while-pending]").size(), 4u);
  EXPECT_EQ(FindingCount(), 4u) << ::testing::PrintToString(lines_);
  gate_.Open();
  for (ExecUnit* u : held) u->WaitCompleted(kPerUnit);
  other.WaitCompleted(4);
  lines_.clear();
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < kPerUnit; ++i) {
      Schedule(other, b, true, &rets[round * kPerUnit + i], &sites[i]);
      Schedule(*held[0], a[0], true, &rets[kN - 1 - round * kPerUnit - i], &sites[i]);
    }
    other.WaitCompleted(4 + (round + 1) * kPerUnit);
    held[0]->WaitCompleted((round + 2) * kPerUnit);
  }
  EXPECT_EQ(FindingCount(), 0u);
}

// A completed request's status slot stays in the table (it counts as free) until the table would grow; thousands
// of distinct slots later, swept many times, the table is still small, a slot reused after completion is not
// reported and one whose request is still pending is, on its own unit and on others.
TEST_F(ValidatorTest, ASlotOfAPendingRequestIsReportedAfterThousandsOfOtherSlotsAndSweeps) {
  TensorRef ta = HostTensor("a"), tb = HostTensor("b"), tc = HostTensor("c");
  ExecUnit& held = Unit(XuType::kTensorOp, 0);
  ExecUnit& busy = Unit(XuType::kCompute, 0);
  ExecUnit& other = Unit(XuType::kTensorOp, 1);
  NRT_STATUS kept;
  Schedule(held, ta, true, &kept);           // pending until gate_ opens
  constexpr int kSlots = 3000, kBatch = 50;  // units hold at most 64 requests
  std::vector<NRT_STATUS> rets(kSlots);
  size_t max_capacity = 0;
  for (int i = 0; i < kSlots; ++i) {
    const uint64_t seq = ScheduleDone(busy, tb, &rets[i]);
    if (i % kBatch == kBatch - 1) busy.WaitCompleted(SeqNum(seq));
    max_capacity = std::max(max_capacity, v_.status_slots().capacity());
  }
  // At most kBatch + 1 pending at a sweep: the table never needs more than 8 entries per pending request.
  EXPECT_LE(max_capacity, 512u);
  EXPECT_EQ(FindingCount(), 0u);
  char sites[3];
  ScheduleDone(other, tc, &rets[0], &sites[0]);  // completed long ago: free
  EXPECT_EQ(FindingCount(), 0u);
  Schedule(other, tc, true, &kept, &sites[1]);
  Schedule(held, ta, true, &kept, &sites[2]);  // the second request given it is pending too, on the first's unit
  auto f = FindingsWith("[status-slot-reused-while-pending]");
  ASSERT_EQ(f.size(), 2u) << ::testing::PrintToString(lines_);
  EXPECT_NE(f[0].find("request seq 2 (lnc 0, tensor_op queue 1) was given NRT_STATUS slot"), std::string::npos) << f[0];
  EXPECT_NE(f[0].find("of request seq 1 (lnc 0, tensor_op queue 0)"), std::string::npos) << f[0];
  EXPECT_NE(f[1].find("of request seq 2 (lnc 0, tensor_op queue 1)"), std::string::npos) << f[1];
  EXPECT_EQ(FindingCount(), 2u);
  gate_.Open();
  held.WaitCompleted(2);
  other.WaitCompleted(2);
  lines_.clear();
  ScheduleDone(busy, tb, &kept, &sites[0]);  // all its previous requests completed
  EXPECT_EQ(FindingCount(), 0u);
}

// Validator::Schedule (the API's path) describes a request into a reserved slot of its unit's list: a call whose
// submit fails registers nothing, and the next call reuses the slot with a footprint of its own (here one long
// enough to move to the heap).
TEST_F(ValidatorTest, AScheduleThatFailsRegistersNothingAndTheNextOneReusesItsSlot) {
  ExecUnit& a = Unit(XuType::kTensorOp, 0);
  ExecUnit& b = Unit(XuType::kTensorOp, 1);
  TensorRef failed = HostTensor("failed"), kept = HostTensor("kept");
  std::vector<TensorRef> inputs;
  for (int i = 0; i < 5; ++i) inputs.push_back(HostTensor("input"));
  uint64_t seq = 0;
  for (NRT_STATUS st : {NRT_QUEUE_FULL, NRT_INVALID}) {
    EXPECT_EQ(v_.Schedule(
                  "test_schedule", nullptr, a, nullptr, &seq,
                  [&](RequestFootprint& r) { r.Write(*failed, 0, failed->size()); }, [&] { return st; }),
              st);
  }
  Schedule(b, failed, false);  // reads what the calls that failed would have written: nothing is pending there
  EXPECT_EQ(FindingCount(), 0u);
  EXPECT_EQ(v_.Schedule(
                "test_schedule", nullptr, a, nullptr, &seq,
                [&](RequestFootprint& r) {
                  for (const TensorRef& t : inputs) r.Read(*t, 0, t->size());
                  r.Write(*kept, 0, kept->size());
                },
                [&] {
                  seq = Held(a);
                  return NRT_SUCCESS;
                }),
            NRT_SUCCESS);
  EXPECT_EQ(FindingCount(), 0u);
  Schedule(b, kept, false);
  EXPECT_EQ(FindingsWith("reads tensor \"kept\"").size(), 1u);
  EXPECT_EQ(FindingCount(), 1u);
}

TEST_F(ValidatorTest, LongTensorNamesAreCutInFindings) {
  const std::string name(60, 'x');
  TensorRef t = MakeTensor(name + "END", Placement::kHost, -1, Storage::Allocate(64, nullptr), 64);
  Schedule(Unit(XuType::kTensorOp, 0), t, true);
  RequestFootprint host("host_read", nullptr);
  host.Read(*t, 0, 4);
  v_.OnHostAccess(host);
  auto f = FindingsWith("[host-read-racing-device-write]");
  ASSERT_EQ(f.size(), 1u);
  const std::string cut = "tensor \"" + std::string(MemoryAccess::kNameSize - 4, 'x') + "...\" bytes [0, 4)";
  EXPECT_NE(f[0].find(cut), std::string::npos) << f[0];
  EXPECT_EQ(f[0].find("END"), std::string::npos) << f[0];
}

// Names are copied by a fixed 16-byte move below 16 characters, by length up to the field's size, cut above it:
// each length at the edges comes out whole (the pending request's name is the one in the finding).
TEST_F(ValidatorTest, TensorNamesOfEveryLengthUpToTheFieldAreNamedWhole) {
  std::vector<TensorRef> tensors;  // alive until the end: a freed one's memory could come back for the next
  char sites[8];
  int i = 0;
  for (size_t length : {size_t{0}, size_t{1}, size_t{15}, size_t{16}, size_t{17}, MemoryAccess::kNameSize - 1}) {
    std::string name;
    for (size_t k = 0; k < length; ++k) name += static_cast<char>('a' + (k + length) % 26);
    TensorRef t = tensors.emplace_back(MakeTensor(name, Placement::kHost, -1, Storage::Allocate(64, nullptr), 64));
    Schedule(Unit(XuType::kTensorOp, 0, static_cast<uint32_t>(i)), t, true);
    RequestFootprint host("host_read", &sites[i]);
    host.Read(*t, 0, 4);
    v_.OnHostAccess(host);
    auto f = FindingsWith("tensor \"" + name + "\" bytes [0, 4)");
    EXPECT_EQ(f.size(), 1u) << "length " << length << ": " << ::testing::PrintToString(lines_);
    ++i;
  }
  EXPECT_EQ(FindingCount(), 6u);
}

TEST_F(ValidatorTest, QueueFullSpinNeedsTheLimitWithoutACompletion) {
  ExecUnit& u = Unit(XuType::kCompute, 0);
  Held(u);
  RequestFootprint r("test_schedule", nullptr);
  for (uint64_t i = 0; i + 1 < Validator::kQueueFullSpinLimit; ++i) v_.OnQueueFull(r, u);
  EXPECT_EQ(FindingCount(), 0u);
  v_.OnQueueFull(r, u);
  EXPECT_EQ(FindingsWith("[queue-full-spin]").size(), 1u);
  // A completion starts a new run.
  lines_.clear();
  gate_.Open();
  u.WaitCompleted(1);
  for (uint64_t i = 0; i + 1 < Validator::kQueueFullSpinLimit; ++i) v_.OnQueueFull(r, u);
  EXPECT_EQ(FindingCount(), 0u);
}

TEST_F(ValidatorTest, ReleaseOfAnObjectAPendingRequestUses) {
  TensorRef t = HostTensor("t");
  ExecUnit& u = Unit(XuType::kTensorOp, 0);
  Schedule(u, t, true);
  Schedule(u, t, false);
  int other = 0;
  v_.OnRelease(Check::kTensorFreed, "test_free", nullptr, &other, "something else");
  EXPECT_EQ(FindingCount(), 0u);
  v_.OnRelease(Check::kTensorFreed, "test_free", nullptr, t.get(), "tensor \"t\"");
  auto f = FindingsWith("[tensor-freed-while-pending]");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].find("used by 2 pending request(s), first seq 1 (lnc 0, tensor_op queue 0)"), std::string::npos)
      << f[0];
}

TEST_F(ValidatorTest, CloseReportsPendingRequestsThenTheSummary) {
  TensorRef t = HostTensor("t");
  Schedule(Unit(XuType::kTensorOp, 0), t, true);
  v_.OnClose(nullptr);
  ASSERT_EQ(lines_.size(), 3u);
  EXPECT_NE(lines_[0].find("[closed-while-pending]"), std::string::npos) << lines_[0];
  EXPECT_EQ(lines_[1], "nrt-validate: summary: 1 finding(s) at 1 call site(s)");
  EXPECT_EQ(lines_[2], "nrt-validate:   [closed-while-pending] x1 at unknown call site");
}

}  // namespace
}  // namespace nrtb
