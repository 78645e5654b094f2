// NRT_STATUS names both ways: every enumerator of nrt_status.h round-trips; anything else is unknown.
#include "runtime/core/status_names.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace nrtb {
namespace {

// Every enumerator of include/nrt/nrt_status.h with its name (the header is the ABI: values are fixed).
struct Named {
  NRT_STATUS status;
  const char* name;
};
constexpr Named kAll[] = {
    {NRT_SUCCESS, "NRT_SUCCESS"},
    {NRT_FAILURE, "NRT_FAILURE"},
    {NRT_INVALID, "NRT_INVALID"},
    {NRT_INVALID_HANDLE, "NRT_INVALID_HANDLE"},
    {NRT_RESOURCE, "NRT_RESOURCE"},
    {NRT_TIMEOUT, "NRT_TIMEOUT"},
    {NRT_HW_ERROR, "NRT_HW_ERROR"},
    {NRT_QUEUE_FULL, "NRT_QUEUE_FULL"},
    {NRT_LOAD_NOT_ENOUGH_NC, "NRT_LOAD_NOT_ENOUGH_NC"},
    {NRT_UNSUPPORTED_NEFF_VERSION, "NRT_UNSUPPORTED_NEFF_VERSION"},
    {NRT_FAIL_HOST_MEM_ALLOC, "NRT_FAIL_HOST_MEM_ALLOC"},
    {NRT_UNINITIALIZED, "NRT_UNINITIALIZED"},
    {NRT_CLOSED, "NRT_CLOSED"},
    {NRT_QUEUE_EMPTY, "NRT_QUEUE_EMPTY"},
    {NRT_EXEC_UNIT_UNRECOVERABLE, "NRT_EXEC_UNIT_UNRECOVERABLE"},
    {NRT_EXEC_BAD_INPUT, "NRT_EXEC_BAD_INPUT"},
    {NRT_EXEC_COMPLETED_WITH_NUM_ERR, "NRT_EXEC_COMPLETED_WITH_NUM_ERR"},
    {NRT_EXEC_COMPLETED_WITH_ERR, "NRT_EXEC_COMPLETED_WITH_ERR"},
    {NRT_EXEC_NC_BUSY, "NRT_EXEC_NC_BUSY"},
    {NRT_EXEC_OOB, "NRT_EXEC_OOB"},
    {NRT_COLL_PENDING, "NRT_COLL_PENDING"},
    {NRT_EXEC_HW_ERR_COLLECTIVES, "NRT_EXEC_HW_ERR_COLLECTIVES"},
    {NRT_EXEC_HW_ERR_HBM_UE, "NRT_EXEC_HW_ERR_HBM_UE"},
    {NRT_EXEC_HW_ERR_NC_UE, "NRT_EXEC_HW_ERR_NC_UE"},
    {NRT_EXEC_HW_ERR_DMA_ABORT, "NRT_EXEC_HW_ERR_DMA_ABORT"},
    {NRT_EXEC_SW_NQ_OVERFLOW, "NRT_EXEC_SW_NQ_OVERFLOW"},
    {NRT_EXEC_HW_ERR_REPAIRABLE_HBM_UE, "NRT_EXEC_HW_ERR_REPAIRABLE_HBM_UE"},
    {NRT_NETWORK_PROXY_FAILURE, "NRT_NETWORK_PROXY_FAILURE"},
};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(StatusNames, EveryEnumeratorHasItsName) {
  for (const Named& n : kAll) EXPECT_STREQ(StatusName(n.status), n.name);
}

TEST(StatusNames, ValuesOutsideTheEnumAreUnknown) {
  for (int v : {-1, 8, 12, 16, 100, 1001, 1007, 99999}) {
    EXPECT_STREQ(StatusName(static_cast<NRT_STATUS>(v)), "UNKNOWN STATUS") << v;
  }
}

TEST(StatusNames, ParseAcceptsNamesWithOrWithoutPrefixInAnyCaseAndValues) {
  for (const Named& n : kAll) {
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
