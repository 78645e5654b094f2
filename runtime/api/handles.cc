#include "runtime/api/handles.h"

namespace nrtb {

// Function-local statics: constructed on first use and never destroyed, so handles stay checkable
// from atexit handlers and other libraries' destructors.
HandleRegistry<nrt_tensor>& Tensors() {
  static auto* r = new HandleRegistry<nrt_tensor>();
  return *r;
}
HandleRegistry<nrt_model>& Models() {
  static auto* r = new HandleRegistry<nrt_model>();
  return *r;
}
HandleRegistry<TensorSet>& TensorSets() {
  static auto* r = new HandleRegistry<TensorSet>();
  return *r;
}
HandleRegistry<ErrorTracker>& Trackers() {
  static auto* r = new HandleRegistry<ErrorTracker>();
  return *r;
}

Device& RequireDevice() {
  NRT_STATUS s = CheckInitialized();
  if (s != NRT_SUCCESS) {
    ThrowStatus(s, s == NRT_FAILURE ? "the Neuron runtime cannot be used in a forked child process" : "runtime not initialized");
  }
  return *Device::Current();
}

void RequireNonNull(const void* p, const char* what) {
  if (p == nullptr) ThrowInvalid("%s is NULL", what);
}

TensorRef GetTensor(const nrt_tensor_t* handle, const char* what) {
  RequireNonNull(handle, what);
  TensorRef t = Tensors().Get(handle);
  if (!t) ThrowInvalid("%s (%p) is not a live tensor handle (freed or never allocated)", what, static_cast<const void*>(handle));
  return t;
}

ModelRef GetModel(const nrt_model_t* handle, const char* what) {
  RequireNonNull(handle, what);
  ModelRef m = Models().Get(handle);
  if (!m) ThrowInvalid("%s (%p) is not a loaded model (unloaded or never loaded)", what, static_cast<const void*>(handle));
  return m;
}

std::shared_ptr<TensorSet> GetTensorSet(const nrt_tensor_set_t* handle, const char* what) {
  RequireNonNull(handle, what);
  auto s = TensorSets().Get(handle);
  if (!s) ThrowInvalid("%s (%p) is not a live tensor set (destroyed or never allocated)", what, handle);
  return s;
}

Lnc& RequireLnc(Device& d, int64_t idx, const char* what) {
  Lnc* l = d.lnc(idx);
  if (l == nullptr) {
    ThrowInvalid("%s %lld is not a logical core of this process (0-%u are visible)", what, static_cast<long long>(idx),
                 d.lnc_count() - 1);
  }
  return *l;
}

void RequireSingleRankWorld(const char* api, uint32_t g_device_id, uint32_t g_device_count) {
  if (g_device_count == 0 || g_device_id >= g_device_count) {
    ThrowInvalid("g_device_id %u must be below g_device_count %u", g_device_id, g_device_count);
  }
  if (g_device_count > 1) {
    ThrowStatus(NRT_FAILURE, "%s: worlds of %u ranks are not available yet in nrt-bridge (only single-rank worlds)", api,
                g_device_count);
  }
}

}  // namespace nrtb
