#include "resource_dir.h"

#include <clang-c/Index.h>
#include <dlfcn.h>

#include <filesystem>
#include <regex>
#include <vector>

#include "libclang_util.h"

namespace fs = std::filesystem;

namespace nrtm {

namespace {
bool HasBuiltinHeaders(const fs::path& dir) {
  std::error_code ec;
  return fs::exists(dir / "include" / "stddef.h", ec);
}
}  // namespace

ResourceDir FindResourceDir(const std::string& explicit_dir) {
  ResourceDir out;
  if (!explicit_dir.empty()) {
    if (HasBuiltinHeaders(explicit_dir)) {
      out.path = explicit_dir;
    } else {
      out.error = "--resource-dir " + explicit_dir + " has no include/stddef.h (not a clang resource directory)";
    }
    return out;
  }
  std::string version = ToString(clang_getClangVersion());
  std::smatch m;
  std::string full, major;
  if (std::regex_search(version, m, std::regex(R"((\d+)\.(\d+)\.(\d+))"))) {
    full = m.str(0);
    major = m.str(1);
  }
  Dl_info info{};
  std::vector<fs::path> candidates;
  std::vector<fs::path> libdirs;
  if (dladdr(reinterpret_cast<void*>(&clang_getClangVersion), &info) && info.dli_fname) {
    // Both the path it was loaded by (Debian: /usr/lib/llvm-N/lib) and where the symlinks end.
    libdirs.push_back(fs::path(info.dli_fname).parent_path());
    libdirs.push_back(fs::path(Canonical(info.dli_fname)).parent_path());
  }
  if (!major.empty()) libdirs.push_back(fs::path("/usr/lib/llvm-" + major) / "lib");
  for (const fs::path& libdir : libdirs) {
    for (const std::string& v : {full, major}) {
      if (v.empty()) continue;
      candidates.push_back(libdir / "clang" / v);
    }
  }
  for (const fs::path& c : candidates) {
    if (HasBuiltinHeaders(c)) {
      out.path = c.string();
      return out;
    }
  }
  out.error = "cannot find clang's resource directory for " + version +
              " (builtin headers such as stddef.h); install the matching libclang-common package or pass "
              "--resource-dir DIR";
  return out;
}

}  // namespace nrtm
