// Helpers of the shim's behaviour tests (on top of the nrtest kit): turning implicit mode on, recording
// callbacks, checking that an operation blocks until a held request is released, and spawning a program.
#pragma once

#include <gtest/gtest.h>
#include <spawn.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "nrt/nrt_experimental.h"
#include "nrtest.h"

namespace shimtest {

inline void EnableImplicit(int n) { nrtest::SetEnv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS", std::to_string(n)); }

// Records every callback; Register() installs it with this object as params.
class CallbackLog {
 public:
  struct Call {
    void* params;
    uint32_t model_id;
    uint32_t vnc;
    uint64_t job_id;
    NRT_STATUS status;
    std::thread::id thread;
  };
  NRT_STATUS Register() { return nrt_register_async_exec_callback(&CallbackLog::Record, this); }
  static void Record(void* params, uint32_t model_id, uint32_t vnc, uint64_t job_id, NRT_STATUS status) {
    auto* self = static_cast<CallbackLog*>(params);
    std::lock_guard<std::mutex> lock(self->mu_);
    self->calls_.push_back({params, model_id, vnc, job_id, status, std::this_thread::get_id()});
  }
  std::vector<Call> calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  size_t size() const { return calls().size(); }

 private:
  mutable std::mutex mu_;
  std::vector<Call> calls_;
};

// Runs op on a thread while the gate holds a request, checks it has not returned after a moment (a negative
// check: it can only pass wrongly on a very slow machine, never fail wrongly), releases the gate and joins.
// Returns true if op was still blocked when the gate opened.
template <class Op>
bool BlocksUntilRelease(const nrtest::HoldGate& gate, Op op) {
  EXPECT_TRUE(gate.WaitHolding());
  std::atomic<bool> done{false};
  std::thread t([&] {
    op();
    done = true;
  });
  nrtest::SleepMs(100);
  const bool blocked = !done.load();
  gate.Release();
  t.join();
  return blocked;
}

// Runs path with args and env entries added ("NAME=value"), waits (bounded), and returns how it ended.
inline nrtest::ChildResult Spawn(const std::string& path, const std::vector<std::string>& args,
                                 const std::vector<std::string>& env, const std::string& stderr_path = "") {
  std::vector<std::string> strings = env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string s = *e;
    bool replaced = false;
    for (const std::string& add : env) replaced = replaced || s.rfind(add.substr(0, add.find('=') + 1), 0) == 0;
    if (!replaced) strings.push_back(s);
  }
  std::vector<char*> envp;
  for (auto& s : strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_strings = {path};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!stderr_path.empty()) {
    posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  pid_t pid = 0;
  int rc = posix_spawn(&pid, path.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return nrtest::ChildResult{};
  return nrtest::WaitChild(pid, nrtest::kGenerousTimeoutS);
}

inline size_t DeviceBytesUsed(uint32_t vnc) {
  nrt_vnc_memory_stats_t stats{};
  size_t out = 0;
  EXPECT_EQ(nrt_get_vnc_memory_stats(vnc, &stats, sizeof(stats), &out), NRT_SUCCESS);
  return stats.bytes_used;
}

}  // namespace shimtest
