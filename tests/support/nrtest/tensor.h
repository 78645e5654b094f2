// Tensors and tensor sets as objects, and whole-tensor reads and writes.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <vector>

#include "nrt/nrt.h"
#include "nrt/nrt_status.h"

namespace nrtest {

// A tensor, freed on destruction (Free() first is fine: nrt_tensor_free of NULL does nothing).
class Tensor {
 public:
  Tensor(int lnc, size_t size, const char* name = "t", nrt_tensor_placement_t placement = NRT_TENSOR_PLACEMENT_DEVICE) {
    status_ = nrt_tensor_allocate(placement, lnc, size, name, &t_);
  }
  ~Tensor() { Free(); }
  Tensor(const Tensor&) = delete;
  Tensor& operator=(const Tensor&) = delete;
  NRT_STATUS status() const { return status_; }
  nrt_tensor_t* get() const { return t_; }
  operator nrt_tensor_t*() const { return t_; }
  void Free() { nrt_tensor_free(&t_); }
  // Gives up ownership (the caller frees).
  nrt_tensor_t* Release() {
    nrt_tensor_t* t = t_;
    t_ = nullptr;
    return t;
  }

 private:
  nrt_tensor_t* t_ = nullptr;
  NRT_STATUS status_;
};

// A tensor set, destroyed on destruction (the tensors in it stay the caller's).
class TensorSet {
 public:
  TensorSet() { status_ = nrt_allocate_tensor_set(&s_); }
  ~TensorSet() { Destroy(); }
  TensorSet(const TensorSet&) = delete;
  TensorSet& operator=(const TensorSet&) = delete;
  NRT_STATUS status() const { return status_; }
  nrt_tensor_set_t* get() const { return s_; }
  operator nrt_tensor_set_t*() const { return s_; }
  NRT_STATUS Add(const char* name, nrt_tensor_t* t) { return nrt_add_tensor_to_tensor_set(s_, name, t); }
  void Destroy() { nrt_destroy_tensor_set(&s_); }

 private:
  nrt_tensor_set_t* s_ = nullptr;
  NRT_STATUS status_;
};

// Allocates a tensor the caller frees; nullptr (with a test failure) on error.
inline nrt_tensor_t* MakeTensor(nrt_tensor_placement_t placement, int vnc, size_t size, const char* name = "t") {
  nrt_tensor_t* t = nullptr;
  NRT_STATUS s = nrt_tensor_allocate(placement, vnc, size, name, &t);
  EXPECT_EQ(s, NRT_SUCCESS) << "nrt_tensor_allocate " << name << " (" << size << " bytes on " << vnc << ")";
  return s == NRT_SUCCESS ? t : nullptr;
}

// nrt_get_vnc_memory_stats of one core (zeros, with a test failure, if the call fails).
inline nrt_vnc_memory_stats_t VncMemoryStats(uint32_t vnc) {
  nrt_vnc_memory_stats_t s{};
  size_t out = 0;
  EXPECT_EQ(nrt_get_vnc_memory_stats(vnc, &s, sizeof s, &out), NRT_SUCCESS) << "vnc " << vnc;
  EXPECT_EQ(out, sizeof s);
  return s;
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

// The first n floats of t (-12345 where the read failed, with a test failure).
inline std::vector<float> ReadFloats(nrt_tensor_t* t, size_t n) {
  std::vector<float> v(n, -12345.0f);
  EXPECT_EQ(nrt_tensor_read(t, v.data(), 0, n * sizeof(float)), NRT_SUCCESS);
  return v;
}

}  // namespace nrtest
