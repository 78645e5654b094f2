// nrt-neff: builds CPU NEFFs from graph.json and inspects any NEFF.
// Exit codes: 0 success, 1 failure (the message names the file and the problem), 2 usage error.
#include "tools/nrt-neff/commands.h"

int main(int argc, char** argv) {
  using namespace nrtneff;
  static constexpr nrttool::Subcommand kCommands[] = {
      {"build", RunBuild, "pack graph.json and its .npy constants into a CPU NEFF"},
      {"inspect", RunInspect, "validate a NEFF and print its header facts and I/O signature"},
  };
  static constexpr nrttool::ToolInfo kTool = {"nrt-neff", " [options]", "a command's options.",
                                              "nrt-neff " NRTB_PROJECT_VERSION " (nrt-bridge, runtime " NRTB_RT_VERSION
                                              ")"};
  return nrttool::RunSubcommands(kTool, kCommands, argc, argv);
}
