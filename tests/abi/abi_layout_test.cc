// Compile-time ABI checks of the public headers from C++ (see abi_layout_checks.h), plus a run-time
// check of the names C++ code mangles the public types with (tag / typedef names are ABI for C++
// callers: a function `void f(nrt_dtype_t)` mangles as _Z1f9nrt_dtype).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <type_traits>
#include <typeinfo>

#define ABI_SIZE(T, n) static_assert(sizeof(T) == (n), "sizeof(" #T ") != " #n)
#define ABI_OFF(T, f, n) static_assert(offsetof(T, f) == (n), "offsetof(" #T ", " #f ") != " #n)
#define ABI_FIELD(T, f, o, n) \
  static_assert(offsetof(T, f) == (o) && sizeof(T::f) == (n), #T "." #f ": offset != " #o " or size != " #n)
#define ABI_VAL(e, n) static_assert((e) == (n), #e " != " #n)
#define ABI_SIG(fn, R, ARGS) static_assert(std::is_same_v<decltype(&fn), R(*) ARGS>, "signature of " #fn)
#define ABI_TYPE(T, U) static_assert(std::is_same_v<T, U>, #T " is not " #U)
#define ABI_FNPTR(T, R, ARGS) static_assert(std::is_same_v<T, R(*) ARGS>, #T " is not " #R " (*)" #ARGS)

#include "abi_layout_checks.h"
#include "abi_trace_checks.h"
#include "abi_layout_checks_aux.h"

// Struct layouts are plain C data.
static_assert(std::is_standard_layout_v<nrt_tensor_info_t> && std::is_trivial_v<nrt_tensor_info_t>);
static_assert(std::is_standard_layout_v<nrt_version_t> && std::is_trivial_v<nrt_version_t>);
static_assert(std::is_standard_layout_v<nrta_error_t> && std::is_trivial_v<nrta_error_t>);
// Enumerations are unscoped C enums with a 4-byte underlying type.
static_assert(sizeof(std::underlying_type_t<nrt_dtype_t>) == 4);
static_assert(sizeof(std::underlying_type_t<NRT_STATUS>) == 4);
static_assert(sizeof(std::underlying_type_t<nrta_xu_t>) == 4);

namespace {
int failures = 0;
void expect_mangled(const char *what, const char *got, const char *want) {
  if (std::strcmp(got, want) != 0) {
    std::fprintf(stderr, "mangled name of %s: got %s, want %s\n", what, got, want);
    ++failures;
  }
}
}  // namespace

#define EXPECT_MANGLED(T, want) expect_mangled(#T, typeid(T).name(), want)

int main() {
#if defined(__GXX_ABI_VERSION)  // Itanium C++ ABI (gcc, clang on Linux)
  EXPECT_MANGLED(NRT_STATUS, "10NRT_STATUS");
  EXPECT_MANGLED(nrt_model_t *, "P9nrt_model");
  EXPECT_MANGLED(nrt_tensor_t *, "P10nrt_tensor");
  EXPECT_MANGLED(nrt_cc_context_t *, "P14nrt_cc_context");
  EXPECT_MANGLED(nrt_tensor_set_t *, "Pv");
  EXPECT_MANGLED(nrt_tensor_placement_t, "22nrt_tensor_placement_t");
  EXPECT_MANGLED(nrt_framework_type_t, "20nrt_framework_type_t");
  EXPECT_MANGLED(nrt_op_type_t, "11nrt_op_type");
  EXPECT_MANGLED(nrt_dtype_t, "9nrt_dtype");
  EXPECT_MANGLED(nrt_cc_op_type_t, "14nrt_cc_op_type");
  EXPECT_MANGLED(nrt_instance_info_t, "17nrt_instance_info");
  EXPECT_MANGLED(nrt_tensor_batch_op_t, "19nrt_tensor_batch_op");
  EXPECT_MANGLED(nrt_tensor_batch_t, "16nrt_tensor_batch");
  EXPECT_MANGLED(nrt_tensor_device_allocation_info_t, "33nrt_tensor_device_allocation_info");
  EXPECT_MANGLED(nrt_vnc_memory_stats_t, "20nrt_vnc_memory_stats");
  EXPECT_MANGLED(nrt_cc_comm_t, "11nrt_cc_comm");
  EXPECT_MANGLED(nrt_tensor_list_t, "15nrt_tensor_list");
  EXPECT_MANGLED(nrt_tensor_usage_t, "16nrt_tensor_usage");
  EXPECT_MANGLED(nrt_tensor_info_t, "15nrt_tensor_info");
  EXPECT_MANGLED(nrt_tensor_info_array_t, "21nrt_tensor_info_array");
  EXPECT_MANGLED(nrt_model_info_t, "14nrt_model_info");
  EXPECT_MANGLED(nrt_ucode_img, "13nrt_ucode_img");
  EXPECT_MANGLED(nrt_ucode_info, "14nrt_ucode_info");
  EXPECT_MANGLED(nrt_version_t, "11nrt_version");
  EXPECT_MANGLED(nrta_xu_t, "9nrta_xu_t");
  EXPECT_MANGLED(nrta_seq_t, typeid(uint64_t).name());
  EXPECT_MANGLED(nrta_error_t, "10nrta_error");
  EXPECT_MANGLED(nrta_error_tracker_t *, "P18nrta_error_tracker");
  // auxiliary headers
  EXPECT_MANGLED(ndebug_stream_event_type_t, "24ndebug_stream_event_type");
  EXPECT_MANGLED(ndebug_stream_event_header_t, "26ndebug_stream_event_header");
  EXPECT_MANGLED(nrt_async_sendrecv_comm_t *, "P23nrt_async_sendrecv_comm");
  EXPECT_MANGLED(nrt_async_sendrecv_request_t *, "P26nrt_async_sendrecv_request");
  EXPECT_MANGLED(nec_pod_type_t, "12nec_pod_type");
  EXPECT_MANGLED(nec_version_info_t, "16nec_version_info");
  EXPECT_MANGLED(enc_host_mem_t, "12enc_host_mem");
  EXPECT_MANGLED(nds_process_info_t, "16nds_process_info");
  EXPECT_MANGLED(nds_instance_t *, "P12nds_instance");
  EXPECT_MANGLED(nrt_profile_continuous_options_t *, "P30nrt_profile_continuous_options");
  EXPECT_MANGLED(nrt_inspect_config_t *, "P18nrt_inspect_config");
  EXPECT_MANGLED(nrt_sys_trace_config_t *, "P20nrt_sys_trace_config");
  EXPECT_MANGLED(nrt_sys_trace_fetch_options_t *, "P27nrt_sys_trace_fetch_options");
#endif
  return failures == 0 ? 0 : 1;
}
