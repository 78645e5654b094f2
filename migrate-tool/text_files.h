// Rule env-var for non-C files under the root: shell scripts, Dockerfiles, YAML, .env and other config text.
#pragma once

#include <string>
#include <vector>

#include "site.h"

namespace nrtm {

// Whether the tool reads this file as a script or configuration file (by name).
bool IsTextConfigFile(const std::string& path);

// Sites in one text file: a line that only sets the variable (`export V=3`, `V=3`, `ENV V=3`, `ENV V 3`,
// `V: 3`, `- V=3`) is removed; any other mention is reported.
std::vector<Site> ScanTextFile(const std::string& path, const std::string& content);

// Every script / configuration file under dir (hidden directories and CMake build trees skipped).
std::vector<std::string> FindTextFiles(const std::string& dir);

}  // namespace nrtm
