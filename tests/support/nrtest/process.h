// What this process holds (for leak checks across many cycles): open fds, threads, resident memory.
#pragma once

#include <dirent.h>

#include <cstdint>
#include <fstream>
#include <string>

namespace nrtest {

// Open file descriptors of this process (-1 if /proc/self/fd cannot be read).
inline int OpenFdCount() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int n = 0;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(dir);
  return n - 1;  // the directory stream's own fd
}

// A field of /proc/self/status ("Threads", "VmRSS" in kB, ...); -1 if absent.
inline int64_t ProcStatusField(const std::string& name) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + ":", 0) == 0) return std::stoll(line.substr(name.size() + 1));
  }
  return -1;
}
inline int64_t ThreadCount() { return ProcStatusField("Threads"); }
inline int64_t RssKb() { return ProcStatusField("VmRSS"); }

}  // namespace nrtest
