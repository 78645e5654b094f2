#include "runtime/device/tracer.h"

#include "runtime/core/error.h"
#include "runtime/core/log.h"
#include "runtime/device/sim_clock.h"

namespace nrtb {

void Tracer::SimTraceSink::OnRecord(const TraceRecord& r) {
  if (r.kind == TraceKind::kRequest || r.kind == TraceKind::kUnitFatal) writer->Write(r);
}

Tracer::Tracer(const std::string& sim_trace_path, uint32_t lnc_count) : lnc_count_(lnc_count), origin_ns_(NowNs()) {
  if (sim_trace_path.empty()) return;
  auto writer = PerfettoWriter::Open(sim_trace_path, "NRT_SIM_TRACE", origin_ns_);
  if (!writer) return;
  sim_ = std::make_shared<SimTraceSink>(std::move(writer));
  hub_.Attach(sim_);
}

Tracer::~Tracer() { Shutdown(); }

void Tracer::StartSysTrace(const SysTraceOptions& options) {
  std::lock_guard<std::mutex> lock(mu_);
  if (sys_trace_) ThrowInvalid("a system trace is already running (call nrt_sys_trace_stop first)");
  if (!options.invalid.empty()) ThrowInvalid("the options hold an invalid value: %s", options.invalid.c_str());
  if (options.max_events_per_nc == 0 || options.max_events_per_nc > SysTraceOptions::kMaxEventsPerNcLimit) {
    ThrowInvalid("max_events_per_nc %llu is out of range (1 .. %llu)", static_cast<unsigned long long>(options.max_events_per_nc),
                 static_cast<unsigned long long>(SysTraceOptions::kMaxEventsPerNcLimit));
  }
  sys_trace_ = std::make_shared<SysTraceBuffer>(options, lnc_count_);
  hub_.Attach(sys_trace_);
}

void Tracer::StopSysTrace() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!sys_trace_) ThrowInvalid("no system trace is running");
  hub_.Detach(sys_trace_.get());
  sys_trace_.reset();
}

std::string Tracer::FetchSysTrace(int64_t nc, uint64_t max_per_nc) {
  std::shared_ptr<SysTraceBuffer> buffer;
  {
    std::lock_guard<std::mutex> lock(mu_);
    buffer = sys_trace_;
  }
  if (!buffer) ThrowInvalid("no system trace is running (call nrt_sys_trace_start first)");
  if (nc >= static_cast<int64_t>(lnc_count_)) {
    ThrowInvalid("nc_idx %lld is not a visible logical core (%u visible)", static_cast<long long>(nc), lnc_count_);
  }
  return buffer->Fetch(nc, max_per_nc);
}

void Tracer::StartProfile(uint32_t model_id, uint32_t lnc, const std::string& filename) {
  std::lock_guard<std::mutex> lock(mu_);
  if (profiles_.count(filename) != 0) ThrowInvalid("a profile session writing to \"%s\" is already running", filename.c_str());
  auto writer = PerfettoWriter::Open(filename, "nrt_profile_start", origin_ns_);
  if (!writer) ThrowStatus(NRT_FAILURE, "cannot create the profile file \"%s\"", filename.c_str());
  auto session = std::make_shared<ProfileSession>(std::move(writer), model_id, lnc);
  profiles_.emplace(filename, session);
  hub_.Attach(std::move(session));
}

void Tracer::StopProfile(const std::string& filename) {
  std::shared_ptr<ProfileSession> session;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = profiles_.find(filename);
    if (it == profiles_.end()) ThrowInvalid("no profile session was started with filename \"%s\"", filename.c_str());
    session = std::move(it->second);
    profiles_.erase(it);
    hub_.Detach(session.get());
  }
  if (!session->Finish()) ThrowStatus(NRT_FAILURE, "could not write the profile \"%s\"", filename.c_str());
}

void Tracer::StartContinuous() {
  std::lock_guard<std::mutex> lock(mu_);
  if (continuous_) ThrowInvalid("continuous profiling is already running");
  if (inspecting_) ThrowInvalid("an inspect session is running (nrt_inspect_stop first)");
  continuous_ = std::make_shared<ContinuousCapture>(lnc_count_);
  hub_.Attach(continuous_);
}

std::string Tracer::SaveContinuous(uint32_t lnc, const std::string& output_dir) {
  std::shared_ptr<ContinuousCapture> capture;
  {
    std::lock_guard<std::mutex> lock(mu_);
    capture = continuous_;
  }
  if (!capture) ThrowInvalid("continuous profiling is not running (nrt_profile_continuous_start first)");
  return capture->Save(lnc, output_dir, origin_ns_);
}

void Tracer::StopContinuous() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!continuous_) ThrowInvalid("continuous profiling is not running");
  hub_.Detach(continuous_.get());
  continuous_.reset();
}

std::string Tracer::BeginInspect(const InspectOptions& options) {
  std::lock_guard<std::mutex> lock(mu_);
  if (inspecting_) ThrowInvalid("an inspect session is already running");
  if (continuous_) ThrowInvalid("continuous profiling is running (nrt_profile_continuous_stop first)");
  if (!options.capture.invalid.empty()) ThrowInvalid("the options hold an invalid value: %s", options.capture.invalid.c_str());
  inspecting_ = true;
  bool captures = (options.enable_inspect && (options.system_profile() || options.device_profile())) ||
                  (options.enable_inspect_on_fail && options.device_profile());
  if (!captures) return "";
  try {
    inspect_ = std::make_shared<InspectSession>(options, lnc_count_, origin_ns_);
  } catch (...) {
    inspecting_ = false;
    throw;
  }
  hub_.Attach(inspect_);
  return inspect_->directory();
}

void Tracer::StopInspect() {
  std::shared_ptr<InspectSession> session;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!inspecting_) ThrowInvalid("no inspect session is running");
    inspecting_ = false;
    session = std::move(inspect_);
    if (session) hub_.Detach(session.get());
  }
  if (session && !session->Finish()) ThrowStatus(NRT_FAILURE, "could not write the inspect files in %s", session->directory().c_str());
}

void Tracer::Shutdown() {
  std::lock_guard<std::mutex> lock(mu_);
  if (shut_down_) return;
  shut_down_ = true;
  // Units are stopped by now: nothing emits any more. Open sessions are written as if stopped.
  for (auto& [name, session] : profiles_) {
    hub_.Detach(session.get());
    NRTB_WARN("nrt_close: profile session \"%s\" was not stopped; writing it now", name.c_str());
    session->Finish();
  }
  profiles_.clear();
  if (inspect_) {
    hub_.Detach(inspect_.get());
    inspect_->Finish();
    inspect_.reset();
  }
  inspecting_ = false;
  if (continuous_) hub_.Detach(continuous_.get());
  continuous_.reset();
  if (sys_trace_) hub_.Detach(sys_trace_.get());
  sys_trace_.reset();
  if (sim_) {
    hub_.Detach(sim_.get());
    sim_->writer->Finish();
    sim_.reset();
  }
}

TensorOpTrace::TensorOpTrace(Tracer& tracer, int lnc, const char* op, const std::string& tensor, uint64_t bytes) {
  if (!tracer.hub()->active() || lnc < 0) return;
  hub_ = tracer.hub();
  record_.kind = TraceKind::kTensorOp;
  record_.lnc = static_cast<uint32_t>(lnc);
  record_.label = op;
  record_.detail = tensor;
  record_.bytes = bytes;
  record_.start_ns = NowNs();
}

TensorOpTrace::~TensorOpTrace() {
  if (hub_ == nullptr) return;
  record_.end_ns = NowNs();
  hub_->Emit(record_);
}

void TraceModelEvent(Tracer& tracer, TraceKind kind, uint32_t lnc, uint32_t model_id, const std::string& name) {
  TraceHub* hub = tracer.hub();
  if (!hub->active()) return;
  TraceRecord r;
  r.kind = kind;
  r.lnc = lnc;
  r.model_id = model_id;
  r.label = name;
  r.start_ns = r.end_ns = NowNs();
  hub->Emit(r);
}

}  // namespace nrtb
