#include "text_files.h"

#include <filesystem>
#include <regex>

#include "libclang_util.h"

namespace fs = std::filesystem;

namespace nrtm {

namespace {
const char kVar[] = "NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS";
}

bool IsTextConfigFile(const std::string& path) {
  fs::path p(path);
  std::string name = p.filename().string(), ext = p.extension().string();
  static const char* const kExts[] = {".sh",   ".bash", ".zsh",  ".env",  ".yaml", ".yml", ".cfg",
                                      ".conf", ".ini",  ".toml", ".json", ".py",   ".mk",  ".cmake"};
  for (const char* e : kExts)
    if (ext == e) return true;
  return name == ".env" || name.rfind("Dockerfile", 0) == 0 || name == "Makefile" || name == "CMakeLists.txt" ||
         name.rfind(".env.", 0) == 0;
}

std::vector<Site> ScanTextFile(const std::string& path, const std::string& content) {
  static const std::regex kSetting(std::string(R"(^\s*(?:export\s+|ENV\s+|-\s+)?)") + kVar +
                                   R"((?:\s*[=:]\s*|\s+)["']?\d*["']?\s*$)");
  std::vector<Site> out;
  size_t line_no = 0;
  for (size_t pos = 0; pos < content.size();) {
    size_t nl = content.find('\n', pos);
    size_t end = nl == std::string::npos ? content.size() : nl + 1;
    ++line_no;
    std::string line = content.substr(pos, end - pos);
    size_t col = line.find(kVar);
    if (col != std::string::npos) {
      Site site;
      site.rule = "env-var";
      site.api = kVar;
      site.file = path;
      site.line = static_cast<unsigned>(line_no);
      site.column = static_cast<unsigned>(col + 1);
      site.offset = static_cast<unsigned>(pos + col);
      std::string body = line;
      while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
      if (std::regex_match(body, kSetting)) {
        site.form = "removed";
        site.diag = DiagId::kEnvVarRemoved;
        site.migrated = true;
        site.reason = "the line only set the implicit-mode variable, which has no effect since SDK 2.31";
        site.edits.push_back({path, pos, end - pos, "", -1});
      } else {
        site.form = "not-migrated";
        site.diag = DiagId::kEnvVarReported;
        site.reason = "the implicit-mode variable is used in a form the tool does not rewrite; remove it by hand";
      }
      out.push_back(site);
    }
    pos = end;
  }
  return out;
}

std::vector<std::string> FindTextFiles(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path& p = it->path();
    if (it->is_directory(ec)) {
      std::string name = p.filename().string();
      if ((name.size() > 1 && name[0] == '.') || fs::exists(p / "CMakeCache.txt", ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec) && IsTextConfigFile(p.string())) out.push_back(Canonical(p.string()));
  }
  return out;
}

}  // namespace nrtm
