#include "runtime/device/timing_model.h"

#include <gtest/gtest.h>

#include "runtime/core/config.h"

namespace nrtb {
namespace {

TEST(DmaTiming, LatencyPlusBytesOverBandwidth) {
  DmaTiming t{1000, 2.0};
  EXPECT_EQ(t.Cost(0), 1000u);
  EXPECT_EQ(t.Cost(4096), 1000u + 2048u);
  EXPECT_EQ((DmaTiming{500, 0}).Cost(1ull << 40), 500u) << "0 = unlimited bandwidth";
}

TEST(DmaTiming, DurationsSaturateInsteadOfOverflowing) {
  EXPECT_EQ((DmaTiming{0, 1e-300}).Cost(1), kMaxSimulatedNs);
  EXPECT_EQ((DmaTiming{0, 1e-9}).Cost(~0ull), kMaxSimulatedNs);
  EXPECT_EQ((DmaTiming{kMaxSimulatedNs, 1.0}).Cost(1ull << 50), kMaxSimulatedNs);
}

}  // namespace
}  // namespace nrtb
