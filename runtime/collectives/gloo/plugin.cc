// libnrt-gloo.so.1: Gloo behind the C table of ../gloo_plugin_api.h. Only the entry point is
// exported (the version script gloo_plugin.map hides everything else).
#include <gloo/allgather.h>
#include <gloo/allgather_ring.h>
#include <gloo/allreduce.h>
#include <gloo/allreduce_halving_doubling.h>
#include <gloo/allreduce_ring.h>
#include <gloo/barrier.h>
#include <gloo/barrier_all_to_all.h>
#include <gloo/common/error.h>
#include <gloo/reduce_scatter.h>
#include <gloo/rendezvous/context.h>
#include <gloo/rendezvous/prefix_store.h>
#include <gloo/transport/tcp/address.h>
#include <gloo/transport/tcp/device.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/collectives/gloo_plugin_api.h"
#include "runtime/collectives/sigpipe_guard.h"
#include "pair_sockets.h"
#include "tcp_store.h"

namespace {

// Operations of at most this many bytes run on the group's synchronous connections (Group::small).
// Gloo's synchronous pairs write with blocking calls, and its algorithms have every rank write before it
// reads: a message must fit in the socket buffers (Gloo asks for a send buffer of the message's size; Linux
// grants twice that up to net.core.wmem_max, 212992 by default), or both ranks would block in write until
// the timeout. The algorithms below send at most half of an operation's bytes in one message above 64 KiB.
// Larger operations take the asynchronous connections, where Gloo's loop thread reads.
constexpr size_t kSyncMaxBytes = 256 << 10;
// Groups take the synchronous connections up to this size when every rank's wmem_max allows it (agreed when the
// group joins: the ranks must all pick the same connections). 1 MiB on loopback, loaded machine: 2 ranks
// 0.5-1.2 ms against 4-9.6 ms on the asynchronous ones, 4 ranks 1.8-1.9 against 16-19 ms (bench/README.md);
// at 4 MiB neither was faster.
constexpr size_t kSyncMaxBytesLarge = 1 << 20;
// Up to this size a synchronous all-reduce is a ring (n - 1 rounds of the whole buffer: the fewest messages);
// above it halving-doubling, which moves 2 (n - 1) / n of the buffer instead of n - 1 times it. Measured on
// loopback (bench/README.md): 2 ranks 4 KiB ring 112 / halving-doubling 168 us, 256 KiB 335 / 225 us; 4 ranks
// 256 KiB 4.3 / 1.2 ms.
constexpr size_t kRingMaxBytes = 64 << 10;

struct Group {
  std::shared_ptr<gloo::transport::Device> device;
  // Asynchronous connections (Gloo's loop thread reads them): operations above sync_max.
  std::shared_ptr<gloo::rendezvous::Context> context;
  // A second full mesh whose pairs are synchronous: the calling thread reads its own messages, and Gloo's loop
  // thread never sees them. Small operations run here because on the asynchronous pairs the loop thread
  // spins while the caller holds a pair's lock (Pair::handleEvents only try-locks, and the socket stays
  // readable, so epoll_wait returns at once): on two loaded cores the spinning loop threads of the ranks
  // took the CPUs from the lock holders until the next scheduler tick, ~4 ms per message (bench/README.md).
  std::shared_ptr<gloo::rendezvous::Context> small;
  size_t sync_max = kSyncMaxBytes;  // operations up to this size run on `small` (agreed by the ranks at join)
  std::atomic<bool> aborted{false};
  std::mutex mu;             // the connections abort() shuts down, against join() and destroy()
  int store_fd = -1;         // the rendezvous store's connection while joining
  std::vector<int> sockets;  // our duplicates of the pairs' sockets once joined (pair_sockets.h)

  ~Group() {
    for (int fd : sockets) close(fd);
  }
  // Shuts down (never closes: Gloo's loop thread still owns its descriptors) every connection of the group.
  // Gloo's loop thread then reads end-of-file on each pair and fails the operations waiting on them.
  void Abort() {
    std::lock_guard<std::mutex> lock(mu);
    aborted.store(true, std::memory_order_release);
    if (store_fd >= 0) shutdown(store_fd, SHUT_RDWR);
    for (int fd : sockets) shutdown(fd, SHUT_RDWR);
  }
};

std::chrono::milliseconds Ms(int64_t ms) { return std::chrono::milliseconds(ms < 1 ? 1 : ms); }

void SetError(char* err, size_t len, const std::string& what) {
  if (err != nullptr && len != 0) std::snprintf(err, len, "%s", what.c_str());
}

// Runs f, mapping Gloo's exceptions to a result code: a timeout, a peer that failed (connection
// closed or reset), or anything else. A write to a dead peer fails with EPIPE instead of a SIGPIPE that would
// kill the application (sigpipe_guard.h). A failure on the wire aborts the whole group: Gloo closes only the
// pair that failed, and our duplicates would keep even that one open, so the other peers would wait for their
// own timeouts.
template <class F>
int Guard(Group* g, char* err, size_t len, F&& f) {
  nrtb::SigpipeGuard no_sigpipe;
  try {
    f();
    return kGlooOk;
  } catch (const gloo::IoException& e) {
    if (g != nullptr) g->Abort();
    SetError(err, len, e.what());
    // "Timed out" (asynchronous pairs), "Read timeout" / "Write timeout" (synchronous pairs).
    return std::strstr(e.what(), "imed out") != nullptr || std::strstr(e.what(), "timeout") != nullptr
               ? kGlooTimeout
               : kGlooPeerFailed;
  } catch (const std::exception& e) {
    SetError(err, len, e.what());
    return kGlooError;
  } catch (...) {
    SetError(err, len, "unknown exception");
    return kGlooError;
  }
}

void* Create(char* err, size_t err_len) {
  Group* group = nullptr;
  Guard(nullptr, err, err_len, [&] { group = new Group; });
  return group;
}

// The local addresses of the group's connected pairs (Pair::address() is the socket's name once connected).
std::vector<sockaddr_storage> PairAddresses(gloo::rendezvous::Context& context) {
  std::vector<sockaddr_storage> out;
  for (int i = 0; i < context.size; ++i) {
    if (i == context.rank) continue;
    const auto& address = static_cast<const gloo::transport::tcp::Address&>(context.getPair(i)->address());
    out.push_back(address.getSockaddr());
  }
  return out;
}

// What this rank can take on synchronous connections (kSyncMaxBytesLarge).
uint64_t SyncLimit() {
  uint64_t wmem_max = 0;
  if (FILE* f = std::fopen("/proc/sys/net/core/wmem_max", "r")) {
    if (std::fscanf(f, "%" SCNu64, &wmem_max) != 1) wmem_max = 0;
    std::fclose(f);
  }
  return std::max<uint64_t>(kSyncMaxBytes, std::min<uint64_t>(kSyncMaxBytesLarge, wmem_max));
}

std::shared_ptr<gloo::rendezvous::Context> ConnectMesh(gloo::rendezvous::Store& store, const std::string& prefix,
                                                       Group& g, int rank, int size, int64_t timeout_ms) {
  gloo::rendezvous::PrefixStore prefixed(prefix, store);
  auto context = std::make_shared<gloo::rendezvous::Context>(rank, size);
  context->setTimeout(Ms(timeout_ms));
  context->connectFullMesh(prefixed, g.device);
  return context;
}

int Join(void* group, const char* store_host, uint16_t store_port, const char* bind_host, const char* prefix, int rank,
         int size, int64_t timeout_ms, char* err, size_t err_len) {
  auto& g = *static_cast<Group*>(group);
  return Guard(&g, err, err_len, [&] {
    gloo::transport::tcp::attr attr;
    attr.hostname = bind_host;
    g.device = gloo::transport::tcp::CreateDevice(attr);
    nrtb::TcpStore store(store_host, store_port, Ms(timeout_ms), &g.aborted);
    {
      std::lock_guard<std::mutex> lock(g.mu);
      if (g.aborted.load(std::memory_order_relaxed)) throw gloo::IoException("aborted while joining");
      g.store_fd = store.fd();
    }
    // The store's connection closes with `store`: abort() must not reach its number after that.
    struct Forget {
      Group& g;
      ~Forget() {
        std::lock_guard<std::mutex> lock(g.mu);
        g.store_fd = -1;
      }
    } forget{g};
    g.context = ConnectMesh(store, prefix, g, rank, size, timeout_ms);
    g.small = ConnectMesh(store, std::string(prefix) + "sync/", g, rank, size, timeout_ms);
    // Synchronous from here on: blocking reads and writes on the caller's thread, each bounded by the
    // context's timeout (Gloo sets SO_RCVTIMEO / SO_SNDTIMEO to it when the pair connects).
    for (int i = 0; i < size; ++i)
      if (i != rank) g.small->getPair(i)->setSync(true, false);
    uint64_t limit = SyncLimit();
    std::vector<uint64_t> limits(static_cast<size_t>(size));
    gloo::AllgatherRing<uint64_t> agree(g.small, {&limit}, limits.data(), 1);
    agree.run();
    g.sync_max = *std::min_element(limits.begin(), limits.end());
    std::vector<sockaddr_storage> locals = PairAddresses(*g.context);
    for (const sockaddr_storage& a : PairAddresses(*g.small)) locals.push_back(a);
    std::vector<int> sockets = nrtb::DuplicateConnectedSockets(locals);
    std::lock_guard<std::mutex> lock(g.mu);
    g.sockets = std::move(sockets);
    if (g.aborted.load(std::memory_order_relaxed)) {
      for (int fd : g.sockets) shutdown(fd, SHUT_RDWR);
      throw gloo::IoException("aborted while joining");
    }
  });
}

void Abort(void* group) { static_cast<Group*>(group)->Abort(); }

void Destroy(void* group) {
  nrtb::SigpipeGuard no_sigpipe;  // closing the pairs may still flush to a dead peer
  delete static_cast<Group*>(group);
}

// Gloo's bound-buffer algorithms (ring, halving-doubling) take a plain function pointer x = x op y with no
// context, so the operation's reduction reaches them through this thread's slot: they reduce on the calling
// thread.
thread_local NrtbGlooReduceFn t_reduce = nullptr;

template <class T>
void ReduceThunk(T* x, const T* y, size_t n) {
  t_reduce(x, x, y, n);
}

bool Small(const Group& g, size_t bytes) { return bytes <= g.sync_max; }

template <class T>
void AllreduceAs(Group& g, void* buf, size_t elems, NrtbGlooReduceFn fn, int64_t timeout_ms) {
  if (Small(g, elems * sizeof(T))) {
    t_reduce = fn;
    const gloo::ReductionFunction<T> reduce(gloo::CUSTOM, &ReduceThunk<T>);
    if (elems * sizeof(T) <= kRingMaxBytes) {
      gloo::AllreduceRing<T> algorithm(g.small, {static_cast<T*>(buf)}, static_cast<int>(elems), &reduce);
      algorithm.run();
    } else {
      gloo::AllreduceHalvingDoubling<T> algorithm(g.small, {static_cast<T*>(buf)}, static_cast<int>(elems), &reduce);
      algorithm.run();
    }
    return;
  }
  gloo::AllreduceOptions opts(g.context);
  opts.setOutput(static_cast<T*>(buf), elems);
  opts.setReduceFunction([fn](void* c, const void* a, const void* b, size_t n) { fn(c, a, b, n); });
  opts.setTimeout(Ms(timeout_ms));
  gloo::allreduce(opts);
}

int Allreduce(void* group, void* buf, size_t elems, size_t elem_size, NrtbGlooReduceFn fn, int64_t timeout_ms,
              char* err, size_t err_len) {
  auto& g = *static_cast<Group*>(group);
  return Guard(&g, err, err_len, [&] {
    switch (elem_size) {
      case 1:
        return AllreduceAs<uint8_t>(g, buf, elems, fn, timeout_ms);
      case 2:
        return AllreduceAs<uint16_t>(g, buf, elems, fn, timeout_ms);
      case 4:
        return AllreduceAs<uint32_t>(g, buf, elems, fn, timeout_ms);
      case 8:
        return AllreduceAs<uint64_t>(g, buf, elems, fn, timeout_ms);
      default:
        throw std::invalid_argument("element size " + std::to_string(elem_size) + " is not 1, 2, 4 or 8");
    }
  });
}

// Up to this share per rank, an all-gather sends every rank's share straight to every other rank: one message
// time, where the ring takes n - 1 rounds of a message and a notification. It is what every collective's
// description exchange takes (gloo_transport.cc), so it is on the path of every small collective.
constexpr size_t kDirectMaxBytes = 4 << 10;

// On the synchronous connections: out (size * bytes) must not overlap in.
void AllgatherDirect(Group& g, const void* in, void* out, size_t bytes) {
  gloo::Context& context = *g.small;
  const int n = context.size, me = context.rank;
  uint8_t* all = static_cast<uint8_t*>(out);
  std::memcpy(all + static_cast<size_t>(me) * bytes, in, bytes);
  if (bytes == 0) return;
  const int slot = context.nextSlot();
  std::vector<std::unique_ptr<gloo::transport::Buffer>> sends, recvs;
  for (int i = 0; i < n; ++i) {
    if (i == me) continue;
    auto& pair = context.getPair(i);
    recvs.push_back(pair->createRecvBuffer(slot, all + static_cast<size_t>(i) * bytes, bytes));
    sends.push_back(pair->createSendBuffer(slot, all + static_cast<size_t>(me) * bytes, bytes));
  }
  for (auto& b : sends) b->send();
  for (auto& b : recvs) b->waitRecv();
  for (auto& b : sends) b->waitSend();
}

int Allgather(void* group, const void* in, void* out, size_t bytes, int64_t timeout_ms, char* err, size_t err_len) {
  auto& g = *static_cast<Group*>(group);
  return Guard(&g, err, err_len, [&] {
    if (bytes <= kDirectMaxBytes) {
      AllgatherDirect(g, in, out, bytes);
      return;
    }
    if (Small(g, bytes * static_cast<size_t>(g.small->size))) {
      gloo::AllgatherRing<uint8_t> algorithm(g.small, {static_cast<const uint8_t*>(in)}, static_cast<uint8_t*>(out),
                                             static_cast<int>(bytes));
      algorithm.run();
      return;
    }
    gloo::AllgatherOptions opts(g.context);
    opts.setInput(const_cast<uint8_t*>(static_cast<const uint8_t*>(in)), bytes);
    opts.setOutput(static_cast<uint8_t*>(out), bytes * static_cast<size_t>(g.context->size));
    opts.setTimeout(Ms(timeout_ms));
    gloo::allgather(opts);
  });
}

int Barrier(void* group, int64_t /*timeout_ms: the pairs' own*/, char* err, size_t err_len) {
  auto& g = *static_cast<Group*>(group);
  return Guard(&g, err, err_len, [&] {
    gloo::BarrierAllToAll algorithm(g.small);
    algorithm.run();
  });
}

template <class T>
void ReduceScatterAs(Group& g, void* buf, size_t elems, const int* recv_elems, NrtbGlooReduceFn fn) {
  t_reduce = fn;
  const gloo::ReductionFunction<T> reduce(gloo::CUSTOM, &ReduceThunk<T>);
  const auto& context = Small(g, elems * sizeof(T)) ? g.small : g.context;
  std::vector<int> counts(recv_elems, recv_elems + context->size);
  gloo::ReduceScatterHalvingDoubling<T> algorithm(context, {static_cast<T*>(buf)}, static_cast<int>(elems), counts,
                                                  &reduce);
  algorithm.run();
}

int ReduceScatter(void* group, void* buf, size_t elems, size_t elem_size, const int* recv_elems, NrtbGlooReduceFn fn,
                  char* err, size_t err_len) {
  auto& g = *static_cast<Group*>(group);
  return Guard(&g, err, err_len, [&] {
    if (elems > static_cast<size_t>(std::numeric_limits<int>::max()))
      throw std::invalid_argument(std::to_string(elems) + " elements are more than Gloo's reduce-scatter counts");
    switch (elem_size) {
      case 1:
        return ReduceScatterAs<uint8_t>(g, buf, elems, recv_elems, fn);
      case 2:
        return ReduceScatterAs<uint16_t>(g, buf, elems, recv_elems, fn);
      case 4:
        return ReduceScatterAs<uint32_t>(g, buf, elems, recv_elems, fn);
      case 8:
        return ReduceScatterAs<uint64_t>(g, buf, elems, recv_elems, fn);
      default:
        throw std::invalid_argument("element size " + std::to_string(elem_size) + " is not 1, 2, 4 or 8");
    }
  });
}

const NrtbGlooPlugin kPlugin = {NRTB_GLOO_PLUGIN_ABI, &Create,    &Join,    &Abort,        &Destroy,
                                &Allreduce,           &Allgather, &Barrier, &ReduceScatter};

}  // namespace

extern "C" __attribute__((visibility("default"))) const NrtbGlooPlugin* nrtb_gloo_plugin_v1(void) { return &kPlugin; }
