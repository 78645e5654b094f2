// The model functions check the runtime's state before their arguments (issue 6, defect 9): before
// nrt_init every one returns NRT_UNINITIALIZED and after nrt_close NRT_CLOSED, whatever else is wrong
// with the call, and only an initialised runtime reports bad arguments as NRT_INVALID.
#include <gtest/gtest.h>

#include <vector>

#include "nrt/nrt.h"
#include "nrt/nrt_experimental.h"
#include "nrtest.h"

namespace {

// Every model entry point, called with arguments that are all invalid (NULL handles and pointers,
// a repeat count the runtime refuses, an impossible communicator context).
std::vector<std::pair<const char*, NRT_STATUS>> CallEveryModelFunction() {
  nrt_model_t* model = nullptr;
  uint32_t count = 0;
  nrt_tensor_info_array_t* info = nullptr;
  nrt_model_info_t model_info{};
  return {
      {"nrt_load", nrt_load(nullptr, 0, -7, -1, nullptr)},
      {"nrt_load_collectives", nrt_load_collectives(nullptr, 0, -7, -1, 5, 3, nullptr)},
      {"nrt_unload", nrt_unload(nullptr)},
      {"nrt_get_model_nc_count", nrt_get_model_nc_count(nullptr, nullptr)},
      {"nrt_get_model_vnc_count", nrt_get_model_vnc_count(model, &count)},
      {"nrt_get_model_tensor_info", nrt_get_model_tensor_info(model, &info)},
      {"nrt_get_model_instance_count", nrt_get_model_instance_count(model, nullptr)},
      {"nrt_get_model_info", nrt_get_model_info(model, &model_info, sizeof model_info, nullptr)},
      {"nrt_execute", nrt_execute(nullptr, nullptr, nullptr)},
      {"nrt_execute_repeat(1)", nrt_execute_repeat(nullptr, nullptr, nullptr, 1)},
      {"nrt_execute_repeat(2)", nrt_execute_repeat(nullptr, nullptr, nullptr, 2)},
  };
}

TEST(ModelApiLifecycle, BeforeInitEveryModelFunctionIsUninitialized) {
  for (const auto& [name, status] : CallEveryModelFunction()) EXPECT_EQ(status, NRT_UNINITIALIZED) << name;
}

TEST(ModelApiLifecycle, AfterCloseEveryModelFunctionIsClosed) {
  ASSERT_EQ(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_SUCCESS);
  nrt_close();
  for (const auto& [name, status] : CallEveryModelFunction()) EXPECT_EQ(status, NRT_CLOSED) << name;
}

TEST(ModelApiLifecycle, WhenInitialisedBadArgumentsAreInvalid) {
  NRTEST_INIT(rt);
  for (const auto& [name, status] : CallEveryModelFunction()) EXPECT_EQ(status, NRT_INVALID) << name;
}

// A model that is loaded and sets that bind: repeat_count 2 is refused for itself, 1 runs.
TEST(ModelApiLifecycle, ExecuteRepeatTwiceIsInvalidOnlyForTheCount) {
  NRTEST_INIT(rt);
  nrtest::Model model("sync_add", 0);
  ASSERT_EQ(model.status(), NRT_SUCCESS);
  nrtest::ModelIo io(model, 0);
  EXPECT_EQ(nrt_execute_repeat(model, io.inputs, io.outputs, 2), NRT_INVALID);
  EXPECT_EQ(nrt_execute_repeat(model, io.inputs, io.outputs, 1), NRT_SUCCESS);
}

TEST(ModelApiLifecycle, ModelHandleFromBeforeCloseIsClosedAfterIt) {
  ASSERT_EQ(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_SUCCESS);
  nrt_model_t* model = nrtest::LoadModelFile(nrtest::ModelPath("sync_add"), 0);
  ASSERT_NE(model, nullptr);
  nrt_close();
  uint32_t count = 0;
  EXPECT_EQ(nrt_get_model_nc_count(model, &count), NRT_CLOSED);
  EXPECT_EQ(nrt_execute_repeat(model, nullptr, nullptr, 2), NRT_CLOSED);
  EXPECT_EQ(nrt_unload(model), NRT_CLOSED);
}

}  // namespace
