// nrt-neff inspect: what the runtime sees in a NEFF — header facts and the I/O signature.
#include <boost/program_options.hpp>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/core/error.h"
#include "runtime/neff/cpu_graph.h"
#include "runtime/neff/dtype.h"
#include "runtime/neff/neff_file.h"
#include "tools/nrt-neff/commands.h"
#include "tools/nrt-neff/file_io.h"

namespace nrtneff {
namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;

struct InspectArgs {
  fs::path file;
  bool json = false;
};

// Returns false when --help was given (and printed).
bool ParseArgs(int argc, char** argv, InspectArgs& args) {
  po::options_description opts("nrt-neff inspect FILE.neff [options]");
  opts.add_options()("help,h", "show this help")("json", po::bool_switch(&args.json), "print JSON instead of a table");
  po::options_description hidden;
  hidden.add_options()("file", po::value(&args.file)->required());
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
  if (vm.count("help")) {
    std::cout << "Validates a NEFF as the runtime loads it and prints its header facts and I/O signature.\n\n" << opts;
    return false;
  }
  if (!vm.count("file")) throw UsageError("missing the FILE.neff argument");
  po::notify(vm);
  return true;
}

// What a validated NEFF holds, as the runtime would load it.
struct Inspection {
  nrtb::NeffFile neff;
  std::unique_ptr<nrtb::CpuGraph> graph;  // null for a signature-only NEFF
};

Inspection Load(const fs::path& path) {
  const std::string image = ReadFile(path);
  Inspection in;
  try {
    in.neff = nrtb::ParseNeff(image.data(), image.size());
    if (in.neff.has_cpu_graph) in.graph = nrtb::CpuGraph::Parse(in.neff.cpu_files.at("graph.json"), in.neff.cpu_files);
  } catch (const nrtb::Error& e) {
    throw std::runtime_error(path.string() + ": " + e.what());
  }
  return in;
}

std::string Hex(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

std::string ShapeText(const std::vector<uint32_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

std::string Kind(const Inspection& in) { return in.graph ? "CPU" : "signature-only"; }

std::string Version(const nrtb::NeffFile& f) {
  return std::to_string(f.neff_version_major) + "." + std::to_string(f.neff_version_minor);
}

nlohmann::ordered_json TensorsJson(const std::vector<nrtb::TensorSpec>& list) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const nrtb::TensorSpec& t : list) {
    out.push_back({{"name", t.name}, {"dtype", nrtb::DTypeName(t.dtype)}, {"shape", t.shape}, {"bytes", t.size_bytes}});
  }
  return out;
}

void PrintJson(const fs::path& path, const Inspection& in) {
  const nrtb::NeffFile& f = in.neff;
  nlohmann::ordered_json doc = {{"file", path.string()},
                                {"name", f.name},
                                {"neff_version", Version(f)},
                                {"pkg_version", f.pkg_version},
                                {"build_version", f.build_version},
                                {"lnc_size", f.lnc_size},
                                {"feature_bits", Hex(f.feature_bits)},
                                {"kind", Kind(in)},
                                {"inputs", TensorsJson(f.inputs)},
                                {"outputs", TensorsJson(f.outputs)}};
  if (in.graph) doc["device_time_ns"] = in.graph->device_time_ns();
  std::cout << doc.dump(2) << "\n";
}

void PrintFacts(const fs::path& path, const Inspection& in) {
  const nrtb::NeffFile& f = in.neff;
  std::vector<std::pair<std::string, std::string>> facts = {
      {"file", path.string()},
      {"name", f.name.empty() ? "(none)" : f.name},
      {"neff version", Version(f)},
      {"package", std::to_string(f.pkg_version) + (f.pkg_version == 2 ? " (gzip tar)" : " (tar)")},
      {"build version", f.build_version.empty() ? "(none)" : f.build_version},
      {"lnc size", std::to_string(f.lnc_size)},
      {"feature bits", Hex(f.feature_bits)},
      {"kind", Kind(in)},
  };
  if (in.graph) facts.push_back({"device time", std::to_string(in.graph->device_time_ns()) + " ns"});
  for (const auto& [key, value] : facts) std::printf("%-14s %s\n", key.c_str(), value.c_str());
}

void PrintTable(const nrtb::NeffFile& f) {
  std::vector<std::vector<std::string>> rows = {{"NAME", "USAGE", "DTYPE", "SHAPE", "BYTES"}};
  for (const auto& [usage, list] : {std::pair{"input", &f.inputs}, std::pair{"output", &f.outputs}}) {
    for (const nrtb::TensorSpec& t : *list) {
      rows.push_back({t.name, usage, nrtb::DTypeName(t.dtype), ShapeText(t.shape), std::to_string(t.size_bytes)});
    }
  }
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      const bool last = c + 1 == row.size();
      // Byte counts are right-aligned so magnitudes line up.
      const std::string pad(width[c] - row[c].size(), ' ');
      line += last ? pad + row[c] : row[c] + pad + "  ";
    }
    std::printf("%s\n", line.c_str());
  }
}

}  // namespace

int RunInspect(int argc, char** argv) {
  InspectArgs args;
  if (!ParseArgs(argc, argv, args)) return kExitOk;
  const Inspection in = Load(args.file);
  if (args.json) {
    PrintJson(args.file, in);
  } else {
    PrintFacts(args.file, in);
    std::printf("\n");
    PrintTable(in.neff);
  }
  return kExitOk;
}

}  // namespace nrtneff
