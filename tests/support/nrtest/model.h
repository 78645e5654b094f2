// Models as objects, their I/O signature, and one tensor per model input/output.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "nrt/nrt.h"
#include "nrt/nrt_experimental.h"
#include "nrt/nrt_status.h"
#include "nrtest/paths.h"
#include "nrtest/tensor.h"

namespace nrtest {

// A loaded model, unloaded on destruction. Model("stem", vnc) loads tests/conformance/models/<stem>.json;
// Model::File(path, vnc) any NEFF file. status() is NRT_FAILURE when the file cannot be read.
class Model {
 public:
  Model(const std::string& stem, int vnc, int vnc_count = -1) { Load(ModelPath(stem), vnc, vnc_count); }
  struct FromFile {};
  Model(FromFile, const std::string& path, int vnc, int vnc_count = -1) { Load(path, vnc, vnc_count); }
  ~Model() { Unload(); }
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;
  NRT_STATUS status() const { return status_; }
  nrt_model_t* get() const { return m_; }
  operator nrt_model_t*() const { return m_; }
  NRT_STATUS Unload() {
    if (m_ == nullptr) return NRT_SUCCESS;
    NRT_STATUS s = nrt_unload(m_);
    m_ = nullptr;
    return s;
  }

 private:
  void Load(const std::string& path, int vnc, int vnc_count) {
    std::vector<uint8_t> bytes = TryReadFileBytes(path);
    if (bytes.empty()) {
      ADD_FAILURE() << "cannot read " << path;
      status_ = NRT_FAILURE;
      return;
    }
    status_ = nrt_load(bytes.data(), bytes.size(), vnc, vnc_count, &m_);
  }

  nrt_model_t* m_ = nullptr;
  NRT_STATUS status_ = NRT_FAILURE;
};

// Loads a NEFF file onto vnc for the caller to unload; nullptr (with a test failure) on error.
inline nrt_model_t* LoadModelFile(const std::string& path, int32_t vnc = 0) {
  std::vector<uint8_t> bytes = ReadFileBytes(path);
  if (bytes.empty()) return nullptr;
  nrt_model_t* model = nullptr;
  NRT_STATUS s = nrt_load(bytes.data(), bytes.size(), vnc, -1, &model);
  EXPECT_EQ(s, NRT_SUCCESS) << "nrt_load " << path << ": " << nrt_get_status_as_str(s);
  return s == NRT_SUCCESS ? model : nullptr;
}

// A copy of one nrt_tensor_info_t.
struct IoInfo {
  std::string name;
  nrt_tensor_usage_t usage;
  size_t size;
  nrt_dtype_t dtype;
  std::vector<uint32_t> shape;
};

inline std::vector<IoInfo> GetTensorInfo(nrt_model_t* model) {
  nrt_tensor_info_array_t* array = nullptr;
  NRT_STATUS s = nrt_get_model_tensor_info(model, &array);
  EXPECT_EQ(s, NRT_SUCCESS);
  std::vector<IoInfo> out;
  if (s != NRT_SUCCESS || array == nullptr) return out;
  for (uint64_t i = 0; i < array->tensor_count; ++i) {
    const nrt_tensor_info_t& t = array->tensor_array[i];
    out.push_back({t.name, t.usage, t.size, t.dtype, std::vector<uint32_t>(t.shape, t.shape + t.ndim)});
  }
  EXPECT_EQ(nrt_free_model_tensor_info(array), NRT_SUCCESS);
  return out;
}

// One tensor per model input/output (named as the model names them), on `vnc` with `placement`,
// in an input and an output set. Frees everything on destruction.
struct ModelIo {
  nrt_tensor_set_t* inputs = nullptr;
  nrt_tensor_set_t* outputs = nullptr;
  std::vector<nrt_tensor_t*> in, out;  // in model order
  std::vector<IoInfo> info;

  ModelIo(nrt_model_t* model, int vnc, nrt_tensor_placement_t placement = NRT_TENSOR_PLACEMENT_DEVICE) {
    info = GetTensorInfo(model);
    EXPECT_EQ(nrt_allocate_tensor_set(&inputs), NRT_SUCCESS);
    EXPECT_EQ(nrt_allocate_tensor_set(&outputs), NRT_SUCCESS);
    for (const IoInfo& i : info) {
      const bool is_in = i.usage == NRT_TENSOR_USAGE_INPUT;
      const int where = placement == NRT_TENSOR_PLACEMENT_DEVICE ? vnc : -1;
      nrt_tensor_t* t = MakeTensor(placement, where, i.size, i.name.c_str());
      (is_in ? in : out).push_back(t);
      EXPECT_EQ(nrt_add_tensor_to_tensor_set(is_in ? inputs : outputs, i.name.c_str(), t), NRT_SUCCESS);
    }
  }
  ~ModelIo() {
    for (nrt_tensor_t* t : in) nrt_tensor_free(&t);
    for (nrt_tensor_t* t : out) nrt_tensor_free(&t);
    nrt_destroy_tensor_set(&inputs);
    nrt_destroy_tensor_set(&outputs);
  }
  ModelIo(const ModelIo&) = delete;
  ModelIo& operator=(const ModelIo&) = delete;
};

// The async_* test models (tests/conformance/models/async_*.json): x, y float32[64].
inline constexpr size_t kModelElems = 64;
inline constexpr size_t kModelBytes = kModelElems * sizeof(float);

// x[i] = base + i, as the input of the async_* models.
inline std::vector<float> Iota(float base, size_t n = kModelElems) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = base + static_cast<float>(i);
  return v;
}
// The output of an async_* model.
inline std::vector<float> ReadFloats(nrt_tensor_t* t) { return ReadFloats(t, kModelElems); }
// async_scale computes y = 2x + 1.
inline std::vector<float> ScaleRef(const std::vector<float>& x) {
  std::vector<float> y(x.size());
  for (size_t i = 0; i < x.size(); ++i) y[i] = 2.0f * x[i] + 1.0f;
  return y;
}

// An async_* model loaded on `lnc` with its tensors there: input x (written with Iota(0)) in set `is`,
// output y in set `os`. Check m.status().
struct AsyncModel {
  AsyncModel(const char* stem, int lnc) : m(stem, lnc), x(lnc, kModelBytes, "x"), y(lnc, kModelBytes, "y") {
    auto in = Iota(0);
    EXPECT_EQ(nrt_tensor_write(x, in.data(), 0, kModelBytes), NRT_SUCCESS);
    EXPECT_EQ(is.Add("x", x), NRT_SUCCESS);
    EXPECT_EQ(os.Add("y", y), NRT_SUCCESS);
  }
  Model m;
  Tensor x, y;
  TensorSet is, os;
};

}  // namespace nrtest
