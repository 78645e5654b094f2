// nrt-trace: reads a Perfetto / Chrome trace-event JSON file written by the runtime (NRT_SIM_TRACE,
// profiles) and prints a summary or draws an SVG timeline.
// Exit codes: 0 success, 1 failure (the message names the file and the problem), 2 usage error.
#include <boost/program_options/errors.hpp>
#include <cstring>
#include <iostream>
#include <new>
#include <string_view>

#include "tools/nrt-trace/commands.h"

namespace nrttrace {
namespace {

struct Command {
  const char* name;
  int (*run)(int argc, char** argv);
  const char* summary;
};

constexpr Command kCommands[] = {
    {"summary", RunSummary, "per-unit busy time, host/device overlap, request latency percentiles"},
    {"svg", RunSvg, "an SVG timeline: host lane, one lane per execution unit, requests as bars"},
};

void PrintUsage(std::ostream& out) {
  out << "usage: nrt-trace <command> [options] trace.json\n\ncommands:\n";
  for (const Command& c : kCommands)
    out << "  " << c.name << std::string(10 - std::strlen(c.name), ' ') << c.summary << "\n";
  out << "\nnrt-trace <command> --help shows a command's options and how the numbers are defined.\n"
         "  --help      show this help\n"
         "  --version   show the version\n";
}

int Run(const Command& c, int argc, char** argv) {
  try {
    return c.run(argc, argv);
  } catch (const boost::program_options::error& e) {
    std::cerr << "nrt-trace " << c.name << ": " << e.what() << "\nTry 'nrt-trace " << c.name << " --help'.\n";
    return kExitUsage;
  } catch (const UsageError& e) {
    std::cerr << "nrt-trace " << c.name << ": " << e.what() << "\nTry 'nrt-trace " << c.name << " --help'.\n";
    return kExitUsage;
  } catch (const std::bad_alloc&) {
    std::cerr << "nrt-trace " << c.name << ": out of memory\n";
    return kExitFailure;
  } catch (const std::exception& e) {
    std::cerr << "nrt-trace " << c.name << ": " << e.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace
}  // namespace nrttrace

int main(int argc, char** argv) {
  using namespace nrttrace;
  if (argc < 2) {
    PrintUsage(std::cerr);
    return kExitUsage;
  }
  const std::string_view first = argv[1];
  if (first == "--help" || first == "-h" || first == "help") {
    PrintUsage(std::cout);
    return kExitOk;
  }
  if (first == "--version") {
    std::cout << "nrt-trace " NRTB_PROJECT_VERSION " (nrt-bridge)\n";
    return kExitOk;
  }
  for (const Command& c : kCommands) {
    if (first == c.name) return Run(c, argc - 1, argv + 1);
  }
  std::cerr << "nrt-trace: unknown command '" << first << "'\n\n";
  PrintUsage(std::cerr);
  return kExitUsage;
}
