#include "runtime/device/perfetto_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/core/log.h"
#include "runtime/core/status_names.h"
#include "runtime/device/json_text.h"
#include "runtime/device/xu_id.h"

namespace nrtb {
namespace {

constexpr uint32_t kTensorOpTid = 240;
constexpr uint32_t kModelTid = 241;

uint32_t UnitTid(uint16_t xu_id) { return XuIdType(xu_id) * 16 + XuIdQueue(xu_id); }

std::string_view Cut(std::string_view s) { return s.substr(0, PerfettoWriter::kMaxLabelBytes); }

}  // namespace

std::unique_ptr<PerfettoWriter> PerfettoWriter::Open(const std::string& path, const char* what, uint64_t origin_ns) noexcept {
  try {
    std::string tmp = path + ".tmp." + std::to_string(getpid());
    std::FILE* f = std::fopen(tmp.c_str(), "w");
    if (f == nullptr) {
      NRTB_ERROR("%s: cannot create trace file %s: %s", what, tmp.c_str(), std::strerror(errno));
      return nullptr;
    }
    return std::unique_ptr<PerfettoWriter>(new PerfettoWriter(path, std::move(tmp), what, f, origin_ns));
  } catch (...) {
    NRTB_ERROR("%s: out of memory opening trace file %s", what, path.c_str());
    return nullptr;
  }
}

PerfettoWriter::PerfettoWriter(std::string path, std::string tmp, const char* what, std::FILE* file, uint64_t origin_ns)
    : path_(std::move(path)), tmp_(std::move(tmp)), what_(what), origin_ns_(origin_ns), file_(file) {
  buf_.reserve(kBufferBytes + 4 * kMaxLabelBytes + 1024);
  buf_ = "{\"traceEvents\":[\n";
}

PerfettoWriter::~PerfettoWriter() { Finish(false); }

uint64_t PerfettoWriter::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

double PerfettoWriter::Us(uint64_t ns) const { return static_cast<double>(ns > origin_ns_ ? ns - origin_ns_ : 0) / 1000.0; }

void PerfettoWriter::Write(const TraceRecord& record, TraceEventMask mask) noexcept {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_ || failed_) return;
  try {
    AppendEventLocked(record, mask);
    if (buf_.size() >= kBufferBytes) FlushLocked();
  } catch (...) {
    failed_ = true;  // reported by Finish
  }
}

void PerfettoWriter::BeginEventLocked() {
  if (!first_) buf_.append(",\n");
  first_ = false;
}

// One event's JSON is at most a few hundred bytes plus two cut labels (each at most 3x its bytes
// once escaped), which the reserve in the constructor leaves room for past kBufferBytes.
void PerfettoWriter::AppendEventLocked(const TraceRecord& r, TraceEventMask mask) {
  auto common = [&](const char* name_prefix, std::string_view name, const char* cat, const char* ph, uint64_t ts_ns,
                    uint32_t pid, uint32_t tid) {
    BeginEventLocked();
    buf_.append("{\"name\":");
    std::string label(name_prefix);
    label.append(Cut(name));
    AppendJsonString(buf_, label);
    buf_.append(",\"cat\":\"").append(cat).append("\",\"ph\":\"").append(ph).append("\",\"ts\":");
    AppendJsonDouble(buf_, Us(ts_ns));
    buf_.append(",\"pid\":");
    AppendJsonUint(buf_, pid);
    buf_.append(",\"tid\":");
    AppendJsonUint(buf_, tid);
    lncs_.insert(pid);
    tracks_.insert({pid, tid});
  };
  switch (r.kind) {
    case TraceKind::kRequest: {
      uint32_t tid = UnitTid(r.xu_id);
      uint64_t schedule = r.schedule_ns != 0 ? r.schedule_ns : r.start_ns;
      ++requests_;
      if ((mask & Bit(TraceEventType::kRequestSchedule)) != 0) {
        common("schedule ", r.label, "schedule", "i", schedule, r.lnc, tid);
        buf_.append(",\"s\":\"t\",\"args\":{\"seq_num\":");
        AppendJsonUint(buf_, r.seq_num);
        buf_.append("}}");
      }
      bool error = r.status != NRT_SUCCESS && (mask & Bit(TraceEventType::kRequestError)) != 0;
      if ((mask & (Bit(TraceEventType::kRequestStart) | Bit(TraceEventType::kRequestEnd))) != 0 || error) {
        common("", r.label, "request", "X", r.start_ns, r.lnc, tid);
        buf_.append(",\"dur\":");
        AppendJsonDouble(buf_, static_cast<double>(r.end_ns - r.start_ns) / 1000.0);
        buf_.append(",\"args\":{\"seq_num\":");
        AppendJsonUint(buf_, r.seq_num);
        buf_.append(",\"seq\":");
        AppendJsonUint(buf_, MakeSeq(r.xu_id, r.seq_num));
        buf_.append(",\"status\":");
        AppendJsonString(buf_, StatusName(r.status));
        buf_.append(",\"queued_us\":");
        AppendJsonDouble(buf_, static_cast<double>(r.start_ns - std::min(schedule, r.start_ns)) / 1000.0);
        if (r.model_id != 0) {
          buf_.append(",\"model_id\":");
          AppendJsonUint(buf_, r.model_id);
        }
        buf_.append("}}");
      }
      break;
    }
    case TraceKind::kTensorOp:
      if ((mask & Bit(TraceEventType::kTensorOp)) == 0) return;
      common("", r.label, "tensor_op", "X", r.start_ns, r.lnc, kTensorOpTid);
      buf_.append(",\"dur\":");
      AppendJsonDouble(buf_, static_cast<double>(r.end_ns - r.start_ns) / 1000.0);
      buf_.append(",\"args\":{\"tensor\":");
      AppendJsonString(buf_, Cut(r.detail));
      buf_.append(",\"bytes\":");
      AppendJsonUint(buf_, r.bytes);
      buf_.append("}}");
      break;
    case TraceKind::kModelLoad:
    case TraceKind::kModelUnload: {
      bool load = r.kind == TraceKind::kModelLoad;
      if ((mask & Bit(load ? TraceEventType::kModelLoad : TraceEventType::kModelUnload)) == 0) return;
      common(load ? "load " : "unload ", r.label, "model", "i", r.start_ns, r.lnc, kModelTid);
      buf_.append(",\"s\":\"t\",\"args\":{\"model_id\":");
      AppendJsonUint(buf_, r.model_id);
      buf_.append("}}");
      break;
    }
    case TraceKind::kUnitFatal:
      if ((mask & Bit(TraceEventType::kUnitFatal)) == 0) return;
      common("unrecoverable", "", "fatal", "i", r.start_ns, r.lnc, UnitTid(r.xu_id));
      buf_.append(",\"s\":\"t\",\"args\":{\"cause\":");
      AppendJsonString(buf_, Cut(r.detail));
      buf_.append("}}");
      break;
  }
}

void PerfettoWriter::FlushLocked() {
  if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size()) failed_ = true;
  buf_.clear();
}

bool PerfettoWriter::Finish(bool keep, uint64_t dropped) noexcept {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) return !failed_;
  finished_ = true;
  if (keep && !failed_) {
    try {
      auto meta = [&](const char* name, uint32_t pid, const uint32_t* tid, const char* key, const std::string& value,
                      bool numeric) {
        BeginEventLocked();
        buf_.append("{\"name\":\"").append(name).append("\",\"ph\":\"M\",\"pid\":");
        AppendJsonUint(buf_, pid);
        if (tid != nullptr) {
          buf_.append(",\"tid\":");
          AppendJsonUint(buf_, *tid);
        }
        buf_.append(",\"args\":{\"").append(key).append("\":");
        if (numeric) {
          buf_.append(value);
        } else {
          AppendJsonString(buf_, value);
        }
        buf_.append("}}");
        if (buf_.size() >= kBufferBytes) FlushLocked();
      };
      for (uint32_t lnc : lncs_) {
        meta("process_name", lnc, nullptr, "name", "LNC " + std::to_string(lnc), false);
        meta("process_sort_index", lnc, nullptr, "sort_index", std::to_string(lnc), true);
      }
      for (const auto& [pid, tid] : tracks_) {
        std::string name = tid == kTensorOpTid ? "tensor ops (sync)"
                           : tid == kModelTid  ? "models"
                                               : std::string(XuTypeName(static_cast<XuType>(tid / 16))) + " q" +
                                                     std::to_string(tid % 16);
        meta("thread_name", pid, &tid, "name", name, false);
        meta("thread_sort_index", pid, &tid, "sort_index", std::to_string(tid), true);
      }
      buf_.append("\n],\"displayTimeUnit\":\"ns\",\"otherData\":{\"producer\":\"nrt-bridge\",\"requests\":");
      AppendJsonUint(buf_, requests_);
      buf_.append(",\"dropped_events\":");
      AppendJsonUint(buf_, dropped);
      buf_.append("}}\n");
      FlushLocked();
    } catch (...) {
      failed_ = true;
    }
  }
  if (std::fclose(file_) != 0) failed_ = true;
  file_ = nullptr;
  std::string().swap(buf_);
  if (!keep) {
    std::remove(tmp_.c_str());
    return !failed_;
  }
  if (failed_) {
    NRTB_ERROR("%s: could not write trace file %s (disk full or out of memory?); no trace written", what_, tmp_.c_str());
    std::remove(tmp_.c_str());
    return false;
  }
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    NRTB_ERROR("%s: cannot rename %s to %s: %s", what_, tmp_.c_str(), path_.c_str(), std::strerror(errno));
    std::remove(tmp_.c_str());
    return false;
  }
  NRTB_INFO("%s: wrote a trace of %llu requests to %s", what_, static_cast<unsigned long long>(requests_), path_.c_str());
  return true;
}

}  // namespace nrtb
