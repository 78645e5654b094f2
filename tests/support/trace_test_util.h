// Shared by the profile and system trace conformance tests: running a model, looking at output directories.
#pragma once

#include <dirent.h>

#include <cstdio>
#include <string>
#include <vector>

#include "nrtest.h"

namespace trace_test {

// One synchronous execution of an async_* model with its own tensor sets.
inline NRT_STATUS Execute(nrtest::AsyncModel& a) { return nrt_execute(a.m, a.is, a.os); }

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
