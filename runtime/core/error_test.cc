// The internal error type: status and formatted message travel together to the C boundary.
#include "runtime/core/error.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace nrtb {
namespace {

TEST(Error, CarriesStatusAndMessage) {
  Error e(NRT_RESOURCE, "out of memory on core 2");
  EXPECT_EQ(e.status(), NRT_RESOURCE);
  EXPECT_STREQ(e.what(), "out of memory on core 2");
  const std::runtime_error& base = e;  // caught as std::exception by the C boundary's last resort
  EXPECT_STREQ(base.what(), "out of memory on core 2");
}

TEST(Error, ThrowInvalidFormatsAndUsesNrtInvalid) {
  try {
    ThrowInvalid("%s=\"%s\": must be between %d and %d", "NRT_X", "99", 1, 10);
    FAIL() << "did not throw";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), NRT_INVALID);
    EXPECT_STREQ(e.what(), "NRT_X=\"99\": must be between 1 and 10");
  }
}

TEST(Error, ThrowStatusKeepsTheGivenStatus) {
  for (NRT_STATUS s : {NRT_FAILURE, NRT_RESOURCE, NRT_TIMEOUT, NRT_EXEC_UNIT_UNRECOVERABLE}) {
    try {
      ThrowStatus(s, "status %d", static_cast<int>(s));
      FAIL() << "did not throw";
    } catch (const Error& e) {
      EXPECT_EQ(e.status(), s);
      EXPECT_EQ(std::string(e.what()), "status " + std::to_string(static_cast<int>(s)));
    }
  }
}

// A hostile value (say a 5000-byte environment variable) must not make a 5000-byte log line, nor overflow.
TEST(Error, LongMessagesAreCutToABoundedLength) {
  const std::string long_value(5000, 'x');
  try {
    ThrowInvalid("V=\"%s\"", long_value.c_str());
    FAIL() << "did not throw";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("V=\"xxxx", 0), 0u) << "keeps the start of the message";
    EXPECT_GE(what.size(), 512u);
    EXPECT_LT(what.size(), 2048u);
  }
}

}  // namespace
}  // namespace nrtb
