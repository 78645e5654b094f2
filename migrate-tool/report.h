// Machine-readable outputs of a run: the JSON report, SARIF 2.1.0, clang-apply-replacements YAML.
#pragma once

#include <string>

#include "driver.h"

namespace nrtm {

std::string JsonReport(const RunOutput& run);
std::string SarifReport(const RunOutput& run);
// The clang-tidy --export-fixes format (one diagnostic per migrated site, with its replacements).
std::string ExportFixesYaml(const RunOutput& run);
// The human summary printed at the end.
std::string SummaryText(const Summary& s);

}  // namespace nrtm
