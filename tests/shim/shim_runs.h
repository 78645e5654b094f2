// Running the legacy samples synchronously or under libnrt-implicit-async.so with a chosen N.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "run_program.h"

namespace shim_test {

inline const std::string kShim = NRTB_SHIM_LIBRARY;
inline const std::string kLegacyBinDir = NRTB_LEGACY_BIN_DIR;

// How a program runs: without the shim, or preloaded with the variable unset (nullopt) or set to N.
struct Mode {
  bool shim = false;
  std::optional<int> inflight;
  std::string Name() const {
    return std::string(shim ? "shim" : "no shim") + ", N=" + (inflight ? std::to_string(*inflight) : "unset");
  }
};
inline Mode Sync() { return {}; }
inline Mode Shim(std::optional<int> n) { return {true, n}; }

inline std::string LegacyPath(const std::string& sample) { return kLegacyBinDir + "/legacy-" + sample; }

// Validation mode (issue 10): `env` plus NRT_SIM_VALIDATE=1. The runtime then reports every wait the shim's fences
// miss (a read of an output still being written, a write of an input still being read, a status slot reused).
inline EnvEdits Validated(EnvEdits env) {
  env["NRT_SIM_VALIDATE"] = "1";
  return env;
}
// A run in validation mode found nothing: no finding line, and the summary that shows validation ran (one per
// process that closed the runtime).
inline ::testing::AssertionResult NoValidationFindings(const ProgramRun& r) {
  if (r.err.find("nrt-validate: [") != std::string::npos) {
    return ::testing::AssertionFailure() << "validation findings:\n" << r.err;
  }
  if (r.err.find("nrt-validate: summary: no findings") == std::string::npos) {
    return ::testing::AssertionFailure() << "validation mode did not run:\n" << r.err;
  }
  return ::testing::AssertionSuccess();
}

inline ProgramRun RunIn(const Mode& mode, const std::string& exe, const std::vector<std::string>& args,
                        EnvEdits env = {}) {
  if (mode.shim) env["LD_PRELOAD"] = kShim;
  if (mode.inflight) env["NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS"] = std::to_string(*mode.inflight);
  std::vector<std::string> argv = {exe};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(argv, env);
}

inline ProgramRun RunLegacy(const Mode& mode, const std::string& sample, const std::vector<std::string>& args,
                            EnvEdits env = {}) {
  return RunIn(mode, LegacyPath(sample), args, std::move(env));
}

}  // namespace shim_test
