// NRT_STATUS names both ways: every enumerator of nrt_status.h round-trips; anything else is unknown.
#include "runtime/core/status_names.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "nrtest/status_table.h"

namespace nrtb {
namespace {

using nrtest::kEveryStatus;
using Named = nrtest::NamedStatus;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(StatusNames, EveryEnumeratorHasItsName) {
  for (const Named& n : kEveryStatus) EXPECT_STREQ(StatusName(n.status), n.name);
}

TEST(StatusNames, ValuesOutsideTheEnumAreUnknown) {
  for (int v : nrtest::kNotAStatus) {
    EXPECT_STREQ(StatusName(static_cast<NRT_STATUS>(v)), "UNKNOWN STATUS") << v;
  }
}

TEST(StatusNames, ParseAcceptsNamesWithOrWithoutPrefixInAnyCaseAndValues) {
  for (const Named& n : kEveryStatus) {
    const std::string name = n.name;
    EXPECT_EQ(ParseStatus(name), n.status) << name;
    EXPECT_EQ(ParseStatus(name.substr(4)), n.status) << name.substr(4);
    EXPECT_EQ(ParseStatus(Lower(name)), n.status) << Lower(name);
    EXPECT_EQ(ParseStatus(std::to_string(static_cast<int>(n.status))), n.status) << static_cast<int>(n.status);
  }
}

TEST(StatusNames, ParseRejectsEverythingElse) {
  for (const char* bad : {"", "NRT_", "NRT_NOPE", "TIMEOUT_", "8", "12", "-1", "1e3", "0x5", " NRT_TIMEOUT",
                          "NRT TIMEOUT", "99999999999999999999"}) {
    EXPECT_FALSE(ParseStatus(bad).has_value()) << "\"" << bad << "\"";
  }
}

}  // namespace
}  // namespace nrtb
