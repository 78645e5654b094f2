// Running code in another process with a bound: one test of this binary in a fresh process (new
// environment, new runtime lifetime), or a function in a forked child. A child that outlives its
// timeout is killed, so a hang becomes a failure instead of a stuck suite.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "nrtest/time.h"

extern char** environ;

namespace nrtest {

// How a child process ended.
struct ChildResult {
  bool started = false;    // false: it could not be started (wstatus meaningless)
  bool timed_out = false;  // it was killed (SIGKILL) after the timeout
  int wstatus = 0;         // as from waitpid

  bool Exited(int code) const { return started && !timed_out && WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == code; }
  bool Succeeded() const { return Exited(0); }
  bool Signaled(int sig) const { return started && !timed_out && WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == sig; }
  // For failure messages.
  std::string Describe() const {
    if (!started) return "not started";
    if (timed_out) return "killed after the timeout";
    if (WIFEXITED(wstatus)) return "exit " + std::to_string(WEXITSTATUS(wstatus));
    if (WIFSIGNALED(wstatus)) return "signal " + std::to_string(WTERMSIG(wstatus));
    return "wstatus " + std::to_string(wstatus);
  }
};

// Waits for pid for up to timeout_s, then kills it with SIGKILL and reaps it.
inline ChildResult WaitChild(pid_t pid, double timeout_s) {
  ChildResult r;
  r.started = true;
  const auto t0 = Clock::now();
  while (true) {
    pid_t got = waitpid(pid, &r.wstatus, WNOHANG);
    if (got == pid) return r;
    if (got < 0 && errno != EINTR) {
      r.started = false;
      return r;
    }
    if (SecondsSince(t0) > timeout_s) {
      kill(pid, SIGKILL);
      while (waitpid(pid, &r.wstatus, 0) < 0 && errno == EINTR) {
      }
      r.timed_out = true;
      return r;
    }
    SleepMs(2);
  }
}

// Runs one test of this binary (gtest filter `test`) in a fresh process with `env` (NAME=value) added to
// the environment (GTEST_* variables of ours are not passed on), stdout to /dev/null and stderr to
// stderr_path if given. The helper test should GTEST_SKIP unless its variables are set, so that it passes
// when the suite runs it directly.
inline ChildResult RunSelf(const std::string& test, const std::vector<std::string>& env,
                           const std::string& stderr_path = "", double timeout_s = kGenerousTimeoutS) {
  std::vector<std::string> strings = env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string s = *e;
    bool replaced = s.rfind("GTEST_", 0) == 0;
    for (const std::string& add : env) replaced = replaced || s.rfind(add.substr(0, add.find('=') + 1), 0) == 0;
    if (!replaced) strings.push_back(s);
  }
  std::vector<char*> envp;
  for (auto& s : strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string exe = "/proc/self/exe", filter = "--gtest_filter=" + test;
  char* argv[] = {exe.data(), filter.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!stderr_path.empty()) {
    posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return ChildResult{};
  return WaitChild(pid, timeout_s);
}

// Forks; the child runs fn() and _exit()s with its result (no destructors, no atexit handlers: the child
// of a multi-threaded parent may only do what fn does). The parent waits up to timeout_s.
template <class Fn>
ChildResult RunInFork(Fn&& fn, double timeout_s = kGenerousTimeoutS) {
  std::fflush(nullptr);  // a child that exit()s would write the parent's buffered output a second time
  pid_t pid = fork();
  if (pid < 0) return ChildResult{};
  if (pid == 0) _exit(fn());
  return WaitChild(pid, timeout_s);
}

// RunInFork as one number, for EXPECT_EQ(ExitCodeInFork(...), 0): the child's exit code; -1 when it was
// killed after the timeout (a hang), -2 when it could not be forked, 1000 + the signal that ended it.
template <class Fn>
int ExitCodeInFork(Fn&& fn, double timeout_s = kGenerousTimeoutS) {
  const ChildResult r = RunInFork(std::forward<Fn>(fn), timeout_s);
  if (!r.started) return -2;
  if (r.timed_out) return -1;
  if (WIFSIGNALED(r.wstatus)) return 1000 + WTERMSIG(r.wstatus);
  return WIFEXITED(r.wstatus) ? WEXITSTATUS(r.wstatus) : -2;
}

}  // namespace nrtest
