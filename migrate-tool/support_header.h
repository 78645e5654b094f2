// The support header of implicit-mode migrations (support/nrtm_inflight.h, embedded at build time): its name,
// its text with the program's in-flight depth, and how a migrated file includes it.
#pragma once

#include <string>

namespace nrtm {

inline constexpr const char* kSupportHeaderName = "nrtm_inflight.h";

// The header's text; depth > 0 becomes its default depth, with origin (e.g. "run.sh:3") named beside it.
std::string SupportHeaderText(int depth, const std::string& origin);

// True for the support header itself (its calls to the synchronous API are not legacy sites).
bool IsSupportHeader(const std::string& path);

// The include line that reaches root/nrtm_inflight.h from file (a path relative to the file's directory).
std::string SupportInclude(const std::string& file, const std::string& root);

}  // namespace nrtm
