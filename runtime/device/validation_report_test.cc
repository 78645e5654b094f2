#include "runtime/device/validation_report.h"

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace nrtb {
namespace {

TEST(ValidationReport, OneLinePerCheckAndSiteAndCountsInTheSummary) {
  std::vector<std::string> lines;
  ValidationReport report(false, [&](const std::string& l) { lines.push_back(l); });
  int detail_calls = 0;
  auto detail = [&] {
    ++detail_calls;
    return std::string("detail");
  };
  int a = 0, b = 0;
  for (int i = 0; i < 3; ++i) report.Add(Check::kHostReadRace, &a, detail);
  report.Add(Check::kHostWriteRace, &a, detail);
  report.Add(Check::kHostReadRace, &b, detail);
  EXPECT_EQ(detail_calls, 3);  // only printed findings are formatted
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "nrt-validate: [host-read-racing-device-write] detail");
  EXPECT_EQ(report.total(), 5u);
  lines.clear();
  report.PrintSummary();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "nrt-validate: summary: 5 finding(s) at 3 call site(s)");
  int x3 = 0;
  for (const auto& l : lines) x3 += l.find("[host-read-racing-device-write] x3 at ") != std::string::npos;
  EXPECT_EQ(x3, 1);
}

TEST(ValidationReport, NoFindingsSummary) {
  std::vector<std::string> lines;
  ValidationReport report(false, [&](const std::string& l) { lines.push_back(l); });
  report.PrintSummary();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "nrt-validate: summary: no findings");
}

TEST(ValidationReport, AbortModeAbortsAfterPrintingTheFirstFinding) {
  EXPECT_DEATH(
      {
        ValidationReport report(true);
        int site = 0;
        report.Add(Check::kStatusSlotReused, &site, [] { return std::string("the detail"); });
      },
      "nrt-validate: \\[status-slot-reused-while-pending\\] the detail\n"
      "nrt-validate: aborting at the first finding");
}

TEST(ValidationReport, SitesAreSymbolisedWithTheirModule) {
  // An exported function (from libc, or a sanitizer runtime that intercepts it): dladdr names it and its module.
  const void* site = reinterpret_cast<const void*>(&std::abort);
  Dl_info info{};
  ASSERT_NE(dladdr(site, &info), 0);
  const std::string s = DescribeSite(site);
  EXPECT_EQ(s.rfind(std::string("abort+0x0 (") + info.dli_fname + "+0x", 0), 0u) << s;
  EXPECT_EQ(DescribeSite(nullptr), "unknown call site");
}

}  // namespace
}  // namespace nrtb
