// Under AddressSanitizer the simulated device memory is poisoned wherever no live tensor owns it
// (runtime/device/asan_poison.h), so a host overrun through nrt_tensor_get_va is reported as it would be for a
// heap buffer — the bug that on hardware silently corrupts the neighbouring tensor. Each case runs in a child
// (AsanTensorBoundsChild.Access) because the report ends the process. Without ASan there is nothing to see: skipped.
#include "nrtest.h"
#include "nrtest/sanitizers.h"

using namespace nrtest;

namespace {

// One access through the tensor's virtual address, chosen by NRTEST_ASAN_ACCESS.
TEST(AsanTensorBoundsChild, Access) {
  const char* access = std::getenv("NRTEST_ASAN_ACCESS");
  if (access == nullptr) GTEST_SKIP() << "run by the other AsanTensorBounds tests";
  NRTEST_INIT(rt);
  Tensor neighbour_before(0, 64, "before");
  Tensor t(0, 64, "t");
  Tensor neighbour_after(0, 64, "after");
  ASSERT_EQ(t.status(), NRT_SUCCESS);
  volatile uint8_t* va = static_cast<volatile uint8_t*>(nrt_tensor_get_va(t));
  ASSERT_NE(va, nullptr);
  const std::string a = access;
  if (a == "last_byte") {
    va[0] = 1;
    va[63] = 2;
  } else if (a == "one_past_the_end") {
    va[64] = 3;
  } else if (a == "after_free") {
    t.Free();
    va[0] = 4;
  } else {
    FAIL() << "unknown access " << a;
  }
}

ChildResult AccessInChild(const std::string& how, const std::string& log) {
  return RunSelf("AsanTensorBoundsChild.Access", {"NRTEST_ASAN_ACCESS=" + how}, log);
}

class AsanTensorBounds : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!NRTEST_UNDER_ASAN) GTEST_SKIP() << "needs an AddressSanitizer build";
  }
};

TEST_F(AsanTensorBounds, AccessInsideTheTensorIsNotReported) {
  const std::string log = TempPath("asan_inside.log");
  ChildResult r = AccessInChild("last_byte", log);
  EXPECT_TRUE(r.Succeeded()) << r.Describe() << "\n" << ReadText(log);
  EXPECT_EQ(ReadText(log).find("AddressSanitizer"), std::string::npos) << ReadText(log);
}

TEST_F(AsanTensorBounds, WriteOnePastTheEndIsReported) {
  const std::string log = TempPath("asan_past.log");
  ChildResult r = AccessInChild("one_past_the_end", log);
  EXPECT_FALSE(r.Succeeded()) << r.Describe();
  EXPECT_NE(ReadText(log).find("AddressSanitizer: use-after-poison"), std::string::npos) << ReadText(log);
}

TEST_F(AsanTensorBounds, WriteToAFreedTensorIsReported) {
  const std::string log = TempPath("asan_freed.log");
  ChildResult r = AccessInChild("after_free", log);
  EXPECT_FALSE(r.Succeeded()) << r.Describe();
  EXPECT_NE(ReadText(log).find("AddressSanitizer: use-after-poison"), std::string::npos) << ReadText(log);
}

}  // namespace
