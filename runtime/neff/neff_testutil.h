// Test-only helpers (header-only, so nothing here ends up in the runtime library): NEFF images built
// the way neuronx-cc lays them out, and raw tar records for archives our writer refuses to produce.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/neff/neff_archive.h"
#include "runtime/neff/neff_header.h"

namespace nrtb::testutil {

struct NeffImageOptions {
  uint64_t pkg_version = kNeffPkgGzipTar;
  uint64_t major = 2;
  uint64_t minor = 0;
  uint64_t feature_bits = 0;
  uint32_t lnc_size = 1;
  std::string name;
  size_t pad_to = 0;  // pad the archive with zeros to a multiple of this many bytes (0 = no padding)
};

// Header + archive bytes (+ zero padding counted in data_size, as neuronx-cc does).
inline std::string AssembleNeff(std::string archive, const NeffImageOptions& o) {
  if (o.pad_to != 0 && archive.size() % o.pad_to != 0)
    archive.resize(archive.size() + o.pad_to - archive.size() % o.pad_to, '\0');
  NeffHeader h = MakeNeffHeader();
  h.pkg_version = o.pkg_version;
  h.data_size = archive.size();
  h.neff_version_major = o.major;
  h.neff_version_minor = o.minor;
  h.feature_bits = o.feature_bits;
  h.lnc_size = o.lnc_size;
  h.num_tpb = 1;
  SetNeffHeaderText(h.name, sizeof h.name, o.name, "name");
  return SerializeNeffHeader(h) + archive;
}

inline std::string AssembleNeff(const std::vector<NeffArchiveMember>& members, const NeffImageOptions& o) {
  const NeffCompression c = o.pkg_version == kNeffPkgPlainTar ? NeffCompression::kNone : NeffCompression::kGzip;
  return AssembleNeff(WriteNeffArchive(members, c), o);
}

// Deterministic incompressible bytes, standing in for engine instruction streams.
inline std::string Blob(size_t size, uint32_t seed) {
  std::string out(size, '\0');
  for (char& c : out) {
    seed = seed * 1664525u + 1013904223u;
    c = static_cast<char>(seed >> 24);
  }
  return out;
}

// neff.json of REALNEFF matmul_small: fp16 x [128,256] @ y [256,128] -> output0 [128,128], LNC=2, so
// the kelf node lists output0 twice and heads are [2,0,0] and [2,1,0].
inline std::string RealLikeNeffJson() {
  return R"({
  "nodes": [
    {"op": "null", "name": "x", "inputs": []},
    {"op": "null", "name": "y", "inputs": []},
    {"op": "tvm_op", "name": "neuron_kelf_0",
     "attrs": {"func_name": "__kelf", "kelf": "kelf-0.json", "num_inputs": "2", "num_outputs": "2", "flatten_data": "0"},
     "inputs": [[0, 0, 0], [1, 0, 0]], "output_names": ["output0", "output0"]}
  ],
  "arg_nodes": [0, 1],
  "heads": [[2, 0, 0], [2, 1, 0]],
  "node_row_ptr": [0, 1, 2, 4],
  "attrs": {
    "dltype": ["list_str", ["float16", "float16", "float16", "float16"]],
    "shape": ["list_shape", [[128, 256], [256, 128], [128, 128], [128, 128]]],
    "storage_id": ["list_int", [0, 1, 2, 3]]
  },
  "metadata": {"signatures": {"default": {
    "inputs": {"x": {"id": 0, "dtype": "float16", "shape": [128, 256]},
               "y": {"id": 1, "dtype": "float16", "shape": [256, 128]}},
    "outputs": {}}}}
})";
}

// sgNN/def.json with `var` keyed by name, as in REALNEFF.
inline std::string RealLikeDefJson(uint64_t output_size = 32768) {
  return R"({
  "version": "0.6",
  "var": {
    "x": {"type": "input", "size": 65536, "var_id": 0},
    "y": {"type": "input", "size": 65536, "var_id": 1},
    "output0": {"type": "output", "size": )" +
         std::to_string(output_size) + R"(, "var_id": 2},
    "weights": {"type": "file", "file_name": "weights.npy", "var_id": 3},
    "scratch": {"type": "tmp-buf", "size": 4096, "var_id": 4},
    "sb": {"type": "state-buffer", "size": 24576, "var_id": 5}
  },
  "dma_queue": {"qSyncIO0": {"owner": "sp", "num_queues": 1, "type": "data", "dynamic_dma": false}},
  "runtime_statebuffer_reservation": {"type": "evtaccel"},
  "neff_features": ["neff_feature_vnc"]
})";
}

// The member list of REALNEFF matmul_small: "./"-prefixed paths, directory entries, per-core
// subgraphs with engine blobs, and members the runtime skips.
inline std::vector<NeffArchiveMember> RealLikeMembers() {
  std::vector<NeffArchiveMember> m = {
      {"./", ""},
      {"./neff.json", RealLikeNeffJson()},
      {"./kelf-0.json", R"({"graphs": [{"definition": "sg00/def.json", "name": "sg00"},
                                       {"definition": "sg01/def.json", "name": "sg01"}],
                           "version": "0.5", "target": "cayman"})"},
      {"./info.json", R"({"tool_version": "2.23.6484.0", "name": "file.neff", "num_tpb": 1, "num_tpb_requested": 1})"},
      {"./hlo_stats.json", R"({"flops": 8388608})"},
      {"./debug_info/", ""},
      {"./debug_info/sg00.dbg", Blob(300, 7)},
  };
  const char* engines[] = {"PE", "Activation", "Pool", "DVE", "SP"};
  for (const char* sg : {"sg00", "sg01"}) {
    const std::string dir = std::string("./") + sg + "/";
    m.push_back({dir, ""});
    m.push_back({dir + "def.json", RealLikeDefJson()});
    m.push_back({dir + "tensor_map.json", R"({"x": {"dtype": "float16", "kind": "input", "tf_shape": [128, 256]}})"});
    uint32_t seed = 1;
    for (const char* e : engines) {
      m.push_back({dir + e + ".json", R"({"instructions": "see bin"})"});
      m.push_back({dir + e + ".bin", Blob(512, seed++)});
    }
    m.push_back({dir + "weights.npy", Blob(256, 99)});
    m.push_back({dir + "sg-wavegraph-bin.json", "{}"});
  }
  return m;
}

inline NeffImageOptions RealLikeOptions() {
  NeffImageOptions o;
  o.feature_bits = 0x209c00;
  o.lnc_size = 2;
  o.name = "file.neff";
  o.pad_to = 1024;
  return o;
}

inline std::string RealLikeNeff() { return AssembleNeff(RealLikeMembers(), RealLikeOptions()); }

// Replaces (or appends) one member.
inline void SetMember(std::vector<NeffArchiveMember>& members, const std::string& path, std::string contents) {
  for (NeffArchiveMember& m : members) {
    if (m.path == path) {
      m.contents = std::move(contents);
      return;
    }
  }
  members.push_back({path, std::move(contents)});
}

inline void RemoveMember(std::vector<NeffArchiveMember>& members, const std::string& path) {
  std::erase_if(members, [&](const NeffArchiveMember& m) { return m.path == path; });
}

// One ustar record (header + data padded to 512) with any name and any declared size — for paths our
// writer refuses and sizes larger than the data that follows.
inline std::string RawTarRecord(std::string_view name, uint64_t declared_size, std::string_view data) {
  char h[512] = {};
  std::memcpy(h, name.data(), std::min<size_t>(name.size(), 100));
  std::snprintf(h + 100, 8, "%07o", 0644);
  std::snprintf(h + 108, 8, "%07o", 0);
  std::snprintf(h + 116, 8, "%07o", 0);
  std::snprintf(h + 124, 12, "%011llo", static_cast<unsigned long long>(declared_size));
  std::snprintf(h + 136, 12, "%011o", 0);
  h[156] = '0';
  std::memcpy(h + 257, "ustar", 6);
  std::memcpy(h + 263, "00", 2);
  std::memset(h + 148, ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  std::snprintf(h + 148, 8, "%06o", sum);
  std::string out(h, sizeof h);
  out += data;
  out.resize(out.size() + (512 - data.size() % 512) % 512, '\0');
  return out;
}

// `data` gzip-compressed as a single stream (no tar inside): for gzip-inside-gzip archives.
inline std::string GzipBytes(std::string_view data) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_set_format_raw(a);
  archive_write_add_filter_gzip(a);
  archive_write_set_bytes_in_last_block(a, 1);
  archive_write_open2(
      a, &out, nullptr,
      [](archive*, void* client, const void* buffer, size_t length) -> la_ssize_t {
        static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
        return static_cast<la_ssize_t>(length);
      },
      nullptr, nullptr);
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, "data");
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
  archive_write_header(a, e);
  archive_write_data(a, data.data(), data.size());
  archive_entry_free(e);
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

// The end-of-archive marker: two zero records.
inline std::string RawTarEnd() { return std::string(1024, '\0'); }

}  // namespace nrtb::testutil
