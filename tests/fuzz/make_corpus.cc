// Writes the seed corpus of neff_fuzz: valid CPU and real-like NEFFs, gzip and plain tar, and
// malformed variants of them. Run by hand when the format changes:
//   neff_fuzz_make_corpus tests/fuzz/corpus
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/neff/cpu_graph.h"
#include "runtime/neff/neff_archive.h"
#include "runtime/neff/neff_file.h"
#include "runtime/neff/neff_header.h"
#include "runtime/neff/neff_testutil.h"
#include "runtime/neff/npy.h"

namespace {

using nrtb::NeffArchiveMember;
using namespace nrtb::testutil;

constexpr const char* kMlpGraph = R"({
  "name": "mlp",
  "device_time_us": 5,
  "inputs": [{"name": "x", "dtype": "float32", "shape": [2, 4]}],
  "constants": [{"name": "w", "dtype": "float32", "shape": [4, 4], "file": "w.npy"},
                {"name": "b", "dtype": "float32", "shape": [4], "values": [0.5, 0.5, 0.5, 0.5]}],
  "nodes": [{"op": "matmul", "inputs": ["x", "w"], "output": "h"},
            {"op": "add", "inputs": ["h", "b"], "output": "hb"},
            {"op": "gelu", "inputs": ["hb"], "output": "g", "attrs": {"approximate": "tanh"}}],
  "outputs": [{"name": "y", "from": "g"}]
})";

constexpr const char* kNormGraph = R"({
  "name": "norm",
  "inputs": [{"name": "x", "dtype": "float16", "shape": [3, 8]}],
  "constants": [{"name": "gamma", "dtype": "float16", "shape": [8], "values": [1, 1, 1, 1, 1, 1, 1, 1]},
                {"name": "beta", "dtype": "float16", "shape": [8], "values": [0, 0, 0, 0, 0, 0, 0, 0]}],
  "nodes": [{"op": "layernorm", "inputs": ["x", "gamma", "beta"], "output": "n", "attrs": {"axis": -1, "eps": 1e-5}},
            {"op": "softmax", "inputs": ["n"], "output": "s", "attrs": {"axis": 1}},
            {"op": "transpose", "inputs": ["s"], "output": "t", "attrs": {"perm": [1, 0]}},
            {"op": "reshape", "inputs": ["t"], "output": "r", "attrs": {"shape": [4, 6]}},
            {"op": "reduce_sum", "inputs": ["r"], "output": "sum", "attrs": {"axes": [0], "keepdims": false}},
            {"op": "cast", "inputs": ["sum"], "output": "out", "attrs": {"to": "bfloat16"}}],
  "outputs": [{"name": "out"}, {"name": "probs", "from": "s"}]
})";

std::vector<NeffArchiveMember> CpuMembers(const std::string& graph, std::map<std::string, std::string> files) {
  files["graph.json"] = graph;
  const std::unique_ptr<nrtb::CpuGraph> g = nrtb::CpuGraph::Parse(graph, files);
  nrtb::NeffBuildSpec spec{g->name(), 1, g->inputs(), g->outputs(), files};
  const std::string built = nrtb::BuildNeff(spec);
  const auto members = nrtb::ReadNeffArchive(built.data() + nrtb::kNeffHeaderSize, built.size() - nrtb::kNeffHeaderSize,
                                             nrtb::NeffCompression::kGzip);
  std::vector<NeffArchiveMember> out;
  for (const auto& [path, contents] : members) out.push_back({path, contents});
  return out;
}

NeffImageOptions Plain() {
  NeffImageOptions o;
  o.pkg_version = nrtb::kNeffPkgPlainTar;
  o.name = "seed";
  return o;
}

std::string Repeat(std::string_view unit, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out += unit;
  return out;
}

std::string Patched(std::string image, size_t offset, uint64_t value) {
  std::memcpy(image.data() + offset, &value, sizeof value);
  return image;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: neff_fuzz_make_corpus DIR\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  std::vector<std::pair<std::string, std::string>> seeds;

  std::vector<float> w(16);
  for (size_t i = 0; i < w.size(); ++i) w[i] = 0.25f * static_cast<float>(i);
  const std::string w_npy =
      nrtb::WriteNpy(nrtb::DType::kFloat32, {4, 4}, std::string_view(reinterpret_cast<const char*>(w.data()), 64));
  const auto mlp = CpuMembers(kMlpGraph, {{"w.npy", w_npy}});
  const auto norm = CpuMembers(kNormGraph, {});
  NeffImageOptions gzip;
  gzip.name = "seed";
  seeds.push_back({"cpu_mlp_gzip.neff", AssembleNeff(mlp, gzip)});
  seeds.push_back({"cpu_mlp_tar.neff", AssembleNeff(mlp, Plain())});
  seeds.push_back({"cpu_norm_tar.neff", AssembleNeff(norm, Plain())});

  seeds.push_back({"real_lnc2_gzip.neff", RealLikeNeff()});
  NeffImageOptions real_plain = RealLikeOptions();
  real_plain.pkg_version = nrtb::kNeffPkgPlainTar;
  const std::string real_tar = AssembleNeff(RealLikeMembers(), real_plain);
  seeds.push_back({"real_lnc2_tar.neff", real_tar});

  const std::string mlp_tar = AssembleNeff(mlp, Plain());
  seeds.push_back({"bad_major3.neff", Patched(mlp_tar, 0x18, 3)});
  seeds.push_back({"bad_feature27.neff", Patched(mlp_tar, 0x220, 1ull << 27)});
  seeds.push_back({"bad_truncated.neff", Patched(mlp_tar.substr(0, 1800), 0x10, 1800 - nrtb::kNeffHeaderSize)});
  auto members = RealLikeMembers();
  SetMember(members, "./sg01/def.json", RealLikeDefJson(7));
  seeds.push_back({"bad_def_size.neff", AssembleNeff(members, RealLikeOptions())});
  seeds.push_back({"bad_traversal.neff",
                   AssembleNeff(RawTarRecord("../escape", 2, "hi") + mlp_tar.substr(nrtb::kNeffHeaderSize), Plain())});
  seeds.push_back({"bad_huge_member.neff", AssembleNeff(RawTarRecord("cpu/graph.json", 5ull << 30, "{}"), Plain())});
  std::string dims = RealLikeNeffJson();
  dims.replace(dims.find("[128, 256]"), 10, "[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]");
  members = RealLikeMembers();
  SetMember(members, "./neff.json", dims);
  seeds.push_back({"bad_33_dims.neff", AssembleNeff(members, RealLikeOptions())});

  // Hostile NEFFs of issue 6 (defects 2, 4, 5): small files that cost unbounded memory or time once.
  members = RealLikeMembers();
  SetMember(members, "./neff.json", "{\"nodes\": " + Repeat("[", 100000));
  seeds.push_back({"hostile_deep_neff_json.neff", AssembleNeff(members, RealLikeOptions())});
  members = RealLikeMembers();
  SetMember(members, "./neff.json", "{\"metadata\": [" + Repeat("0,", 1100000) + "0]}");
  seeds.push_back({"hostile_many_values_neff_json.neff", AssembleNeff(members, RealLikeOptions())});
  members = RealLikeMembers();
  SetMember(members, "./sg00/def.json", "{\"var\": {\"x\": {\"type\": [" + Repeat("[],", 1100000) + "[]]}}}");
  seeds.push_back({"hostile_def_json_var_table.neff", AssembleNeff(members, RealLikeOptions())});
  auto graph_bomb = mlp;
  SetMember(graph_bomb, "cpu/graph.json",
            R"({"name": "g", "inputs": [], "constants": [{"name": "c", "dtype": "float32", "shape": [2200000],
               "values": [)" +
                Repeat("0,", 2200000) + R"(0]}], "nodes": [], "outputs": ["c"]})");
  seeds.push_back({"hostile_graph_json_values.neff", AssembleNeff(graph_bomb, gzip)});
  auto zeros = RealLikeMembers();
  zeros.push_back({"cpu/big.npy", std::string(size_t{4} << 20, '\0')});
  seeds.push_back(
      {"hostile_gzip_in_gzip.neff",
       AssembleNeff(GzipBytes(nrtb::WriteNeffArchive(zeros, nrtb::NeffCompression::kGzip)), RealLikeOptions())});
  NeffImageOptions bad_name = RealLikeOptions();
  bad_name.name = "bad\xff\xfe";
  seeds.push_back({"hostile_name_not_utf8.neff", AssembleNeff(RealLikeMembers(), bad_name)});

  for (const auto& [name, bytes] : seeds) {
    std::ofstream(dir / name, std::ios::binary) << bytes;
    std::cout << name << " " << bytes.size() << "\n";
  }
  return 0;
}
