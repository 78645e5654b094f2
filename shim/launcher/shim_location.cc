#include "shim_location.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

namespace nrt_launcher {
namespace {

std::string SelfExe() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  return std::string(buf, static_cast<size_t>(n));
}

std::string Dirname(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::string RealPath(const std::string& path) {
  char buf[PATH_MAX];
  return realpath(path.c_str(), buf) != nullptr ? std::string(buf) : std::string();
}

bool IsFile(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

void Note(std::string* tried, const std::string& path) {
  if (tried == nullptr) return;
  if (!tried->empty()) *tried += ", ";
  *tried += path;
}

}  // namespace

std::string FindShim(std::string* tried) {
  if (const char* env = getenv(kShimOverrideEnv); env != nullptr && *env != '\0') {
    Note(tried, std::string(env) + " (" + kShimOverrideEnv + ")");
    // Made absolute only if it exists; a missing override is an error, never a silent fallback.
    std::string real = RealPath(env);
    return !real.empty() && IsFile(real) ? real : "";
  }
  const std::string self = SelfExe();
  const std::string bindir = Dirname(self);
  // NRTB_SHIM_INSTALL_REL: the shim relative to the installed bin directory (from CMAKE_INSTALL_{BIN,LIB}DIR).
  const std::string installed = bindir + "/" NRTB_SHIM_INSTALL_REL;
  Note(tried, installed);
  if (std::string real = RealPath(installed); !real.empty() && IsFile(real)) return real;
#ifdef NRTB_SHIM_BUILD_PATH
  // Only the launcher in the build tree may use the build tree's shim: an installed copy must not pick up a
  // stale build that happens to exist at the same path.
  if (RealPath(bindir) == RealPath(NRTB_LAUNCHER_BUILD_DIR)) {
    Note(tried, NRTB_SHIM_BUILD_PATH);
    if (IsFile(NRTB_SHIM_BUILD_PATH)) return NRTB_SHIM_BUILD_PATH;
  }
#endif
  return "";
}

}  // namespace nrt_launcher
