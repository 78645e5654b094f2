// The interposed entry points: the only symbols the shim exports (the version script gives them NRT_2.0.0).
#pragma once

#include <exception>
#include <new>

#include "log.h"
#include "nrt/nrt_status.h"

#define NRT_SHIM_EXPORT __attribute__((visibility("default")))

namespace nrt_shim {

// Runs the shim's part of a call: no C++ exception crosses the C boundary.
template <class Fn>
NRT_STATUS Guarded(const char* function, Fn&& fn) noexcept {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    LogLine(function, "out of memory in the implicit-async shim");
    return NRT_RESOURCE;
  } catch (const std::exception& e) {
    LogLine(function, "internal error in the implicit-async shim: %s", e.what());
    return NRT_FAILURE;
  } catch (...) {
    LogLine(function, "internal error in the implicit-async shim");
    return NRT_FAILURE;
  }
}

template <class Fn>
void GuardedVoid(const char* function, Fn&& fn) noexcept {
  Guarded(function, [&] {
    fn();
    return NRT_SUCCESS;
  });
}

}  // namespace nrt_shim
