#include "file_writer.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace nrtm {

bool ReadFile(const std::string& path, std::string* content) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *content = ss.str();
  return !in.bad();
}

namespace {

std::string Errno(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

// Ctrl-C between the temporary file and the rename would leave the temporary behind: the signals that end the
// tool wait until the file is in place.
class BlockTermination {
 public:
  BlockTermination() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, &old_);
  }
  ~BlockTermination() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

 private:
  sigset_t old_;
};

}  // namespace

WriteResult WriteAtomically(const std::string& path, const std::string& content, bool create_only) {
  WriteResult r;
  mode_t mode = 0644;
  struct stat st;
  if (stat(path.c_str(), &st) == 0) mode = st.st_mode & 07777;
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string tmpl = dir + "/." + base + ".nrtm-XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  BlockTermination block;
  int fd = mkstemp(name.data());
  if (fd < 0) {
    r.ok = false;
    r.error = Errno("cannot create a temporary file in", dir);
    return r;
  }
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      r.ok = false;
      r.error = Errno("cannot write", name.data());
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (r.ok && (fchmod(fd, mode) != 0 || fsync(fd) != 0)) {
    r.ok = false;
    r.error = Errno("cannot finish", name.data());
  }
  close(fd);
  if (r.ok && create_only) {
    // Never replaces: renameat2 refuses an existing target; where the filesystem lacks it, link does the same.
    int rc = renameat2(AT_FDCWD, name.data(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE);
    if (rc != 0 && (errno == EINVAL || errno == ENOSYS) && (rc = link(name.data(), path.c_str())) == 0)
      unlink(name.data());
    if (rc != 0) {
      r.ok = false;
      r.changed_on_disk = errno == EEXIST;
      r.error = errno == EEXIST ? path + " appeared during the run; kept as it is" : Errno("cannot create", path);
    }
  } else if (r.ok && rename(name.data(), path.c_str()) != 0) {
    r.ok = false;
    r.error = Errno("cannot rename into", path);
  }
  if (!r.ok) unlink(name.data());
  return r;
}

WriteResult ReplaceFile(const std::string& path, const std::string& expected_old, const std::string& content,
                        bool backup) {
  WriteResult r;
  std::string now;
  if (!ReadFile(path, &now)) {
    r.ok = false;
    r.error = Errno("cannot read", path);
    return r;
  }
  if (now != expected_old) {
    r.ok = false;
    r.changed_on_disk = true;
    r.error = path + " changed since the tool read it; not written";
    return r;
  }
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && (st.st_mode & 0222) == 0) {
    r.ok = false;
    r.error = path + " is read-only; not written";
    return r;
  }
  if (access(path.c_str(), W_OK) != 0) {
    r.ok = false;
    r.error = Errno("cannot write", path);
    return r;
  }
  if (backup) {
    std::string orig = path + ".orig";
    if (access(orig.c_str(), F_OK) != 0) {
      WriteResult b = WriteAtomically(orig, expected_old);
      if (!b.ok) return b;
    }
  }
  return WriteAtomically(path, content);
}

}  // namespace nrtm
