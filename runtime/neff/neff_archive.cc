#include "runtime/neff/neff_archive.h"

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <algorithm>
#include <cinttypes>
#include <memory>
#include <new>

#include "runtime/core/error.h"
#include "runtime/core/log.h"

namespace nrtb {
namespace {

using ReadArchive = std::unique_ptr<archive, decltype(&archive_read_free)>;
using WriteArchive = std::unique_ptr<archive, decltype(&archive_write_free)>;

constexpr size_t kReadChunk = 16 * 1024;  // on the stack

const char* ArchiveMessage(archive* a) {
  const char* m = archive_error_string(a);
  return m != nullptr ? m : "unknown libarchive error";
}

std::string_view StripDotSlash(std::string_view path) {
  while (path.starts_with("./")) path.remove_prefix(2);
  return path;
}

// True for an absolute path or one with a ".." component: such a member could only be meant to
// escape wherever the archive is unpacked.
bool EscapesRoot(std::string_view path) {
  if (path.starts_with('/')) return true;
  while (!path.empty()) {
    const size_t slash = path.find('/');
    if (path.substr(0, slash) == "..") return true;
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return false;
}

bool MatchesPrefixSuffix(std::string_view s, std::string_view prefix, std::string_view suffix) {
  return s.size() > prefix.size() + suffix.size() && s.starts_with(prefix) && s.ends_with(suffix);
}

// Running totals and the limits they are checked against.
class Budget {
 public:
  Budget(const NeffArchiveLimits& limits, uint64_t archive_bytes)
      : limits_(limits), max_unpacked_(UnpackedCap(limits, archive_bytes)) {}

  void CountMember() {
    if (++members_ > limits_.max_members) {
      ThrowInvalid("NEFF archive: more than %" PRIu64 " members", limits_.max_members);
    }
  }

  // Declared sizes are checked before libarchive inflates a member, to read it or to skip it.
  void DeclareUnpacked(const std::string& path, uint64_t size) {
    unpacked_ += size;
    if (size > max_unpacked_ || unpacked_ > max_unpacked_) {
      ThrowInvalid("NEFF archive: member %s (%" PRIu64 " bytes) takes the unpacked data over its %" PRIu64
                   "-byte cap (%s)",
                   path.c_str(), size, max_unpacked_, CapReason());
    }
  }

  // What the decompressor has produced so far (tar headers and padding included), checked after every
  // header and chunk: catches what declared sizes do not account for.
  void CheckInflated(archive* a, const std::string& path) const {
    const la_int64_t produced = archive_filter_bytes(a, 0);
    if (produced > 0 && static_cast<uint64_t>(produced) > max_unpacked_) {
      ThrowInvalid("NEFF archive: unpacking %s goes over the %" PRIu64 "-byte cap on unpacked data (%s)", path.c_str(),
                   max_unpacked_, CapReason());
    }
  }

  // Called before a kept member is read (with its declared size) and again as bytes arrive, so a
  // member whose data outgrows its declaration is caught too. kept_ never exceeds the cap.
  void CheckKept(const std::string& path, uint64_t member_bytes) const {
    if (member_bytes > limits_.max_member_bytes) {
      ThrowInvalid("NEFF archive: member %s is %" PRIu64 " bytes, over the %" PRIu64 "-byte cap per member",
                   path.c_str(), member_bytes, limits_.max_member_bytes);
    }
    if (member_bytes > limits_.max_kept_bytes - kept_) {
      ThrowInvalid("NEFF archive: member %s takes the extracted data over the %" PRIu64 "-byte cap", path.c_str(),
                   limits_.max_kept_bytes);
    }
  }

  void AddKept(uint64_t bytes) { kept_ += bytes; }

 private:
  static uint64_t UnpackedCap(const NeffArchiveLimits& limits, uint64_t archive_bytes) {
    uint64_t by_ratio = 0;
    if (__builtin_mul_overflow(limits.max_ratio, archive_bytes, &by_ratio) ||
        __builtin_add_overflow(by_ratio, limits.ratio_free_bytes, &by_ratio)) {
      return limits.max_unpacked_bytes;
    }
    return std::min(by_ratio, limits.max_unpacked_bytes);
  }

  const char* CapReason() const {
    return max_unpacked_ == limits_.max_unpacked_bytes ? "absolute limit" : "compression ratio limit";
  }

  const NeffArchiveLimits& limits_;
  const uint64_t max_unpacked_;
  uint64_t members_ = 0;
  uint64_t unpacked_ = 0;
  uint64_t kept_ = 0;
};

std::string ReadMemberData(archive* a, const std::string& path, uint64_t declared, Budget& budget) {
  budget.CheckKept(path, declared);
  // Grow with the data actually present rather than reserving the declared size: a truncated archive
  // may declare far more than it holds.
  std::string out;
  char chunk[kReadChunk];
  for (;;) {
    const la_ssize_t n = archive_read_data(a, chunk, sizeof chunk);
    if (n < 0) ThrowInvalid("NEFF archive: reading member %s: %s", path.c_str(), ArchiveMessage(a));
    if (n == 0) break;
    budget.CheckKept(path, out.size() + static_cast<uint64_t>(n));
    budget.CheckInflated(a, path);
    out.append(chunk, static_cast<size_t>(n));
  }
  budget.AddKept(out.size());
  return out;
}

std::string EntryPath(archive* a, archive_entry* entry) {
  const char* raw = archive_entry_pathname(entry);
  if (raw == nullptr) raw = archive_entry_pathname_utf8(entry);
  if (raw == nullptr) ThrowInvalid("NEFF archive: member with an unreadable name: %s", ArchiveMessage(a));
  if (EscapesRoot(raw)) ThrowInvalid("NEFF archive: member path %s escapes the archive", raw);
  return std::string(StripDotSlash(raw));
}

uint64_t DeclaredSize(archive_entry* entry, const std::string& path) {
  if (!archive_entry_size_is_set(entry)) return 0;
  const la_int64_t size = archive_entry_size(entry);
  if (size < 0) ThrowInvalid("NEFF archive: member %s has a negative size", path.c_str());
  return static_cast<uint64_t>(size);
}

bool IsPlainFile(archive_entry* entry) {
  return archive_entry_filetype(entry) == AE_IFREG && archive_entry_hardlink(entry) == nullptr;
}

ReadArchive OpenReader(const void* data, size_t size, NeffCompression compression) {
  ReadArchive a(archive_read_new(), archive_read_free);
  if (!a) ThrowStatus(NRT_RESOURCE, "NEFF archive: cannot allocate a libarchive reader");
  if (compression == NeffCompression::kGzip) archive_read_support_filter_gzip(a.get());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_memory(a.get(), data, size) != ARCHIVE_OK) {
    ThrowInvalid("NEFF archive: %s", ArchiveMessage(a.get()));
  }
  // Opening chose the filter chain: libarchive bids again on what gzip produced, so gzip data inside
  // the gzip stream would be inflated once more per layer (each layer multiplying the size up to ~1000x).
  // The chain is gzip + the memory reader, or the reader alone for a plain tar.
  const int expected_filters = compression == NeffCompression::kGzip ? 2 : 1;
  if (archive_filter_count(a.get()) != expected_filters) {
    ThrowInvalid("NEFF archive: the %s stream holds another compressed stream (%s); a NEFF has one gzip layer",
                 compression == NeffCompression::kGzip ? "gzip" : "tar", archive_filter_name(a.get(), 0));
  }
  return a;
}

// Returns false at the end of the archive.
bool NextHeader(archive* a, archive_entry** entry) {
  const int rc = archive_read_next_header(a, entry);
  if (rc == ARCHIVE_EOF) return false;
  if (rc == ARCHIVE_WARN) {
    NRTB_DEBUG("NEFF archive: %s", ArchiveMessage(a));
  } else if (rc != ARCHIVE_OK) {
    ThrowInvalid("NEFF archive: %s", ArchiveMessage(a));
  }
  return true;
}

}  // namespace

bool IsNeffRuntimeMember(std::string_view path) {
  if (path == "neff.json" || path == "info.json") return true;
  if (MatchesPrefixSuffix(path, "kelf-", ".json")) return path.find('/') == std::string_view::npos;
  if (MatchesPrefixSuffix(path, "cpu/", "")) return true;
  if (MatchesPrefixSuffix(path, "sg", "/def.json")) {
    return path.find('/') == path.size() - std::string_view("/def.json").size();
  }
  return false;
}

std::map<std::string, std::string> ReadNeffArchive(const void* data, size_t size, NeffCompression compression,
                                                   const NeffArchiveLimits& limits) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  if (compression == NeffCompression::kGzip && (size < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b)) {
    ThrowInvalid("NEFF archive: pkg_version 2 promises gzip, but the data does not start with 1f 8b");
  }
  ReadArchive a = OpenReader(data, size, compression);
  Budget budget(limits, size);
  std::map<std::string, std::string> members;
  archive_entry* entry = nullptr;
  while (NextHeader(a.get(), &entry)) {
    budget.CountMember();
    const std::string path = EntryPath(a.get(), entry);
    budget.CheckInflated(a.get(), path);
    const uint64_t declared = DeclaredSize(entry, path);
    budget.DeclareUnpacked(path, declared);
    if (!IsPlainFile(entry) || !IsNeffRuntimeMember(path)) continue;  // data skipped by the next header read
    if (members.contains(path)) ThrowInvalid("NEFF archive: member %s appears twice", path.c_str());
    members.emplace(path, ReadMemberData(a.get(), path, declared, budget));
  }
  return members;
}

namespace {

// No exception may unwind through libarchive's C frames.
la_ssize_t AppendToString(archive* a, void* client, const void* buffer, size_t length) {
  try {
    static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
  } catch (const std::bad_alloc&) {
    archive_set_error(a, ENOMEM, "out of memory");
    return -1;
  }
  return static_cast<la_ssize_t>(length);
}

void CheckWrite(archive* a, int rc, const char* what) {
  if (rc != ARCHIVE_OK) ThrowStatus(NRT_FAILURE, "NEFF archive: %s: %s", what, ArchiveMessage(a));
}

void WriteMember(archive* a, const NeffArchiveMember& m) {
  std::string_view path = m.path;
  const bool is_dir = path.ends_with('/');
  if (path.empty() || path == "/" || EscapesRoot(path)) {
    ThrowInvalid("NEFF archive: cannot store member path '%s'", m.path.c_str());
  }
  std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e(archive_entry_new(), archive_entry_free);
  archive_entry_set_pathname(e.get(), m.path.c_str());
  archive_entry_set_filetype(e.get(), is_dir ? AE_IFDIR : AE_IFREG);
  archive_entry_set_perm(e.get(), is_dir ? 0755 : 0644);
  archive_entry_set_size(e.get(), is_dir ? 0 : static_cast<la_int64_t>(m.contents.size()));
  archive_entry_set_mtime(e.get(), 0, 0);
  CheckWrite(a, archive_write_header(a, e.get()), m.path.c_str());
  if (is_dir) return;
  const la_ssize_t n = archive_write_data(a, m.contents.data(), m.contents.size());
  if (n < 0 || static_cast<size_t>(n) != m.contents.size()) CheckWrite(a, ARCHIVE_FATAL, m.path.c_str());
}

}  // namespace

std::string WriteNeffArchive(const std::vector<NeffArchiveMember>& members, NeffCompression compression) {
  // Declared before the writer: freeing a writer that was not closed (after an error) flushes into it.
  std::string out;
  WriteArchive a(archive_write_new(), archive_write_free);
  if (!a) ThrowStatus(NRT_RESOURCE, "NEFF archive: cannot allocate a libarchive writer");
  CheckWrite(a.get(), archive_write_set_format_pax_restricted(a.get()), "tar format");
  if (compression == NeffCompression::kGzip) {
    CheckWrite(a.get(), archive_write_add_filter_gzip(a.get()), "gzip filter");
    // No timestamp in the gzip header: the same inputs give the same bytes.
    CheckWrite(a.get(), archive_write_set_filter_option(a.get(), "gzip", "timestamp", nullptr), "gzip option");
  }
  // No padding to the tar block size: a NEFF's data_size is exactly what we produce.
  CheckWrite(a.get(), archive_write_set_bytes_in_last_block(a.get(), 1), "block size");
  CheckWrite(a.get(), archive_write_open2(a.get(), &out, nullptr, AppendToString, nullptr, nullptr), "open");
  for (const NeffArchiveMember& m : members) WriteMember(a.get(), m);
  CheckWrite(a.get(), archive_write_close(a.get()), "close");
  return out;
}

}  // namespace nrtb
