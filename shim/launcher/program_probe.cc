#include "program_probe.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace nrt_launcher {
namespace {

bool IsExecutableFile(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

// Reads exactly `len` bytes at `offset`; false on a short file or an error.
bool ReadAt(int fd, void* buf, size_t len, uint64_t offset) {
  auto* p = static_cast<char*>(buf);
  while (len > 0) {
    ssize_t n = pread(fd, p, len, static_cast<off_t>(offset));
    if (n <= 0) return false;
    p += n;
    len -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return true;
}

// Byte order of the file, applied to the fields we read.
struct Endian {
  bool swap;
  uint16_t U16(uint16_t v) const { return swap ? __builtin_bswap16(v) : v; }
  uint32_t U32(uint32_t v) const { return swap ? __builtin_bswap32(v) : v; }
  uint64_t U64(uint64_t v) const { return swap ? __builtin_bswap64(v) : v; }
};

// Program header table walk, for either ELF class. Returns false if the headers cannot be read.
template <class Ehdr, class Phdr>
bool HasInterp(int fd, const Endian& e, bool* has_interp) {
  Ehdr eh;
  if (!ReadAt(fd, &eh, sizeof eh, 0)) return false;
  const uint64_t phoff = sizeof(eh.e_phoff) == 8 ? e.U64(eh.e_phoff) : e.U32(static_cast<uint32_t>(eh.e_phoff));
  const uint16_t phnum = e.U16(eh.e_phnum);
  const uint16_t phentsize = e.U16(eh.e_phentsize);
  if (phnum == 0) {
    *has_interp = false;
    return true;
  }
  // A hostile or truncated file must not make us read garbage: the entry size must be the class's.
  if (phentsize != sizeof(Phdr) || phnum == PN_XNUM) return false;
  for (uint16_t i = 0; i < phnum; ++i) {
    Phdr ph;
    if (!ReadAt(fd, &ph, sizeof ph, phoff + static_cast<uint64_t>(i) * phentsize)) return false;
    if (e.U32(ph.p_type) == PT_INTERP) {
      *has_interp = true;
      return true;
    }
  }
  *has_interp = false;
  return true;
}

}  // namespace

std::string ResolveProgram(const std::string& name) {
  if (name.empty()) return "";
  if (name.find('/') != std::string::npos) return IsExecutableFile(name) ? name : "";
  const char* env_path = getenv("PATH");
  std::string path = env_path != nullptr ? env_path : "/bin:/usr/bin";
  size_t start = 0;
  while (true) {
    size_t end = path.find(':', start);
    std::string dir = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (IsExecutableFile(candidate)) return candidate;
    if (end == std::string::npos) return "";
    start = end + 1;
  }
}

PreloadObstacles ProbeProgram(const std::string& path) {
  PreloadObstacles r;
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return r;
  // The kernel starts a secure execution (AT_SECURE) when the effective ids change at exec, or when the file
  // carries capabilities. Running a setuid file we own (e.g. root running a root-owned one) changes nothing.
  if ((st.st_mode & S_ISUID) != 0 && st.st_uid != geteuid()) {
    r.secure_exec = true;
    r.detail = "setuid (owner uid " + std::to_string(st.st_uid) + ")";
  } else if ((st.st_mode & S_ISGID) != 0 && st.st_gid != getegid()) {
    r.secure_exec = true;
    r.detail = "setgid (group gid " + std::to_string(st.st_gid) + ")";
  } else if (getxattr(path.c_str(), "security.capability", nullptr, 0) > 0) {
    r.secure_exec = true;
    r.detail = "file capabilities";
  }

  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return r;
  unsigned char ident[EI_NIDENT];
  if (ReadAt(fd, ident, sizeof ident, 0) && memcmp(ident, ELFMAG, SELFMAG) == 0) {
    const bool little_host = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
    const Endian e{(ident[EI_DATA] == ELFDATA2LSB) != little_host};
    bool has_interp = false, ok = false;
    if (ident[EI_CLASS] == ELFCLASS64) {
      ok = HasInterp<Elf64_Ehdr, Elf64_Phdr>(fd, e, &has_interp);
    } else if (ident[EI_CLASS] == ELFCLASS32) {
      ok = HasInterp<Elf32_Ehdr, Elf32_Phdr>(fd, e, &has_interp);
    }
    if (ok) {
      r.is_elf = true;
      r.static_elf = !has_interp;
      if (r.static_elf) r.detail = r.detail.empty() ? "statically linked" : r.detail + ", statically linked";
    }
  }
  close(fd);
  return r;
}

}  // namespace nrt_launcher
