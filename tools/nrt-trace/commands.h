// nrt-trace subcommands (run by tools/common/subcommands.h, which says what they return and throw).
#pragma once

#include <optional>
#include <string>

#include "tools/common/subcommands.h"

namespace nrttrace {

using nrttool::kExitFailure;
using nrttool::kExitOk;
using nrttool::kExitUsage;
using nrttool::UsageError;

int RunSummary(int argc, char** argv);
int RunSvg(int argc, char** argv);

// "250", "250us", "1.5ms", "2s" -> microseconds of trace time; throws UsageError naming `option`.
double ParseTime(const std::string& text, const char* option);

// What `--help` of both commands says about the numbers.
extern const char* const kDefinitions;

}  // namespace nrttrace
