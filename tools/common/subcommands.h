// The command line shared by the project's multi-command tools (nrt-neff, nrt-trace): `tool <command>
// [options]`, --help/--version, and one place that turns a command's exceptions into a message and an
// exit code. Each command parses its own options (argv[0] is the command name) and returns the exit code; it
// throws UsageError (or a Boost.Program_options error) for bad usage and any other exception for a
// failure, whose message names the file and the problem.
#pragma once

#include <span>
#include <stdexcept>

namespace nrttool {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Subcommand {
  const char* name;
  int (*run)(int argc, char** argv);
  const char* summary;
};

struct ToolInfo {
  const char* name;          // "nrt-trace"
  const char* usage_args;    // after "<command>" in the usage line, e.g. " [options] trace.json"
  const char* command_help;  // what "<tool> <command> --help" shows, ending the sentence
  const char* version;       // the whole --version line, without the newline
};

// Dispatches argv[1] to its command. Exit codes: 0 success, 1 failure, 2 usage error.
int RunSubcommands(const ToolInfo& tool, std::span<const Subcommand> commands, int argc, char** argv);

}  // namespace nrttool
