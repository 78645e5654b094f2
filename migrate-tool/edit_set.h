// One set of byte-offset edits over many files: conflict detection, cross-TU agreement for shared files,
// application to a buffer.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace nrtm {

struct Edit {
  std::string file;  // canonical path
  size_t offset = 0;
  size_t length = 0;
  std::string text;
  int site = -1;  // owning site (global id), or -1 for file-level edits (the helper block)
  // Orders insertions at one offset (a wait that ends one request's window comes before the declarations that
  // start the next one's); insertions with equal order at one offset conflict.
  int order = 0;

  bool operator<(const Edit& o) const;
  bool operator==(const Edit& o) const;
  bool SameChange(const Edit& o) const {
    return file == o.file && offset == o.offset && length == o.length && text == o.text && order == o.order;
  }
};

// Application order: by offset; at one offset insertions first, by `order`.
bool ApplyOrder(const Edit& a, const Edit& b);

// Applies edits (sorted by ApplyOrder, non-overlapping) to content.
std::string ApplyEdits(const std::string& content, const std::vector<Edit>& edits);

struct Conflict {
  Edit kept;
  Edit dropped;
};

// The edits of one file, deduplicated. Identical edits planned twice (a macro body reached from two
// expansions, a header seen from two TUs) collapse into one; overlapping different edits are conflicts: the
// later-planned one is dropped and reported.
class FileEdits {
 public:
  void Add(const Edit& e);
  const std::vector<Edit>& edits() const { return edits_; }
  const std::vector<Conflict>& conflicts() const { return conflicts_; }
  // Removes every edit of a site (rollback).
  void RemoveSite(int site);
  // Removes file-level edits when no site edit remains.
  void DropOrphanFileEdits();
  bool HasSiteEdits() const;

 private:
  std::vector<Edit> edits_;  // sorted by offset
  std::vector<Conflict> conflicts_;
};

// Header agreement: every TU that includes a file states which edits it plans there (possibly none). A file
// shared by TUs is edited only if all of them planned the same set.
class AgreementTable {
 public:
  void Plan(const std::string& file, const std::string& tu, std::vector<Edit> edits);
  // Files whose planners disagree, with the TUs grouped by the edit set they planned.
  std::map<std::string, std::vector<std::vector<std::string>>> Disagreements() const;
  // The agreed edits of one file (empty if it disagrees or nobody planned anything).
  std::vector<Edit> Agreed(const std::string& file) const;
  std::vector<std::string> Files() const;

 private:
  struct Plans {
    std::map<std::vector<Edit>, std::vector<std::string>> by_set;
  };
  std::map<std::string, Plans> files_;
};

}  // namespace nrtm
