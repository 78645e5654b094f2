// The 1024-byte header in front of every NEFF archive (SPEC §5.1). The file has no magic number, so
// a NEFF is recognised structurally: header_size, data_size, version and feature bits must make sense.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace nrtb {

// On-disk layout, little-endian, no implicit padding (every field is naturally aligned).
struct NeffHeader {
  uint64_t pkg_version;  // 1 = plain tar, 2 = gzip tar
  uint64_t header_size;  // always kNeffHeaderSize
  uint64_t data_size;    // archive bytes after the header (compressed, possibly zero-padded)
  uint64_t neff_version_major;
  uint64_t neff_version_minor;
  char neff_build_version[128];
  uint32_t num_tpb;  // docs: TPBs needed; RE: unused / gzip flag (SPEC §7.16). Not interpreted.
  uint8_t hash[32];  // MD5 (pkg 2) or SHA-256 (pkg 1). Never validated: the real runtime only
                     // checks it under NEURON_RT_VALIDATE_HASH, which we do not support.
  uint8_t uuid[16];
  char name[256];
  uint32_t requested_tpb_count;
  uint8_t tpb_per_node[64];
  uint64_t feature_bits;
  uint32_t lnc_size;  // logical core size the NEFF was compiled for; 0 in old NEFFs means 1
  uint8_t pad[468];
};

inline constexpr size_t kNeffHeaderSize = 1024;
inline constexpr uint64_t kNeffPkgPlainTar = 1;
inline constexpr uint64_t kNeffPkgGzipTar = 2;
inline constexpr uint64_t kNeffMaxMajorVersion = 2;
// For major version 2 the runtime knows feature bits 0..26; any bit in this mask means "compiled by a
// newer compiler" (bit 63 is left alone, as the real loader does).
inline constexpr uint64_t kNeffUnsupportedFeatureMask = 0x7FFFFFFFF8000000ull;

static_assert(std::endian::native == std::endian::little, "NEFF headers are little-endian; add byte swapping");
static_assert(sizeof(NeffHeader) == kNeffHeaderSize);
static_assert(offsetof(NeffHeader, pkg_version) == 0x000);
static_assert(offsetof(NeffHeader, header_size) == 0x008);
static_assert(offsetof(NeffHeader, data_size) == 0x010);
static_assert(offsetof(NeffHeader, neff_version_major) == 0x018);
static_assert(offsetof(NeffHeader, neff_version_minor) == 0x020);
static_assert(offsetof(NeffHeader, neff_build_version) == 0x028);
static_assert(offsetof(NeffHeader, num_tpb) == 0x0A8);
static_assert(offsetof(NeffHeader, hash) == 0x0AC);
static_assert(offsetof(NeffHeader, uuid) == 0x0CC);
static_assert(offsetof(NeffHeader, name) == 0x0DC);
static_assert(offsetof(NeffHeader, requested_tpb_count) == 0x1DC);
static_assert(offsetof(NeffHeader, tpb_per_node) == 0x1E0);
static_assert(offsetof(NeffHeader, feature_bits) == 0x220);
static_assert(offsetof(NeffHeader, lnc_size) == 0x228);
static_assert(offsetof(NeffHeader, pad) == 0x22C);

// Reads the header of a NEFF image of `size` bytes and validates it against the image: throws
// Error(NRT_INVALID) for a malformed header and Error(NRT_UNSUPPORTED_NEFF_VERSION) for a major version
// or feature bits we cannot run. On success the archive is bytes [kNeffHeaderSize, kNeffHeaderSize + data_size).
NeffHeader ParseNeffHeader(const void* data, size_t size);

// A zeroed header with header_size set; callers fill in the rest.
NeffHeader MakeNeffHeader();

// The header's 1024 bytes.
std::string SerializeNeffHeader(const NeffHeader& header);

// Fixed-size text fields are NUL-padded but not necessarily NUL-terminated.
std::string NeffHeaderText(const char* field, size_t capacity);
// Copies `text` into a fixed-size field, NUL-padded; throws Error(NRT_INVALID) if it does not fit with a
// terminating NUL (what field_name says is used in the message).
void SetNeffHeaderText(char* field, size_t capacity, std::string_view text, const char* field_name);

}  // namespace nrtb
