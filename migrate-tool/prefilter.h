// Cheap token prefilter: a TU is parsed only if its source, or a project header it includes with quotes,
// mentions one of the legacy names. Reading bytes is ~100x cheaper than parsing.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace nrtm {

// The legacy identifiers every rule starts from.
const std::vector<std::string>& LegacyTokens();

// True if text contains a legacy token as a whole identifier (in implicit mode, also the tensor I/O, release,
// unload and close calls the request table fences).
bool MentionsLegacyToken(const std::string& text, bool implicit = false);

class Prefilter {
 public:
  explicit Prefilter(bool implicit = false) : implicit_(implicit) {}
  // True if the source or any header it reaches through quoted includes (searched beside the including file
  // and in the -I / -iquote directories of args) mentions a legacy token. Thread-safe.
  bool NeedsParse(const std::string& source, const std::vector<std::string>& args);

 private:
  bool FileMentions(const std::string& path, std::vector<std::string>* includes);

  bool implicit_;
  std::mutex mu_;
  struct Entry {
    bool mentions = false;
    std::vector<std::string> includes;  // quoted include names
  };
  std::map<std::string, Entry> cache_;
};

}  // namespace nrtm
