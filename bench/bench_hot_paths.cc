// The runtime's hot paths side by side with their peers, in one run (issue 11). Each row runs the runtime case
// and its peer back to back, `reps` times, and reports the medians and their ratio (and the ratio of the fastest
// repetitions): the host is noisy, so only ratios taken in the same run mean anything.
//
//   throughput   0-byte nrta_tensor_write stream, one submitter, back-pressure on NRT_QUEUE_FULL (depth 64)
//                vs io_uring NOPs submitted one at a time (one io_uring_submit syscall each) and in batches of 64
//   schedule     one 0-byte nrta_tensor_write call (depth 2^20, never full) vs one io_uring NOP submit + reap
//   exec_sched   one nrta_execute_schedule of bench_add_one (binds both sets) vs the 0-byte schedule call
//   execute      nrt_execute of bench_add_one on an idle unit (runs inline) vs the model's compute written by hand
//                (y[i] = x[i] + 1 over the same tensors' memory): the interpreter's own share is not reachable
//                through the public API, so the peer is the compute's floor; the row prints ours - peer (the
//                goal: <= 150 ns). callgrind gives the interpreter's instructions (bench/README.md)
//   copy N       nrt_tensor_write / nrt_tensor_read of N bytes vs memcpy of N bytes between the same buffers;
//                and a 0-byte nrt_tensor_write (the call's own cost) vs the 4 KiB memcpy
//   poll         0-byte nrta_tensor_write + nrta_is_completed loop until done, hot (back to back)
//
// The io_uring peers are built only when liburing was found (NRTB_HAVE_LIBURING); without it those rows say so.
// Usage: bench_hot_paths [reps=7] [shift=0]   (every loop runs 2^shift times fewer operations: for callgrind)
#include <sched.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bench_common.h"

#ifdef NRTB_HAVE_LIBURING
#include <liburing.h>
#endif

namespace {

constexpr size_t kRets = 4096;
struct alignas(64) Rets {
  NRT_STATUS r[kRets];
};

int g_shift = 0;  // every loop runs 2^g_shift times fewer operations

// ns per operation of `op` run `n` times (op gets the iteration index).

double TimePerOp(uint64_t n, const std::function<void(uint64_t)>& op) {
  n = std::max<uint64_t>(n >> g_shift, 1);
  const uint64_t t0 = bench::NowNs();
  for (uint64_t i = 0; i < n; ++i) op(i);
  return static_cast<double>(bench::NowNs() - t0) / static_cast<double>(n);
}

struct Row {
  std::string name, peer_name, goal;
  std::vector<double> ours, peer;  // ns per op
  bool rate = false;               // print as M/s instead of ns
  bool diff = false;               // the goal is on ours - peer (ns), not on the ratio
};

#ifdef NRTB_HAVE_LIBURING
class Uring {
 public:
  Uring() {
    if (io_uring_queue_init(64, &ring_, 0) != 0) {
      std::perror("io_uring_queue_init");
      std::exit(2);
    }
  }
  ~Uring() { io_uring_queue_exit(&ring_); }
  Uring(const Uring&) = delete;
  Uring& operator=(const Uring&) = delete;

  // `batch` NOPs prepared, one io_uring_submit (one syscall), completions reaped without a syscall.
  void SubmitNops(unsigned batch) {
    for (unsigned i = 0; i < batch; ++i) io_uring_prep_nop(io_uring_get_sqe(&ring_));
    if (io_uring_submit(&ring_) != static_cast<int>(batch)) Fail("io_uring_submit");
    Reap(batch);
  }
  // One NOP submitted and waited for (io_uring_submit_and_wait: one syscall), then reaped.
  void SubmitAndReapOne() {
    io_uring_prep_nop(io_uring_get_sqe(&ring_));
    if (io_uring_submit_and_wait(&ring_, 1) != 1) Fail("io_uring_submit_and_wait");
    Reap(1);
  }

 private:
  void Reap(unsigned n) {
    while (n != 0) {
      io_uring_cqe* cqe = nullptr;
      if (io_uring_wait_cqe(&ring_, &cqe) != 0) Fail("io_uring_wait_cqe");
      io_uring_cqe_seen(&ring_, cqe);
      --n;
    }
  }
  [[noreturn]] static void Fail(const char* what) {
    std::fprintf(stderr, "%s failed\n", what);
    std::exit(2);
  }
  io_uring ring_{};
};
#endif

void Restart(const char* depth) {
  nrt_close();
  setenv("NRT_SIM_QUEUE_DEPTH", depth, 1);
  bench::Init();
}

double Median(std::vector<double> v) { return bench::Median(v); }

double Best(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

// Medians, and the ratio of the best (fastest) repetitions too: on a loaded host the best run of each side is the
// closest to an uncontended one, so that ratio is the steadier of the two.
void Print(const Row& r) {
  const double a = Median(r.ours), b = Median(r.peer), ab = Best(r.ours), bb = Best(r.peer);
  if (r.rate) {
    std::printf("%-32s %8.2f M/s | %-40s %8.2f M/s | ratio %5.2fx (best %5.2fx) | goal %s\n", r.name.c_str(), 1e3 / a,
                r.peer_name.c_str(), 1e3 / b, b / a, bb / ab, r.goal.c_str());
  } else if (r.diff) {
    std::printf("%-32s %8.1f ns  | %-40s %8.1f ns  | over %+6.1f ns (best %+6.1f) | goal %s\n", r.name.c_str(), a,
                r.peer_name.c_str(), b, a - b, ab - bb, r.goal.c_str());
  } else {
    std::printf("%-32s %8.1f ns  | %-40s %8.1f ns  | ratio %5.2fx (best %5.2fx) | goal %s\n", r.name.c_str(), a,
                r.peer_name.c_str(), b, a / b, ab / bb, r.goal.c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int reps = argc > 1 ? std::atoi(argv[1]) : 7;
  g_shift = argc > 2 ? std::atoi(argv[2]) : 0;
  if (reps <= 0 || g_shift < 0 || g_shift > 16) {
    std::fprintf(stderr, "usage: %s [repetitions > 0] [shift 0-16]\n", argv[0]);
    return 2;
  }
  bench::PrintLoad();
  bench::Init();
  auto rets = std::make_unique<Rets>();
  char buf[64] = {};
  std::vector<Row> rows;

  // --- throughput, default depth 64 ---
  Restart("64");
  {
    nrt_tensor_t* t = bench::DeviceTensor(64, 0, "t");
    nrta_seq_t seq = 0;
    Row one{"no-op writes/s, 1 submitter", "io_uring NOP, one submit each", ">= 1.0x", {}, {}, true};
    Row batch{"no-op writes/s, 1 submitter", "io_uring NOP, batches of 64", "(peer)", {}, {}, true};
#ifdef NRTB_HAVE_LIBURING
    Uring ring;
#endif
    constexpr uint64_t kN = 1 << 20;
    for (int r = 0; r < reps; ++r) {
      double ours = TimePerOp(kN, [&](uint64_t i) {
        NRT_STATUS* ret = &rets->r[i & (kRets - 1)];
        bench::ScheduleRetry([&] { return nrta_tensor_write(t, buf, 0, 0, 0, 0, ret, &seq); });
      });
      bench::WaitPoll(seq);
      one.ours.push_back(ours);
      batch.ours.push_back(ours);
#ifdef NRTB_HAVE_LIBURING
      one.peer.push_back(TimePerOp(kN, [&](uint64_t) { ring.SubmitNops(1); }));
      batch.peer.push_back(TimePerOp(kN / 64, [&](uint64_t) { ring.SubmitNops(64); }) / 64);
#endif
    }
    rows.push_back(one);
    rows.push_back(batch);
    nrt_tensor_free(&t);
  }

  // --- per-call latencies, depth 2^20 so a schedule call never meets NRT_QUEUE_FULL ---
  Restart("1048576");
  {
    nrt_tensor_t* t = bench::DeviceTensor(64, 0, "t");
    nrt_model_t* model = bench::LoadModel("bench_add_one");
    nrt_tensor_t* x = bench::DeviceTensor(16, 0, "x");
    nrt_tensor_t* y = bench::DeviceTensor(16, 0, "y");
    nrt_tensor_set_t* in = bench::MakeSet({{"x", x}});
    nrt_tensor_set_t* out = bench::MakeSet({{"y", y}});
#ifdef NRTB_HAVE_LIBURING
    Uring ring;
#endif
    Row sched{"schedule call, 0 B write", "io_uring NOP submit + reap", "<= 0.5x", {}, {}, false};
    Row exec_sched{"nrta_execute_schedule", "schedule call, 0 B write", "<= 2x", {}, {}, false};
    Row execute{"nrt_execute one-op model, idle",
                "its compute by hand (y = x + 1, 4 floats)",
                "<= compute + 150 ns",
                {},
                {},
                false,
                true};
    float* xv = static_cast<float*>(nrt_tensor_get_va(x));
    float* yv = static_cast<float*>(nrt_tensor_get_va(y));
    Row poll{"completion seen by polling, hot", "io_uring NOP submit + reap", "<= 500 ns absolute", {}, {}, false};
    constexpr uint64_t kN = 1 << 16;  // well below the depth; the unit drains between batches (untimed)
    nrta_seq_t seq = 0;
    NRT_STATUS ret = NRT_SUCCESS;
    for (int r = 0; r < reps; ++r) {
      double s = TimePerOp(
          kN, [&](uint64_t i) { BENCH_CHECK(nrta_tensor_write(t, buf, 0, 0, 0, 0, &rets->r[i & (kRets - 1)], &seq)); });
      bench::WaitPoll(seq);
      sched.ours.push_back(s);
      exec_sched.peer.push_back(s);
      exec_sched.ours.push_back(TimePerOp(kN / 4, [&](uint64_t i) {
        BENCH_CHECK(nrta_execute_schedule(model, in, out, 0, &rets->r[i & (kRets - 1)], &seq));
      }));
      bench::WaitPoll(seq);
      execute.ours.push_back(TimePerOp(kN / 4, [&](uint64_t) { BENCH_CHECK(nrt_execute(model, in, out)); }));
      execute.peer.push_back(TimePerOp(kN / 4, [&](uint64_t) {
        for (int i = 0; i < 4; ++i) yv[i] = xv[i] + 1.0f;
        asm volatile("" ::: "memory");  // keep every execution
      }));
      poll.ours.push_back(TimePerOp(kN / 4, [&](uint64_t) {
        BENCH_CHECK(nrta_tensor_write(t, buf, 0, 0, 0, 0, &ret, &seq));
        bench::WaitPoll(seq);
      }));
#ifdef NRTB_HAVE_LIBURING
      double nop = TimePerOp(kN, [&](uint64_t) { ring.SubmitAndReapOne(); });
      sched.peer.push_back(nop);
      poll.peer.push_back(nop);
#endif
    }
    rows.push_back(sched);
    rows.push_back(exec_sched);
    rows.push_back(execute);
    rows.push_back(poll);
    nrt_destroy_tensor_set(&in);
    nrt_destroy_tensor_set(&out);
    nrt_tensor_free(&x);
    nrt_tensor_free(&y);
    nrt_tensor_free(&t);
    nrt_unload(model);
  }

  // --- synchronous copies vs memcpy of the same bytes between the same buffers ---
  for (size_t size : {size_t{4} << 10, size_t{64} << 10}) {
    nrt_tensor_t* t = bench::DeviceTensor(size, 0, "c");
    void* dev = nrt_tensor_get_va(t);
    std::vector<char> host(size, 1);
    const uint64_t n = (uint64_t{256} << 20) / size;  // 256 MiB per timing
    const std::string kib = std::to_string(size >> 10) + " KiB";
    Row w{
        "nrt_tensor_write " + kib, "memcpy " + kib + " (ratio = memcpy/ours)", ">= 80% (4K), 95% (64K)", {}, {}, true};
    Row rd{
        "nrt_tensor_read " + kib, "memcpy " + kib + " (ratio = memcpy/ours)", ">= 80% (4K), 95% (64K)", {}, {}, true};
    // The call's own cost (a 0-byte write) against the 4 KiB memcpy: 80 % of memcpy's speed leaves it <= 0.25x.
    Row call{"nrt_tensor_write 0 B (call alone)", "memcpy " + kib, "<= 0.25x (= 80% at 4K)", {}, {}, false};
    for (int r = 0; r < reps; ++r) {
      if (size == size_t{4} << 10) {
        call.ours.push_back(TimePerOp(n, [&](uint64_t) { BENCH_CHECK(nrt_tensor_write(t, host.data(), 0, 0)); }));
        call.peer.push_back(TimePerOp(n, [&](uint64_t) {
          std::memcpy(dev, host.data(), size);
          asm volatile("" ::: "memory");
        }));
      }
      w.ours.push_back(TimePerOp(n, [&](uint64_t) { BENCH_CHECK(nrt_tensor_write(t, host.data(), 0, size)); }));
      w.peer.push_back(TimePerOp(n, [&](uint64_t) {
        std::memcpy(dev, host.data(), size);
        asm volatile("" ::: "memory");  // keep every copy
      }));
      rd.ours.push_back(TimePerOp(n, [&](uint64_t) { BENCH_CHECK(nrt_tensor_read(t, host.data(), 0, size)); }));
      rd.peer.push_back(TimePerOp(n, [&](uint64_t) {
        std::memcpy(host.data(), dev, size);
        asm volatile("" ::: "memory");
      }));
    }
    // Printed as copies/s (M/s): the ratio column is then ours / memcpy, i.e. the fraction of memcpy's speed.
    if (!call.ours.empty()) rows.push_back(call);
    rows.push_back(w);
    rows.push_back(rd);
    nrt_tensor_free(&t);
  }

#ifndef NRTB_HAVE_LIBURING
  std::printf("# liburing not found at build time: the io_uring peers read 0 (ratios meaningless)\n");
#endif
  std::printf(
      "# medians of %d repetitions; ratio: ns rows = ours / peer time, M/s rows = ours / peer rate; best = the\n"
      "# same ratio over the fastest repetition of each side\n",
      reps);
  for (const Row& r : rows) {
    if (r.peer.empty()) {
      std::printf("%-32s %8.1f ns  | %-40s (not measured)\n", r.name.c_str(), Median(r.ours), r.peer_name.c_str());
    } else {
      Print(r);
    }
  }
  nrt_close();
  return 0;
}
