#include "support_header.h"

#include <filesystem>

namespace nrtm {

extern const char kSupportHeaderText[];  // support_header_text.cc, generated from support/nrtm_inflight.h

std::string SupportHeaderText(int depth, const std::string& origin) {
  std::string text = kSupportHeaderText;
  const std::string line = "#define NRTM_INFLIGHT_DEFAULT_DEPTH 3\n";
  size_t at = text.find(line);
  if (depth > 0 && at != std::string::npos)
    text.replace(at, line.size(),
                 "#define NRTM_INFLIGHT_DEFAULT_DEPTH " + std::to_string(depth) + " /* from " + origin + " */\n");
  return text;
}

bool IsSupportHeader(const std::string& path) { return std::filesystem::path(path).filename() == kSupportHeaderName; }

std::string SupportInclude(const std::string& file, const std::string& root) {
  std::filesystem::path rel = std::filesystem::path(root)
                                  .append(kSupportHeaderName)
                                  .lexically_relative(std::filesystem::path(file).parent_path());
  // The comment line first: clang-apply-replacements moves a replacement that starts with #include into the
  // include block by its own rules, which would make --export-fixes differ from the tool's own output.
  return "/* nrt-migrate: the implicit-mode request table (nrt-migrate --explain NRTM1060) */\n#include \"" +
         rel.generic_string() + "\"\n";
}

}  // namespace nrtm
