// Streams trace records to a Chrome/Perfetto trace-event JSON file (ui.perfetto.dev,
// chrome://tracing) with bounded memory: records are formatted into a fixed-size buffer that is
// written out whenever it fills, so a run of any length costs the same few kilobytes of heap.
// The file is written as <path>.tmp.<pid> and renamed to <path> by Finish(), so a reader never sees
// a half-written trace (a crash leaves only the temporary file).
//
// Layout: one process per logical core (pid = lnc); one thread per execution unit (tid = XU type *
// 16 + queue) carrying an instant "schedule <label>" and a complete event "<label>" per request;
// tid 240 carries synchronous tensor operations, tid 241 model load / unload; unit failures are
// instants on the unit's track. Nothing here throws: write errors are reported once, by Finish().
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "runtime/device/trace_event.h"

namespace nrtb {

class PerfettoWriter {
 public:
  static constexpr size_t kBufferBytes = 64 * 1024;
  static constexpr size_t kMaxLabelBytes = 256;  // longer names are cut (bounded buffer)

  // Opens the temporary file. Null, with one log line naming `what`, when it cannot be created.
  static std::unique_ptr<PerfettoWriter> Open(const std::string& path, const char* what, uint64_t origin_ns) noexcept;
  ~PerfettoWriter();
  PerfettoWriter(const PerfettoWriter&) = delete;
  PerfettoWriter& operator=(const PerfettoWriter&) = delete;

  // Writes the events of `record` whose types are in `mask`. Thread-safe, never throws.
  void Write(const TraceRecord& record, TraceEventMask mask = kAllTraceEvents) noexcept;
  // Closes the JSON document (adding `dropped` to otherData) and renames the file into place, or
  // removes it when keep is false. Idempotent. False (logged once) when anything failed.
  bool Finish(bool keep = true, uint64_t dropped = 0) noexcept;

  const std::string& path() const { return path_; }
  uint64_t requests() const;

 private:
  PerfettoWriter(std::string path, std::string tmp, const char* what, std::FILE* file, uint64_t origin_ns);
  void AppendEventLocked(const TraceRecord& r, TraceEventMask mask);
  void BeginEventLocked();
  void FlushLocked();
  double Us(uint64_t ns) const;

  const std::string path_, tmp_;
  const char* const what_;
  const uint64_t origin_ns_;
  mutable std::mutex mu_;
  std::FILE* file_;
  std::string buf_;
  bool first_ = true;
  bool failed_ = false;
  bool finished_ = false;
  uint64_t requests_ = 0;
  std::set<uint32_t> lncs_;                       // bounded by the number of logical cores
  std::set<std::pair<uint32_t, uint32_t>> tracks_;  // (pid, tid): bounded by units per core
};

}  // namespace nrtb
