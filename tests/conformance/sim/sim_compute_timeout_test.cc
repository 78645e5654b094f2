// A CPU graph that computes for many seconds (sim_heavy_matmul: 100 products of [256,16384]x[16384,256],
// ~215 GFLOP) is cut short by NEURON_RT_EXEC_TIMEOUT and by nrt_close, instead of finishing first.
// Bounds are generous (seconds) sanity bounds: without interruption both take the whole computation.
#include <atomic>
#include <thread>

#include "nrtest.h"
#include "nrt/nrt_async.h"

namespace {

using namespace nrtest;

// models/heavy/: not among the models every-model tests run.
const std::string kHeavyModel = ModelDir() + "/heavy/sim_heavy_matmul.neff";
TEST(SimComputeTimeout, AHeavyGraphTimesOutNearTheExecutionTimeout) {
  setenv("NEURON_RT_EXEC_TIMEOUT", "0.5", 1);
  NRTEST_INIT(rt);
  Model model(Model::FromFile{}, kHeavyModel, 0);
  ASSERT_EQ(model.status(), NRT_SUCCESS);
  {
    ModelIo io(model, 0);
    StderrCapture capture;
    const auto t0 = Clock::now();
    EXPECT_EQ(nrt_execute(model, io.inputs, io.outputs), NRT_TIMEOUT);
    const double took = SecondsSince(t0);
    const std::string err = capture.Stop();
    EXPECT_GE(took, 0.4);
    EXPECT_LT(took, 3.0) << "the computation must stop at the 0.5 s timeout";
    EXPECT_EQ(LinesWith(err, {"ERROR", "NEURON_RT_EXEC_TIMEOUT"}).size(), 1u) << err;
    // A timeout makes the compute unit unrecoverable, as on the device.
    EXPECT_EQ(nrt_execute(model, io.inputs, io.outputs), NRT_EXEC_UNIT_UNRECOVERABLE);
  }
}

TEST(SimComputeTimeout, NrtCloseDoesNotWaitForAHeavyComputation) {
  ASSERT_EQ(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_SUCCESS);  // closed by the test itself
  nrt_model_t* model = LoadModelFile(kHeavyModel, 0);
  ASSERT_NE(model, nullptr);
  NRT_STATUS heavy = NRT_SUCCESS;
  std::atomic<bool> entered{false};
  double close_took = 0;
  {
    ModelIo io(model, 0);
    // The request runs inline on this thread; nrt_close comes from another one once it has started.
    std::thread closer([&] {
      while (!entered.load()) std::this_thread::yield();
      const auto t0 = Clock::now();
      nrt_close();
      close_took = SecondsSince(t0);
    });
    StderrCapture capture;
    const auto t0 = Clock::now();
    entered = true;
    heavy = nrt_execute(model, io.inputs, io.outputs);
    const double took = SecondsSince(t0);
    closer.join();
    capture.Stop();
    EXPECT_LT(took, 3.0) << "the running computation is stopped by nrt_close";
  }
  EXPECT_EQ(heavy, NRT_CLOSED);
  EXPECT_LT(close_took, 3.0);
}

}  // namespace
