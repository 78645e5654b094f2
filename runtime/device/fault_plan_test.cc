#include "runtime/device/fault_plan.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "runtime/core/error.h"
#include "runtime/device/xu_id.h"

namespace nrtb {
namespace {

const uint16_t kCompute00 = MakeXuId(0, XuType::kCompute, 0);
const uint16_t kTensorOp01 = MakeXuId(0, XuType::kTensorOp, 1);
const uint16_t kTensorOp20 = MakeXuId(2, XuType::kTensorOp, 0);

// The message of the Error that parsing `spec` throws ("" when it parses).
std::string ParseError(const std::string& spec) {
  try {
    FaultPlan::Parse(spec);
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), NRT_INVALID) << spec;
    return e.what();
  }
  return "";
}

TEST(FaultPlan, EmptySpecIsAnEmptyPlan) {
  EXPECT_TRUE(FaultPlan::Parse("").empty());
  EXPECT_TRUE(FaultPlan::Parse(" ; ;").empty());
  EXPECT_FALSE(FaultPlan::Parse("nth=1").empty());
}

TEST(FaultPlan, RuleWithoutSelectorsMatchesEveryRequestWithTheDefaultStatus) {
  FaultPlan plan = FaultPlan::Parse("xu=any");
  for (uint64_t n : {1u, 2u, 1000u}) {
    auto f = plan.Match(kTensorOp20, n, "write");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->kind, FaultKind::kFail);
    EXPECT_EQ(f->status, NRT_EXEC_COMPLETED_WITH_ERR);
  }
}

TEST(FaultPlan, SelectorsNarrowTheUnitAndTheRequest) {
  FaultPlan plan = FaultPlan::Parse("xu=tensor_op,lnc=0,queue=1,nth=3,status=NRT_EXEC_OOB");
  EXPECT_FALSE(plan.Match(kTensorOp01, 2, "write"));
  auto f = plan.Match(kTensorOp01, 3, "write");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->status, NRT_EXEC_OOB);
  EXPECT_FALSE(plan.Match(kTensorOp20, 3, "write")) << "other lnc and queue";
  EXPECT_FALSE(plan.Match(kCompute00, 3, "model")) << "other unit type";
}

TEST(FaultPlan, MatchSelectsByLabel) {
  FaultPlan plan = FaultPlan::Parse("match=resnet");
  EXPECT_TRUE(plan.Match(kCompute00, 1, "resnet"));
  EXPECT_FALSE(plan.Match(kCompute00, 1, "bert"));
  EXPECT_FALSE(plan.Match(kCompute00, 1, nullptr));
}

TEST(FaultPlan, FirstMatchingRuleWins) {
  FaultPlan plan = FaultPlan::Parse("nth=2,status=NRT_TIMEOUT; xu=compute,status=NRT_EXEC_BAD_INPUT");
  EXPECT_EQ(plan.Match(kCompute00, 2, "m")->status, NRT_TIMEOUT);
  EXPECT_EQ(plan.Match(kCompute00, 3, "m")->status, NRT_EXEC_BAD_INPUT);
  EXPECT_FALSE(plan.Match(kTensorOp01, 3, "write"));
}

TEST(FaultPlan, StatusAcceptsNamesAndNumbers) {
  EXPECT_EQ(FaultPlan::Parse("status=NRT_QUEUE_FULL").Match(kCompute00, 1, "m")->status, NRT_QUEUE_FULL);
  const std::string numeric = "status=" + std::to_string(static_cast<int>(NRT_EXEC_OOB));
  EXPECT_EQ(FaultPlan::Parse(numeric).Match(kCompute00, 1, "m")->status, NRT_EXEC_OOB);
}

TEST(FaultPlan, ActionsSetKindAndDefaultStatus) {
  auto hang = FaultPlan::Parse("action=hang").Match(kCompute00, 1, "m");
  EXPECT_EQ(hang->kind, FaultKind::kHang);
  EXPECT_EQ(hang->status, NRT_TIMEOUT);
  auto fatal = FaultPlan::Parse("action=fatal").Match(kCompute00, 1, "m");
  EXPECT_EQ(fatal->kind, FaultKind::kFatal);
  EXPECT_EQ(fatal->status, NRT_EXEC_HW_ERR_NC_UE);
  auto fatal_status = FaultPlan::Parse("action=fatal,status=NRT_EXEC_OOB").Match(kCompute00, 1, "m");
  EXPECT_EQ(fatal_status->status, NRT_EXEC_OOB);
}

TEST(FaultPlan, ProbSelectsAReproducibleFractionBySeed) {
  FaultPlan a = FaultPlan::Parse("prob=0.25,seed=7"), b = FaultPlan::Parse("prob=0.25,seed=7"),
            c = FaultPlan::Parse("prob=0.25,seed=8");
  int hits = 0, differ = 0;
  for (uint64_t n = 1; n <= 4000; ++n) {
    bool ha = a.Match(kCompute00, n, "m").has_value();
    EXPECT_EQ(ha, b.Match(kCompute00, n, "m").has_value()) << n;
    hits += ha;
    differ += ha != c.Match(kCompute00, n, "m").has_value();
  }
  EXPECT_GT(hits, 800);  // 1000 expected; the bounds are ~7 standard deviations wide
  EXPECT_LT(hits, 1200);
  EXPECT_GT(differ, 0) << "another seed selects another subset";
  EXPECT_FALSE(FaultPlan::Parse("prob=0").Match(kCompute00, 1, "m"));
  EXPECT_TRUE(FaultPlan::Parse("prob=1").Match(kCompute00, 1, "m"));
}

TEST(FaultPlan, EveryRepeatsTheNthRequest) {
  FaultPlan plan = FaultPlan::Parse("nth=3,every=5,status=NRT_EXEC_OOB");
  std::vector<uint64_t> hit;
  for (uint64_t n = 1; n <= 20; ++n) {
    if (plan.Match(kCompute00, n, "m")) hit.push_back(n);
  }
  EXPECT_EQ(hit, (std::vector<uint64_t>{3, 8, 13, 18}));
  // Without nth: from the first request.
  FaultPlan from_first = FaultPlan::Parse("xu=tensor_op,every=4160,hold=/tmp/x");
  EXPECT_TRUE(from_first.Match(MakeXuId(0, XuType::kTensorOp, 1), 1, "write"));
  EXPECT_FALSE(from_first.Match(MakeXuId(0, XuType::kTensorOp, 1), 2, "write"));
  EXPECT_FALSE(from_first.Match(MakeXuId(0, XuType::kTensorOp, 1), 4160, "write"));
  EXPECT_TRUE(from_first.Match(MakeXuId(0, XuType::kTensorOp, 1), 4161, "write"));
  EXPECT_FALSE(from_first.Match(kCompute00, 1, "write"));
  // every=1 is every request from nth on.
  FaultPlan all = FaultPlan::Parse("nth=2,every=1");
  EXPECT_FALSE(all.Match(kCompute00, 1, "m"));
  EXPECT_TRUE(all.Match(kCompute00, 2, "m"));
  EXPECT_TRUE(all.Match(kCompute00, 3, "m"));
}

TEST(FaultPlan, HoldParsesWithOrWithoutAction) {
  for (const char* spec : {"nth=1,hold=/tmp/x", "nth=1,action=hold,hold=/tmp/x"}) {
    auto f = FaultPlan::Parse(spec).Match(kCompute00, 1, "m");
    ASSERT_TRUE(f) << spec;
    EXPECT_EQ(f->kind, FaultKind::kHold) << spec;
    EXPECT_EQ(f->status, NRT_SUCCESS) << spec;
    EXPECT_EQ(f->hold_path, "/tmp/x") << spec;
  }
}

TEST(FaultPlan, HoldIsReleasedWhenItsFileAppearsAndMarksWhenHeld) {
  std::string path = ::testing::TempDir() + "/fault_plan_hold_" + std::to_string(getpid());
  std::remove(path.c_str());
  std::remove((path + ".held").c_str());
  auto f = FaultPlan::Parse("hold=" + path).Match(kCompute00, 1, "m");
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->Released());
  f->MarkHeld();
  EXPECT_EQ(access((path + ".held").c_str(), F_OK), 0);
  std::FILE* file = std::fopen(path.c_str(), "w");
  ASSERT_NE(file, nullptr);
  std::fclose(file);
  EXPECT_TRUE(f->Released());
  std::remove(path.c_str());
  std::remove((path + ".held").c_str());
}

TEST(FaultPlan, BadRulesThrowInvalidNamingTheRule) {
  EXPECT_NE(ParseError("nth=1;nth").find("rule 2"), std::string::npos);
  EXPECT_NE(ParseError("xu=gpu").find("xu="), std::string::npos);
  EXPECT_NE(ParseError("colour=red").find("unknown key"), std::string::npos);
  EXPECT_NE(ParseError("status=NRT_SUCCESS").find("injects nothing"), std::string::npos);
  EXPECT_NE(ParseError("status=NOT_A_STATUS").find("status="), std::string::npos);
  EXPECT_NE(ParseError("action=explode").find("action="), std::string::npos);
  EXPECT_NE(ParseError("match=").find("match="), std::string::npos);
  EXPECT_NE(ParseError("action=hold").find("hold=PATH"), std::string::npos);
  EXPECT_NE(ParseError("hold=").find("hold="), std::string::npos);
  EXPECT_NE(ParseError("hold=/tmp/x,status=NRT_TIMEOUT").find("no effect"), std::string::npos);
  EXPECT_NE(ParseError("action=fail,hold=/tmp/x").find("action=hold only"), std::string::npos);
  for (const char* bad :
       {"nth=0", "nth=-1", "every=0", "every=x", "lnc=256", "queue=99", "prob=1.5", "prob=-0.1", "seed=x"}) {
    EXPECT_NE(ParseError(bad), "") << bad;
  }
}

}  // namespace
}  // namespace nrtb
