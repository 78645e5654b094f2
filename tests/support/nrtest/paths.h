// Files: scratch paths, whole-file reads and writes, and where the test models live.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "nrtest/files.h"

namespace nrtest {

// A per-test scratch path, unique per process (every TEST runs in its own process).
inline std::string TempPath(const std::string& name) {
  std::string dir = ::testing::TempDir();
  if (dir.empty() || dir.back() != '/') dir += '/';
  return dir + "nrtest_" + std::to_string(getpid()) + "_" + name;
}

// Whole file, or empty with a test failure when it cannot be opened.
inline std::vector<uint8_t> ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot open " << path;
    return {};
  }
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The directory of the test models (tests/conformance/models/*.json built into NEFFs). NRTEST_MODEL_DIR
// overrides the build-time location, so a copied test binary can run elsewhere (e.g. against another libnrt).
inline std::string ModelDir() {
  if (const char* dir = std::getenv("NRTEST_MODEL_DIR"); dir != nullptr && *dir != '\0') return dir;
  return NRTB_CONFORMANCE_MODEL_DIR;
}
// The sample NEFFs (samples/models); NRTEST_SAMPLE_MODEL_DIR overrides.
inline std::string SampleModelDir() {
  if (const char* dir = std::getenv("NRTEST_SAMPLE_MODEL_DIR"); dir != nullptr && *dir != '\0') return dir;
  return NRTB_SAMPLE_MODEL_DIR;
}
// tests/conformance/models/<stem>.json as a NEFF.
inline std::string ModelPath(const std::string& stem) { return ModelDir() + "/" + stem + ".neff"; }
inline std::string SampleModelPath(const std::string& stem) { return SampleModelDir() + "/" + stem + ".neff"; }

}  // namespace nrtest
