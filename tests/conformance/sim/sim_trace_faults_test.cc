// Failed requests and unrecoverable units in the trace sinks, with faults injected by NRT_SIM_FAULTS:
// the system trace reports request_error and unit_fatal events; an inspect session with
// inspect-on-fail keeps the device profile of the core where an execution failed.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nrt/nrt_profile.h"
#include "nrt/nrt_sys_trace.h"
#include "nrtest.h"
#include "trace_test_util.h"

using namespace nrtest;
using nlohmann::json;
using trace_test::Execute;
using trace_test::ListDir;
using trace_test::RemoveTree;

TEST(SimTraceFaults, SystemTraceReportsRequestErrorsAndFatalUnits) {
  SetEnv("NRT_SIM_FAULTS", "xu=compute,lnc=0,nth=2,status=NRT_EXEC_BAD_INPUT;xu=compute,lnc=0,nth=3,action=fatal");
  NRTEST_INIT(rt);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  ASSERT_EQ(nrt_sys_trace_start(nullptr), NRT_SUCCESS);
  EXPECT_EQ(Execute(m), NRT_SUCCESS);
  EXPECT_EQ(Execute(m), NRT_EXEC_BAD_INPUT);
  EXPECT_NE(Execute(m), NRT_SUCCESS);
  char* buffer = nullptr;
  size_t size = 0;
  ASSERT_EQ(nrt_sys_trace_fetch_events(&buffer, &size, nullptr), NRT_SUCCESS);
  json doc = json::parse(buffer, buffer + size);
  nrt_sys_trace_buffer_free(buffer);
  std::vector<std::string> errors;
  int fatal = 0;
  for (const json& e : doc["events"]) {
    if (e["event_type"] == "request_error") errors.push_back(e["status"]);
    if (e["event_type"] == "unit_fatal") {
      ++fatal;
      EXPECT_EQ(e["xu"], "compute");
      EXPECT_FALSE(e["cause"].get<std::string>().empty());
    }
  }
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], "NRT_EXEC_BAD_INPUT");
  EXPECT_EQ(fatal, 1);
  EXPECT_EQ(nrt_sys_trace_stop(), NRT_SUCCESS);
}

TEST(SimTraceFaults, InspectOnFailKeepsTheDeviceProfileOfTheCoreThatFailed) {
  SetEnv("NRT_SIM_FAULTS", "xu=compute,lnc=1,nth=2,status=NRT_EXEC_BAD_INPUT");
  const std::string dir = TempPath("inspect_fail");
  RemoveTree(dir);
  NRTEST_INIT(rt);
  AsyncModel a("async_scale", 0), b("async_scale", 1);
  nrt_inspect_config_t* cfg = nullptr;
  ASSERT_EQ(nrt_inspect_config_allocate(&cfg), NRT_SUCCESS);
  ASSERT_EQ(nrt_inspect_config_set_output_dir(cfg, dir.c_str()), NRT_SUCCESS);
  ASSERT_EQ(nrt_inspect_config_set_enable_inspect_on_fail(cfg, true), NRT_SUCCESS);
  ASSERT_EQ(nrt_inspect_begin_with_options(cfg), NRT_SUCCESS);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(Execute(a), NRT_SUCCESS);
    EXPECT_EQ(Execute(b), i == 1 ? NRT_EXEC_BAD_INPUT : NRT_SUCCESS);
  }
  ASSERT_EQ(nrt_inspect_stop(), NRT_SUCCESS);
  EXPECT_EQ(ListDir(dir + "/session_1"), std::vector<std::string>{"device_profile_nc1.json"});
  std::ifstream in(dir + "/session_1/device_profile_nc1.json");
  json doc = json::parse(in);
  std::vector<std::string> statuses;
  for (const json& e : doc["traceEvents"]) {
    if (e["ph"] == "X") statuses.push_back(e["args"]["status"]);
  }
  EXPECT_EQ(statuses, (std::vector<std::string>{"NRT_SUCCESS", "NRT_EXEC_BAD_INPUT"}));
  nrt_inspect_config_free(cfg);
  RemoveTree(dir);
}
