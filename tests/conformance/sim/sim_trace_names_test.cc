// Defect 2: with NRT_SIM_TRACE, a model whose NEFF header name is not valid UTF-8 made the trace
// writer throw out of nrt_close (std::terminate). Names from files are escaped as valid UTF-8 JSON.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nrtest.h"

using namespace nrtest;
using nlohmann::json;

namespace {

constexpr size_t kNeffHeaderSize = 1024;
constexpr size_t kNeffHeaderPkgVersionOffset = 0x00;  // 1 = plain tar
constexpr size_t kNeffHeaderDataSizeOffset = 0x10;
constexpr size_t kNeffHeaderNameOffset = 0xDC;  // char name[256]
constexpr size_t kNeffHeaderLncSizeOffset = 0x228;
// Invalid UTF-8 (0xFF, an overlong '/', a lone continuation byte), a quote and a control character.
const char kBadName[] = "bad\xFF\xC0\xAFname\x80\"\x01";
const char kEscapedName[] = "bad\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDname\xEF\xBF\xBD\"\x01";

// Appends one regular file to a ustar archive.
void TarAppend(std::string& tar, const std::string& name, const std::string& data) {
  char h[512] = {};
  std::snprintf(h, 100, "%s", name.c_str());
  std::snprintf(h + 100, 8, "%07o", 0644);
  std::snprintf(h + 108, 8, "%07o", 0);
  std::snprintf(h + 116, 8, "%07o", 0);
  std::snprintf(h + 124, 12, "%011o", static_cast<unsigned>(data.size()));
  std::snprintf(h + 136, 12, "%011o", 0);
  h[156] = '0';
  std::memcpy(h + 257,
              "ustar\0"
              "00",
              8);
  std::memset(h + 148, ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  std::snprintf(h + 148, 8, "%06o", sum);
  tar.append(h, 512);
  tar.append(data);
  tar.append((512 - data.size() % 512) % 512, '\0');
}

// A signature-only NEFF (no cpu/graph.json, so the runtime names the model after the header) with
// the signature of the async_* models (x, y: float32[64]) and the given header name. The header is
// taken from a built NEFF and switched to a plain (uncompressed) tar payload.
std::vector<uint8_t> SignatureOnlyNeff(const char* name) {
  std::vector<uint8_t> base = ReadFileBytes(ModelPath("async_scale"));
  if (base.size() < kNeffHeaderSize) return {};
  std::string tar;
  TarAppend(
      tar, "neff.json",
      R"({"arg_nodes":[0],"attrs":{"dltype":["list_str",["float32","float32"]],"shape":["list_shape",[[64],[64]]],)"
      R"("storage_id":["list_int",[0,1]]},"heads":[[1,0,0]],"node_row_ptr":[0,1,2],"nodes":[)"
      R"({"inputs":[],"name":"x","op":"null"},{"attrs":{"func_name":"__kelf","kelf":"kelf-0.json","num_inputs":"1",)"
      R"("num_outputs":"1"},"inputs":[[0,0,0]],"name":"kelf","op":"tvm_op","output_names":["y"]}]})");
  TarAppend(tar, "kelf-0.json",
            R"({"graphs":[{"definition":"sg00/def.json","name":"sg00"}],"target":"cpu","version":"0.5"})");
  TarAppend(tar, "sg00/def.json",
            R"({"var":{"x":{"size":256,"type":"input","var_id":0},)"
            R"("y":{"size":256,"type":"output","var_id":1}},"version":"0.6"})");
  tar.append(1024, '\0');
  std::vector<uint8_t> neff(base.begin(), base.begin() + kNeffHeaderSize);
  uint64_t pkg = 1, size = tar.size();
  std::memcpy(neff.data() + kNeffHeaderPkgVersionOffset, &pkg, 8);
  std::memcpy(neff.data() + kNeffHeaderDataSizeOffset, &size, 8);
  // A compiled NEFF must match the runtime's logical core size (2 by default).
  uint32_t lnc_size = 2;
  std::memcpy(neff.data() + kNeffHeaderLncSizeOffset, &lnc_size, 4);
  std::memset(neff.data() + kNeffHeaderNameOffset, 0, 256);
  std::memcpy(neff.data() + kNeffHeaderNameOffset, name, std::strlen(name));
  neff.insert(neff.end(), tar.begin(), tar.end());
  return neff;
}

}  // namespace

TEST(SimTraceNames, ModelNameThatIsNotUtf8GivesAValidTraceAndCloseReturns) {
  const std::string path = TempPath("names_trace.json");
  std::remove(path.c_str());
  SetEnv("NRT_SIM_TRACE", path.c_str());
  bool loaded = false;
  {
    NRTEST_INIT(rt);
    // The NEFF built here loads with a valid name, so a refusal below is about the name only.
    std::vector<uint8_t> good = SignatureOnlyNeff("good_name");
    ASSERT_FALSE(good.empty());
    nrt_model_t* model = nullptr;
    ASSERT_EQ(nrt_load(good.data(), good.size(), 0, -1, &model), NRT_SUCCESS);
    ASSERT_EQ(nrt_unload(model), NRT_SUCCESS);
    std::vector<uint8_t> neff = SignatureOnlyNeff(kBadName);
    NRT_STATUS s = nrt_load(neff.data(), neff.size(), 0, -1, &model);
    // Validating the name at load (NRT_INVALID) is as good; the writer must be safe either way.
    ASSERT_TRUE(s == NRT_SUCCESS || s == NRT_INVALID) << s;
    loaded = s == NRT_SUCCESS;
    if (loaded) {
      Tensor x(0, kModelBytes, "x\xFF"), y(0, kModelBytes, "y");
      TensorSet is, os;
      ASSERT_EQ(is.Add("x", x), NRT_SUCCESS);
      ASSERT_EQ(os.Add("y", y), NRT_SUCCESS);
      for (int i = 0; i < 3; ++i) ASSERT_EQ(nrt_execute(model, is, os), NRT_SUCCESS);
      NRT_STATUS ret = kSentinelStatus;
      nrta_seq_t seq = 0;
      ASSERT_EQ(nrta_execute_schedule(model, is, os, 0, &ret, &seq), NRT_SUCCESS);
      ASSERT_TRUE(WaitSeq(seq));
      EXPECT_EQ(nrt_unload(model), NRT_SUCCESS);
    }
    rt.Close();  // the crash was here
  }
  std::ifstream in(path);
  ASSERT_TRUE(in.good()) << "no trace at " << path;
  json doc;
  ASSERT_NO_THROW(doc = json::parse(in)) << "the trace is not valid JSON / UTF-8";
  if (!loaded) return;
  int executions = 0;
  for (const json& e : doc["traceEvents"]) {
    if (e["ph"] == "X" && e["cat"] == "request") {
      EXPECT_EQ(e["name"], kEscapedName);
      ++executions;
    }
  }
  EXPECT_EQ(executions, 4);
  std::remove(path.c_str());
}
