// The tar archive inside a NEFF, read from and written to memory with libarchive.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace nrtb {

enum class NeffCompression { kNone, kGzip };

// Bounds on what reading an archive may cost (documented in README.md, "NEFF files"). Real NEFFs have a
// few hundred members; CPU NEFFs carry their constants, so the kept-bytes caps are generous but finite.
// Unpacked bytes = the tar stream after decompression (every member, kept or skipped, plus tar headers);
// they may not exceed min(max_unpacked_bytes, ratio_free_bytes + max_ratio * archive size), so the
// work a small archive can cause is proportionate to its size.
struct NeffArchiveLimits {
  uint64_t max_members = 100000;             // every entry, kept or skipped
  uint64_t max_member_bytes = 1ull << 30;    // one kept member
  uint64_t max_kept_bytes = 4ull << 30;      // all kept members together (held in memory)
  uint64_t max_unpacked_bytes = 8ull << 30;  // absolute cap on unpacked bytes
  uint64_t max_ratio = 256;                  // unpacked bytes per archive byte, beyond ratio_free_bytes
  uint64_t ratio_free_bytes = 64ull << 20;   // unpacked bytes allowed whatever the ratio
};

// Member paths the runtime reads; everything else (engine binaries, debug info, ...) is skipped
// without its data being read into memory. `path` is already normalised (no leading "./").
bool IsNeffRuntimeMember(std::string_view path);

// Reads the archive and returns the runtime members (normalised path -> contents). Stops at the end
// of the tar (and of the gzip stream: zero padding after it is ignored); skips directories and
// non-regular entries. Throws Error(NRT_INVALID) for a corrupt archive, a path that is absolute or
// contains "..", a duplicate runtime member, compressed data inside the gzip stream (a NEFF has exactly
// one gzip layer; libarchive would otherwise peel any number of them), or any limit exceeded — declared
// sizes are checked against the limits before any data is read, and actual bytes as they are read. The
// gzip CRC is not verified (libarchive does not check it); a NEFF's integrity is the hash's job, which the
// runtime does not validate (see neff_header.h).
std::map<std::string, std::string> ReadNeffArchive(const void* data, size_t size, NeffCompression compression,
                                                   const NeffArchiveLimits& limits = {});

struct NeffArchiveMember {
  std::string path;  // a path ending in "/" is written as a directory entry
  std::string contents;
};

// Writes the members, in order, as a deterministic POSIX tar (mtime 0, root-owned), gzip-compressed
// (without a timestamp) if asked. Throws Error(NRT_INVALID) for an empty, absolute or ".." path.
std::string WriteNeffArchive(const std::vector<NeffArchiveMember>& members, NeffCompression compression);

}  // namespace nrtb
