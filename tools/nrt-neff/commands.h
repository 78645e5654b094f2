// nrt-neff subcommands (run by tools/common/subcommands.h, which says what they return and throw).
#pragma once

#include "tools/common/subcommands.h"

namespace nrtneff {

using nrttool::kExitFailure;
using nrttool::kExitOk;
using nrttool::kExitUsage;
using nrttool::UsageError;

int RunBuild(int argc, char** argv);
int RunInspect(int argc, char** argv);

}  // namespace nrtneff
