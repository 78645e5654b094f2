// Profiling (nrt_profile.h) on the trace machinery: each mode is a TraceSink that picks its records
// and writes them with a PerfettoWriter.
//   ProfileSession    nrt_profile_start/stop: one model's executions, load/unload, and the tensor
//                     operations on its logical core, streamed to the session's file.
//   ContinuousCapture nrt_profile_continuous_*: per core, the latest execution and the tensor
//                     operations since the one before it, kept in memory until saved.
//   InspectSession    nrt_inspect_*: a system profile (every event of the selected cores and types)
//                     and a device profile per core (requests only), in <output_dir>/session_<id>/.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/device/perfetto_writer.h"
#include "runtime/device/sys_trace_buffer.h"
#include "runtime/device/trace_hub.h"

namespace nrtb {

// Creates `dir` and its parents. False (with errno-style text in *error) on failure; never throws.
bool MakeDirectories(const std::string& dir, std::string* error);

class ProfileSession : public TraceSink {
 public:
  ProfileSession(std::unique_ptr<PerfettoWriter> writer, uint32_t model_id, uint32_t lnc)
      : writer_(std::move(writer)), model_id_(model_id), lnc_(lnc) {}
  void OnRecord(const TraceRecord& r) override;
  bool Finish() { return writer_->Finish(); }

 private:
  std::unique_ptr<PerfettoWriter> writer_;
  const uint32_t model_id_, lnc_;
};

class ContinuousCapture : public TraceSink {
 public:
  static constexpr size_t kMaxPendingPerNc = 4096;  // tensor ops kept between two executions

  explicit ContinuousCapture(uint32_t lnc_count) : cores_(lnc_count) {}
  void OnRecord(const TraceRecord& r) override;
  // Writes core `lnc`'s latest execution to a new file in `dir`. Throws Error(NRT_INVALID) when
  // nothing executed there yet, Error(NRT_FAILURE) when the file cannot be written.
  std::string Save(uint32_t lnc, const std::string& dir, uint64_t origin_ns);

 private:
  struct Owned {
    TraceRecord record;
    std::string label, detail;
  };
  struct Core {
    std::vector<Owned> pending;  // tensor ops since the last execution
    std::vector<Owned> last;     // the latest execution, preceded by its tensor ops
  };
  std::mutex mu_;
  std::vector<Core> cores_;
  uint64_t saves_ = 0;
};

struct InspectOptions {
  static constexpr int kActivityCount = 4;
  static const char* const kActivityNames[kActivityCount];  // system_profile, device_profile, host_memory, cpu_util

  int session_id = 1;
  std::string output_dir = "./output";
  SysTraceOptions capture;  // cores, event types, max events per core (system profile bound)
  uint32_t activities = (1u << kActivityCount) - 1;
  bool enable_inspect = false;
  bool enable_inspect_on_fail = false;
  bool system_profile() const { return (activities & 1u) != 0; }
  bool device_profile() const { return (activities & 2u) != 0; }
};

class InspectSession : public TraceSink {
 public:
  // Creates the session directory and opens the files. Throws Error(NRT_FAILURE) when it cannot.
  InspectSession(const InspectOptions& options, uint32_t lnc_count, uint64_t origin_ns);
  void OnRecord(const TraceRecord& r) override;
  // Finishes the files: kept per the options (device profiles on failure only, with
  // enable_inspect_on_fail alone). False when a kept file could not be written (logged).
  bool Finish();
  const std::string& directory() const { return dir_; }

 private:
  const InspectOptions options_;
  std::string dir_;
  std::unique_ptr<PerfettoWriter> system_;
  std::vector<std::unique_ptr<PerfettoWriter>> device_;  // per core; null when disabled
  std::mutex mu_;
  std::vector<uint64_t> system_events_;  // per core, bounded by capture.max_events_per_nc
  uint64_t system_dropped_ = 0;
  std::vector<bool> failed_;  // per core: a request failed
};

}  // namespace nrtb
