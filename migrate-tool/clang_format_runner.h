// Running clang-format over text held in memory: finding the binary that matches the libclang in use, the style
// lookup it will do, and its replacements (--output-replacements-xml) for chosen lines.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace nrtm {

// One replacement over the formatted text.
struct TextReplacement {
  size_t offset = 0;
  size_t length = 0;
  std::string text;
};

// The clang-format matching the libclang in use: `clang-format-<major>` on PATH, then the one in the LLVM
// installation libclang was loaded from; else `clang-format` on PATH. `explicit_path` (--clang-format) overrides the
// search; "none" turns formatting off. Returns the binary or empty, with *note saying why it is empty (nothing for
// "none").
std::string FindClangFormat(const std::string& explicit_path, std::string* note);

// True when a .clang-format or _clang-format lies in the directory of `file` or above (what --style=file finds).
bool HasStyleFile(const std::string& file);

// C and C++ sources and headers, by extension (scripts and config files are never formatted).
bool IsFormattableSource(const std::string& file);

// Parses clang-format's --output-replacements-xml; false if the text is not that.
bool ParseReplacementsXml(const std::string& xml, std::vector<TextReplacement>* out);

// Runs `binary` on `text` as if it were `file` (its style file, its language), formatting only the 1-based line
// ranges given, includes left in their order. False with *error (clang-format's own message) on failure.
bool RunClangFormat(const std::string& binary, const std::string& file, const std::string& text,
                    const std::vector<std::pair<unsigned, unsigned>>& lines, std::vector<TextReplacement>* out,
                    std::string* error);

}  // namespace nrtm
