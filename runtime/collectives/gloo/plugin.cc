// libnrt-gloo.so.1: Gloo behind the C table of ../gloo_plugin_api.h. Only the entry point is
// exported (the version script gloo_plugin.map hides everything else).
#include <gloo/allgather.h>
#include <gloo/allreduce.h>
#include <gloo/barrier.h>
#include <gloo/common/error.h>
#include <gloo/reduce_scatter.h>
#include <gloo/rendezvous/context.h>
#include <gloo/rendezvous/prefix_store.h>
#include <gloo/transport/tcp/address.h>
#include <gloo/transport/tcp/device.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
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

struct Group {
  std::shared_ptr<gloo::transport::Device> device;
  std::shared_ptr<gloo::rendezvous::Context> context;
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
    return std::strstr(e.what(), "Timed out") != nullptr || std::strstr(e.what(), "timed out") != nullptr
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
    gloo::rendezvous::PrefixStore prefixed(prefix, store);
    g.context = std::make_shared<gloo::rendezvous::Context>(rank, size);
    g.context->setTimeout(Ms(timeout_ms));
    g.context->connectFullMesh(prefixed, g.device);
    std::vector<int> sockets = nrtb::DuplicateConnectedSockets(PairAddresses(*g.context));
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

template <class T>
void AllreduceAs(Group& g, void* buf, size_t elems, NrtbGlooReduceFn fn, int64_t timeout_ms) {
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

int Allgather(void* group, const void* in, void* out, size_t bytes, int64_t timeout_ms, char* err, size_t err_len) {
  auto& g = *static_cast<Group*>(group);
  return Guard(&g, err, err_len, [&] {
    gloo::AllgatherOptions opts(g.context);
    opts.setInput(const_cast<uint8_t*>(static_cast<const uint8_t*>(in)), bytes);
    opts.setOutput(static_cast<uint8_t*>(out), bytes * static_cast<size_t>(g.context->size));
    opts.setTimeout(Ms(timeout_ms));
    gloo::allgather(opts);
  });
}

int Barrier(void* group, int64_t timeout_ms, char* err, size_t err_len) {
  auto& g = *static_cast<Group*>(group);
  return Guard(&g, err, err_len, [&] {
    gloo::BarrierOptions opts(g.context);
    opts.setTimeout(Ms(timeout_ms));
    gloo::barrier(opts);
  });
}

// Gloo's reduce-scatter (halving-doubling) takes a plain function pointer x = x op y with no context, so the
// operation's reduction reaches it through this thread's slot: the algorithm reduces on the calling thread.
thread_local NrtbGlooReduceFn t_reduce = nullptr;

template <class T>
void ReduceThunk(T* x, const T* y, size_t n) {
  t_reduce(x, x, y, n);
}

template <class T>
void ReduceScatterAs(Group& g, void* buf, size_t elems, const int* recv_elems, NrtbGlooReduceFn fn) {
  t_reduce = fn;
  const gloo::ReductionFunction<T> reduce(gloo::CUSTOM, &ReduceThunk<T>);
  std::vector<int> counts(recv_elems, recv_elems + g.context->size);
  gloo::ReduceScatterHalvingDoubling<T> algorithm(g.context, {static_cast<T*>(buf)}, static_cast<int>(elems), counts,
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
