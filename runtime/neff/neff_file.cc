#include "runtime/neff/neff_file.h"

#include <cinttypes>
#include <nlohmann/json.hpp>

#include "runtime/core/error.h"
#include "runtime/core/log.h"
#include "runtime/neff/neff_archive.h"
#include "runtime/neff/neff_header.h"
#include "runtime/neff/neff_signature.h"
#include "runtime/neff/name_check.h"

namespace nrtb {
namespace {

constexpr std::string_view kCpuPrefix = "cpu/";
constexpr std::string_view kKelfFile = "kelf-0.json";
constexpr std::string_view kDefJson = "sg00/def.json";
constexpr uint64_t kBuiltMinorVersion = 0;

NeffCompression CompressionOf(const NeffHeader& h) {
  return h.pkg_version == kNeffPkgGzipTar ? NeffCompression::kGzip : NeffCompression::kNone;
}

// A real loader opens the kelf file neff.json names (kelf-0.json today, kelf-a.json in older NEFFs),
// so a NEFF without it cannot run.
void CheckKelfFiles(const NeffSignature& sig, const std::map<std::string, std::string>& members) {
  for (const std::string& kelf : sig.kelf_files) {
    if (!members.contains(kelf))
      ThrowInvalid("neff.json names kelf file %s, which the NEFF does not contain", kelf.c_str());
  }
}

void CheckSubgraphDefinitions(const NeffSignature& sig, const std::map<std::string, std::string>& members) {
  for (const auto& [path, contents] : members) {
    if (path.ends_with("/def.json")) CheckDefJsonVars(contents, path, sig);
  }
}

std::map<std::string, std::string> TakeCpuFiles(std::map<std::string, std::string>& members) {
  std::map<std::string, std::string> cpu;
  for (auto it = members.begin(); it != members.end();) {
    if (it->first.starts_with(kCpuPrefix)) {
      cpu.emplace(it->first.substr(kCpuPrefix.size()), std::move(it->second));
      it = members.erase(it);
    } else {
      ++it;
    }
  }
  return cpu;
}

NeffFile Describe(const NeffHeader& h, NeffSignature sig, std::map<std::string, std::string> cpu_files) {
  NeffFile f;
  f.name = NeffHeaderText(h.name, sizeof h.name);
  if (const char* why = NameProblem(f.name)) ThrowInvalid("NEFF header: the model name %s", why);
  f.pkg_version = h.pkg_version;
  f.neff_version_major = h.neff_version_major;
  f.neff_version_minor = h.neff_version_minor;
  f.feature_bits = h.feature_bits;
  f.lnc_size = h.lnc_size == 0 ? 1 : h.lnc_size;
  f.build_version = NeffHeaderText(h.neff_build_version, sizeof h.neff_build_version);
  if (const char* why = NameProblem(f.build_version)) ThrowInvalid("NEFF header: the build version %s", why);
  f.inputs = std::move(sig.inputs);
  f.outputs = std::move(sig.outputs);
  f.has_cpu_graph = cpu_files.contains("graph.json");
  f.cpu_files = std::move(cpu_files);
  return f;
}

void CheckUniqueNames(const NeffBuildSpec& spec) {
  std::map<std::string_view, int> seen;
  for (const auto* list : {&spec.inputs, &spec.outputs}) {
    for (const TensorSpec& t : *list) {
      if (++seen[t.name] > 1) ThrowInvalid("NEFF build: tensor name '%s' is used more than once", t.name.c_str());
    }
  }
}

std::vector<NeffArchiveMember> BuildMembers(const NeffBuildSpec& spec) {
  const NeffSignature sig{spec.inputs, spec.outputs, {std::string(kKelfFile)}};
  const nlohmann::json kelf = {
      {"graphs", {{{"definition", kDefJson}, {"name", "sg00"}}}}, {"version", "0.5"}, {"target", "cpu"}};
  const nlohmann::json info = {{"tool_version", "nrt-bridge " NRTB_RT_VERSION}, {"name", spec.name}, {"num_tpb", 1}};
  std::vector<NeffArchiveMember> members = {
      {"neff.json", NeffJsonFor(sig, kKelfFile)},
      {std::string(kKelfFile), kelf.dump(2)},
      {"info.json", info.dump(2)},
      {std::string(kDefJson), DefJsonFor(sig)},
  };
  for (const auto& [path, contents] : spec.cpu_files) members.push_back({std::string(kCpuPrefix) + path, contents});
  return members;
}

}  // namespace

NeffFile ParseNeff(const void* data, size_t size) {
  const NeffHeader header = ParseNeffHeader(data, size);
  const auto* archive = static_cast<const unsigned char*>(data) + kNeffHeaderSize;
  std::map<std::string, std::string> members = ReadNeffArchive(archive, header.data_size, CompressionOf(header));
  const auto neff_json = members.find("neff.json");
  if (neff_json == members.end()) ThrowInvalid("NEFF archive has no neff.json");
  NeffSignature sig = ParseNeffSignature(neff_json->second);
  CheckKelfFiles(sig, members);
  CheckSubgraphDefinitions(sig, members);
  NeffFile f = Describe(header, std::move(sig), TakeCpuFiles(members));
  NRTB_DEBUG("NEFF '%s' v%" PRIu64 ".%" PRIu64 ": %zu inputs, %zu outputs, lnc_size %u, %s", f.name.c_str(),
             f.neff_version_major, f.neff_version_minor, f.inputs.size(), f.outputs.size(), f.lnc_size,
             f.has_cpu_graph ? "CPU graph" : "signature only");
  return f;
}

std::string BuildNeff(const NeffBuildSpec& spec) {
  CheckUniqueNames(spec);
  const std::string archive = WriteNeffArchive(BuildMembers(spec), NeffCompression::kGzip);
  NeffHeader h = MakeNeffHeader();
  h.pkg_version = kNeffPkgGzipTar;
  h.data_size = archive.size();
  h.neff_version_major = kNeffMaxMajorVersion;
  h.neff_version_minor = kBuiltMinorVersion;
  h.num_tpb = 1;
  h.lnc_size = spec.lnc_size;
  SetNeffHeaderText(h.name, sizeof h.name, spec.name, "name");
  SetNeffHeaderText(h.neff_build_version, sizeof h.neff_build_version, "nrt-bridge " NRTB_RT_VERSION, "build version");
  std::string image = SerializeNeffHeader(h) + archive;
  // Never hand out a NEFF the loader would refuse (bad names, dtypes, sizes or caps): read it back.
  ParseNeff(image.data(), image.size());
  return image;
}

}  // namespace nrtb
