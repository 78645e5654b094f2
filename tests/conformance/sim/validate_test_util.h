// Helpers of the validation-mode tests (validate_*_test.cc): NRT_SIM_VALIDATE with a request held in flight,
// and the finding lines of captured stderr.
#pragma once

#include <string>
#include <vector>

#include "nrtest.h"

namespace nrtest {

// Validation on (value "1" or "abort"), and every request `selector` picks (NRT_SIM_FAULTS syntax) held by gate.
inline void ValidateHolding(const HoldGate& gate, const std::string& selector, const char* value = "1") {
  SetEnv("NRT_SIM_VALIDATE", value);
  SetEnv("NRT_SIM_FAULTS", gate.Rule(selector));
}

// The finding lines of captured stderr (the summary's lines are indented and not counted).
inline std::vector<std::string> Findings(const std::string& err) { return LinesWith(err, {"nrt-validate: ["}); }

// True when `line` contains every needle (for EXPECT_PRED2 and readable failures).
inline bool HasAll(const std::string& line, const std::vector<std::string>& needles) {
  for (const auto& n : needles) {
    if (line.find(n) == std::string::npos) return false;
  }
  return true;
}

}  // namespace nrtest
