// nrt-trace svg: writes the timeline of svg_timeline.h to a file, atomically (a temporary file renamed
// into place), or to standard output with -o -.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "tools/nrt-trace/commands.h"
#include "tools/nrt-trace/svg_timeline.h"
#include "tools/nrt-trace/trace_reader.h"

namespace po = boost::program_options;

namespace nrttrace {
namespace {

void WriteFileAtomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(path + ": cannot create " + tmp + ": " + std::strerror(errno));
    out << text;
    out.close();
    if (!out) {
      std::remove(tmp.c_str());
      throw std::runtime_error(path + ": cannot write " + tmp + " (disk full?)");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    std::remove(tmp.c_str());
    throw std::runtime_error(path + ": cannot rename " + tmp + " into place: " + std::strerror(e));
  }
}

}  // namespace

int RunSvg(int argc, char** argv) {
  po::options_description visible("nrt-trace svg [options] -o timeline.svg trace.json");
  std::string from, to, output, title;
  int width = 1200;
  visible.add_options()("help,h", "show this help")("output,o", po::value(&output), "SVG file to write ('-': stdout)")(
      "from", po::value(&from), "start of the window (trace time)")("to", po::value(&to), "end of the window")(
      "width", po::value(&width), "width in pixels (400 to 20000; default 1200)")(
      "title", po::value(&title), "title above the lanes (default: the trace file's name)");
  po::options_description all;
  std::string path;
  all.add(visible).add_options()("trace", po::value(&path));
  po::positional_options_description positional;
  positional.add("trace", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
  po::notify(vm);
  if (vm.count("help") != 0) {
    std::cout << visible
              << "\nLanes: the host (blocking runtime calls as grey bars, schedule calls as ticks), then one lane\n"
                 "per execution unit with each request as a bar (queued part light, failed red).\n\n"
              << kDefinitions;
    return kExitOk;
  }
  if (path.empty()) throw UsageError("no trace file given");
  if (output.empty()) throw UsageError("no output file given (-o FILE, or -o - for stdout)");
  if (width < 400 || width > 20000) throw UsageError("--width: " + std::to_string(width) + " is not in 400..20000");
  SvgOptions options;
  options.width = width;
  options.title = vm.count("title") != 0 ? title : path.substr(path.find_last_of('/') + 1);
  if (!from.empty()) options.window.from_us = ParseTime(from, "from");
  if (!to.empty()) options.window.to_us = ParseTime(to, "to");
  if (options.window.from_us && options.window.to_us && *options.window.to_us <= *options.window.from_us)
    throw UsageError("--to must be later than --from");
  TraceData data = ReadTraceFile(path);
  std::ostringstream svg;
  WriteSvg(data, options, svg);
  if (output == "-") {
    std::cout << svg.str();
    std::cout.flush();
    if (!std::cout) throw std::runtime_error("cannot write to standard output");
  } else {
    WriteFileAtomically(output, svg.str());
    std::cerr << "nrt-trace svg: wrote " << output << "\n";
  }
  return kExitOk;
}

}  // namespace nrttrace
