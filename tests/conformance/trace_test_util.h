// Shared by the profile and system trace conformance tests: a model with its tensors, ready to run.
#pragma once

#include <dirent.h>

#include <string>
#include <vector>

#include "async_util.h"

namespace trace_test {

// One of the async_* models (x, y: float32[64]) loaded on `vnc` with its input and output sets.
class Loaded {
 public:
  Loaded(const char* stem, int vnc)
      : model(stem, vnc), x(vnc, async_test::kModelBytes, "x"), y(vnc, async_test::kModelBytes, "y") {
    if (model.status() == NRT_SUCCESS) {
      inputs.Add("x", x);
      outputs.Add("y", y);
    }
  }
  NRT_STATUS Execute() { return nrt_execute(model, inputs, outputs); }

  async_test::Model model;
  async_test::Tensor x, y;
  async_test::TensorSet inputs, outputs;
};

// Names of the entries of `dir` (without "." and "..").
inline std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    closedir(d);
  }
  return names;
}

// Removes a directory tree made by a test (files and directories only).
inline void RemoveTree(const std::string& path) {
  for (const std::string& n : ListDir(path)) {
    std::string p = path + "/" + n;
    if (std::remove(p.c_str()) != 0) RemoveTree(p);
  }
  std::remove(path.c_str());
}

}  // namespace trace_test
