#include "prefilter.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "support_header.h"

namespace fs = std::filesystem;

namespace nrtm {

const std::vector<std::string>& LegacyTokens() {
  static const std::vector<std::string> tokens = {"nrt_execute",
                                                  "nrt_execute_repeat",
                                                  "NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS",
                                                  "nrt_register_async_exec_callback",
                                                  "nrt_async_drain_queued_execs",
                                                  "nrt_tensor_check_output_completion"};
  return tokens;
}

namespace {
bool IsIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
}  // namespace

bool MentionsLegacyToken(const std::string& text, bool implicit) {
  static const std::vector<std::string> kTableTokens = {
      "nrt_tensor_read",       "nrt_tensor_write",       "nrt_tensor_memset", "nrt_tensor_copy",
      "nrt_tensor_free",       "nrt_destroy_tensor_set", "nrt_unload",        "nrt_close",
      "nrt_tensor_read_batch", "nrt_tensor_write_batch"};
  std::vector<std::string> tokens = LegacyTokens();
  if (implicit) tokens.insert(tokens.end(), kTableTokens.begin(), kTableTokens.end());
  for (const std::string& tok : tokens) {
    for (size_t pos = text.find(tok); pos != std::string::npos; pos = text.find(tok, pos + 1)) {
      bool start_ok = pos == 0 || !IsIdentChar(text[pos - 1]);
      size_t end = pos + tok.size();
      bool end_ok = end == text.size() || !IsIdentChar(text[end]);
      if (start_ok && end_ok) return true;
    }
  }
  return false;
}

bool Prefilter::FileMentions(const std::string& path, std::vector<std::string>* includes) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(path);
    if (it != cache_.end()) {
      *includes = it->second.includes;
      return it->second.mentions;
    }
  }
  Entry e;
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  e.mentions = MentionsLegacyToken(text, implicit_);
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    size_t p = line.find_first_not_of(" \t");
    if (p == std::string::npos || line[p] != '#') continue;
    size_t inc = line.find("include", p);
    if (inc == std::string::npos) continue;
    size_t q1 = line.find('"', inc);
    size_t q2 = q1 == std::string::npos ? q1 : line.find('"', q1 + 1);
    if (q2 != std::string::npos) e.includes.push_back(line.substr(q1 + 1, q2 - q1 - 1));
  }
  *includes = e.includes;
  std::lock_guard<std::mutex> lock(mu_);
  cache_.emplace(path, e);
  return e.mentions;
}

bool Prefilter::NeedsParse(const std::string& source, const std::vector<std::string>& args) {
  std::vector<std::string> dirs;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if ((a == "-I" || a == "-iquote") && i + 1 < args.size()) {
      dirs.push_back(args[++i]);
    } else if (a.rfind("-I", 0) == 0 && a.size() > 2) {
      dirs.push_back(a.substr(2));
    } else if (a.rfind("-iquote", 0) == 0 && a.size() > 7) {
      dirs.push_back(a.substr(7));
    }
  }
  std::set<std::string> visited;
  std::vector<std::string> todo = {source};
  while (!todo.empty()) {
    std::string file = todo.back();
    todo.pop_back();
    if (!visited.insert(file).second) continue;
    std::vector<std::string> includes;
    if (FileMentions(file, &includes)) return true;
    std::error_code ec;
    for (const std::string& name : includes) {
      if (name.rfind("nrt/", 0) == 0) continue;  // the runtime's own headers declare the legacy API
      if (IsSupportHeader(name)) continue;       // the request table calls the synchronous API on purpose
      std::vector<fs::path> where = {fs::path(file).parent_path()};
      where.insert(where.end(), dirs.begin(), dirs.end());
      for (const fs::path& d : where) {
        fs::path cand = d / name;
        if (fs::is_regular_file(cand, ec)) {
          todo.push_back(fs::weakly_canonical(cand, ec).string());
          break;
        }
      }
    }
  }
  return false;
}

}  // namespace nrtm
