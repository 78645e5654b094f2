// Profiling (nrt_profile.h): per-model sessions, continuous profiling and inspect sessions write
// traces a person can open (Perfetto JSON on nrt-bridge; the SDK's NTFF is not public); options are
// validated. No NRT_SIM_* variable.
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "nrt/nrt_profile.h"
#include "nrtest.h"
#include "trace_test_util.h"

using namespace nrtest;
using nlohmann::json;
using trace_test::Execute;
using trace_test::ListDir;
using trace_test::RemoveTree;

namespace {

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

json ParseFile(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "missing " << path;
  json doc;
  EXPECT_NO_THROW(doc = json::parse(in)) << path << " is not valid JSON";
  return doc;
}

// Names of the complete ("X") events of a category.
std::vector<std::string> Completes(const json& doc, const char* cat) {
  std::vector<std::string> names;
  for (const json& e : doc["traceEvents"]) {
    if (e["ph"] == "X" && e["cat"] == cat) names.push_back(e["name"]);
  }
  return names;
}

}  // namespace

TEST(Profile, StartStopWritesThatModelsExecutionsAndTheTensorOpsOnItsCore) {
  NRTEST_INIT(rt);
  const std::string path = TempPath("profile.json");
  std::remove(path.c_str());
  AsyncModel a("async_scale", 0), b("async_double", 0);
  ASSERT_EQ(a.m.status(), NRT_SUCCESS);
  ASSERT_EQ(b.m.status(), NRT_SUCCESS);
  ASSERT_EQ(Execute(a), NRT_SUCCESS);  // before the session: not in the profile
  ASSERT_EQ(nrt_profile_start(a.m, path.c_str()), NRT_SUCCESS);
  std::vector<float> x = Iota(1);
  ASSERT_EQ(nrt_tensor_write(a.x, x.data(), 0, kModelBytes), NRT_SUCCESS);
  ASSERT_EQ(Execute(a), NRT_SUCCESS);
  ASSERT_EQ(Execute(b), NRT_SUCCESS);  // another model: not in the profile
  NRT_STATUS ret = kSentinelStatus;
  nrta_seq_t seq = 0;
  ASSERT_EQ(nrta_execute_schedule(a.m, a.is, a.os, 0, &ret, &seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(seq));
  EXPECT_FALSE(Exists(path)) << "written before nrt_profile_stop";
  ASSERT_EQ(nrt_profile_stop(path.c_str()), NRT_SUCCESS);
  ASSERT_EQ(Execute(a), NRT_SUCCESS);  // after the session

  json doc = ParseFile(path);
  EXPECT_EQ(Completes(doc, "request"), (std::vector<std::string>{"async_scale", "async_scale"}));
  EXPECT_EQ(Completes(doc, "tensor_op"), std::vector<std::string>{"write"});
  bool found_seq = false;
  for (const json& e : doc["traceEvents"]) {
    if (e["ph"] == "X" && e["cat"] == "request" && e["args"]["seq"].get<uint64_t>() == seq) found_seq = true;
  }
  EXPECT_TRUE(found_seq);
  std::remove(path.c_str());
}

TEST(Profile, SessionsAreNamedByFileAndMisuseGivesNrtInvalid) {
  EXPECT_EQ(nrt_profile_stop("x.json"), NRT_UNINITIALIZED);
  NRTEST_INIT(rt);
  AsyncModel a("async_scale", 0);
  const std::string p1 = TempPath("p1.json"), p2 = TempPath("p2.json");
  EXPECT_EQ(nrt_profile_stop(p1.c_str()), NRT_INVALID) << "no such session";
  EXPECT_EQ(nrt_profile_start(nullptr, p1.c_str()), NRT_INVALID);
  EXPECT_EQ(nrt_profile_start(a.m, nullptr), NRT_INVALID);
  EXPECT_EQ(nrt_profile_start(a.m, ""), NRT_INVALID);
  {
    StderrCapture capture;
    EXPECT_EQ(nrt_profile_start(a.m, "/nonexistent-dir/p.json"), NRT_FAILURE);
    std::string log = capture.Stop();
    EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1) << log;
    EXPECT_EQ(LinesWith(log, {"nrt_profile_start", "/nonexistent-dir/p.json"}).size(), 1u) << log;
  }
  ASSERT_EQ(nrt_profile_start(a.m, p1.c_str()), NRT_SUCCESS);
  EXPECT_EQ(nrt_profile_start(a.m, p1.c_str()), NRT_INVALID) << "same file twice";
  ASSERT_EQ(nrt_profile_start(a.m, p2.c_str()), NRT_SUCCESS);
  ASSERT_EQ(Execute(a), NRT_SUCCESS);
  ASSERT_EQ(nrt_profile_stop(p1.c_str()), NRT_SUCCESS);
  EXPECT_EQ(nrt_profile_stop(p1.c_str()), NRT_INVALID) << "stopped twice";
  ASSERT_EQ(nrt_profile_stop(p2.c_str()), NRT_SUCCESS);
  EXPECT_EQ(Completes(ParseFile(p1), "request").size(), 1u);
  EXPECT_EQ(Completes(ParseFile(p2), "request").size(), 1u);
  std::remove(p1.c_str());
  std::remove(p2.c_str());
}

TEST(Profile, ASessionStillOpenAtCloseIsWritten) {
  const std::string path = TempPath("open_at_close.json");
  std::remove(path.c_str());
  {
    NRTEST_INIT(rt);
    AsyncModel a("async_scale", 0);
    ASSERT_EQ(nrt_profile_start(a.m, path.c_str()), NRT_SUCCESS);
    ASSERT_EQ(Execute(a), NRT_SUCCESS);
  }
  EXPECT_EQ(Completes(ParseFile(path), "request").size(), 1u);
  std::remove(path.c_str());
}

TEST(ProfileContinuous, SaveWritesTheLatestExecutionOfThatCore) {
  NRTEST_INIT(rt);
  const std::string dir = TempPath("continuous");
  RemoveTree(dir);
  AsyncModel a("async_scale", 0);
  nrt_profile_continuous_options_t* opt = nullptr;
  ASSERT_EQ(nrt_profile_continuous_options_allocate(&opt), NRT_SUCCESS);
  ASSERT_EQ(nrt_profile_continuous_options_set_output_dir(opt, dir.c_str()), NRT_SUCCESS);
  ASSERT_EQ(nrt_profile_continuous_start(opt), NRT_SUCCESS);
  EXPECT_EQ(nrt_profile_continuous_save(0, opt), NRT_INVALID) << "nothing executed yet";
  std::vector<float> x = Iota(1);
  ASSERT_EQ(nrt_tensor_write(a.x, x.data(), 0, kModelBytes), NRT_SUCCESS);
  ASSERT_EQ(Execute(a), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_write(a.x, x.data(), 0, kModelBytes), NRT_SUCCESS);
  ASSERT_EQ(Execute(a), NRT_SUCCESS);
  ASSERT_EQ(nrt_profile_continuous_save(0, opt), NRT_SUCCESS);
  EXPECT_EQ(nrt_profile_continuous_save(1, opt), NRT_INVALID) << "nothing executed on core 1";
  EXPECT_EQ(nrt_profile_continuous_save(99, opt), NRT_INVALID);
  ASSERT_EQ(nrt_profile_continuous_save(0, opt), NRT_SUCCESS);      // a second file, not an overwrite
  ASSERT_EQ(nrt_profile_continuous_save(0, nullptr), NRT_SUCCESS);  // into the directory given at start
  ASSERT_EQ(nrt_profile_continuous_stop(), NRT_SUCCESS);
  EXPECT_EQ(nrt_profile_continuous_stop(), NRT_INVALID);
  EXPECT_EQ(nrt_profile_continuous_save(0, opt), NRT_INVALID) << "not running";

  std::vector<std::string> files = ListDir(dir);
  ASSERT_EQ(files.size(), 3u);
  for (const std::string& f : files) {
    json doc = ParseFile(dir + "/" + f);
    EXPECT_EQ(Completes(doc, "request"), std::vector<std::string>{"async_scale"}) << f;
    EXPECT_EQ(Completes(doc, "tensor_op"), std::vector<std::string>{"write"}) << f;
  }
  EXPECT_EQ(nrt_profile_continuous_options_set_output_dir(opt, nullptr), NRT_INVALID);
  EXPECT_EQ(nrt_profile_continuous_options_set_output_dir(opt, ""), NRT_INVALID);
  EXPECT_EQ(nrt_profile_continuous_options_set_output_dir(nullptr, dir.c_str()), NRT_INVALID);
  EXPECT_EQ(nrt_profile_continuous_options_allocate(nullptr), NRT_INVALID);
  EXPECT_EQ(nrt_profile_continuous_options_free(opt), NRT_SUCCESS);
  RemoveTree(dir);
}

TEST(Inspect, BeginWithOptionsWritesSystemAndDeviceProfilesInTheSessionDirectory) {
  NRTEST_INIT(rt);
  const std::string dir = TempPath("inspect");
  RemoveTree(dir);
  AsyncModel a("async_scale", 0), b("async_scale", 1);
  nrt_inspect_config_t* cfg = nullptr;
  ASSERT_EQ(nrt_inspect_config_allocate(&cfg), NRT_SUCCESS);
  ASSERT_EQ(nrt_inspect_config_set_output_dir(cfg, dir.c_str()), NRT_SUCCESS);
  ASSERT_EQ(nrt_inspect_config_set_session_id(cfg, 7), NRT_SUCCESS);
  ASSERT_EQ(nrt_inspect_config_set_enable_inspect(cfg, true), NRT_SUCCESS);
  ASSERT_EQ(nrt_inspect_config_set_capture_enabled_for_nc(cfg, 1, false), NRT_SUCCESS);
  ASSERT_EQ(nrt_inspect_begin_with_options(cfg), NRT_SUCCESS);
  EXPECT_EQ(nrt_inspect_begin_with_options(cfg), NRT_INVALID) << "begun twice";
  EXPECT_EQ(nrt_profile_continuous_start(nullptr), NRT_INVALID) << "continuous while inspecting";
  ASSERT_EQ(Execute(a), NRT_SUCCESS);
  ASSERT_EQ(Execute(b), NRT_SUCCESS);
  ASSERT_EQ(nrt_inspect_stop(), NRT_SUCCESS);
  EXPECT_EQ(nrt_inspect_stop(), NRT_INVALID);

  const std::string session = dir + "/session_7";
  std::vector<std::string> files = ListDir(session);
  EXPECT_EQ(std::set<std::string>(files.begin(), files.end()),
            (std::set<std::string>{"system_profile.json", "device_profile_nc0.json", "device_profile_nc2.json",
                                   "device_profile_nc3.json"}));
  json system = ParseFile(session + "/system_profile.json");
  EXPECT_EQ(Completes(system, "request"), std::vector<std::string>{"async_scale"});  // core 1 disabled
  EXPECT_EQ(Completes(ParseFile(session + "/device_profile_nc0.json"), "request"),
            std::vector<std::string>{"async_scale"});
  EXPECT_TRUE(Completes(ParseFile(session + "/device_profile_nc2.json"), "request").empty());
  nrt_inspect_config_free(cfg);
  RemoveTree(dir);
}

TEST(Inspect, OnFailAloneKeepsNoDeviceProfileWhenNothingFailed) {
  NRTEST_INIT(rt);
  const std::string dir = TempPath("inspect_on_fail");
  RemoveTree(dir);
  AsyncModel a("async_scale", 0);
  nrt_inspect_config_t* cfg = nullptr;
  ASSERT_EQ(nrt_inspect_config_allocate(&cfg), NRT_SUCCESS);
  ASSERT_EQ(nrt_inspect_config_set_output_dir(cfg, dir.c_str()), NRT_SUCCESS);
  ASSERT_EQ(nrt_inspect_config_set_enable_inspect_on_fail(cfg, true), NRT_SUCCESS);
  ASSERT_EQ(nrt_inspect_begin_with_options(cfg), NRT_SUCCESS);
  ASSERT_EQ(Execute(a), NRT_SUCCESS);
  ASSERT_EQ(nrt_inspect_stop(), NRT_SUCCESS);
  EXPECT_TRUE(ListDir(dir + "/session_1").empty());
  nrt_inspect_config_free(cfg);
  RemoveTree(dir);
}

TEST(Inspect, OptionsAreValidated) {
  nrt_inspect_config_t* cfg = nullptr;
  ASSERT_EQ(nrt_inspect_config_allocate(&cfg), NRT_SUCCESS);
  EXPECT_EQ(nrt_inspect_config_set_session_id(cfg, -1), NRT_INVALID);
  EXPECT_EQ(nrt_inspect_config_set_output_dir(cfg, ""), NRT_INVALID);
  EXPECT_EQ(nrt_inspect_config_set_output_dir(cfg, nullptr), NRT_INVALID);
  EXPECT_EQ(nrt_inspect_config_set_sys_trace_max_events_per_nc(cfg, 0), NRT_INVALID);
  EXPECT_EQ(nrt_inspect_config_set_sys_trace_max_events_per_nc(cfg, 1000), NRT_SUCCESS);
  EXPECT_EQ(nrt_inspect_config_set_capture_enabled_for_nc(cfg, 100000, true), NRT_INVALID);
  EXPECT_EQ(nrt_inspect_config_set_capture_enabled_for_event_type_string(cfg, "bogus", true), NRT_INVALID);
  EXPECT_EQ(nrt_inspect_config_set_capture_enabled_for_event_type_string(cfg, "tensor_op", false), NRT_SUCCESS);
  EXPECT_EQ(nrt_inspect_config_set_activity(cfg, "bogus", true), NRT_INVALID);
  EXPECT_EQ(nrt_inspect_config_set_enable_inspect(nullptr, true), NRT_INVALID);

  const char** all = nullptr;
  size_t n = 0;
  ASSERT_EQ(nrt_inspect_config_get_all_activity_types(&all, &n), NRT_SUCCESS);
  EXPECT_EQ(std::set<std::string>(all, all + n),
            (std::set<std::string>{"system_profile", "device_profile", "host_memory", "cpu_util"}));
  nrt_inspect_config_free_activity_types(all, n);
  ASSERT_EQ(nrt_inspect_config_set_activity(cfg, "all", false), NRT_SUCCESS);
  ASSERT_EQ(nrt_inspect_config_set_activity(cfg, "device_profile", true), NRT_SUCCESS);
  ASSERT_EQ(nrt_inspect_config_get_enabled_activity_types(cfg, &all, &n), NRT_SUCCESS);
  EXPECT_EQ(std::vector<std::string>(all, all + n), std::vector<std::string>{"device_profile"});
  nrt_inspect_config_free_activity_types(all, n);
  ASSERT_EQ(nrt_inspect_config_set_defaults(cfg), NRT_SUCCESS);
  ASSERT_EQ(nrt_inspect_config_get_enabled_activity_types(cfg, &all, &n), NRT_SUCCESS);
  EXPECT_EQ(n, 4u);
  nrt_inspect_config_free_activity_types(all, n);
  EXPECT_EQ(nrt_inspect_config_free(cfg), NRT_SUCCESS);
  EXPECT_EQ(nrt_inspect_begin_with_options(nullptr), NRT_UNINITIALIZED);
}

TEST(Inspect, BeginReadsTheEnvironment) {
  const std::string dir = TempPath("inspect_env");
  RemoveTree(dir);
  SetEnv("NEURON_RT_INSPECT_ENABLE", "1");
  SetEnv("NEURON_RT_INSPECT_OUTPUT_DIR", dir.c_str());
  SetEnv("NEURON_RT_INSPECT_DEVICE_PROFILE", "0");
  NRTEST_INIT(rt);
  AsyncModel a("async_scale", 0);
  ASSERT_EQ(nrt_inspect_begin(), NRT_SUCCESS);
  ASSERT_EQ(Execute(a), NRT_SUCCESS);
  ASSERT_EQ(nrt_inspect_stop(), NRT_SUCCESS);
  EXPECT_EQ(ListDir(dir + "/session_1"), std::vector<std::string>{"system_profile.json"});
  EXPECT_EQ(Completes(ParseFile(dir + "/session_1/system_profile.json"), "request").size(), 1u);
  SetEnv("NEURON_RT_INSPECT_ENABLE", "yes");
  EXPECT_EQ(nrt_inspect_begin(), NRT_INVALID);
  RemoveTree(dir);
}
