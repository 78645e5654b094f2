// Bad configuration: nrt_init refuses it the documented way.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "nrt/nrt.h"
#include "nrt/nrt_status.h"
#include "nrtest/stderr_capture.h"

namespace nrtest {

// nrt_init with `var` set to each of `values` fails with NRT_INVALID, logging one ERROR line naming the
// variable, and leaves the runtime uninitialised. `var` is unset afterwards.
inline void ExpectInitRejects(const char* var, const std::vector<std::string>& values) {
  for (const std::string& v : values) {
    setenv(var, v.c_str(), 1);
    StderrCapture capture;
    NRT_STATUS s = nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "");
    std::string err = capture.Stop();
    EXPECT_EQ(s, NRT_INVALID) << var << "=\"" << v << "\"";
    EXPECT_EQ(LinesWith(err, {"ERROR", var}).size(), 1u) << var << "=\"" << v << "\" logged:\n" << err;
    if (s == NRT_SUCCESS) nrt_close();
    nrt_tensor_t* t = nullptr;
    EXPECT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_HOST, -1, 8, "t", &t), NRT_UNINITIALIZED)
        << var << "=\"" << v << "\": a failed nrt_init must leave the runtime uninitialised";
    if (t != nullptr) nrt_tensor_free(&t);
  }
  unsetenv(var);
}

}  // namespace nrtest
