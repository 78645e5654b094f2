// Shared helpers for the nrt-bridge benchmarks: public API only (nrt/*.h). What the benchmarks share with
// the tests comes from the test kit's GoogleTest-free parts (tests/support/nrtest: files, eventfds, clock);
// here is only what differs on purpose: a failed call ends the benchmark, and waits spin instead of sleeping.
#pragma once

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "nrt/nrt.h"
#include "nrt/nrt_async.h"
#include "nrt/nrt_status.h"
#include "nrtest/eventfd.h"
#include "nrtest/files.h"
#include "nrtest/time.h"

namespace bench {

[[noreturn]] inline void Die(const char* what, NRT_STATUS s, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: %s failed: %s (%d)\n", file, line, what, nrt_get_status_as_str(s), static_cast<int>(s));
  std::exit(2);
}

#define BENCH_CHECK(expr)                                                                     \
  do {                                                                                        \
    NRT_STATUS bench_status_ = (expr);                                                        \
    if (bench_status_ != NRT_SUCCESS) ::bench::Die(#expr, bench_status_, __FILE__, __LINE__); \
  } while (0)

inline uint64_t NowNs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(nrtest::Clock::now().time_since_epoch()).count());
}

// Sets an environment default (does not override what the user exported). Call before nrt_init.
inline void EnvDefault(const char* name, const std::string& value) { setenv(name, value.c_str(), 0); }

inline void Init() { BENCH_CHECK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "")); }

inline std::string ModelPath(const std::string& name) {
  return std::string(NRTB_BENCH_MODEL_DIR) + "/" + name + ".neff";
}

inline nrt_model_t* LoadModel(const std::string& name, int vnc = 0) {
  const std::vector<uint8_t> bytes = nrtest::TryReadFileBytes(ModelPath(name));
  if (bytes.empty()) {
    std::fprintf(stderr, "cannot read %s (build the bench_models target)\n", ModelPath(name).c_str());
    std::exit(2);
  }
  nrt_model_t* model = nullptr;
  BENCH_CHECK(nrt_load(bytes.data(), bytes.size(), vnc, 1, &model));
  return model;
}

inline nrt_tensor_t* DeviceTensor(size_t bytes, int vnc, const char* name) {
  nrt_tensor_t* t = nullptr;
  BENCH_CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, vnc, bytes, name, &t));
  return t;
}

// One tensor set with the given (name, tensor) pairs.
inline nrt_tensor_set_t* MakeSet(std::initializer_list<std::pair<const char*, nrt_tensor_t*>> entries) {
  nrt_tensor_set_t* set = nullptr;
  BENCH_CHECK(nrt_allocate_tensor_set(&set));
  for (const auto& [name, t] : entries) BENCH_CHECK(nrt_add_tensor_to_tensor_set(set, name, t));
  return set;
}

// Schedules with back-pressure: retries (yielding) while the unit reports NRT_QUEUE_FULL.
// Returns how many NRT_QUEUE_FULL answers it saw.
template <class F>
inline uint64_t ScheduleRetry(F&& schedule) {
  uint64_t full = 0;
  while (true) {
    NRT_STATUS s = schedule();
    if (s == NRT_SUCCESS) return full;
    if (s != NRT_QUEUE_FULL) Die("schedule", s, __FILE__, __LINE__);
    ++full;
    sched_yield();
  }
}

// Waits by polling nrta_is_completed: spins, then yields (never sleeps).
inline void WaitPoll(nrta_seq_t seq) {
  bool done = false;
  for (uint32_t i = 0;; ++i) {
    BENCH_CHECK(nrta_is_completed(seq, &done));
    if (done) return;
    if (i >= 256) sched_yield();
  }
}

// Waits on an eventfd registered for `seq` (blocks in poll(), no CPU).
inline void WaitEventfd(nrta_seq_t seq, int efd) {
  BENCH_CHECK(nrta_event_register_seq_id_completion(seq, efd));
  if (nrtest::ReadEventFd(efd, -1) == 0) {
    std::perror("read(eventfd)");
    std::exit(2);
  }
}

inline double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t idx = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(idx, v.size() - 1)];
}
inline double Median(const std::vector<double>& v) { return Percentile(v, 0.5); }

inline double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

inline void PrintLoad() {
  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) == 3) std::printf("# load average: %.2f %.2f %.2f\n", load[0], load[1], load[2]);
}

}  // namespace bench
