// Calling the next library's function: NRT_SHIM_REAL(nrt_execute, model, in, out). When no library after the
// shim defines it (the shim preloaded into a program without libnrt), the call logs one line and fails with
// NRT_FAILURE (void functions do nothing) instead of jumping to NULL.
#pragma once

#include <type_traits>

#include "log.h"
#include "nrt/nrt_status.h"
#include "real_api.h"

namespace nrt_shim {

template <class R>
R MissingReal(const char* name) {
  LogLine(name, "no libnrt loaded after the shim defines %s", name);
  if constexpr (std::is_same_v<R, NRT_STATUS>) {
    return NRT_FAILURE;
  } else if constexpr (!std::is_void_v<R>) {
    return R{};
  }
}

}  // namespace nrt_shim

#define NRT_SHIM_REAL(name, ...)                                                        \
  ([&]() {                                                                              \
    auto fn_ = ::nrt_shim::real::name();                                                \
    using R_ = decltype(fn_(__VA_ARGS__));                                              \
    if (__builtin_expect(fn_ == nullptr, 0)) return ::nrt_shim::MissingReal<R_>(#name); \
    return fn_(__VA_ARGS__);                                                            \
  }())
