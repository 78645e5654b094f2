// nrt-neff: builds CPU NEFFs from graph.json and inspects any NEFF.
// Exit codes: 0 success, 1 failure (the message names the file and the problem), 2 usage error.
#include <boost/program_options/errors.hpp>
#include <cstring>
#include <iostream>
#include <string_view>

#include "tools/nrt-neff/commands.h"

namespace nrtneff {
namespace {

struct Command {
  const char* name;
  int (*run)(int argc, char** argv);
  const char* summary;
};

constexpr Command kCommands[] = {
    {"build", RunBuild, "pack graph.json and its .npy constants into a CPU NEFF"},
    {"inspect", RunInspect, "validate a NEFF and print its header facts and I/O signature"},
};

void PrintUsage(std::ostream& out) {
  out << "usage: nrt-neff <command> [options]\n\ncommands:\n";
  for (const Command& c : kCommands)
    out << "  " << c.name << std::string(10 - std::strlen(c.name), ' ') << c.summary << "\n";
  out << "\nnrt-neff <command> --help shows a command's options.\n"
         "  --help      show this help\n"
         "  --version   show the version\n";
}

int Run(const Command& c, int argc, char** argv) {
  try {
    return c.run(argc, argv);
  } catch (const boost::program_options::error& e) {
    std::cerr << "nrt-neff " << c.name << ": " << e.what() << "\nTry 'nrt-neff " << c.name << " --help'.\n";
    return kExitUsage;
  } catch (const UsageError& e) {
    std::cerr << "nrt-neff " << c.name << ": " << e.what() << "\nTry 'nrt-neff " << c.name << " --help'.\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "nrt-neff " << c.name << ": " << e.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace
}  // namespace nrtneff

int main(int argc, char** argv) {
  using namespace nrtneff;
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
    std::cout << "nrt-neff " NRTB_PROJECT_VERSION " (nrt-bridge, runtime " NRTB_RT_VERSION ")\n";
    return kExitOk;
  }
  for (const Command& c : kCommands) {
    if (first == c.name) return Run(c, argc - 1, argv + 1);
  }
  std::cerr << "nrt-neff: unknown command '" << first << "'\n\n";
  PrintUsage(std::cerr);
  return kExitUsage;
}
