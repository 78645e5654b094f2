// Formatting of the lines the tool wrote, with the project's .clang-format (issue 8: "only touched lines, with the
// project's .clang-format if it has one"). clang-format runs with --lines over the edited line ranges of the new
// text; its replacements are folded back into the edits over the original text, so the diff, --export-fixes and
// the written files all carry the formatted code. A file with no .clang-format (or _clang-format) in its directory
// chain keeps the tool's own layout; a missing clang-format binary earns a note, not an error.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "clang_format_runner.h"
#include "edit_set.h"

namespace nrtm {

// The 1-based line ranges [first, last] of ApplyEdits(original, edits) that the edits wrote (a deletion touches
// the line it leaves behind). Ranges are sorted and merged.
std::vector<std::pair<unsigned, unsigned>> TouchedLines(const std::string& original, const std::vector<Edit>& edits);

// Folds replacements made on ApplyEdits(original, edits) into the edits, giving edits over `original` whose
// result is the replaced text. An edit that a replacement touches grows to take it in (several such edits merge
// into one); a replacement that touches no edit (the untouched part of a touched line) becomes an edit of its own.
// Every edit keeps a site: merged or new ones take the site of the nearest edit.
std::vector<Edit> ComposeEdits(const std::string& original, const std::vector<Edit>& edits,
                               const std::vector<TextReplacement>& replacements);

class TouchedLinesFormatter {
 public:
  // binary: a clang-format executable, or empty to keep the tool's layout everywhere.
  explicit TouchedLinesFormatter(std::string binary, std::string missing_note = "")
      : binary_(std::move(binary)), missing_note_(std::move(missing_note)) {}

  // The edits of `file` (sorted, non-overlapping; over `original`) with their touched lines formatted, or the
  // edits unchanged when the file is not a source, has no style file, or clang-format fails (a note says so).
  // Results are cached per (file, edited text); safe to call from several threads.
  std::vector<Edit> Format(const std::string& file, const std::string& original, const std::vector<Edit>& edits);

  // The notes collected so far (each once), for the run's stderr.
  std::vector<std::string> Notes();

 private:
  void Note(const std::string& note);

  std::string binary_, missing_note_;
  std::mutex mu_;
  std::map<std::string, std::pair<std::string, std::vector<TextReplacement>>> cache_;  // file -> (text, fixes)
  std::vector<std::string> notes_;
};

}  // namespace nrtm
