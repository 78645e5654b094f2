#include "runtime/neff/neff_header.h"

#include <cinttypes>
#include <cstring>

#include "runtime/core/error.h"

namespace nrtb {
namespace {

void CheckSizes(const NeffHeader& h, size_t file_size) {
  if (h.header_size != kNeffHeaderSize) {
    ThrowInvalid("NEFF header: header_size %" PRIu64 " is not %zu (not a NEFF file?)", h.header_size, kNeffHeaderSize);
  }
  const uint64_t room = file_size - kNeffHeaderSize;
  if (h.data_size > room) {
    ThrowInvalid("NEFF header: data_size %" PRIu64 " exceeds the %" PRIu64 " bytes after the header (file size %zu)",
                 h.data_size, room, file_size);
  }
  if (h.data_size == 0) ThrowInvalid("NEFF header: data_size is 0, the file has no archive");
}

// Version problems are checked before the package format so a NEFF from a newer compiler is reported
// as such even if it also changed the packaging.
void CheckVersions(const NeffHeader& h) {
  if (h.neff_version_major > kNeffMaxMajorVersion) {
    ThrowStatus(NRT_UNSUPPORTED_NEFF_VERSION,
                "NEFF version %" PRIu64 ".%" PRIu64 " is not supported (this runtime reads up to %" PRIu64 ".x)",
                h.neff_version_major, h.neff_version_minor, kNeffMaxMajorVersion);
  }
  if (h.neff_version_major == kNeffMaxMajorVersion && (h.feature_bits & kNeffUnsupportedFeatureMask) != 0) {
    ThrowStatus(NRT_UNSUPPORTED_NEFF_VERSION,
                "NEFF feature bits 0x%" PRIx64 " include 0x%" PRIx64
                ", unknown to this runtime: the NEFF was compiled by a newer version of the Neuron compiler",
                h.feature_bits, h.feature_bits & kNeffUnsupportedFeatureMask);
  }
  if (h.pkg_version != kNeffPkgPlainTar && h.pkg_version != kNeffPkgGzipTar) {
    ThrowInvalid("NEFF header: pkg_version %" PRIu64 " is neither 1 (tar) nor 2 (gzip tar)", h.pkg_version);
  }
}

}  // namespace

NeffHeader ParseNeffHeader(const void* data, size_t size) {
  if (size < kNeffHeaderSize) {
    ThrowInvalid("NEFF header: file is %zu bytes, smaller than the %zu-byte header", size, kNeffHeaderSize);
  }
  NeffHeader h;
  std::memcpy(&h, data, sizeof h);
  CheckSizes(h, size);
  CheckVersions(h);
  return h;
}

NeffHeader MakeNeffHeader() {
  NeffHeader h;
  std::memset(&h, 0, sizeof h);
  h.header_size = kNeffHeaderSize;
  return h;
}

std::string SerializeNeffHeader(const NeffHeader& header) {
  return std::string(reinterpret_cast<const char*>(&header), sizeof header);
}

std::string NeffHeaderText(const char* field, size_t capacity) { return std::string(field, strnlen(field, capacity)); }

void SetNeffHeaderText(char* field, size_t capacity, std::string_view text, const char* field_name) {
  if (text.size() >= capacity) {
    ThrowInvalid("NEFF header: %s is %zu bytes, the field holds at most %zu", field_name, text.size(), capacity - 1);
  }
  std::memset(field, 0, capacity);
  std::memcpy(field, text.data(), text.size());
}

}  // namespace nrtb
