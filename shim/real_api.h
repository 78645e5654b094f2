// The functions of the libnrt loaded after the shim, resolved with dlvsym/dlsym(RTLD_NEXT).
//
// Every pointer is resolved eagerly by the shim's constructor. A library whose own constructor calls nrt_*
// before ours ran gets the pointer resolved on first use instead: each slot is resolved on its own and
// published with an atomic store, with no lock and no once-flag, so a thread that resolves while another holds
// the dynamic loader's lock (running constructors) cannot deadlock against it; racing resolvers store the
// same value.
#pragma once

#include <atomic>

#include "nrt/nrt.h"
#include "nrt/nrt_async.h"
#include "nrt/nrt_experimental.h"
#include "nrt/nrt_profile.h"
#include "nrt/nrt_sys_trace.h"
#include "nrt/nrt_status.h"

// X(name, symbol version node) for every function the shim calls in the real runtime.
#define NRT_SHIM_REAL_FUNCTIONS(X)                   \
  X(nrt_init, "NRT_2.0.0")                           \
  X(nrt_close, "NRT_2.0.0")                          \
  X(nrt_load, "NRT_2.0.0")                           \
  X(nrt_load_collectives, "NRT_2.0.0")               \
  X(nrt_unload, "NRT_2.0.0")                         \
  X(nrt_execute, "NRT_2.0.0")                        \
  X(nrt_execute_repeat, "NRT_2.0.0")                 \
  X(nrt_register_async_exec_callback, "NRT_2.0.0")   \
  X(nrt_async_drain_queued_execs, "NRT_2.0.0")       \
  X(nrt_tensor_allocate, "NRT_2.0.0")                \
  X(nrt_tensor_allocate_empty, "NRT_2.0.0")          \
  X(nrt_tensor_allocate_slice, "NRT_2.0.0")          \
  X(nrt_tensor_free, "NRT_2.0.0")                    \
  X(nrt_tensor_read, "NRT_2.0.0")                    \
  X(nrt_tensor_write, "NRT_2.0.0")                   \
  X(nrt_tensor_copy, "NRT_2.0.0")                    \
  X(nrt_tensor_memset, "NRT_2.0.0")                  \
  X(nrt_tensor_read_batch, "NRT_2.0.0")              \
  X(nrt_tensor_write_batch, "NRT_2.0.0")             \
  X(nrt_tensor_check_output_completion, "NRT_2.0.0") \
  X(nrt_tensor_reset_output_completion, "NRT_2.0.0") \
  X(nrt_destroy_tensor_set, "NRT_2.0.0")             \
  X(nrt_add_tensor_to_tensor_set, "NRT_2.0.0")       \
  X(nrt_tensor_get_va, "NRT_2.0.0")                  \
  X(nrt_tensor_get_size, "NRT_2.0.0")                \
  X(nrt_get_model_info, "NRT_2.0.0")                 \
  X(nrt_get_status_as_str, "NRT_2.0.0")              \
  X(nrt_trace_start, "NRT_2.0.0")                    \
  X(nrt_profile_start, "NRT_2.0.0")                  \
  X(nrt_inspect_begin, "NRT_2.0.0")                  \
  X(nrt_inspect_begin_with_options, "NRT_2.0.0")     \
  X(nrt_sys_trace_start, "NRT_2.0.0")                \
  X(nrt_trace_stop, "NRT_2.0.0")                     \
  X(nrt_profile_stop, "NRT_2.0.0")                   \
  X(nrt_inspect_stop, "NRT_2.0.0")                   \
  X(nrt_sys_trace_stop, "NRT_2.0.0")                 \
  X(nrt_sys_trace_fetch_events, "NRT_2.0.0")         \
  X(nrta_execute_schedule, "NRT_3.0.0")              \
  X(nrta_is_completed, "NRT_3.0.0")                  \
  X(nrta_event_register_xu_completion, "NRT_3.0.0")

namespace nrt_shim {

enum RealIndex : int {
#define NRT_SHIM_INDEX(name, node) kReal_##name,
  NRT_SHIM_REAL_FUNCTIONS(NRT_SHIM_INDEX)
#undef NRT_SHIM_INDEX
      kRealCount
};

namespace detail {
extern std::atomic<void*> g_real_slots[kRealCount];
// Resolves slot `index` (dlvsym with its node, then unversioned dlsym); nullptr when no library provides it.
void* ResolveReal(int index);
}  // namespace detail

// Resolves every slot now (the constructor).
void ResolveAllReal();
// Name of slot `index`, for messages.
const char* RealName(int index);

// real::nrt_execute() etc.: the next library's function, or nullptr when it has none.
namespace real {
#define NRT_SHIM_ACCESSOR(name, node)                                             \
  inline decltype(&::name) name() {                                               \
    void* p = detail::g_real_slots[kReal_##name].load(std::memory_order_acquire); \
    if (__builtin_expect(p == nullptr, 0)) p = detail::ResolveReal(kReal_##name); \
    return reinterpret_cast<decltype(&::name)>(p);                                \
  }
NRT_SHIM_REAL_FUNCTIONS(NRT_SHIM_ACCESSOR)
#undef NRT_SHIM_ACCESSOR
}  // namespace real

}  // namespace nrt_shim
