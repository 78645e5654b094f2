// nrt-neff build: packs a CPU graph (graph.json + the .npy constants it references) into a NEFF.
#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include "runtime/core/error.h"
#include "runtime/neff/cpu_graph.h"
#include "runtime/neff/neff_file.h"
#include "tools/nrt-neff/commands.h"
#include "tools/nrt-neff/file_io.h"

namespace nrtneff {
namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;

struct BuildArgs {
  fs::path graph;
  fs::path output;
  std::string name;
  uint32_t lnc_size = 1;
};

po::options_description Options(BuildArgs& args) {
  po::options_description opts("nrt-neff build GRAPH.json -o OUT.neff [options]");
  // clang-format off
  opts.add_options()
      ("help,h", "show this help")
      ("output,o", po::value(&args.output)->required(), "NEFF file to write (replaced atomically)")
      ("name", po::value(&args.name), "model name in the NEFF header (default: the graph's name)")
      ("lnc-size", po::value(&args.lnc_size)->default_value(1), "logical core size recorded in the header");
  // clang-format on
  return opts;
}

// Returns false when --help was given (and printed).
bool ParseArgs(int argc, char** argv, BuildArgs& args) {
  po::options_description opts = Options(args);
  po::options_description hidden;
  hidden.add_options()("graph", po::value(&args.graph)->required());
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description positional;
  positional.add("graph", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
  if (vm.count("help")) {
    std::cout << "Packs a CPU graph and the .npy constants it references (relative to its directory) into a\n"
                 "NEFF whose signature is the graph's inputs and outputs.\n\n"
              << opts;
    return false;
  }
  if (!vm.count("graph")) throw UsageError("missing the GRAPH.json argument");
  po::notify(vm);
  if (args.lnc_size == 0) throw UsageError("--lnc-size must be at least 1");
  return true;
}

[[noreturn]] void FailOn(const fs::path& file, const nrtb::Error& e) {
  throw std::runtime_error(file.string() + ": " + e.what());
}

// graph.json plus every constant file it references, keyed by their path under cpu/.
std::map<std::string, std::string> CollectCpuFiles(const fs::path& graph_path, const std::string& graph_json) {
  std::map<std::string, std::string> files;
  std::vector<std::string> referenced;
  try {
    referenced = nrtb::CpuGraph::ReferencedFiles(graph_json);
  } catch (const nrtb::Error& e) {
    FailOn(graph_path, e);
  }
  for (const std::string& rel : referenced) {
    try {
      files.emplace(rel, ReadFile(graph_path.parent_path() / rel));
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(std::string(e.what()) + " (a constant file " + graph_path.string() + " references)");
    }
  }
  files.emplace("graph.json", graph_json);
  return files;
}

nrtb::NeffBuildSpec SpecFor(const BuildArgs& args, std::map<std::string, std::string> files) {
  std::unique_ptr<nrtb::CpuGraph> graph;
  try {
    graph = nrtb::CpuGraph::Parse(files.at("graph.json"), files);
  } catch (const nrtb::Error& e) {
    FailOn(args.graph, e);
  }
  nrtb::NeffBuildSpec spec;
  spec.name = args.name.empty() ? graph->name() : args.name;
  spec.lnc_size = args.lnc_size;
  spec.inputs = graph->inputs();
  spec.outputs = graph->outputs();
  spec.cpu_files = std::move(files);
  return spec;
}

}  // namespace

int RunBuild(int argc, char** argv) {
  BuildArgs args;
  if (!ParseArgs(argc, argv, args)) return kExitOk;
  const nrtb::NeffBuildSpec spec = SpecFor(args, CollectCpuFiles(args.graph, ReadFile(args.graph)));
  std::string image;
  try {
    image = nrtb::BuildNeff(spec);
  } catch (const nrtb::Error& e) {
    FailOn(args.output, e);
  }
  WriteFileAtomically(args.output, image);
  std::cout << "wrote " << args.output.string() << ": model '" << spec.name << "', " << spec.inputs.size()
            << " input(s), " << spec.outputs.size() << " output(s), " << spec.cpu_files.size() - 1
            << " constant file(s), " << image.size() << " bytes\n";
  return kExitOk;
}

}  // namespace nrtneff
