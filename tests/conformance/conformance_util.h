// Shared helpers of the conformance tests. Public headers, GoogleTest and the standard library only.
// Every TEST runs in its own process (gtest_discover_tests), so helpers may rely on a fresh runtime.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "nrt/nrt.h"
#include "nrt/nrt_experimental.h"

namespace conformance {

// nrt_init on construction, nrt_close on destruction.
class ScopedRuntime {
 public:
  ScopedRuntime() : status_(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "")) {}
  ~ScopedRuntime() { nrt_close(); }
  ScopedRuntime(const ScopedRuntime&) = delete;
  ScopedRuntime& operator=(const ScopedRuntime&) = delete;
  NRT_STATUS status() const { return status_; }

 private:
  NRT_STATUS status_;
};

// Declares a ScopedRuntime named `rt` and fails the test unless nrt_init succeeded.
#define CONFORMANCE_INIT()                      \
  ::conformance::ScopedRuntime rt;              \
  ASSERT_EQ(rt.status(), NRT_SUCCESS) << "nrt_init"

inline std::string ConformanceModel(const std::string& stem) { return std::string(NRTB_CONFORMANCE_MODEL_DIR) + "/" + stem + ".neff"; }
inline std::string SampleModelDir() { return NRTB_SAMPLE_MODEL_DIR; }

// Whole file, or empty (with a test failure) when it cannot be read.
inline std::vector<uint8_t> ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot open " << path;
    return {};
  }
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Loads a NEFF file onto vnc; nullptr (with a test failure) on error.
inline nrt_model_t* LoadModelFile(const std::string& path, int32_t vnc = 0) {
  std::vector<uint8_t> bytes = ReadFileBytes(path);
  if (bytes.empty()) return nullptr;
  nrt_model_t* model = nullptr;
  NRT_STATUS s = nrt_load(bytes.data(), bytes.size(), vnc, -1, &model);
  EXPECT_EQ(s, NRT_SUCCESS) << "nrt_load " << path << ": " << nrt_get_status_as_str(s);
  return s == NRT_SUCCESS ? model : nullptr;
}

// Allocates a tensor; nullptr (with a test failure) on error.
inline nrt_tensor_t* MakeTensor(nrt_tensor_placement_t placement, int vnc, size_t size, const char* name = "t") {
  nrt_tensor_t* t = nullptr;
  NRT_STATUS s = nrt_tensor_allocate(placement, vnc, size, name, &t);
  EXPECT_EQ(s, NRT_SUCCESS) << "nrt_tensor_allocate " << name << " (" << size << " bytes on " << vnc << ")";
  return s == NRT_SUCCESS ? t : nullptr;
}

template <typename T>
std::vector<T> ReadAll(const nrt_tensor_t* t) {
  std::vector<T> out(nrt_tensor_get_size(t) / sizeof(T));
  EXPECT_EQ(nrt_tensor_read(t, out.data(), 0, out.size() * sizeof(T)), NRT_SUCCESS);
  return out;
}

template <typename T>
void WriteAll(nrt_tensor_t* t, const std::vector<T>& values) {
  ASSERT_EQ(values.size() * sizeof(T), nrt_tensor_get_size(t));
  ASSERT_EQ(nrt_tensor_write(t, values.data(), 0, values.size() * sizeof(T)), NRT_SUCCESS);
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
      nrt_tensor_t* t = MakeTensor(placement, placement == NRT_TENSOR_PLACEMENT_DEVICE ? vnc : -1, i.size, i.name.c_str());
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

// Redirects stderr (fd 2) to a temporary file until Stop(), which returns what was written.
class StderrCapture {
 public:
  StderrCapture() {
    std::fflush(stderr);
    char path[] = "/tmp/nrt_conformance_stderr_XXXXXX";
    fd_ = mkstemp(path);
    path_ = path;
    saved_ = dup(2);
    if (fd_ >= 0 && saved_ >= 0) dup2(fd_, 2);
  }
  ~StderrCapture() { Stop(); }
  std::string Stop() {
    if (saved_ < 0) return text_;
    std::fflush(stderr);
    dup2(saved_, 2);
    close(saved_);
    saved_ = -1;
    std::ifstream in(path_);
    text_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    close(fd_);
    unlink(path_.c_str());
    return text_;
  }

 private:
  int fd_ = -1, saved_ = -1;
  std::string path_, text_;
};

// The lines of `text` that contain every one of `needles`.
inline std::vector<std::string> LinesWith(const std::string& text, const std::vector<std::string>& needles) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    bool all = true;
    for (const auto& n : needles) all = all && line.find(n) != std::string::npos;
    if (all) out.push_back(line);
    pos = end + 1;
  }
  return out;
}

}  // namespace conformance
