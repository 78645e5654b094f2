// Writes files so that no reader ever sees half of one: a temporary file in the same directory, fsync, rename.
#pragma once

#include <string>

namespace nrtm {

struct WriteResult {
  bool ok = true;
  bool changed_on_disk = false;  // the file no longer holds what the tool read
  std::string error;
};

// Writes content to path atomically, with the given permission bits (the original file's when it exists).
// create_only: path must not exist; one that appears meanwhile (another run, the user) is kept, not replaced.
WriteResult WriteAtomically(const std::string& path, const std::string& content, bool create_only = false);

// Replaces path's content in place. Refuses a read-only file (even for root) and a file whose content is no
// longer expected_old. With backup, path.orig receives the original first (an existing .orig, the original
// of an earlier run, is kept).
WriteResult ReplaceFile(const std::string& path, const std::string& expected_old, const std::string& content,
                        bool backup);

bool ReadFile(const std::string& path, std::string* content);

}  // namespace nrtm
