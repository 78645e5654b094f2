#include "runtime/neff/cpu_graph.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "runtime/core/error.h"
#include "runtime/neff/element.h"
#include "runtime/neff/npy.h"

namespace nrtb {
namespace {

using ::testing::HasSubstr;
using Files = std::map<std::string, std::string>;
using Json = nlohmann::json;

// The repository's samples/models (NRTB_SOURCE_DIR comes from the build: __FILE__ is relative under ccache).
std::filesystem::path SamplesDir() { return std::filesystem::path(NRTB_SOURCE_DIR) / "samples" / "models"; }

std::string ReadSample(const std::string& name) {
  std::ifstream in(SamplesDir() / name, std::ios::binary);
  EXPECT_TRUE(in) << "cannot read " << (SamplesDir() / name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

template <class T>
std::string Bytes(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

template <class T>
std::vector<T> As(const std::string& bytes) {
  std::vector<T> v(bytes.size() / sizeof(T));
  std::memcpy(v.data(), bytes.data(), v.size() * sizeof(T));
  return v;
}

// Runs the graph on the given input bytes (checked against the input specs); returns each output.
std::vector<std::string> RunGraph(const CpuGraph& g, const std::vector<std::string>& inputs) {
  EXPECT_EQ(inputs.size(), g.inputs().size());
  std::vector<const void*> in;
  for (size_t i = 0; i < inputs.size(); ++i) {
    EXPECT_EQ(inputs[i].size(), g.inputs()[i].size_bytes) << g.inputs()[i].name;
    in.push_back(inputs[i].data());
  }
  std::vector<std::string> outputs;
  std::vector<void*> out;
  for (const TensorSpec& spec : g.outputs()) outputs.emplace_back(spec.size_bytes, '\xAB');
  for (std::string& o : outputs) out.push_back(o.data());
  g.Run(in.data(), out.data());
  return outputs;
}

std::string ErrorOf(std::string_view json, const Files& files = {}, NRT_STATUS want = NRT_INVALID) {
  try {
    CpuGraph::Parse(json, files);
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), want) << e.what();
    EXPECT_THAT(e.what(), ::testing::StartsWith("cpu/graph.json: "));
    return e.what();
  }
  ADD_FAILURE() << "parsed without error: " << json.substr(0, 300);
  return "";
}

// A one-node graph over float32 inputs a [2,3] and b [3] (plus optional constants), output "y".
std::string OneNode(const std::string& node, const std::string& constants = "[]",
                    const std::string& inputs = R"([{"name": "a", "dtype": "float32", "shape": [2, 3]},
                                                    {"name": "b", "dtype": "float32", "shape": [3]}])") {
  return R"({"name": "t", "inputs": )" + inputs + R"(, "constants": )" + constants + R"(, "nodes": [)" + node +
         R"(], "outputs": ["y"]})";
}

// ---- samples ----

TEST(CpuGraphSamplesTest, EverySampleParses) {
  size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(SamplesDir())) {
    if (entry.path().extension() != ".json") continue;
    SCOPED_TRACE(entry.path().string());
    const std::string text = ReadSample(entry.path().filename().string());
    const std::unique_ptr<CpuGraph> g = CpuGraph::Parse(text, {});
    EXPECT_EQ(g->name() + ".json", entry.path().filename().string());
    EXPECT_FALSE(g->outputs().empty());
    EXPECT_TRUE(CpuGraph::ReferencedFiles(text).empty());  // samples keep constants inline
    ++count;
  }
  EXPECT_GE(count, 5u);
}

TEST(CpuGraphSamplesTest, AddOne) {
  const auto g = CpuGraph::Parse(ReadSample("add_one.json"), {});
  EXPECT_EQ(g->name(), "add_one");
  ASSERT_EQ(g->inputs().size(), 1u);
  EXPECT_EQ(g->inputs()[0].name, "x");
  EXPECT_EQ(g->inputs()[0].dtype, DType::kFloat32);
  EXPECT_EQ(g->inputs()[0].shape, (std::vector<uint32_t>{4}));
  EXPECT_EQ(g->inputs()[0].size_bytes, 16u);
  ASSERT_EQ(g->outputs().size(), 1u);
  EXPECT_EQ(g->outputs()[0].name, "y");
  EXPECT_EQ(g->outputs()[0].size_bytes, 16u);
  const auto out = RunGraph(*g, {Bytes(std::vector<float>{1.5f, -1, 0, 1e7f})});
  EXPECT_EQ(As<float>(out[0]), (std::vector<float>{2.5f, 0, 1, 1e7f + 1}));
}

TEST(CpuGraphSamplesTest, MlpMatchesReference) {
  const std::string text = ReadSample("mlp.json");
  const auto g = CpuGraph::Parse(text, {});
  const std::vector<float> x = {0.5f, -1.0f, 2.0f, 0.25f, -0.75f, 1.5f, 0.0f, -2.0f};
  const auto out = RunGraph(*g, {Bytes(x)});
  ASSERT_EQ(g->outputs()[0].name, "probs");
  ASSERT_EQ(g->outputs()[1].shape, (std::vector<uint32_t>{2, 3}));

  // Reference in double from the sample's own constants.
  const Json j = Json::parse(text);
  auto constant = [&](const char* name) {
    for (const Json& c : j["constants"]) {
      if (c["name"] == name) return c["values"].get<std::vector<double>>();
    }
    return std::vector<double>{};
  };
  const auto w1 = constant("w1"), b1 = constant("b1"), w2 = constant("w2"), b2 = constant("b2");
  const std::vector<float> probs = As<float>(out[0]), logits = As<float>(out[1]);
  for (int r = 0; r < 2; ++r) {
    std::vector<double> h(8), l(3);
    for (int j1 = 0; j1 < 8; ++j1) {
      double s = b1[j1];
      for (int k = 0; k < 4; ++k) s += static_cast<double>(static_cast<float>(w1[k * 8 + j1])) * x[r * 4 + k];
      h[j1] = 0.5 * s * (1 + std::erf(s / std::sqrt(2.0)));
    }
    double sum = 0;
    for (int c = 0; c < 3; ++c) {
      l[c] = b2[c];
      for (int k = 0; k < 8; ++k) l[c] += h[k] * w2[k * 3 + c];
      sum += std::exp(l[c]);
    }
    double prob_sum = 0;
    for (int c = 0; c < 3; ++c) {
      EXPECT_NEAR(logits[r * 3 + c], l[c], 1e-5);
      EXPECT_NEAR(probs[r * 3 + c], std::exp(l[c]) / sum, 1e-5);
      prob_sum += probs[r * 3 + c];
    }
    EXPECT_NEAR(prob_sum, 1.0, 1e-6);
  }
}

TEST(CpuGraphSamplesTest, LayerNormBf16) {
  const auto g = CpuGraph::Parse(ReadSample("layernorm_bf16.json"), {});
  EXPECT_EQ(g->inputs()[0].dtype, DType::kBFloat16);
  EXPECT_EQ(g->outputs()[0].dtype, DType::kBFloat16);
  EXPECT_EQ(g->outputs()[1].dtype, DType::kFloat32);
  std::vector<BFloat16> x(16);
  for (size_t i = 0; i < x.size(); ++i) x[i] = BFloat16(static_cast<float>(i * i % 7) - 2.5f);
  const auto out = RunGraph(*g, {Bytes(x)});
  const std::vector<BFloat16> y = As<BFloat16>(out[0]);
  const std::vector<float> normalized = As<float>(out[1]);
  const std::vector<double> gamma = {1.0, 0.5, 2.0, 1.5, 1.0, 0.75, 1.25, 1.0};
  const std::vector<double> beta = {0.0, 0.125, -0.25, 0.5, 0.0, -0.5, 0.25, 1.0};
  for (int r = 0; r < 2; ++r) {
    double mean = 0, var = 0, got_mean = 0, got_var = 0;
    for (int j = 0; j < 8; ++j) mean += static_cast<float>(x[r * 8 + j]) / 8.0;
    for (int j = 0; j < 8; ++j) var += std::pow(static_cast<float>(x[r * 8 + j]) - mean, 2) / 8.0;
    for (int j = 0; j < 8; ++j) {
      const double n = (static_cast<float>(x[r * 8 + j]) - mean) / std::sqrt(var + 1e-5);
      EXPECT_NEAR(normalized[r * 8 + j], n, 0x1p-8 * std::fabs(n) + 1e-6);
      EXPECT_NEAR(static_cast<float>(y[r * 8 + j]), n * gamma[j] + beta[j], 0x1p-8 * std::fabs(n * gamma[j] + beta[j]));
      got_mean += normalized[r * 8 + j] / 8.0;
      got_var += normalized[r * 8 + j] * normalized[r * 8 + j] / 8.0;
    }
    EXPECT_NEAR(got_mean, 0.0, 0.01);
    EXPECT_NEAR(got_var, 1.0, 0.02);
  }
}

TEST(CpuGraphSamplesTest, TanhFp16) {
  const auto g = CpuGraph::Parse(ReadSample("tanh_fp16.json"), {});
  ASSERT_EQ(g->outputs().size(), 2u);
  EXPECT_EQ(g->outputs()[0].name, "y");
  EXPECT_EQ(g->outputs()[1].shape, (std::vector<uint32_t>{4, 2, 3}));
  std::vector<Half> x(24);
  for (size_t i = 0; i < x.size(); ++i) x[i] = Half(static_cast<float>(i) * 0.37f - 4.0f);
  const auto out = RunGraph(*g, {Bytes(x)});
  const std::vector<Half> y = As<Half>(out[0]), t = As<Half>(out[1]);
  for (size_t i = 0; i < 24; ++i) {
    const double want = std::tanh(static_cast<float>(x[i]) * 0.5);
    EXPECT_NEAR(static_cast<float>(y[i]), want, 0x1p-11 * std::fabs(want) + 1e-7) << i;
    const size_t a = i / 12, b = i / 4 % 3, c = i % 4;  // y[a][b][c] -> t[c][a][b]
    EXPECT_EQ(Eigen::numext::bit_cast<uint16_t>(t[(c * 2 + a) * 3 + b]), Eigen::numext::bit_cast<uint16_t>(y[i]));
  }
}

TEST(CpuGraphSamplesTest, IntOps) {
  const auto g = CpuGraph::Parse(ReadSample("int_ops.json"), {});
  const std::vector<int32_t> a = {10, -20, 30, 40, 50, 60}, b = {1, 2, 3};
  const auto out = RunGraph(*g, {Bytes(a), Bytes(b)});
  // sum = [[11, -18, 33], [41, 52, 63]]; scaled = sum * [[3], [-2]] = [[33, -54, 99], [-82, -104, -126]]
  EXPECT_EQ(As<int32_t>(out[0]), (std::vector<int32_t>{8, -13, 24, -20, -26, -31}));  // truncating division by 4
  EXPECT_EQ(As<int32_t>(out[1]), (std::vector<int32_t>{32, 0}));                      // relu then row sums
  // scaled as int8 saturates 99 -> 99, -126 -> -126, -104, -82; transposed then flattened.
  EXPECT_EQ(As<int8_t>(out[2]), (std::vector<int8_t>{33, -82, -54, -104, 99, -126}));
}

// ---- op wiring through graphs (kernel numerics are covered by cpu_ops_test) ----

TEST(CpuGraphTest, OpsHonorTheirAttrs) {
  struct Case {
    std::string node;
    std::vector<float> want;
  };
  const std::vector<float> a = {-1, 0, 1, 2, 3, 4}, b = {10, 20, 30};
  const std::vector<Case> cases = {
      {R"({"op": "add", "inputs": ["a", "b"], "output": "y"})", {9, 20, 31, 12, 23, 34}},
      {R"({"op": "sub", "inputs": ["a", "b"], "output": "y"})", {-11, -20, -29, -8, -17, -26}},
      {R"({"op": "mul", "inputs": ["b", "a"], "output": "y"})", {-10, 0, 30, 20, 60, 120}},
      {R"({"op": "div", "inputs": ["a", "b"], "output": "y"})", {-0.1f, 0, 1 / 30.f, 0.2f, 0.15f, 4 / 30.f}},
      {R"({"op": "scale", "inputs": ["a"], "output": "y", "attrs": {"scale": 2, "bias": -1}})", {-3, -1, 1, 3, 5, 7}},
      {R"({"op": "relu", "inputs": ["a"], "output": "y"})", {0, 0, 1, 2, 3, 4}},
      {R"({"op": "reshape", "inputs": ["a"], "output": "y", "attrs": {"shape": [3, -1]}})", {-1, 0, 1, 2, 3, 4}},
      {R"({"op": "transpose", "inputs": ["a"], "output": "y"})", {-1, 2, 0, 3, 1, 4}},
      {R"({"op": "transpose", "inputs": ["a"], "output": "y", "attrs": {"perm": [0, 1]}})", {-1, 0, 1, 2, 3, 4}},
      {R"({"op": "reduce_sum", "inputs": ["a"], "output": "y"})", {9}},
      {R"({"op": "reduce_sum", "inputs": ["a"], "output": "y", "attrs": {"axes": [0], "keepdims": true}})", {1, 3, 5}},
      {R"({"op": "gelu", "inputs": ["a"], "output": "y", "attrs": {"approximate": "tanh"}})",
       {-0.15880801f, 0, 0.84119199f, 1.95459769f, 2.99636261f, 3.99992975f}},
      {R"({"op": "gelu", "inputs": ["a"], "output": "y"})",
       {-0.15865525f, 0, 0.84134475f, 1.95449974f, 2.99595031f, 3.99987332f}},
      {R"({"op": "softmax", "inputs": ["a"], "output": "y", "attrs": {"axis": 0}})",
       {0.04742587f, 0.04742587f, 0.04742587f, 0.95257413f, 0.95257413f, 0.95257413f}},
      {R"({"op": "layernorm", "inputs": ["a"], "output": "y", "attrs": {"eps": 0.5}})",
       {-0.9258201f, 0, 0.9258201f, -0.9258201f, 0, 0.9258201f}},  // x / sqrt(2/3 + 0.5)
      {R"({"op": "exp", "inputs": ["a"], "output": "y"})",
       {0.36787944f, 1, 2.71828183f, 7.3890561f, 20.08553692f, 54.59815003f}},
      {R"({"op": "sigmoid", "inputs": ["a"], "output": "y"})",
       {0.26894142f, 0.5f, 0.73105858f, 0.88079708f, 0.95257413f, 0.98201379f}},
      {R"({"op": "tanh", "inputs": ["a"], "output": "y"})",
       {-0.76159416f, 0, 0.76159416f, 0.96402758f, 0.99505475f, 0.9993293f}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.node);
    const auto g = CpuGraph::Parse(OneNode(c.node), {});
    const std::vector<float> y = As<float>(RunGraph(*g, {Bytes(a), Bytes(b)})[0]);
    ASSERT_EQ(y.size(), c.want.size());
    for (size_t i = 0; i < y.size(); ++i) EXPECT_NEAR(y[i], c.want[i], 2e-7 * (1 + std::fabs(c.want[i]))) << i;
  }
}

TEST(CpuGraphTest, BatchedMatMulAndShapesFlowThroughNodes) {
  const std::string json = R"({"name": "bmm",
    "inputs": [{"name": "a", "dtype": "float32", "shape": [2, 1, 2]}, {"name": "b", "dtype": "float32", "shape": [2, 1]}],
    "nodes": [{"op": "matmul", "inputs": ["a", "b"], "output": "p"},
              {"op": "reshape", "inputs": ["p"], "output": "flat", "attrs": {"shape": [2]}}],
    "outputs": ["p", "flat"]})";
  const auto g = CpuGraph::Parse(json, {});
  EXPECT_EQ(g->outputs()[0].shape, (std::vector<uint32_t>{2, 1, 1}));
  EXPECT_EQ(g->outputs()[1].shape, (std::vector<uint32_t>{2}));
  const auto out = RunGraph(*g, {Bytes(std::vector<float>{1, 2, 3, 4}), Bytes(std::vector<float>{10, 100})});
  EXPECT_EQ(As<float>(out[1]), (std::vector<float>{210, 430}));
}

TEST(CpuGraphTest, CastsAndNarrowTypes) {
  const std::string json = R"({"name": "casts",
    "inputs": [{"name": "x", "dtype": "float32", "shape": [4]}],
    "nodes": [{"op": "cast", "inputs": ["x"], "output": "bf", "attrs": {"to": "bfloat16"}},
              {"op": "cast", "inputs": ["x"], "output": "i8", "attrs": {"to": "int8"}},
              {"op": "cast", "inputs": ["x"], "output": "h", "attrs": {"to": "float16"}},
              {"op": "cast", "inputs": ["h"], "output": "u8", "attrs": {"to": "uint8"}},
              {"op": "relu", "inputs": ["i8"], "output": "i8_relu"}],
    "outputs": ["bf", "i8", "u8", "i8_relu"]})";
  const auto g = CpuGraph::Parse(json, {});
  const auto out = RunGraph(*g, {Bytes(std::vector<float>{1.0f + 0x1p-8f, 300.0f, -300.0f, -1.5f})});
  const std::vector<BFloat16> bf = As<BFloat16>(out[0]);
  EXPECT_EQ(static_cast<float>(bf[0]), 1.0f);  // tie rounds to even
  EXPECT_EQ(static_cast<float>(bf[1]), 300.0f);
  EXPECT_EQ(As<int8_t>(out[1]), (std::vector<int8_t>{1, 127, -128, -1}));
  EXPECT_EQ(As<uint8_t>(out[2]), (std::vector<uint8_t>{1, 255, 0, 0}));
  EXPECT_EQ(As<int8_t>(out[3]), (std::vector<int8_t>{1, 127, 0, 0}));
}

TEST(CpuGraphTest, OutputsMayBeInputsConstantsOrRepeatedValues) {
  const std::string json = R"({"name": "direct",
    "inputs": [{"name": "x", "dtype": "int32", "shape": [2]}],
    "constants": [{"name": "c", "dtype": "int8", "shape": [3], "values": [-128, 0, 127]}],
    "nodes": [],
    "outputs": ["x", "c", {"name": "x_again", "from": "x"}]})";
  const auto g = CpuGraph::Parse(json, {});
  const auto out = RunGraph(*g, {Bytes(std::vector<int32_t>{7, -7})});
  EXPECT_EQ(As<int32_t>(out[0]), (std::vector<int32_t>{7, -7}));
  EXPECT_EQ(As<int8_t>(out[1]), (std::vector<int8_t>{-128, 0, 127}));
  EXPECT_EQ(out[2], out[0]);
  EXPECT_EQ(g->outputs()[2].name, "x_again");
  EXPECT_EQ(g->device_time_ns(), 0u);
}

TEST(CpuGraphTest, InlineConstantsRoundToTheirDType) {
  const std::string json = R"({"name": "k", "inputs": [],
    "constants": [{"name": "bf", "dtype": "bfloat16", "shape": [2], "values": [1.00390625, 16842753]},
                  {"name": "h", "dtype": "float16", "shape": [1, 1], "values": [0.1]}],
    "nodes": [], "outputs": ["bf", "h"]})";
  const auto out = RunGraph(*CpuGraph::Parse(json, {}), {});
  EXPECT_EQ(As<BFloat16>(out[0])[0], BFloat16(1.0f));                   // 1 + 2^-8: tie -> even
  EXPECT_EQ(static_cast<float>(As<BFloat16>(out[0])[1]), 16908288.0f);  // rounded once from the exact value
  EXPECT_EQ(static_cast<float>(As<Half>(out[1])[0]), static_cast<float>(Half(0.1f)));
}

TEST(CpuGraphTest, InlineIntegerConstantsSpanTheirRange) {
  const std::string json = R"({"name": "k", "inputs": [], "nodes": [], "outputs": ["i", "u"],
    "constants": [{"name": "i", "dtype": "int32", "shape": [3], "values": [-2147483648, 2147483647, -0]},
                  {"name": "u", "dtype": "uint8", "shape": [2], "values": [0, 255]}]})";
  const auto out = RunGraph(*CpuGraph::Parse(json, {}), {});
  EXPECT_EQ(As<int32_t>(out[0]),
            (std::vector<int32_t>{std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), 0}));
  EXPECT_EQ(As<uint8_t>(out[1]), (std::vector<uint8_t>{0, 255}));
}

TEST(CpuGraphTest, IntegerDivisionByZeroFailsAtRunTime) {
  const auto g = CpuGraph::Parse(OneNode(R"({"op": "div", "inputs": ["a", "b"], "output": "y"})", "[]",
                                         R"([{"name": "a", "dtype": "int32", "shape": [2]},
                                             {"name": "b", "dtype": "int32", "shape": [2]}])"),
                                 {});
  EXPECT_EQ(As<int32_t>(RunGraph(*g, {Bytes(std::vector<int32_t>{9, -9}), Bytes(std::vector<int32_t>{2, 2})})[0]),
            (std::vector<int32_t>{4, -4}));
  try {
    RunGraph(*g, {Bytes(std::vector<int32_t>{9, -9}), Bytes(std::vector<int32_t>{2, 0})});
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), NRT_EXEC_BAD_INPUT);
    EXPECT_THAT(e.what(), HasSubstr("nodes[0] (div -> 'y'): integer division by zero"));
  }
}

TEST(CpuGraphTest, RunIsThreadSafe) {
  const auto g = CpuGraph::Parse(ReadSample("mlp.json"), {});
  std::vector<std::vector<float>> inputs;
  std::vector<std::vector<std::string>> expected;
  for (int i = 0; i < 4; ++i) {
    inputs.push_back({0.1f * i, -1, 2, 0.25f, -0.75f * i, 1.5f, 0, -2});
    expected.push_back(RunGraph(*g, {Bytes(inputs.back())}));
  }
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int iter = 0; iter < 200; ++iter) {
        if (RunGraph(*g, {Bytes(inputs[t])}) != expected[t]) ++mismatches;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

// ---- constants from .npy files ----

TEST(CpuGraphNpyTest, LoadsConstantsFromFiles) {
  const std::string json = R"({"name": "npy",
    "inputs": [{"name": "x", "dtype": "float32", "shape": [2]}],
    "constants": [{"name": "w", "dtype": "float32", "shape": [2], "file": "w.npy"},
                  {"name": "w_again", "dtype": "float32", "shape": [2], "file": "w.npy"},
                  {"name": "bf", "dtype": "bfloat16", "shape": [2], "file": "sub/dir/bf.npy"},
                  {"name": "q", "dtype": "int8", "shape": [1, 2], "file": "q.npy"}],
    "nodes": [{"op": "mul", "inputs": ["x", "w"], "output": "y"}],
    "outputs": ["y", "bf", "q"]})";
  const std::vector<BFloat16> bf = {BFloat16(1.5f), BFloat16(-2.0f)};
  const Files files = {{"w.npy", WriteNpy(DType::kFloat32, {2}, Bytes(std::vector<float>{3, -4}))},
                       {"sub/dir/bf.npy", WriteNpy(DType::kBFloat16, {2}, Bytes(bf))},
                       {"q.npy", WriteNpy(DType::kInt8, {1, 2}, Bytes(std::vector<int8_t>{-5, 6}))}};
  EXPECT_EQ(CpuGraph::ReferencedFiles(json), (std::vector<std::string>{"w.npy", "sub/dir/bf.npy", "q.npy"}));
  const auto out = RunGraph(*CpuGraph::Parse(json, files), {Bytes(std::vector<float>{2, 0.5f})});
  EXPECT_EQ(As<float>(out[0]), (std::vector<float>{6, -2}));
  EXPECT_EQ(out[1], Bytes(bf));
  EXPECT_EQ(As<int8_t>(out[2]), (std::vector<int8_t>{-5, 6}));
}

TEST(CpuGraphNpyTest, RejectsBadFiles) {
  const auto graph = [](const std::string& dtype, const std::string& shape, const std::string& file) {
    return R"({"name": "npy", "inputs": [], "nodes": [], "outputs": ["w"], "constants": [{"name": "w", "dtype": ")" +
           dtype + R"(", "shape": )" + shape + R"(, "file": ")" + file + R"("}]})";
  };
  const std::string f32x3 = WriteNpy(DType::kFloat32, {3}, std::string(12, '\0'));
  EXPECT_THAT(ErrorOf(graph("float32", "[4]", "w.npy"), {}), HasSubstr("file 'w.npy' is not in the NEFF's cpu/"));
  EXPECT_THAT(ErrorOf(graph("float32", "[4]", "w.npy"), {{"w.npy", f32x3}}),
              HasSubstr("constants[0] (w.npy): file holds float32 [3], the constant is declared float32 [4]"));
  EXPECT_THAT(ErrorOf(graph("float16", "[3]", "w.npy"), {{"w.npy", f32x3}}),
              HasSubstr("file holds float32 [3], the constant is declared float16 [3]"));
  EXPECT_THAT(ErrorOf(graph("float32", "[3]", "w.npy"), {{"w.npy", f32x3.substr(0, f32x3.size() - 1)}}),
              HasSubstr("data is 11 bytes but shape [3] of <f4 needs 12"));
  EXPECT_THAT(ErrorOf(graph("float32", "[3]", "w.npy"), {{"w.npy", f32x3.substr(0, 40)}}),
              HasSubstr("truncated .npy header"));
  EXPECT_THAT(ErrorOf(graph("float32", "[3]", "w.npy"), {{"w.npy", "not numpy"}}), HasSubstr("no \\x93NUMPY magic"));
  const std::string raw2 = WriteNpy(DType::kBFloat16, {3}, std::string(6, '\0'));
  EXPECT_THAT(ErrorOf(graph("float16", "[3]", "w.npy"), {{"w.npy", raw2}}),
              HasSubstr("accepted only for a bfloat16 constant"));
  for (const char* path : {"../w.npy", "/w.npy", "a//w.npy", "./w.npy", "w.txt", "w .npy", "w.npy/"}) {
    SCOPED_TRACE(path);
    EXPECT_THAT(ErrorOf(graph("float32", "[3]", path), {{"w.npy", f32x3}}),
                HasSubstr("not a valid constant file path"));
    EXPECT_THROW(CpuGraph::ReferencedFiles(graph("float32", "[3]", path)), Error);
  }
}

// ---- malformed graphs ----

TEST(CpuGraphErrorsTest, MalformedJson) {
  EXPECT_THAT(ErrorOf(""), HasSubstr("malformed JSON"));
  EXPECT_THAT(ErrorOf("{\"name\": \"x\""), HasSubstr("malformed JSON"));
  EXPECT_THAT(ErrorOf(std::string("{\"name\": \"a\0b\"}", 16)), HasSubstr("malformed JSON"));
  EXPECT_THAT(ErrorOf("{\"name\": \"\xff\"}"), HasSubstr("malformed JSON"));
  EXPECT_THAT(ErrorOf("[1, 2]"), HasSubstr("top level: must be an object, got array"));
  EXPECT_THAT(ErrorOf(std::string(100000, '[') + std::string(100000, ']')), HasSubstr("nesting deeper than 64"));
  EXPECT_THAT(ErrorOf(std::string((64 << 20) + 1, ' ')), HasSubstr("exceeds the 67108864-byte limit"));
  EXPECT_THROW(CpuGraph::ReferencedFiles("{"), Error);
  EXPECT_THROW(CpuGraph::ReferencedFiles(R"({"constants": 3})"), Error);
}

TEST(CpuGraphErrorsTest, TopLevelFields) {
  EXPECT_THAT(ErrorOf(R"({"name": "t", "inputs": [], "nodes": [], "outputs": [], "extra": 1})"),
              HasSubstr("top level: unknown field 'extra'"));
  EXPECT_THAT(ErrorOf(R"({"inputs": [], "nodes": [], "outputs": []})"), HasSubstr("missing field 'name'"));
  EXPECT_THAT(ErrorOf(R"({"name": "t", "nodes": [], "outputs": []})"), HasSubstr("missing field 'inputs'"));
  EXPECT_THAT(ErrorOf(R"({"name": "t", "inputs": [], "outputs": []})"), HasSubstr("missing field 'nodes'"));
  EXPECT_THAT(ErrorOf(R"({"name": "t", "inputs": [], "nodes": []})"), HasSubstr("missing field 'outputs'"));
  EXPECT_THAT(ErrorOf(R"({"name": "t", "inputs": [], "nodes": [], "outputs": []})"), HasSubstr("at least one output"));
  EXPECT_THAT(ErrorOf(R"({"name": 5, "inputs": [], "nodes": [], "outputs": []})"), HasSubstr("name: must be a string"));
  EXPECT_THAT(ErrorOf(R"({"name": "t", "inputs": {}, "nodes": [], "outputs": []})"),
              HasSubstr("inputs: must be an array, got object"));
  const std::string base = R"({"name": "t", "inputs": [{"name": "x", "dtype": "int32", "shape": [1]}], "nodes": [],
                               "outputs": ["x"], "device_time_us": )";
  EXPECT_EQ(CpuGraph::Parse(base + "2.5}", {})->device_time_ns(), 2500u);
  EXPECT_EQ(CpuGraph::Parse(base + "3600000000}", {})->device_time_ns(), 3600000000000u);
  EXPECT_THAT(ErrorOf(base + "-1}"), HasSubstr("device_time_us: -1 is out of range"));
  EXPECT_THAT(ErrorOf(base + "3600000001}"), HasSubstr("out of range"));
  EXPECT_THAT(ErrorOf(base + "1e400}"), HasSubstr("malformed JSON"));  // JSON numbers are finite
  EXPECT_THAT(ErrorOf(base + "\"5\"}"), HasSubstr("device_time_us: must be a number"));
}

TEST(CpuGraphErrorsTest, Names) {
  const auto with_input_name = [](const std::string& name) {
    return R"({"name": "t", "inputs": [{"name": ")" + name +
           R"(", "dtype": "int32", "shape": [1]}], "nodes": [], "outputs": ["x"]})";
  };
  EXPECT_THAT(ErrorOf(with_input_name("")), HasSubstr("inputs[0].name: names must be 1 to 255 bytes, got 0"));
  EXPECT_THAT(ErrorOf(with_input_name(std::string(256, 'n'))), HasSubstr("got 256"));
  EXPECT_THAT(ErrorOf(with_input_name("a\\tb")), HasSubstr("control character"));
  EXPECT_THAT(ErrorOf(with_input_name("x2")), HasSubstr("outputs[0]: value 'x' is not defined"));
  EXPECT_THAT(ErrorOf(R"({"name": "", "inputs": [], "nodes": [], "outputs": []})"), HasSubstr("name: names must be"));
}

TEST(CpuGraphErrorsTest, DuplicateAndUndefinedValues) {
  EXPECT_THAT(ErrorOf(OneNode(R"({"op": "relu", "inputs": ["a"], "output": "y"})",
                              R"([{"name": "a", "dtype": "float32", "shape": [1], "values": [1]}])")),
              HasSubstr("constants[0]: value name 'a' is already defined"));
  EXPECT_THAT(ErrorOf(OneNode(R"({"op": "relu", "inputs": ["a"], "output": "b"})")),
              HasSubstr("nodes[0] (relu -> 'b'): value name 'b' is already defined"));
  EXPECT_THAT(ErrorOf(OneNode(R"({"op": "relu", "inputs": ["nope"], "output": "y"})")),
              HasSubstr("nodes[0] (relu -> 'y').inputs[0]: value 'nope' is not defined"));
  // A node may not use a value defined by a later node.
  EXPECT_THAT(ErrorOf(OneNode(R"({"op": "relu", "inputs": ["z"], "output": "y"},
                                 {"op": "relu", "inputs": ["a"], "output": "z"})")),
              HasSubstr("value 'z' is not defined"));
  EXPECT_THAT(ErrorOf(OneNode(R"({"op": "relu", "inputs": ["a"], "output": "y"})", "[]",
                              R"([{"name": "a", "dtype": "float32", "shape": [1]},
                                  {"name": "a", "dtype": "float32", "shape": [1]}])")),
              HasSubstr("inputs[1]: value name 'a' is already defined"));
  EXPECT_THAT(ErrorOf(R"({"name": "t", "inputs": [{"name": "x", "dtype": "int32", "shape": [1]}], "nodes": [],
                          "outputs": ["x", {"name": "x", "from": "x"}]})"),
              HasSubstr("outputs[1]: output name 'x' is repeated"));
  EXPECT_THAT(ErrorOf(R"({"name": "t", "inputs": [{"name": "x", "dtype": "int32", "shape": [1]}], "nodes": [],
                          "outputs": [{"name": "o", "from": "q"}]})"),
              HasSubstr("outputs[0].from: value 'q' is not defined"));
  EXPECT_THAT(ErrorOf(R"({"name": "t", "inputs": [{"name": "x", "dtype": "int32", "shape": [1]}], "nodes": [],
                          "outputs": [{"name": "o", "form": "x"}]})"),
              HasSubstr("outputs[0]: unknown field 'form' (allowed: name, from)"));
}

TEST(CpuGraphErrorsTest, NodeStructure) {
  EXPECT_THAT(ErrorOf(OneNode(R"({"op": "conv", "inputs": ["a"], "output": "y"})")),
              HasSubstr("nodes[0] (conv -> 'y'): unknown op \"conv\" (known: matmul, add,"));
  EXPECT_THAT(ErrorOf(OneNode(R"({"op": "add", "inputs": ["a"], "output": "y"})")),
              HasSubstr("nodes[0] (add -> 'y'): takes 2 inputs, got 1"));
  EXPECT_THAT(ErrorOf(OneNode(R"({"op": "relu", "inputs": ["a", "b"], "output": "y"})")),
              HasSubstr("takes 1 input, got 2"));
  EXPECT_THAT(ErrorOf(OneNode(R"({"op": "layernorm", "inputs": ["a", "b", "b", "b"], "output": "y"})")),
              HasSubstr("takes 1 to 3 inputs, got 4"));
  EXPECT_THAT(ErrorOf(OneNode(R"({"op": "relu", "inputs": ["a"]})")), HasSubstr("nodes[0]: missing field 'output'"));
  EXPECT_THAT(ErrorOf(OneNode(R"({"op": "relu", "inputs": "a", "output": "y"})")),
              HasSubstr("inputs: must be an array, got string"));
  EXPECT_THAT(ErrorOf(OneNode(R"({"op": "relu", "inputs": ["a"], "output": "y", "attr": {}})")),
              HasSubstr("nodes[0]: unknown field 'attr'"));
  EXPECT_THAT(ErrorOf(OneNode(R"({"op": "relu", "inputs": ["a"], "output": "y", "attrs": []})")),
              HasSubstr("attrs: must be an object"));
  EXPECT_THAT(ErrorOf(OneNode(R"("relu")")), HasSubstr("nodes[0]: must be an object, got string"));
}

TEST(CpuGraphErrorsTest, ShapeAndDTypeMismatches) {
  const std::string bad_b = R"([{"name": "a", "dtype": "float32", "shape": [2, 3]},
                                {"name": "b", "dtype": "float32", "shape": [4]}])";
  EXPECT_THAT(ErrorOf(OneNode(R"({"op": "add", "inputs": ["a", "b"], "output": "y"})", "[]", bad_b)),
              HasSubstr("nodes[0] (add -> 'y'): shapes [2, 3] and [4] do not broadcast"));
  EXPECT_THAT(ErrorOf(OneNode(R"({"op": "matmul", "inputs": ["a", "a"], "output": "y"})")),
              HasSubstr("inner dimensions differ: a is [2, 3] (K=3), b is [2, 3] (K=2)"));
  EXPECT_THAT(ErrorOf(OneNode(R"({"op": "matmul", "inputs": ["a", "b"], "output": "y"})")), HasSubstr("rank >= 2"));
  const std::string mixed = R"([{"name": "a", "dtype": "float32", "shape": [3]},
                                {"name": "b", "dtype": "float16", "shape": [3]}])";
  EXPECT_THAT(ErrorOf(OneNode(R"({"op": "mul", "inputs": ["a", "b"], "output": "y"})", "[]", mixed)),
              HasSubstr("inputs have different dtypes (float32 vs float16); convert with a cast node"));
  const std::string ints =
      R"([{"name": "a", "dtype": "int32", "shape": [3]}, {"name": "b", "dtype": "int8", "shape": [3]}])";
  EXPECT_THAT(ErrorOf(OneNode(R"({"op": "softmax", "inputs": ["a"], "output": "y"})", "[]", ints)),
              HasSubstr("does not support dtype int32 (supported: float32, float16, bfloat16)"));
  EXPECT_THAT(ErrorOf(OneNode(R"({"op": "matmul", "inputs": ["a", "a"], "output": "y"})", "[]", ints)),
              HasSubstr("does not support dtype int32"));
  EXPECT_THAT(ErrorOf(OneNode(R"({"op": "div", "inputs": ["b", "b"], "output": "y"})", "[]", ints)),
              HasSubstr("does not support dtype int8 (supported: float32, float16, bfloat16, int32)"));
  EXPECT_THAT(ErrorOf(OneNode(R"({"op": "reduce_sum", "inputs": ["b"], "output": "y"})", "[]", ints)),
              HasSubstr("does not support dtype int8"));
  EXPECT_THAT(ErrorOf(OneNode(R"({"op": "gamma", "inputs": ["b"], "output": "y"})", "[]", ints)),
              HasSubstr("unknown op"));
}

TEST(CpuGraphErrorsTest, DeclaredTypes) {
  const auto input = [](const std::string& dtype, const std::string& shape) {
    return R"({"name": "t", "inputs": [{"name": "x", "dtype": ")" + dtype + R"(", "shape": )" + shape +
           R"(}], "nodes": [], "outputs": ["x"]})";
  };
  EXPECT_THAT(ErrorOf(input("float64", "[1]")), HasSubstr("inputs[0].dtype: unsupported dtype \"float64\""));
  EXPECT_THAT(ErrorOf(input("int64", "[1]")), HasSubstr("unsupported dtype \"int64\""));
  EXPECT_THAT(ErrorOf(input("float32", "[-1, 2]")),
              HasSubstr("inputs[0].shape[0]: -1 is out of range [1, 4294967295]"));
  EXPECT_THAT(ErrorOf(input("float32", "[0]")), HasSubstr("0 is out of range"));
  EXPECT_THAT(ErrorOf(input("float32", "[2.5]")), HasSubstr("inputs[0].shape[0]: must be an integer, got 2.5"));
  EXPECT_THAT(ErrorOf(input("float32", "[4294967296]")), HasSubstr("out of range"));
  EXPECT_THAT(ErrorOf(input("float32", "[18446744073709551615]")), HasSubstr("out of range"));
  EXPECT_THAT(ErrorOf(input("float32", "[1e30]")), HasSubstr("must be an integer"));
  EXPECT_THAT(ErrorOf(input("float32", "3")), HasSubstr("inputs[0].shape: must be an array, got number"));
  std::string rank33 = "[1";
  for (int i = 0; i < 32; ++i) rank33 += ", 1";
  EXPECT_THAT(ErrorOf(input("float32", rank33 + "]")), HasSubstr("has 33 entries (max 32)"));
  EXPECT_THAT(ErrorOf(input("float32", "[4294967295, 4294967295]")),
              HasSubstr("float32 [4294967295, 4294967295] is larger than the 1073741824-byte limit"));
  EXPECT_THAT(ErrorOf(input("int8", "[4294967295, 4294967295, 4294967295]")), HasSubstr("more than 2^64 elements"));
  EXPECT_EQ(CpuGraph::Parse(input("int8", "[]"), {})->inputs()[0].size_bytes, 1u);  // a scalar
}

TEST(CpuGraphErrorsTest, MemoryIsBounded) {
  // Broadcasting two small inputs into a 16 GiB result.
  EXPECT_THAT(ErrorOf(OneNode(R"({"op": "add", "inputs": ["a", "b"], "output": "y"})", "[]",
                              R"([{"name": "a", "dtype": "float32", "shape": [65536, 1]},
                                  {"name": "b", "dtype": "float32", "shape": [1, 65536]}])")),
              HasSubstr("nodes[0] (add -> 'y'): float32 [65536, 65536] is larger than the 1073741824-byte limit"));
  // Each intermediate fits, but together they exceed the cap (nothing is allocated at Parse time).
  const std::string chain = R"({"name": "t", "inputs": [{"name": "x", "dtype": "float32", "shape": [16384, 16384]}],
    "nodes": [{"op": "exp", "inputs": ["x"], "output": "e1"}, {"op": "exp", "inputs": ["e1"], "output": "e2"}],
    "outputs": ["e2"]})";
  EXPECT_THAT(ErrorOf(chain), HasSubstr("nodes[1] (exp -> 'e2'): constants and intermediates exceed the 1073741824"));
  std::string nodes = R"({"name": "t", "inputs": [{"name": "x", "dtype": "int8", "shape": [1]}], "outputs": ["x"],
                          "nodes": [)";
  for (int i = 0; i <= 100000; ++i) nodes += std::string(i ? "," : "") + "{}";
  EXPECT_THAT(ErrorOf(nodes + "]}"), HasSubstr("nodes: has 100001 entries (max 100000)"));
}

TEST(CpuGraphErrorsTest, InlineConstants) {
  const auto constant = [](const std::string& dtype, const std::string& shape, const std::string& rest) {
    return R"({"name": "t", "inputs": [], "nodes": [], "outputs": ["c"], "constants": [{"name": "c", "dtype": ")" +
           dtype + R"(", "shape": )" + shape + rest + "}]}";
  };
  EXPECT_THAT(ErrorOf(constant("float32", "[3]", R"(, "values": [1, 2])")),
              HasSubstr("constants[0].values: has 2 values, the shape needs 3"));
  EXPECT_THAT(ErrorOf(constant("int8", "[2]", R"(, "values": [1, 300])")),
              HasSubstr("constants[0].values[1]: 300 is out of range [-128, 127]"));
  EXPECT_THAT(ErrorOf(constant("uint8", "[1]", R"(, "values": [-1])")), HasSubstr("out of range [0, 255]"));
  EXPECT_THAT(ErrorOf(constant("int32", "[1]", R"(, "values": [1.5])")), HasSubstr("must be an integer"));
  EXPECT_THAT(ErrorOf(constant("int32", "[2]", R"(, "values": [0, 2147483648])")),
              HasSubstr("constants[0].values[1]: 2147483648 is out of range [-2147483648, 2147483647]"));
  EXPECT_THAT(ErrorOf(constant("int32", "[1]", R"(, "values": [18446744073709551615])")), HasSubstr("out of range"));
  EXPECT_THAT(ErrorOf(constant("int8", "[1]", R"(, "values": [-129])")), HasSubstr("-129 is out of range"));
  EXPECT_THAT(ErrorOf(constant("float16", "[1]", R"(, "values": [70000])")), HasSubstr("70000 overflows the dtype"));
  EXPECT_THAT(ErrorOf(constant("float32", "[1]", R"(, "values": [1e39])")), HasSubstr("overflows the dtype"));
  EXPECT_THAT(ErrorOf(constant("float32", "[1]", R"(, "values": ["1"])")), HasSubstr("must be a number"));
  EXPECT_THAT(ErrorOf(constant("float32", "[1]", R"(, "values": [[1]])")), HasSubstr("must be a number"));
  EXPECT_THAT(ErrorOf(constant("float32", "[1]", "")), HasSubstr("needs exactly one of 'values' and 'file'"));
  EXPECT_THAT(ErrorOf(constant("float32", "[1]", R"(, "values": [1], "file": "c.npy")")),
              HasSubstr("needs exactly one of"));
  EXPECT_THAT(ErrorOf(constant("float32", "[1]", R"(, "value": [1])")), HasSubstr("unknown field 'value'"));
  EXPECT_THAT(ErrorOf(constant("float32", "[16384, 16384, 2]", R"(, "values": [1])")),
              HasSubstr("larger than the 1073741824-byte limit"));
}

TEST(CpuGraphErrorsTest, Attrs) {
  const auto node = [](const std::string& op, const std::string& attrs, const std::string& inputs = R"(["a"])") {
    return ErrorOf(
        OneNode(R"({"op": ")" + op + R"(", "inputs": )" + inputs + R"(, "output": "y", "attrs": )" + attrs + "}"));
  };
  EXPECT_THAT(node("softmax", R"({"axs": 1})"), HasSubstr("attrs: unknown field 'axs' (allowed: axis)"));
  EXPECT_THAT(node("relu", R"({"axis": 1})"), HasSubstr("attrs: unknown field 'axis' (allowed: none)"));
  EXPECT_THAT(node("softmax", R"({"axis": "1"})"), HasSubstr("attrs.axis: must be an integer"));
  EXPECT_THAT(node("softmax", R"({"axis": 2})"), HasSubstr("axis 2 is out of range for rank 2"));
  EXPECT_THAT(node("gelu", R"({"approximate": "fast"})"), HasSubstr("must be \"none\" (erf) or \"tanh\""));
  EXPECT_THAT(node("scale", R"({"scale": "2"})"), HasSubstr("attrs.scale: must be a number"));
  EXPECT_THAT(node("cast", R"({"to": "float64"})"), HasSubstr("cannot cast to \"float64\""));
  EXPECT_THAT(node("cast", R"({})"), HasSubstr("attrs: missing field 'to'"));
  EXPECT_THAT(node("reshape", R"({})"), HasSubstr("attrs: missing field 'shape'"));
  EXPECT_THAT(node("reshape", R"({"shape": [4, -1]})"), HasSubstr("cannot reshape [2, 3] (6 elements) to [4, -1]"));
  EXPECT_THAT(node("reshape", R"({"shape": [-1, -1]})"), HasSubstr("more than one -1"));
  EXPECT_THAT(node("reshape", R"({"shape": [-2, 3]})"), HasSubstr("attrs.shape[0]: -2 is out of range"));
  EXPECT_THAT(node("transpose", R"({"perm": [0, 0]})"), HasSubstr("not a permutation"));
  EXPECT_THAT(node("transpose", R"({"perm": [0]})"), HasSubstr("perm has 1 entries"));
  EXPECT_THAT(node("reduce_sum", R"({"axes": [0, -2]})"), HasSubstr("axis -2 is listed twice"));
  EXPECT_THAT(node("reduce_sum", R"({"keepdims": 1})"), HasSubstr("attrs.keepdims: must be true or false"));
  EXPECT_THAT(node("layernorm", R"({"axis": 0})"), HasSubstr("only the last axis (-1) is supported"));
  EXPECT_THAT(node("layernorm", R"({"eps": 0})"), HasSubstr("attrs.eps: must be > 0"));
  EXPECT_THAT(node("layernorm", R"({})", R"(["a", "a"])"),
              HasSubstr("gamma must have shape [3] (the normalized axis), got [2, 3]"));
  EXPECT_THAT(node("layernorm", R"({})", R"(["a", "b", "a"])"), HasSubstr("beta must have shape [3]"));
}

// Truncated or corrupted graph text never crashes Parse: it either parses or throws Error.
TEST(CpuGraphErrorsTest, CorruptedSamplesFailCleanly) {
  const std::string text = ReadSample("mlp.json");
  for (size_t len = 0; len < text.size(); len += 7) {
    EXPECT_THROW(CpuGraph::Parse(text.substr(0, len), {}), Error) << len;
  }
  std::mt19937 rng(42);
  const std::string alphabet = "{}[],:\"0123456789-.e abcxyz";
  for (int i = 0; i < 2000; ++i) {
    std::string mutated = text;
    for (int k = 0; k < 3; ++k) mutated[rng() % mutated.size()] = alphabet[rng() % alphabet.size()];
    try {
      const auto g = CpuGraph::Parse(mutated, {});
      std::vector<std::string> inputs;
      for (const TensorSpec& spec : g->inputs()) inputs.emplace_back(spec.size_bytes, '\0');
      RunGraph(*g, inputs);
    } catch (const Error& e) {
      EXPECT_EQ(e.status(), NRT_INVALID);
    }
  }
}

}  // namespace
}  // namespace nrtb
