// Small helpers for the explicit-async conformance tests (async_*_test.cc). Public API only.
//
// Every TEST runs in its own process (see CMakeLists.txt), so a test sets its environment with
// setenv() before constructing Runtime, and Runtime's destructor calls nrt_close().
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "nrt/nrt.h"
#include "nrt/nrt_async.h"
#include "nrt/nrt_status.h"

extern char** environ;

namespace async_test {

// Values no API call ever writes: a test pre-fills *ret / *req_sequence with them to check that a
// call left them untouched.
inline constexpr NRT_STATUS kSentinelStatus = static_cast<NRT_STATUS>(0x5EE7);
inline constexpr nrta_seq_t kSentinelSeq = 0xDEADBEEFCAFEF00Dull;

inline constexpr size_t kModelElems = 64;  // async_*.json graphs: x, y float32[64]
inline constexpr size_t kModelBytes = kModelElems * sizeof(float);

inline void SetEnv(const char* name, const char* value) { ASSERT_EQ(setenv(name, value, 1), 0) << name; }

inline nrta_xu_id_t XuId(uint32_t lnc, nrta_xu_t type, uint32_t queue) {
  return static_cast<nrta_xu_id_t>(lnc << 8 | queue << 4 | static_cast<uint32_t>(type));
}
inline nrta_seq_t MakeSeq(nrta_xu_id_t xu_id, uint64_t n) { return static_cast<nrta_seq_t>(xu_id) << 48 | n; }
inline uint64_t SeqNum(nrta_seq_t seq) { return NRTA_SEQ_GET_SEQ_NUM(seq); }
inline nrta_xu_id_t SeqXu(nrta_seq_t seq) { return static_cast<nrta_xu_id_t>(NRTA_SEQ_GET_XU_ID(seq)); }

using Clock = std::chrono::steady_clock;
inline double SecondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }
inline void SleepMs(double ms) { std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(ms * 1000))); }

// nrt_init on construction (check ok()), nrt_close on destruction (idempotent with an explicit Close).
class Runtime {
 public:
  Runtime() : status_(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "")) {}
  ~Runtime() { Close(); }
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;
  NRT_STATUS status() const { return status_; }
  bool ok() const { return status_ == NRT_SUCCESS; }
  void Close() {
    if (ok() && !closed_) nrt_close();
    closed_ = true;
  }

 private:
  NRT_STATUS status_;
  bool closed_ = false;
};

#define ASYNC_INIT(rt)       \
  ::async_test::Runtime rt;  \
  ASSERT_EQ(rt.status(), NRT_SUCCESS) << "nrt_init"

// A device tensor, freed on destruction (nrt_tensor_free is a no-op once Free()d).
class Tensor {
 public:
  Tensor(int lnc, size_t size, const char* name = "t", nrt_tensor_placement_t placement = NRT_TENSOR_PLACEMENT_DEVICE) {
    status_ = nrt_tensor_allocate(placement, lnc, size, name, &t_);
  }
  ~Tensor() { Free(); }
  Tensor(const Tensor&) = delete;
  Tensor& operator=(const Tensor&) = delete;
  NRT_STATUS status() const { return status_; }
  nrt_tensor_t* get() const { return t_; }
  operator nrt_tensor_t*() const { return t_; }
  void Free() { nrt_tensor_free(&t_); }

 private:
  nrt_tensor_t* t_ = nullptr;
  NRT_STATUS status_;
};

class TensorSet {
 public:
  TensorSet() { status_ = nrt_allocate_tensor_set(&s_); }
  ~TensorSet() { Destroy(); }
  TensorSet(const TensorSet&) = delete;
  TensorSet& operator=(const TensorSet&) = delete;
  NRT_STATUS status() const { return status_; }
  nrt_tensor_set_t* get() const { return s_; }
  operator nrt_tensor_set_t*() const { return s_; }
  NRT_STATUS Add(const char* name, nrt_tensor_t* t) { return nrt_add_tensor_to_tensor_set(s_, name, t); }
  void Destroy() { nrt_destroy_tensor_set(&s_); }

 private:
  nrt_tensor_set_t* s_ = nullptr;
  NRT_STATUS status_;
};

inline std::string ModelPath(const std::string& stem) { return std::string(NRTB_CONFORMANCE_MODEL_DIR) + "/" + stem + ".neff"; }

inline std::vector<char> ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<char>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A model loaded from tests/conformance/models/<stem>.json (built into NRTB_CONFORMANCE_MODEL_DIR).
class Model {
 public:
  Model(const std::string& stem, int vnc) {
    std::vector<char> bytes = ReadFileBytes(ModelPath(stem));
    if (bytes.empty()) {
      status_ = NRT_FAILURE;
      return;
    }
    status_ = nrt_load(bytes.data(), bytes.size(), vnc, -1, &m_);
  }
  ~Model() { Unload(); }
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;
  NRT_STATUS status() const { return status_; }
  nrt_model_t* get() const { return m_; }
  operator nrt_model_t*() const { return m_; }
  NRT_STATUS Unload() {
    if (m_ == nullptr) return NRT_SUCCESS;
    NRT_STATUS s = nrt_unload(m_);
    m_ = nullptr;
    return s;
  }

 private:
  nrt_model_t* m_ = nullptr;
  NRT_STATUS status_;
};

// x[i] = base + i, as the input of the async_* models.
inline std::vector<float> Iota(float base, size_t n = kModelElems) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = base + static_cast<float>(i);
  return v;
}
// async_scale computes y = 2x + 1.
inline std::vector<float> ScaleRef(const std::vector<float>& x) {
  std::vector<float> y(x.size());
  for (size_t i = 0; i < x.size(); ++i) y[i] = 2.0f * x[i] + 1.0f;
  return y;
}

inline std::vector<float> ReadFloats(nrt_tensor_t* t, size_t n = kModelElems) {
  std::vector<float> v(n, -12345.0f);
  EXPECT_EQ(nrt_tensor_read(t, v.data(), 0, n * sizeof(float)), NRT_SUCCESS);
  return v;
}

// Polls nrta_is_completed until seq has completed. False on timeout or on an error status.
inline bool WaitSeq(nrta_seq_t seq, double timeout_s = 5.0) {
  auto t0 = Clock::now();
  while (true) {
    bool done = false;
    NRT_STATUS s = nrta_is_completed(seq, &done);
    if (s != NRT_SUCCESS) {
      ADD_FAILURE() << "nrta_is_completed(0x" << std::hex << seq << ") returned " << std::dec << s;
      return false;
    }
    if (done) return true;
    if (SecondsSince(t0) > timeout_s) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

// Polls nrta_get_sequence until the unit's last completed sequence is >= seq (the pattern of the
// SDK examples). Requires seq to belong to that unit.
inline bool WaitUnit(uint32_t lnc, nrta_xu_t type, int queue, nrta_seq_t seq, double timeout_s = 5.0) {
  auto t0 = Clock::now();
  while (true) {
    nrta_seq_t done = 0;
    NRT_STATUS s = nrta_get_sequence(lnc, type, queue, &done);
    if (s != NRT_SUCCESS) {
      ADD_FAILURE() << "nrta_get_sequence returned " << s;
      return false;
    }
    if (done >= seq) return true;
    if (SecondsSince(t0) > timeout_s) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

inline uint64_t CompletedNum(uint32_t lnc, nrta_xu_t type, int queue) {
  nrta_seq_t done = kSentinelSeq;
  EXPECT_EQ(nrta_get_sequence(lnc, type, queue, &done), NRT_SUCCESS);
  return SeqNum(done);
}

// Whether fd becomes readable (POLLIN) within timeout_ms (0 = just look).
inline bool Readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  int r;
  do {
    r = poll(&p, 1, timeout_ms);
  } while (r < 0 && errno == EINTR);
  return r == 1 && (p.revents & POLLIN) != 0;
}

// Waits up to timeout_ms for the eventfd to become readable and reads its counter.
// Returns the counter value, or 0 on timeout (an eventfd read never yields 0).
inline uint64_t ReadEventFd(int fd, int timeout_ms) {
  if (!Readable(fd, timeout_ms)) return 0;
  uint64_t v = 0;
  ssize_t r;
  do {
    r = read(fd, &v, sizeof v);
  } while (r < 0 && errno == EINTR);
  if (r != static_cast<ssize_t>(sizeof v)) return 0;
  return v;
}

// Sums eventfd reads until `expected` is reached or timeout_ms elapses.
inline uint64_t DrainEventFd(int fd, uint64_t expected, int timeout_ms) {
  auto t0 = Clock::now();
  uint64_t total = 0;
  while (total < expected) {
    int left = timeout_ms - static_cast<int>(SecondsSince(t0) * 1000);
    if (left <= 0) break;
    total += ReadEventFd(fd, left);
  }
  return total;
}

inline bool FdOpen(int fd) { return fcntl(fd, F_GETFD) != -1; }

// An application-owned eventfd, closed on destruction.
class EventFd {
 public:
  EventFd() : fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  ~EventFd() { Close(); }
  EventFd(const EventFd&) = delete;
  EventFd& operator=(const EventFd&) = delete;
  int fd() const { return fd_; }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// A per-test scratch path (unique per process).
inline std::string TempPath(const std::string& name) {
  std::string dir = ::testing::TempDir();
  if (dir.empty() || dir.back() != '/') dir += '/';
  return dir + "nrtb_async_" + std::to_string(getpid()) + "_" + name;
}

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs one test of this binary (gtest filter `test`) in a fresh process with `env` (NAME=value)
// added to the environment, stderr to stderr_path if given; returns the waitpid status (-1 if
// it could not be started). For behaviour that needs a separate runtime lifetime (a forked child
// cannot use the runtime). The helper test should GTEST_SKIP unless its variables are set.
inline int RunSelf(const std::string& test, const std::vector<std::string>& env, const std::string& stderr_path = "") {
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
  if (rc != 0) return -1;
  int wstatus = 0;
  if (waitpid(pid, &wstatus, 0) != pid) return -1;
  return wstatus;
}

}  // namespace async_test
