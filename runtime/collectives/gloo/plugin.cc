// libnrt-gloo.so.1: Gloo behind the C table of ../gloo_plugin_api.h. Only the entry point is
// exported (the version script gloo_plugin.map hides everything else).
#include <gloo/allgather.h>
#include <gloo/allreduce.h>
#include <gloo/barrier.h>
#include <gloo/common/error.h>
#include <gloo/reduce_scatter.h>
#include <gloo/rendezvous/context.h>
#include <gloo/rendezvous/prefix_store.h>
#include <gloo/transport/tcp/device.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "runtime/collectives/gloo_plugin_api.h"
#include "runtime/collectives/sigpipe_guard.h"
#include "tcp_store.h"

namespace {

struct Group {
  std::shared_ptr<gloo::transport::Device> device;
  std::shared_ptr<gloo::rendezvous::Context> context;
};

std::chrono::milliseconds Ms(int64_t ms) { return std::chrono::milliseconds(ms < 1 ? 1 : ms); }

void SetError(char* err, size_t len, const std::string& what) {
  if (err != nullptr && len != 0) std::snprintf(err, len, "%s", what.c_str());
}

// Runs f, mapping Gloo's exceptions to a result code: a timeout, a peer that failed (connection
// closed or reset), or anything else. A write to a dead peer fails with EPIPE instead of a SIGPIPE that would
// kill the application (sigpipe_guard.h).
template <class F>
int Guard(char* err, size_t len, F&& f) {
  nrtb::SigpipeGuard no_sigpipe;
  try {
    f();
    return kGlooOk;
  } catch (const gloo::IoException& e) {
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

void* Connect(const char* store_host, uint16_t store_port, const char* bind_host, const char* prefix, int rank,
              int size, int64_t timeout_ms, char* err, size_t err_len) {
  auto group = std::make_unique<Group>();
  int rc = Guard(err, err_len, [&] {
    gloo::transport::tcp::attr attr;
    attr.hostname = bind_host;
    group->device = gloo::transport::tcp::CreateDevice(attr);
    nrtb::TcpStore store(store_host, store_port, Ms(timeout_ms));
    gloo::rendezvous::PrefixStore prefixed(prefix, store);
    group->context = std::make_shared<gloo::rendezvous::Context>(rank, size);
    group->context->setTimeout(Ms(timeout_ms));
    group->context->connectFullMesh(prefixed, group->device);
  });
  return rc == kGlooOk ? group.release() : nullptr;
}

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
  return Guard(err, err_len, [&] {
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
  return Guard(err, err_len, [&] {
    gloo::AllgatherOptions opts(g.context);
    opts.setInput(const_cast<uint8_t*>(static_cast<const uint8_t*>(in)), bytes);
    opts.setOutput(static_cast<uint8_t*>(out), bytes * static_cast<size_t>(g.context->size));
    opts.setTimeout(Ms(timeout_ms));
    gloo::allgather(opts);
  });
}

int Barrier(void* group, int64_t timeout_ms, char* err, size_t err_len) {
  auto& g = *static_cast<Group*>(group);
  return Guard(err, err_len, [&] {
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
  return Guard(err, err_len, [&] {
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

const NrtbGlooPlugin kPlugin = {NRTB_GLOO_PLUGIN_ABI, &Connect, &Destroy,      &Allreduce,
                                &Allgather,           &Barrier, &ReduceScatter};

}  // namespace

extern "C" __attribute__((visibility("default"))) const NrtbGlooPlugin* nrtb_gloo_plugin_v1(void) { return &kPlugin; }
