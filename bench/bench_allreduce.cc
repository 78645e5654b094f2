// All-reduce bus bandwidth through libnrt (nrta_cc_prepare / nrta_cc_schedule), float32 ADD, in place:
//   bench_allreduce inproc N [B [iters]]  N ranks = N logical cores of this process (one thread schedules all)
//   bench_allreduce procs N [B [iters]]   N ranks = N processes on loopback over Gloo (this program re-run)
// B limits the sweep to that one size (for profiling). Bus bandwidth = 2 (N-1)/N * bytes / time per
// all-reduce (the NCCL convention). inproc also times one memcpy of N * bytes, the least memory traffic
// an all-reduce of N ranks needs (read every input, write every output), and prints memcpy time /
// all-reduce time as the ratio. BENCH_TAIL=1 also prints the 90th and 99th percentiles and the mean.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "bench_common.h"

namespace {

using bench::NowNs;

// Optional 3rd and 4th arguments: one size only, and its iteration count (for profiling one size).
size_t g_only_bytes = 0;
int g_iterations = 0;

int Iterations(size_t bytes) {
  if (g_iterations > 0) return g_iterations;
  return bytes <= (1 << 20) ? 50 : bytes <= (16 << 20) ? 10 : 3;
}

// One all-reduce per rank in `ranks` (rank r on core `core_of(r)`), waited for; returns ns.
struct Rank {
  nrt_tensor_t* t = nullptr;
  std::vector<uint32_t> group;
  nrt_cc_comm_t comm{};
};

uint64_t AllReduce(std::vector<Rank>& ranks) {
  const uint64_t t0 = NowNs();
  std::vector<NRT_STATUS> ret(ranks.size());
  std::vector<nrta_seq_t> seq(ranks.size());
  for (size_t i = 0; i < ranks.size(); ++i) {
    nrt_tensor_list_t l{&ranks[i].t, 1};
    nrt_cc_context_t* ctx = nullptr;
    BENCH_CHECK(nrta_cc_prepare(&ranks[i].comm, &l, &l, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &ctx));
    BENCH_CHECK(nrta_cc_schedule(&ctx, 0, &ret[i], &seq[i]));
  }
  // Blocking waits (eventfd), as Gloo's own benchmark blocks: a spinning waiter would take a CPU from the ranks.
  static const int efd = eventfd(0, 0);
  for (size_t i = 0; i < ranks.size(); ++i) {
    bench::WaitEventfd(seq[i], efd);
    BENCH_CHECK(ret[i]);
  }
  return NowNs() - t0;
}

double BusGBps(size_t bytes, int n, double ns) { return 2.0 * (n - 1) / n * static_cast<double>(bytes) / ns; }

void Sweep(std::vector<Rank>& ranks, int world, int cores, bool memcpy_ceiling, bool print) {
  for (size_t bytes = 4 << 10; bytes <= (256u << 20); bytes *= 4) {
    if (g_only_bytes != 0 && bytes != g_only_bytes) continue;
    for (Rank& r : ranks) {
      BENCH_CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, static_cast<int>(r.comm.vnc), bytes, "g", &r.t));
      std::vector<float> ones(bytes / 4, 1.0f);
      BENCH_CHECK(nrt_tensor_write(r.t, ones.data(), 0, bytes));
    }
    AllReduce(ranks);  // warm up (connects the Gloo groups on the first size)
    std::vector<double> times;
    for (int i = 0; i < Iterations(bytes); ++i) times.push_back(static_cast<double>(AllReduce(ranks)));
    const double med = bench::Median(times);
    if (print) {
      std::printf("%10zu B  %8.1f us  bus %6.2f GB/s", bytes, med / 1e3, BusGBps(bytes, world, med));
      if (std::getenv("BENCH_TAIL") != nullptr) {
        // The tail: on a loaded machine a few all-reduces wait milliseconds for a CPU, which the median hides.
        double sum = 0;
        for (double t : times) sum += t;
        std::printf("  p90 %8.1f  p99 %8.1f  mean %8.1f us", bench::Percentile(times, 0.9) / 1e3,
                    bench::Percentile(times, 0.99) / 1e3, sum / static_cast<double>(times.size()) / 1e3);
      }
      if (memcpy_ceiling) {
        // The ceiling: an all-reduce of B bytes on N ranks reads at least N*B (every input) and writes at
        // least N*B (every output), the traffic of one memcpy of N*B bytes; timed here on one thread, hot
        // in the cache as the all-reduce's buffers are.
        const size_t total = bytes * static_cast<size_t>(world);
        std::vector<char> a(total, 1), b(total);
        std::memcpy(b.data(), a.data(), total);
        std::vector<double> mt;
        for (int i = 0; i < Iterations(bytes); ++i) {
          uint64_t t0 = NowNs();
          std::memcpy(b.data(), a.data(), total);
          mt.push_back(static_cast<double>(NowNs() - t0));
        }
        const double mc = bench::Median(mt);
        std::printf("  memcpy N*B %8.1f us  ratio %4.0f%%", mc / 1e3, 100.0 * mc / med);
      }
      std::printf("\n");
    }
    for (Rank& r : ranks) nrt_tensor_free(&r.t);
  }
  (void)cores;
}

uint16_t FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "inproc";
  const int n = argc > 2 ? std::atoi(argv[2]) : 2;
  if (argc > 3) g_only_bytes = std::strtoull(argv[3], nullptr, 0);
  if (argc > 4) g_iterations = std::atoi(argv[4]);
  if (mode == "procs" && std::getenv("BENCH_CC_RANK") == nullptr) {
    const std::string root = "127.0.0.1:" + std::to_string(FreePort());
    std::vector<pid_t> kids;
    for (int r = 0; r < n; ++r) {
      pid_t pid = fork();
      if (pid == 0) {
        setenv("NEURON_RT_ROOT_COMM_ID", root.c_str(), 1);
        setenv("BENCH_CC_RANK", std::to_string(r).c_str(), 1);
        execv("/proc/self/exe", argv);
        _exit(127);
      }
      kids.push_back(pid);
    }
    int failed = 0;
    for (pid_t k : kids) {
      int st = 0;
      waitpid(k, &st, 0);
      failed += !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    return failed != 0;
  }
  BENCH_CHECK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
  std::vector<Rank> ranks;
  int me = 0;
  if (mode == "procs") {
    me = std::atoi(std::getenv("BENCH_CC_RANK"));
    BENCH_CHECK(nrt_cc_global_comm_init(0, me, n));
    ranks.resize(1);
    for (int r = 0; r < n; ++r) ranks[0].group.push_back(r);
    ranks[0].comm.rank = me;
    ranks[0].comm.vnc = 0;
  } else {
    ranks.resize(n);
    for (int i = 0; i < n; ++i) {
      for (int r = 0; r < n; ++r) ranks[i].group.push_back(r);
      ranks[i].comm.rank = i;
      ranks[i].comm.vnc = i;
    }
  }
  for (Rank& r : ranks) {
    r.comm.replica_group = r.group.data();
    r.comm.rank_n = n;
  }
  if (me == 0) std::printf("all-reduce float32 add, %d ranks, %s\n", n, mode.c_str());
  Sweep(ranks, n, n, mode == "inproc", me == 0);
  nrt_close();
  return 0;
}
