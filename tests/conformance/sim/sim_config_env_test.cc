// Simulator variables read at nrt_init (NRT_SIM_*): malformed values fail nrt_init.
// This file: the cases that need the simulator (NRT_SIM_*); the portable ones are in
// portable/config_env_test.cc.
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <regex>
#include <string>
#include <vector>

#include "nrtest.h"

namespace {

using namespace nrtest;

// nrt_init with `var` set to each of `values` fails with NRT_INVALID, logging one ERROR line naming
// the variable, and leaves the runtime uninitialised.
void ExpectInitRejects(const char* var, const std::vector<std::string>& values) {
  for (const std::string& v : values) {
    setenv(var, v.c_str(), 1);
    StderrCapture capture;
    NRT_STATUS s = nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "");
    std::string err = capture.Stop();
    EXPECT_EQ(s, NRT_INVALID) << var << "=\"" << v << "\"";
    EXPECT_EQ(LinesWith(err, {"ERROR", var}).size(), 1u) << var << "=\"" << v << "\" logged:\n" << err;
    if (s == NRT_SUCCESS) nrt_close();
    nrt_tensor_t* t = nullptr;
    ASSERT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_HOST, -1, 8, "t", &t), NRT_UNINITIALIZED)
        << "a failed nrt_init must leave the runtime uninitialised";
  }
  unsetenv(var);
}

TEST(ConfigEnv, MalformedSimulatorVariablesFailInit) {
  ExpectInitRejects("NRT_SIM_LNC_MEMORY_MB", {"0", "lots", "-5"});
  ExpectInitRejects("NRT_SIM_QUEUE_DEPTH", {"0", "deep"});
  ExpectInitRejects("NEURON_RT_EXEC_TIMEOUT", {"soon", "-1", "inf"});
  ExpectInitRejects("NRT_SIM_DEVICE_LNCS", {"0", "129"});
}

}  // namespace
