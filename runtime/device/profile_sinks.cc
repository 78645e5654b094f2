#include "runtime/device/profile_sinks.h"

#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "runtime/core/error.h"
#include "runtime/device/xu_id.h"

namespace nrtb {

bool MakeDirectories(const std::string& dir, std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    *error = ec.message();
    return false;
  }
  return true;
}

// ---- ProfileSession ------------------------------------------------------------------------------

void ProfileSession::OnRecord(const TraceRecord& r) {
  bool mine = false;
  switch (r.kind) {
    case TraceKind::kRequest:
      mine = r.model_id == model_id_ ||
             (r.lnc == lnc_ && XuIdType(r.xu_id) == static_cast<uint32_t>(XuType::kTensorOp));
      break;
    case TraceKind::kTensorOp:
    case TraceKind::kUnitFatal:
      mine = r.lnc == lnc_;
      break;
    case TraceKind::kModelLoad:
    case TraceKind::kModelUnload:
      mine = r.model_id == model_id_;
      break;
  }
  if (mine) writer_->Write(r);
}

// ---- ContinuousCapture ---------------------------------------------------------------------------

void ContinuousCapture::OnRecord(const TraceRecord& r) {
  bool execution = r.kind == TraceKind::kRequest && XuIdType(r.xu_id) == static_cast<uint32_t>(XuType::kCompute);
  bool tensor_op = r.kind == TraceKind::kTensorOp ||
                   (r.kind == TraceKind::kRequest && XuIdType(r.xu_id) == static_cast<uint32_t>(XuType::kTensorOp));
  if ((!execution && !tensor_op) || r.lnc >= cores_.size()) return;
  Owned o{r, std::string(r.label), std::string(r.detail)};
  std::lock_guard<std::mutex> lock(mu_);
  Core& c = cores_[r.lnc];
  if (tensor_op) {
    if (c.pending.size() == kMaxPendingPerNc) c.pending.erase(c.pending.begin());
    c.pending.push_back(std::move(o));
    return;
  }
  c.last.swap(c.pending);
  c.pending.clear();
  c.last.push_back(std::move(o));
}

std::string ContinuousCapture::Save(uint32_t lnc, const std::string& dir, uint64_t origin_ns) {
  std::vector<Owned> records;
  uint64_t n;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (lnc >= cores_.size()) ThrowInvalid("vnc %u is not a visible logical core (%zu visible)", lnc, cores_.size());
    if (cores_[lnc].last.empty()) ThrowInvalid("nothing has executed on logical core %u since continuous profiling started", lnc);
    records = cores_[lnc].last;
    n = ++saves_;
  }
  std::string error;
  if (!MakeDirectories(dir, &error)) ThrowStatus(NRT_FAILURE, "cannot create output directory %s: %s", dir.c_str(), error.c_str());
  std::string path = dir + "/continuous_nc" + std::to_string(lnc) + "_pid" + std::to_string(getpid()) + "_" +
                     std::to_string(n) + ".json";
  auto writer = PerfettoWriter::Open(path, "nrt_profile_continuous_save", origin_ns);
  if (!writer) ThrowStatus(NRT_FAILURE, "cannot create %s", path.c_str());
  for (Owned& o : records) {
    o.record.label = o.label;
    o.record.detail = o.detail;
    writer->Write(o.record);
  }
  if (!writer->Finish()) ThrowStatus(NRT_FAILURE, "cannot write %s", path.c_str());
  return path;
}

// ---- InspectSession ------------------------------------------------------------------------------

const char* const InspectOptions::kActivityNames[kActivityCount] = {"system_profile", "device_profile", "host_memory",
                                                                     "cpu_util"};

InspectSession::InspectSession(const InspectOptions& options, uint32_t lnc_count, uint64_t origin_ns)
    : options_(options), system_events_(lnc_count, 0), failed_(lnc_count, false) {
  dir_ = options.output_dir + "/session_" + std::to_string(options.session_id);
  std::string error;
  if (!MakeDirectories(dir_, &error)) ThrowStatus(NRT_FAILURE, "cannot create output directory %s: %s", dir_.c_str(), error.c_str());
  if (options.enable_inspect && options.system_profile()) {
    system_ = PerfettoWriter::Open(dir_ + "/system_profile.json", "nrt_inspect", origin_ns);
    if (!system_) ThrowStatus(NRT_FAILURE, "cannot create the system profile in %s", dir_.c_str());
  }
  device_.resize(lnc_count);
  if (options.device_profile()) {
    for (uint32_t i = 0; i < lnc_count; ++i) {
      if (i < options.capture.nc_enabled.size() && !options.capture.nc_enabled[i]) continue;
      device_[i] = PerfettoWriter::Open(dir_ + "/device_profile_nc" + std::to_string(i) + ".json", "nrt_inspect", origin_ns);
      if (!device_[i]) ThrowStatus(NRT_FAILURE, "cannot create the device profile of core %u in %s", i, dir_.c_str());
    }
  }
}

void InspectSession::OnRecord(const TraceRecord& r) {
  if (r.lnc >= device_.size()) return;
  if (r.lnc < options_.capture.nc_enabled.size() && !options_.capture.nc_enabled[r.lnc]) return;
  if (system_) {
    bool keep;
    {
      std::lock_guard<std::mutex> lock(mu_);
      keep = system_events_[r.lnc] < options_.capture.max_events_per_nc;
      if (keep) {
        ++system_events_[r.lnc];
      } else {
        ++system_dropped_;
      }
    }
    if (keep) system_->Write(r, options_.capture.types);
  }
  if (r.kind == TraceKind::kRequest && device_[r.lnc]) {
    if (r.status != NRT_SUCCESS) {
      std::lock_guard<std::mutex> lock(mu_);
      failed_[r.lnc] = true;
    }
    device_[r.lnc]->Write(r, options_.capture.types | Bit(TraceEventType::kRequestError));
  }
}

bool InspectSession::Finish() {
  bool ok = true;
  if (system_) ok = system_->Finish(true, system_dropped_) && ok;
  for (size_t i = 0; i < device_.size(); ++i) {
    if (!device_[i]) continue;
    bool keep = options_.enable_inspect || (options_.enable_inspect_on_fail && failed_[i]);
    ok = device_[i]->Finish(keep) && ok;
  }
  return ok;
}

}  // namespace nrtb
