// Names of NRT_STATUS values, both ways (nrt_get_status_as_str, fault-injection specs, logs).
#pragma once

#include <optional>
#include <string_view>

#include "nrt/nrt_status.h"

namespace nrtb {

// "NRT_QUEUE_FULL" etc.; "UNKNOWN STATUS" for values the enum does not have.
const char* StatusName(NRT_STATUS status);
// Accepts an enumerator name ("NRT_TIMEOUT", or without the prefix, any case) or a decimal value
// that is an enumerator.
std::optional<NRT_STATUS> ParseStatus(std::string_view text);

}  // namespace nrtb
