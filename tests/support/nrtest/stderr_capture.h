// Capturing what the runtime logs (to stderr) and picking out lines.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "nrtest/paths.h"

namespace nrtest {

// Redirects stderr (fd 2) to a temporary file until Stop() (or destruction); Stop() returns what was written.
class StderrCapture {
 public:
  StderrCapture() {
    std::fflush(stderr);
    std::string tmpl = TempPath("stderr_XXXXXX");
    fd_ = mkstemp(tmpl.data());
    path_ = tmpl;
    saved_ = dup(2);
    if (fd_ >= 0 && saved_ >= 0) dup2(fd_, 2);
  }
  ~StderrCapture() { Stop(); }
  StderrCapture(const StderrCapture&) = delete;
  StderrCapture& operator=(const StderrCapture&) = delete;
  std::string Stop() {
    if (saved_ < 0) return text_;
    std::fflush(stderr);
    dup2(saved_, 2);
    close(saved_);
    saved_ = -1;
    std::ifstream in(path_);
    text_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (fd_ >= 0) close(fd_);
    unlink(path_.c_str());
    return text_;
  }

 private:
  int fd_ = -1, saved_ = -1;
  std::string path_, text_;
};

// The lines of `text` that contain every one of `needles`.
inline std::vector<std::string> LinesWith(const std::string& text, const std::vector<std::string>& needles) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    bool all = true;
    for (const auto& n : needles) all = all && line.find(n) != std::string::npos;
    if (all) out.push_back(line);
    pos = end + 1;
  }
  return out;
}

}  // namespace nrtest
