// nrt-trace: reads a Perfetto / Chrome trace-event JSON file written by the runtime (NRT_SIM_TRACE,
// profiles) and prints a summary or draws an SVG timeline.
// Exit codes: 0 success, 1 failure (the message names the file and the problem), 2 usage error.
#include "tools/nrt-trace/commands.h"

int main(int argc, char** argv) {
  using namespace nrttrace;
  static constexpr nrttool::Subcommand kCommands[] = {
      {"summary", RunSummary, "per-unit busy time, host/device overlap, request latency percentiles"},
      {"svg", RunSvg, "an SVG timeline: host lane, one lane per execution unit, requests as bars"},
  };
  static constexpr nrttool::ToolInfo kTool = {"nrt-trace", " [options] trace.json",
                                              "a command's options and how the numbers are defined.",
                                              "nrt-trace " NRTB_PROJECT_VERSION " (nrt-bridge)"};
  return nrttool::RunSubcommands(kTool, kCommands, argc, argv);
}
