// Tracing of one runtime (one nrt_init .. nrt_close): the hub every event goes through and the
// sinks that can be attached to it —
//   NRT_SIM_TRACE=path   a Perfetto file of every request, streamed while the runtime runs and
//                        renamed into place at nrt_close;
//   nrt_profile_*        profile sessions, continuous profiling, inspect sessions (profile_sinks.h);
//   nrt_sys_trace_*      the per-core system trace rings (sys_trace_buffer.h).
// Session bookkeeping lives here so that nrt_close finishes whatever is still open. Misuse (stop
// without start, ...) throws Error(NRT_INVALID, ...) for the C layer to report.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "runtime/device/profile_sinks.h"
#include "runtime/device/sys_trace_buffer.h"
#include "runtime/device/trace_hub.h"

namespace nrtb {

class Tracer {
 public:
  // Opens the NRT_SIM_TRACE file when `sim_trace_path` is not empty (a failure is logged; the
  // runtime then runs without it).
  Tracer(const std::string& sim_trace_path, uint32_t lnc_count);
  ~Tracer();

  TraceHub* hub() { return &hub_; }
  uint64_t origin_ns() const { return origin_ns_; }

  void StartSysTrace(const SysTraceOptions& options);
  void StopSysTrace();
  std::string FetchSysTrace(int64_t nc, uint64_t max_per_nc);

  void StartProfile(uint32_t model_id, uint32_t lnc, const std::string& filename);
  void StopProfile(const std::string& filename);
  // `output_dir` is where saves without options of their own go.
  void StartContinuous(const std::string& output_dir);
  // Saves into `output_dir`, or the start's when it is null. Returns the file written.
  std::string SaveContinuous(uint32_t lnc, const std::string* output_dir);
  void StopContinuous();
  // Returns the session directory ("" when the options capture nothing).
  std::string BeginInspect(const InspectOptions& options);
  void StopInspect();

  // Finishes every open session and writes the NRT_SIM_TRACE file. Idempotent.
  void Shutdown();

 private:
  // Always attached while open: NRT_SIM_TRACE takes every request and unit failure.
  class SimTraceSink : public TraceSink {
   public:
    explicit SimTraceSink(std::unique_ptr<PerfettoWriter> w) : writer(std::move(w)) {}
    void OnRecord(const TraceRecord& r) override;
    std::unique_ptr<PerfettoWriter> writer;
  };

  const uint32_t lnc_count_;
  const uint64_t origin_ns_;
  TraceHub hub_;
  std::mutex mu_;  // the session members below
  std::shared_ptr<SimTraceSink> sim_;
  std::shared_ptr<SysTraceBuffer> sys_trace_;
  std::map<std::string, std::shared_ptr<ProfileSession>> profiles_;
  std::shared_ptr<ContinuousCapture> continuous_;
  std::string continuous_dir_;
  bool inspecting_ = false;
  std::shared_ptr<InspectSession> inspect_;
  bool shut_down_ = false;
};

// One synchronous tensor transfer (nrt_tensor_read/write/copy/memset), timed from construction to
// destruction. Costs one atomic load when nothing traces. `op` and `tensor` are not copied: they must
// outlive this object (a string literal, the tensor's own name).
class TensorOpTrace {
 public:
  TensorOpTrace(Tracer& tracer, int lnc, const char* op, std::string_view tensor, uint64_t bytes);
  ~TensorOpTrace();
  TensorOpTrace(const TensorOpTrace&) = delete;
  TensorOpTrace& operator=(const TensorOpTrace&) = delete;

 private:
  TraceHub* hub_ = nullptr;  // null: not traced
  TraceRecord record_;
};

// Model load / unload (label = model name).
void TraceModelEvent(Tracer& tracer, TraceKind kind, uint32_t lnc, uint32_t model_id, const std::string& name);

}  // namespace nrtb
