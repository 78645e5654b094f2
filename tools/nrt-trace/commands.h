// nrt-trace subcommands. Each parses its own options (argv[0] is the subcommand name) and returns the
// exit code; it throws UsageError (or a Boost.Program_options error) for bad usage and any other
// exception for a failure, whose message names the file and the problem.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

namespace nrttrace {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

int RunSummary(int argc, char** argv);
int RunSvg(int argc, char** argv);

// "250", "250us", "1.5ms", "2s" -> microseconds of trace time; throws UsageError naming `option`.
double ParseTime(const std::string& text, const char* option);

// What `--help` of both commands says about the numbers.
extern const char* const kDefinitions;

}  // namespace nrttrace
