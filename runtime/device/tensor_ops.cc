#include "runtime/device/tensor_ops.h"

#include <cstring>
#include <string_view>
#include <utility>

#include "runtime/device/device_access.h"

namespace nrtb {
namespace {

class Transfer : public Work {
 public:
  Transfer(const char* label, uint64_t size, const DmaTiming& t) : label_(label), size_(size), sim_ns_(t.Cost(size)) {}
  uint64_t SimulatedNs() const override { return sim_ns_; }
  const char* Label() const override { return label_; }
  uint64_t TransferBytes() const override { return size_; }

 protected:
  const char* label_;
  uint64_t size_;
  uint64_t sim_ns_;
};

class Write final : public Transfer {
 public:
  Write(TensorUse dst, uint64_t off, const void* src, uint64_t size, const DmaTiming& t)
      : Transfer("write", size, t), dst_(std::move(dst)), off_(off), src_(src) {}
  NRT_STATUS Run() override {
    DeviceAccessScope device;
    std::memmove((*dst_).data() + off_, src_, size_);  // src_ may alias the tensor
    return NRT_SUCCESS;
  }
  void Finish(NRT_STATUS) override { dst_.Release(); }
  std::string_view TransferTensor() const override { return dst_->name(); }

 private:
  TensorUse dst_;
  uint64_t off_;
  const void* src_;
};

class Read final : public Transfer {
 public:
  Read(void* dst, TensorUse src, uint64_t off, uint64_t size, const DmaTiming& t)
      : Transfer("read", size, t), dst_(dst), src_(std::move(src)), off_(off) {}
  NRT_STATUS Run() override {
    DeviceAccessScope device;
    std::memmove(dst_, (*src_).data() + off_, size_);  // dst_ may alias the tensor
    return NRT_SUCCESS;
  }
  void Finish(NRT_STATUS) override { src_.Release(); }
  std::string_view TransferTensor() const override { return src_->name(); }

 private:
  void* dst_;
  TensorUse src_;
  uint64_t off_;
};

class Copy final : public Transfer {
 public:
  Copy(TensorUse src, uint64_t src_off, TensorUse dst, uint64_t dst_off, uint64_t size, const DmaTiming& t)
      : Transfer("copy", size, t), src_(std::move(src)), dst_(std::move(dst)), src_off_(src_off), dst_off_(dst_off) {}
  NRT_STATUS Run() override {
    // memmove: a tensor may be copied onto an overlapping slice of itself.
    DeviceAccessScope device;
    std::memmove((*dst_).data() + dst_off_, (*src_).data() + src_off_, size_);
    return NRT_SUCCESS;
  }
  void Finish(NRT_STATUS) override {
    src_.Release();
    dst_.Release();
  }
  std::string_view TransferTensor() const override { return dst_->name(); }

 private:
  TensorUse src_, dst_;
  uint64_t src_off_, dst_off_;
};

}  // namespace

std::unique_ptr<Work> MakeTensorWrite(TensorUse dst, uint64_t offset, const void* src, uint64_t size,
                                      const DmaTiming& t) {
  return std::make_unique<Write>(std::move(dst), offset, src, size, t);
}

std::unique_ptr<Work> MakeTensorRead(void* dst, TensorUse src, uint64_t offset, uint64_t size, const DmaTiming& t) {
  return std::make_unique<Read>(dst, std::move(src), offset, size, t);
}

std::unique_ptr<Work> MakeTensorCopy(TensorUse src, uint64_t src_offset, TensorUse dst, uint64_t dst_offset,
                                     uint64_t size, const DmaTiming& t) {
  return std::make_unique<Copy>(std::move(src), src_offset, std::move(dst), dst_offset, size, t);
}

}  // namespace nrtb
