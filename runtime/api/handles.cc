#include "runtime/api/handles.h"

#include "runtime/api/handle_value.h"
#include "runtime/device/tensor_set.h"
#include "runtime/model/binding_cache.h"

namespace nrtb {
namespace {

// Nesting depth of ApiCall on this thread.
thread_local int t_call_depth = 0;

[[noreturn]] void ThrowLifecycle(NRT_STATUS s) {
  switch (s) {
    case NRT_UNINITIALIZED:
      ThrowStatus(s, "the runtime is not initialized (call nrt_init first)");
    case NRT_CLOSED:
      ThrowStatus(s, "the runtime was closed (nrt_close)");
    default:
      ThrowStatus(NRT_FAILURE, "the Neuron runtime cannot be used in a forked child process");
  }
}

}  // namespace

__thread bool t_api_pinned = false;

ApiCall::ApiCall(const char* api) : name_(api) { ++t_call_depth; }

ApiCall::~ApiCall() {
  if (--t_call_depth == 0) ReleaseSession();
}

Session& RequireSessionAndPin() {
  if (!t_api_pinned) {
    // The state first: in a forked child nothing below may be touched (its locks may be held forever).
    NRT_STATUS s = CheckInitialized();
    if (s != NRT_SUCCESS) ThrowLifecycle(s);
    if (t_call_depth == 0) ThrowStatus(NRT_FAILURE, "internal error: runtime used outside an API call");
    // Lost a race with nrt_close: report what the state is now.
    if (!TryPin()) ThrowLifecycle(CheckInitialized() == NRT_SUCCESS ? NRT_CLOSED : CheckInitialized());
    t_api_pinned = true;
  }
  return *CurrentSession();
}

Device& RequireDevice() { return RequireSession().device(); }

void ReleaseSession() {
  if (t_api_pinned) {
    t_api_pinned = false;
    Unpin();
  }
}

HandleRegistry<nrt_tensor>& Tensors() { return RequireSession().tensors(); }
HandleRegistry<nrt_model>& Models() { return RequireSession().models(); }
HandleRegistry<TensorSet>& TensorSets() { return RequireSession().tensor_sets(); }
HandleRegistry<ErrorTracker>& Trackers() { return RequireSession().trackers(); }

void RequireNonNull(const void* p, const char* what) {
  if (p == nullptr) ThrowInvalid("%s is NULL", what);
}

TensorRef GetTensor(const nrt_tensor_t* handle, const char* what) {
  RequireNonNull(handle, what);
  TensorRef t = Tensors().Get(handle);
  if (!t)
    ThrowInvalid("%s (%p) is not a live tensor handle (freed or never allocated)", what,
                 static_cast<const void*>(handle));
  return t;
}

TensorUse UseTensor(const nrt_tensor_t* handle, const char* what) { return TensorUse(GetTensor(handle, what)); }

BoundSets BindSetHandles(const nrt_model& model, const nrt_tensor_set_t* inputs, const char* in_what,
                         const nrt_tensor_set_t* outputs, const char* out_what) {
  // Both epochs before the lookups (binding_cache.h says why).
  const BindingCache::Handles handles{inputs, outputs, HandleEpoch().load(std::memory_order_acquire),
                                      TensorSetChangeEpoch()};
  if (inputs != nullptr && outputs != nullptr) {
    const uint64_t tensor_epoch = TensorChangeEpoch();
    BoundSets b;
    b.n_inputs = model.inputs().size();
    // The tensor epoch checked again after the uses, as in BindSets.
    if (model.binding_cache().FindByHandles(handles, tensor_epoch, b.tensors) && TensorChangeEpoch() == tensor_epoch) {
      return b;
    }
  }
  std::shared_ptr<TensorSet> in_set = GetTensorSet(inputs, in_what);
  std::shared_ptr<TensorSet> out_set = GetTensorSet(outputs, out_what);
  return BindSets(model, *in_set, *out_set, handles);
}

BoundSets BindSets(const nrt_model& model, const TensorSet& inputs, const TensorSet& outputs,
                   const BindingCache::Handles& handles) {
  // Read before binding (binding_cache.h says why).
  const BindingCache::Key key{inputs.version(), outputs.version(), TensorChangeEpoch()};
  BoundSets b;
  b.n_inputs = model.inputs().size();
  // A buffer attached to one of the cached tensors, or a free, before its use was counted moved the epoch on (after
  // the use, attach_buffer fails): the binding still holds when the epoch has not moved.
  if (model.binding_cache().Find(key, handles, b.tensors) && TensorChangeEpoch() == key.tensors) return b;
  b.tensors.clear();

  std::vector<TensorUse> held;
  auto use_all = [&](const TensorSet& set) {
    for (auto& [name, t] : set.Entries()) {
      if (t) held.emplace_back(std::move(t));
    }
  };
  auto used = [&](const TensorRef& t) {
    for (const TensorUse& u : held) {
      if (u.ref() == t) return true;
    }
    return false;
  };
  // Another thread may put a tensor into a set between the snapshot and the bind: use that one too and bind
  // again, so every bound tensor was in use when it was checked.
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (attempt == 0) {
      use_all(inputs);
      use_all(outputs);
    }
    std::vector<TensorRef> in = BindTensors(model, inputs, false);
    std::vector<TensorRef> out = BindTensors(model, outputs, true);
    bool all_used = true;
    for (const auto* list : {&in, &out}) {
      for (const TensorRef& t : *list) {
        if (!used(t)) {
          held.emplace_back(t);
          all_used = false;
        }
      }
    }
    if (all_used) {
      // New uses while `held` still counts them: the layouts checked stay as they are.
      b.tensors.reserve(in.size() + out.size());
      for (const auto* list : {&in, &out}) {
        for (const TensorRef& t : *list) b.tensors.emplace_back(t);
      }
      model.binding_cache().Store(key, handles, b.tensors);
      return b;
    }
  }
  ThrowInvalid("the tensor sets of model \"%s\" keep changing while it is being scheduled", model.name().c_str());
}

ModelRef GetModel(const nrt_model_t* handle, const char* what) {
  RequireNonNull(handle, what);
  ModelRef m = Models().Get(handle);
  if (!m)
    ThrowInvalid("%s (%p) is not a loaded model (unloaded or never loaded)", what, static_cast<const void*>(handle));
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

}  // namespace nrtb
