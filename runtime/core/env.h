// Parsing of environment-variable values. Each parser names the variable in its error, so a bad
// setting fails nrt_init with one log line that says exactly what is wrong.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nrtb {

// The variable's value, or nullopt when unset or empty.
std::optional<std::string> GetEnv(const char* name);

// Unsigned decimal integer in [min, max]. Throws Error(NRT_INVALID, "<name>=<value>: ...").
uint64_t ParseUintEnv(const char* name, const std::string& value, uint64_t min, uint64_t max);
// Non-negative decimal number (may have a fraction, e.g. "0.25") in [min, max].
double ParseNumberEnv(const char* name, const std::string& value, double min, double max);
// Boolean: 1/0, true/false, yes/no, on/off (any case).
bool ParseBoolEnv(const char* name, const std::string& value);

// NEURON_RT_VISIBLE_CORES syntax: "3", "3-6", "3,4,5,6", "3-5,6". Returns the sorted core list.
// Throws when malformed, empty, duplicated or not contiguous (e.g. "3,5,6").
std::vector<uint32_t> ParseCoreList(const char* name, const std::string& value);

}  // namespace nrtb
