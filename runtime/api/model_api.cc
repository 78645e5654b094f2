// Model load/unload, signature queries and synchronous execution (nrt.h, nrt_experimental.h).
#include <cstdlib>
#include <cstring>

#include "nrt/nrt_experimental.h"
#include "runtime/api/handles.h"
#include "runtime/api/validate_hooks.h"
#include "runtime/model/model_loader.h"

using namespace nrtb;

namespace {

NRT_STATUS Load(const char* api, const void* neff_bytes, size_t size, int32_t vnc, nrt_model_t** model) {
  return Guarded(api, [&] {
    Device& d = RequireDevice();
    RequireNonNull(neff_bytes, "neff_bytes");
    RequireNonNull(model, "model");
    Lnc* chosen = d.LncForLoad(vnc);  // -1: the first core with no model, else the least loaded
    Lnc& lnc = chosen != nullptr ? *chosen : RequireLnc(d, vnc, "vnc");  // not a core: RequireLnc throws
    LoadOptions options;
    options.lnc = lnc.index();
    options.runtime_lnc_size = d.config().lnc_size;
    options.default_exec_time_ns = d.config().default_exec_time_ns;
    options.pool = lnc.pool();
    ModelRef m = LoadModel(neff_bytes, size, options);
    lnc.loaded_models.fetch_add(1);
    TraceModelEvent(d.tracer(), TraceKind::kModelLoad, m->lnc(), m->id(), m->name());
    if (LogEnabled(LogLevel::kInfo)) {
      LogLine(LogLevel::kInfo, api, "loaded model \"%s\" (id %u) on logical core %u: %zu input(s), %zu output(s), %s",
              m->name().c_str(), m->id(), m->lnc(), m->inputs().size(), m->outputs().size(),
              m->graph() != nullptr ? "CPU graph"
                                    : "not a CPU NEFF: runs signature-only (inputs validated, outputs zero-filled)");
    }
    *model = Models().Add(std::move(m));
    return NRT_SUCCESS;
  });
}

// `site`: the public call's return address (validation mode).
NRT_STATUS Execute(const char* api, const void* site, nrt_model_t* model, const nrt_tensor_set_t* input_set,
                   nrt_tensor_set_t* output_set) {
  return Guarded(api, [&] {
    Device& d = RequireDevice();
    ModelRef m = GetModel(model, "model");
    // Bound as nrta_execute_schedule binds: the sets' tensors cannot be re-attached while being checked.
    BoundSets bound = BindSetHandles(*m, input_set, "input_set", output_set, "output_set");
    ExecUnit* unit = RequireLnc(d, m->lnc(), "model core").Unit(XuType::kCompute, 0);
    if (unit == nullptr) ThrowStatus(NRT_CLOSED, "runtime closed");
    if (Validator* v = d.validator()) {
      RequestFootprint r(api, site);
      DescribeExecution(r, m.get(), input_set, output_set, bound);
      v->OnSyncRequest(r, *unit);
    }
    // Through the model's compute unit, so it is ordered with nrta_execute_schedule on that core.
    return RunExecution(*unit, api, std::move(m), std::move(bound.tensors), bound.n_inputs);
  });
}

}  // namespace

NRTB_EXPORT NRT_STATUS nrt_load(const void* neff_bytes, size_t size, int32_t vnc, int32_t vnc_count,
                                nrt_model_t** model) {
  // vnc_count is deprecated and ignored, as in the SDK.
  return Load("nrt_load", neff_bytes, size, vnc, model);
}

NRTB_EXPORT NRT_STATUS nrt_load_collectives(const void* neff_bytes, size_t size, int32_t vnc, int32_t vnc_count,
                                            uint32_t ctx_device_id, uint32_t ctx_device_count, nrt_model_t** model) {
  // The simulated NEFFs carry no in-graph collectives, so the communicator context is only checked.
  NRT_STATUS s = Guarded("nrt_load_collectives", [&] {
    RequireDevice();
    if (ctx_device_count == 0 || ctx_device_id >= ctx_device_count) {
      ThrowInvalid("ctx_device_id %u is not below ctx_device_count %u", ctx_device_id, ctx_device_count);
    }
    return NRT_SUCCESS;
  });
  return s != NRT_SUCCESS ? s : Load("nrt_load_collectives", neff_bytes, size, vnc, model);
}

NRTB_EXPORT NRT_STATUS nrt_unload(nrt_model_t* model) {
  const void* site = NRTB_CALL_SITE();
  return Guarded("nrt_unload", [&] {
    Device& d = RequireDevice();
    RequireNonNull(model, "model");
    ModelRef m = Models().Remove(model);
    if (!m) ThrowInvalid("model (%p) is not a loaded model (unloaded twice?)", static_cast<void*>(model));
    if (uint32_t n = m->in_flight().count(); n != 0 && LogEnabled(LogLevel::kWarn)) {
      LogLine(LogLevel::kWarn, "nrt_unload",
              "model \"%s\" unloaded while %u scheduled execution(s) still use it; it is released when they complete",
              m->name().c_str(), n);
    }
    if (Validator* v = d.validator()) {
      v->OnRelease(Check::kModelUnloaded, "nrt_unload", site, m.get(), "model \"" + m->name() + "\"");
    }
    if (Lnc* l = d.lnc(m->lnc())) l->loaded_models.fetch_sub(1);
    TraceModelEvent(d.tracer(), TraceKind::kModelUnload, m->lnc(), m->id(), m->name());
    return NRT_SUCCESS;
  });
}

namespace {
NRT_STATUS ModelCoreCount(const char* api, const nrt_model_t* model, uint32_t* count) {
  return Guarded(api, [&] {
    RequireDevice();
    GetModel(model, "model");
    RequireNonNull(count, "vnc_count");
    *count = 1;  // a model occupies one logical core
    return NRT_SUCCESS;
  });
}
}  // namespace

NRTB_EXPORT NRT_STATUS nrt_get_model_nc_count(const nrt_model_t* model, uint32_t* vnc_count) {
  return ModelCoreCount("nrt_get_model_nc_count", model, vnc_count);
}
NRTB_EXPORT NRT_STATUS nrt_get_model_vnc_count(const nrt_model_t* model, uint32_t* vnc_count) {
  return ModelCoreCount("nrt_get_model_vnc_count", model, vnc_count);
}

NRTB_EXPORT NRT_STATUS nrt_get_model_tensor_info(nrt_model_t* model, nrt_tensor_info_array_t** tensor_info) {
  return Guarded("nrt_get_model_tensor_info", [&] {
    RequireDevice();
    ModelRef m = GetModel(model, "model");
    RequireNonNull(tensor_info, "tensor_info");
    size_t n = m->inputs().size() + m->outputs().size();
    auto* array = static_cast<nrt_tensor_info_array_t*>(
        std::calloc(1, sizeof(nrt_tensor_info_array_t) + n * sizeof(nrt_tensor_info_t)));
    if (array == nullptr) throw std::bad_alloc();
    array->tensor_count = n;
    size_t i = 0;
    // Inputs first, then outputs, as the SDK orders them.
    for (int pass = 0; pass < 2; ++pass) {
      for (const TensorSpec& s : pass == 0 ? m->inputs() : m->outputs()) {
        nrt_tensor_info_t& info = array->tensor_array[i++];
        std::snprintf(info.name, sizeof info.name, "%s", s.name.c_str());
        info.usage = pass == 0 ? NRT_TENSOR_USAGE_INPUT : NRT_TENSOR_USAGE_OUTPUT;
        info.size = s.size_bytes;
        info.dtype = static_cast<nrt_dtype_t>(s.dtype);
        info.ndim = static_cast<uint32_t>(s.shape.size());
        info.shape = static_cast<uint32_t*>(std::malloc(std::max<size_t>(1, s.shape.size()) * sizeof(uint32_t)));
        if (info.shape == nullptr) {
          nrt_free_model_tensor_info(array);
          throw std::bad_alloc();
        }
        if (!s.shape.empty()) std::memcpy(info.shape, s.shape.data(), s.shape.size() * sizeof(uint32_t));
      }
    }
    *tensor_info = array;
    return NRT_SUCCESS;
  });
}

// No lifecycle check: the array is host memory the caller owns, and freeing it after nrt_close must work
// rather than leak.
NRTB_EXPORT NRT_STATUS nrt_free_model_tensor_info(nrt_tensor_info_array_t* tensor_info) {
  if (tensor_info == nullptr) {
    if (LogEnabled(LogLevel::kError)) LogLine(LogLevel::kError, "nrt_free_model_tensor_info", "tensor_info is NULL");
    return NRT_INVALID;
  }
  for (uint64_t i = 0; i < tensor_info->tensor_count; ++i) std::free(tensor_info->tensor_array[i].shape);
  std::free(tensor_info);
  return NRT_SUCCESS;
}

NRTB_EXPORT NRT_STATUS nrt_get_model_instance_count(nrt_model_t* model, uint32_t* instance_count) {
  return Guarded("nrt_get_model_instance_count", [&] {
    RequireDevice();
    GetModel(model, "model");
    RequireNonNull(instance_count, "instance_count");
    *instance_count = 1;  // one compute unit per core runs one execution at a time
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_get_model_info(const nrt_model_t* model, nrt_model_info_t* info, size_t info_size_in,
                                          size_t* info_size_out) {
  return Guarded("nrt_get_model_info", [&] {
    RequireDevice();
    ModelRef m = GetModel(model, "model");
    RequireNonNull(info, "info");
    nrt_model_info_t ours{};
    ours.vnc = m->lnc();
    std::memcpy(info, &ours, std::min(info_size_in, sizeof ours));
    if (info_size_out != nullptr) *info_size_out = sizeof ours;
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_execute(nrt_model_t* model, const nrt_tensor_set_t* input_set,
                                   nrt_tensor_set_t* output_set) {
  return Execute("nrt_execute", NRTB_CALL_SITE(), model, input_set, output_set);
}

NRTB_EXPORT NRT_STATUS nrt_execute_repeat(nrt_model_t* model, const nrt_tensor_set_t* input_set,
                                          nrt_tensor_set_t* output_set, int repeat_count) {
  const void* site = NRTB_CALL_SITE();
  // Lifecycle first, as everywhere: before init or after close the state is what the caller must learn.
  const NRT_STATUS s = Guarded("nrt_execute_repeat", [&] {
    RequireDevice();
    if (repeat_count > 1) {
      // As the shipped 2.31 library: host-side repeat loops are gone.
      ThrowInvalid(
          "repeat_count %d is not supported (host-side repeat loops were removed); call nrt_execute in a loop "
          "or schedule with nrta_execute_schedule",
          repeat_count);
    }
    return NRT_SUCCESS;
  });
  return s != NRT_SUCCESS ? s : Execute("nrt_execute_repeat", site, model, input_set, output_set);
}
