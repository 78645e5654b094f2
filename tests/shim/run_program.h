// Running another program of the build (a legacy sample, the launcher) with a chosen environment and
// capturing what it prints. Builds on the kit's WaitChild, so a hang becomes a failure.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "nrtest.h"

namespace shim_test {

struct ProgramRun {
  nrtest::ChildResult child;
  std::string out, err;

  // The value after "digest " on stdout ("" when absent).
  std::string Digest() const { return Field("digest"); }
  // The token after `name ` in stdout ("callbacks 12" -> "12"), "" when absent.
  std::string Field(const std::string& name) const {
    std::smatch m;
    const std::regex re("(^|[ \n])" + name + " ([^ \n]+)");
    return std::regex_search(out, m, re) ? m[2].str() : "";
  }
  std::string Describe() const { return child.Describe() + "\nstdout:\n" + out + "\nstderr:\n" + err; }
};

// Environment edits: a value sets the variable, nullopt removes it.
using EnvEdits = std::map<std::string, std::optional<std::string>>;

// Runs argv[0] (a path) with this process's environment changed by `edits`. The variables that select
// implicit mode or a preload are removed first unless `edits` names them, so a run is exactly what it says.
inline ProgramRun RunProgram(const std::vector<std::string>& argv, const EnvEdits& edits,
                             double timeout_s = 2 * nrtest::kGenerousTimeoutS) {
  static const char* kScrubbed[] = {"LD_PRELOAD",
                                    "NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS",
                                    "NRT_SIM_FAULTS",
                                    "NRT_SIM_TRACE",
                                    "NRT_IMPLICIT_ASYNC_TRACE",
                                    "NRT_IMPLICIT_ASYNC_SHIM"};
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string s = *e;
    const size_t eq = s.find('=');
    if (eq == std::string::npos || s.rfind("GTEST_", 0) == 0) continue;
    env[s.substr(0, eq)] = s.substr(eq + 1);
  }
  for (const char* name : kScrubbed) env.erase(name);
  for (const auto& [name, value] : edits) {
    if (value) {
      env[name] = *value;
    } else {
      env.erase(name);
    }
  }
  std::vector<std::string> strings;
  for (const auto& [name, value] : env) strings.push_back(name + "=" + value);
  std::vector<char*> envp, args;
  for (auto& s : strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& a : argv_copy) args.push_back(a.data());
  args.push_back(nullptr);

  static int counter = 0;
  const std::string base = nrtest::TempPath("run" + std::to_string(counter++));
  const std::string out_path = base + ".out", err_path = base + ".err";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  ProgramRun run;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc == 0) run.child = nrtest::WaitChild(pid, timeout_s);
  run.out = nrtest::ReadText(out_path);
  run.err = nrtest::ReadText(err_path);
  unlink(out_path.c_str());
  unlink(err_path.c_str());
  return run;
}

// Number of lines of `text` that contain `needle`.
inline size_t CountLines(const std::string& text, const std::string& needle) {
  size_t n = 0, pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    if (text.substr(pos, end - pos).find(needle) != std::string::npos) ++n;
    pos = end + 1;
  }
  return n;
}

}  // namespace shim_test
