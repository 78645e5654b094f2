// Every enumerator of nrt/nrt_status.h with its name, and values that are none: the one oracle for
// nrt_get_status_as_str (portable conformance) and the runtime's status names (runtime/core unit tests).
// Needs only the public header, so unit tests include it without the rest of the kit.
#pragma once

#include "nrt/nrt_status.h"

namespace nrtest {

struct NamedStatus {
  NRT_STATUS status;
  const char* name;
};

// The header is the ABI: its values are fixed (tests/abi pins them), and a new enumerator goes here too.
inline constexpr NamedStatus kEveryStatus[] = {
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

// Values in the gaps between enumerators and around them: nrt_get_status_as_str says "UNKNOWN STATUS".
inline constexpr int kNotAStatus[] = {-1, 8, 12, 16, 100, 102, 1000, 1001, 1007, 1099, 1101, 1199, 1207, 99999};

}  // namespace nrtest
