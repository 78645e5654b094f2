#include "tools/common/subcommands.h"

#include <boost/program_options/errors.hpp>
#include <cstring>
#include <iostream>
#include <new>
#include <string>
#include <string_view>

namespace nrttool {
namespace {

void PrintUsage(const ToolInfo& tool, std::span<const Subcommand> commands, std::ostream& out) {
  out << "usage: " << tool.name << " <command>" << tool.usage_args << "\n\ncommands:\n";
  for (const Subcommand& c : commands)
    out << "  " << c.name << std::string(10 - std::strlen(c.name), ' ') << c.summary << "\n";
  out << "\n"
      << tool.name << " <command> --help shows " << tool.command_help << "\n"
      << "  --help      show this help\n"
         "  --version   show the version\n";
}

int Run(const ToolInfo& tool, const Subcommand& c, int argc, char** argv) {
  const std::string who = std::string(tool.name) + " " + c.name;
  try {
    return c.run(argc, argv);
  } catch (const boost::program_options::error& e) {
    std::cerr << who << ": " << e.what() << "\nTry '" << who << " --help'.\n";
    return kExitUsage;
  } catch (const UsageError& e) {
    std::cerr << who << ": " << e.what() << "\nTry '" << who << " --help'.\n";
    return kExitUsage;
  } catch (const std::bad_alloc&) {
    std::cerr << who << ": out of memory\n";
    return kExitFailure;
  } catch (const std::exception& e) {
    std::cerr << who << ": " << e.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace

int RunSubcommands(const ToolInfo& tool, std::span<const Subcommand> commands, int argc, char** argv) {
  if (argc < 2) {
    PrintUsage(tool, commands, std::cerr);
    return kExitUsage;
  }
  const std::string_view first = argv[1];
  if (first == "--help" || first == "-h" || first == "help") {
    PrintUsage(tool, commands, std::cout);
    return kExitOk;
  }
  if (first == "--version") {
    std::cout << tool.version << "\n";
    return kExitOk;
  }
  for (const Subcommand& c : commands) {
    if (first == c.name) return Run(tool, c, argc - 1, argv + 1);
  }
  std::cerr << tool.name << ": unknown command '" << first << "'\n\n";
  PrintUsage(tool, commands, std::cerr);
  return kExitUsage;
}

}  // namespace nrttool
