// nrt-neff subcommands. Each parses its own options (argv[0] is the subcommand name) and returns the
// exit code; it throws UsageError (or a Boost.Program_options error) for bad usage and any other
// exception for a failure, whose message names the file and the problem.
#pragma once

#include <stdexcept>

namespace nrtneff {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

int RunBuild(int argc, char** argv);
int RunInspect(int argc, char** argv);

}  // namespace nrtneff
