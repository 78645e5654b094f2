#include "tools/nrt-neff/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace nrtneff {
namespace {

[[noreturn]] void Fail(const std::filesystem::path& path, const std::string& what, int err) {
  throw std::runtime_error(path.string() + ": " + what + ": " + std::strerror(err));
}

// The temporary file until it is renamed into place; removed if anything fails before that.
class TempFile {
 public:
  explicit TempFile(const std::filesystem::path& target) {
    const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
    path_ = (dir / ("." + target.filename().string() + ".tmp.XXXXXX")).string();
    fd_ = mkstemp(path_.data());
    if (fd_ < 0) Fail(dir, "cannot create a temporary file", errno);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (fd_ >= 0) close(fd_);
    if (!committed_) unlink(path_.c_str());
  }

  void Write(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) Fail(path_, "write failed", errno);
      data.remove_prefix(static_cast<size_t>(n));
    }
  }

  // mkstemp creates the file 0600; give it the mode a plain open() would have.
  void SetDefaultMode() {
    const mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd_, 0666 & ~mask) != 0) Fail(path_, "chmod failed", errno);
  }

  void CommitAs(const std::filesystem::path& target) {
    if (fsync(fd_) != 0) Fail(path_, "fsync failed", errno);
    const int fd = fd_;
    fd_ = -1;
    if (close(fd) != 0) Fail(path_, "close failed", errno);
    if (rename(path_.c_str(), target.c_str()) != 0) Fail(target, "cannot replace", errno);
    committed_ = true;
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace

std::string ReadFile(const std::filesystem::path& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) Fail(path, "cannot open", errno);
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  struct stat st {};
  if (fstat(fd, &st) != 0) Fail(path, "cannot stat", errno);
  if (!S_ISREG(st.st_mode)) throw std::runtime_error(path.string() + ": not a regular file");
  std::string data(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = read(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) Fail(path, "read failed", errno);
    if (n == 0) throw std::runtime_error(path.string() + ": file shrank while being read");
    done += static_cast<size_t>(n);
  }
  return data;
}

void WriteFileAtomically(const std::filesystem::path& path, std::string_view data) {
  TempFile tmp(path);
  tmp.Write(data);
  tmp.SetDefaultMode();
  tmp.CommitAs(path);
}

}  // namespace nrtneff
