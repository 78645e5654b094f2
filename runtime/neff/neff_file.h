// A NEFF container: 1024-byte header + (gzip) tar, and what the runtime needs from it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "runtime/neff/tensor_spec.h"

namespace nrtb {

struct NeffFile {
  std::string name;          // header name field (may be empty)
  uint64_t pkg_version = 0;  // 2 = gzip tar, 1 = plain tar
  uint64_t neff_version_major = 0;
  uint64_t neff_version_minor = 0;
  uint64_t feature_bits = 0;
  uint32_t lnc_size = 1;           // header lnc_size (0 in the header is reported as 1)
  std::string build_version;       // header neff_build_version
  std::vector<TensorSpec> inputs;  // from neff.json, in declaration order, de-duplicated by name
  std::vector<TensorSpec> outputs;
  bool has_cpu_graph = false;  // the archive carries cpu/graph.json
  // Members under cpu/ (path relative to cpu/ -> contents): graph.json and its constants.
  std::map<std::string, std::string> cpu_files;
};

// Parses and validates a NEFF image held in memory. Throws Error(NRT_INVALID, msg) for a malformed
// file and Error(NRT_UNSUPPORTED_NEFF_VERSION, msg) for a version / feature bits we cannot run.
// Bounded: total extracted bytes and member count are capped (see neff_file.cc).
NeffFile ParseNeff(const void* data, size_t size);

// What nrt-neff build writes. Produces a pkg_version 2 (gzip tar) NEFF whose neff.json and
// sg00/def.json declare `inputs`/`outputs`, plus the given cpu/ members.
struct NeffBuildSpec {
  std::string name;
  uint32_t lnc_size = 1;
  std::vector<TensorSpec> inputs;
  std::vector<TensorSpec> outputs;
  std::map<std::string, std::string> cpu_files;  // relative to cpu/
};
std::string BuildNeff(const NeffBuildSpec& spec);

}  // namespace nrtb
