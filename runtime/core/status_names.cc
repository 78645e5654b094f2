#include "runtime/core/status_names.h"

#include <strings.h>

#include <string>

namespace nrtb {
namespace {

struct Entry {
  NRT_STATUS status;
  const char* name;
};

#define NRTB_STATUS_ENTRY(s) \
  { s, #s }
constexpr Entry kStatuses[] = {
    NRTB_STATUS_ENTRY(NRT_SUCCESS),
    NRTB_STATUS_ENTRY(NRT_FAILURE),
    NRTB_STATUS_ENTRY(NRT_INVALID),
    NRTB_STATUS_ENTRY(NRT_INVALID_HANDLE),
    NRTB_STATUS_ENTRY(NRT_RESOURCE),
    NRTB_STATUS_ENTRY(NRT_TIMEOUT),
    NRTB_STATUS_ENTRY(NRT_HW_ERROR),
    NRTB_STATUS_ENTRY(NRT_QUEUE_FULL),
    NRTB_STATUS_ENTRY(NRT_LOAD_NOT_ENOUGH_NC),
    NRTB_STATUS_ENTRY(NRT_UNSUPPORTED_NEFF_VERSION),
    NRTB_STATUS_ENTRY(NRT_FAIL_HOST_MEM_ALLOC),
    NRTB_STATUS_ENTRY(NRT_UNINITIALIZED),
    NRTB_STATUS_ENTRY(NRT_CLOSED),
    NRTB_STATUS_ENTRY(NRT_QUEUE_EMPTY),
    NRTB_STATUS_ENTRY(NRT_EXEC_UNIT_UNRECOVERABLE),
    NRTB_STATUS_ENTRY(NRT_EXEC_BAD_INPUT),
    NRTB_STATUS_ENTRY(NRT_EXEC_COMPLETED_WITH_NUM_ERR),
    NRTB_STATUS_ENTRY(NRT_EXEC_COMPLETED_WITH_ERR),
    NRTB_STATUS_ENTRY(NRT_EXEC_NC_BUSY),
    NRTB_STATUS_ENTRY(NRT_EXEC_OOB),
    NRTB_STATUS_ENTRY(NRT_COLL_PENDING),
    NRTB_STATUS_ENTRY(NRT_EXEC_HW_ERR_COLLECTIVES),
    NRTB_STATUS_ENTRY(NRT_EXEC_HW_ERR_HBM_UE),
    NRTB_STATUS_ENTRY(NRT_EXEC_HW_ERR_NC_UE),
    NRTB_STATUS_ENTRY(NRT_EXEC_HW_ERR_DMA_ABORT),
    NRTB_STATUS_ENTRY(NRT_EXEC_SW_NQ_OVERFLOW),
    NRTB_STATUS_ENTRY(NRT_EXEC_HW_ERR_REPAIRABLE_HBM_UE),
    NRTB_STATUS_ENTRY(NRT_NETWORK_PROXY_FAILURE),
};
#undef NRTB_STATUS_ENTRY

}  // namespace

const char* StatusName(NRT_STATUS status) {
  for (const Entry& e : kStatuses) {
    if (e.status == status) return e.name;
  }
  return "UNKNOWN STATUS";
}

std::optional<NRT_STATUS> ParseStatus(std::string_view text) {
  std::string s(text);
  if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos && s.size() <= 9) {
    int v = std::stoi(s);
    for (const Entry& e : kStatuses) {
      if (static_cast<int>(e.status) == v) return e.status;
    }
    return std::nullopt;
  }
  for (const Entry& e : kStatuses) {
    if (strcasecmp(s.c_str(), e.name) == 0 || strcasecmp(s.c_str(), e.name + 4) == 0) return e.status;
  }
  return std::nullopt;
}

}  // namespace nrtb
