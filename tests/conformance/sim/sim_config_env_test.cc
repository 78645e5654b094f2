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

TEST(ConfigEnv, MalformedSimulatorVariablesFailInit) {
  ExpectInitRejects("NRT_SIM_LNC_MEMORY_MB", {"0", "lots", "-5"});
  ExpectInitRejects("NRT_SIM_QUEUE_DEPTH", {"0", "deep"});
  ExpectInitRejects("NEURON_RT_EXEC_TIMEOUT", {"soon", "-1", "inf"});
  ExpectInitRejects("NRT_SIM_DEVICE_LNCS", {"0", "129"});
}

}  // namespace
