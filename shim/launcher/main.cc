// nrt-implicit-async: runs a legacy Neuron program with libnrt-implicit-async.so preloaded, so its implicit
// async mode (NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS) works again.
//
//   nrt-implicit-async [--max-inflight N] [--require-shim] [--print-config] [--] program args...
//
// Exit status: the program's own (its exit code; if a signal killed it, the launcher kills itself with the
// same signal, or exits 128 + n if that signal cannot end it). The launcher's own errors: 2 bad usage,
// 126 program not executable, 127 program or shim not found, 125 --require-shim and the shim did not load
// in a program that otherwise succeeded (a failing program keeps its own status).
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "child_process.h"
#include "launch_env.h"
#include "program_probe.h"
#include "shim_location.h"

namespace nrt_launcher {
namespace {

namespace po = boost::program_options;

constexpr const char* kName = "nrt-implicit-async";
constexpr int kExitUsage = 2, kExitShimMissing = 125, kExitNotExecutable = 126, kExitNotFound = 127;

void Usage(const po::options_description& desc) {
  std::cout << "usage: " << kName << " [options] [--] program [args...]\n"
            << "Runs a legacy Neuron Runtime program with " << kShimLibName
            << " preloaded, which restores implicit async\nexecution (" << kInflightEnv
            << ") on top of the explicit nrta_* API.\n\n"
            << desc << "\nWithout --max-inflight the program gets the " << kInflightEnv
            << " already in the environment\n(unset or 0: the shim forwards every call unchanged).\n";
}

// Splits argv at the program: launcher options come first, up to "--" or the first non-option word, so
// the program's own options (even ones named like ours) are never parsed here.
size_t ProgramIndex(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--") return static_cast<size_t>(i);
    if (a.empty() || a[0] != '-') return static_cast<size_t>(i);
    if (a == "--max-inflight" || a == "-n") ++i;  // its value is a separate word
  }
  return static_cast<size_t>(argc);
}

}  // namespace

int Main(int argc, char** argv) {
  po::options_description desc("options");
  std::string inflight_text;
  desc.add_options()                                                               //
      ("help,h", "print this help and exit")                                       //
      ("max-inflight,n", po::value<std::string>(&inflight_text)->value_name("N"),  //
       "executions in flight per NeuronCore before nrt_execute blocks (0 = synchronous; the shim clamps "
       "values above 63)")                                                               //
      ("require-shim", "exit 125 if the shim did not load in a program that succeeded")  //
      ("print-config", "print the shim, N, LD_PRELOAD and command that would run, then exit");

  const size_t split = ProgramIndex(argc, argv);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(static_cast<int>(split), argv).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << kName << ": " << e.what() << " (see --help)\n";
    return kExitUsage;
  }
  if (vm.count("help") != 0) {
    Usage(desc);
    return 0;
  }
  std::vector<std::string> program;
  for (size_t i = split + (split < static_cast<size_t>(argc) && std::string(argv[split]) == "--" ? 1 : 0);
       i < static_cast<size_t>(argc); ++i) {
    program.emplace_back(argv[i]);
  }
  const bool print_config = vm.count("print-config") != 0;

  std::optional<unsigned long> inflight;
  if (vm.count("max-inflight") != 0) {
    inflight = ParseInflight(inflight_text);
    if (!inflight) {
      std::cerr << kName << ": --max-inflight: '" << inflight_text
                << "' is not a number of requests (a decimal integer from 0 to " << kMaxInflightArg << ")\n";
      return kExitUsage;
    }
  }
  if (program.empty() && !print_config) {
    std::cerr << kName << ": no program to run (see --help)\n";
    return kExitUsage;
  }

  std::string tried;
  const std::string shim = FindShim(&tried);
  if (shim.empty()) {
    std::cerr << kName << ": cannot find " << kShimLibName << " (looked at: " << tried << "); set " << kShimOverrideEnv
              << " to its path\n";
    return kExitNotFound;
  }

  std::string resolved;
  PreloadObstacles obstacles;
  if (!program.empty()) {
    resolved = ResolveProgram(program[0]);
    if (resolved.empty()) {
      const bool has_slash = program[0].find('/') != std::string::npos;
      if (has_slash && access(program[0].c_str(), F_OK) == 0) {
        std::cerr << kName << ": cannot run '" << program[0] << "': not an executable file\n";
        return kExitNotExecutable;
      }
      std::cerr << kName << ": program '" << program[0] << "' not found" << (has_slash ? "" : " in PATH") << "\n";
      return kExitNotFound;
    }
    obstacles = ProbeProgram(resolved);
    if (obstacles.static_elf || obstacles.secure_exec) {
      std::cerr << kName << ": warning: " << resolved << " is " << obstacles.detail
                << ": the dynamic loader will not preload " << kShimLibName
                << " into it, so implicit async mode cannot be restored for it\n";
    }
  }

  const LaunchEnv env = ComputeLaunchEnv(shim, inflight);
  if (print_config) {
    std::cout << "shim: " << shim << "\n"
              << kInflightEnv << ": " << env.inflight_description << "\n"
              << "LD_PRELOAD=" << env.ld_preload << "\n";
    if (!program.empty()) {
      std::cout << "program: " << resolved
                << (obstacles.is_elf ? (obstacles.static_elf ? " (static ELF)" : " (dynamic ELF)") : " (not ELF)")
                << "\ncommand:";
      for (const std::string& a : program) std::cout << " " << a;
      std::cout << "\n";
    }
    return 0;
  }

  ApplyLaunchEnv(env);
  const ChildOutcome child = RunChild(program);
  if (child.exec_errno != 0) {
    std::cerr << kName << ": cannot run '" << program[0] << "': " << strerror(child.exec_errno) << "\n";
    return child.exec_errno == ENOENT ? kExitNotFound : kExitNotExecutable;
  }
  if (!child.shim_loaded) {
    // Said once, after the program ended: glibc reports an unloadable preload only as one line of its own.
    std::cerr << kName << ": " << kShimLibName << " (" << shim << ") did not load in " << resolved
              << ": implicit async mode was NOT active for this run"
              << (obstacles.static_elf || obstacles.secure_exec ? " (" + obstacles.detail + ")"
                                                                : " (see the dynamic loader's message above)")
              << "\n";
    if (vm.count("require-shim") != 0 && WIFEXITED(child.wstatus) && WEXITSTATUS(child.wstatus) == 0) {
      return kExitShimMissing;
    }
  }
  ExitLikeChild(child.wstatus);
}

}  // namespace nrt_launcher

int main(int argc, char** argv) { return nrt_launcher::Main(argc, argv); }
