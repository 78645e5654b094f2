#include "runtime/device/validation_report.h"

#include <cxxabi.h>
#include <dlfcn.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace nrtb {

const char* CheckName(Check c) {
  switch (c) {
    case Check::kHostReadRace:
      return "host-read-racing-device-write";
    case Check::kHostWriteRace:
      return "host-write-racing-device-access";
    case Check::kReadAfterWrite:
      return "cross-unit-read-after-write";
    case Check::kWriteAfterRead:
      return "cross-unit-write-after-read";
    case Check::kWriteAfterWrite:
      return "cross-unit-write-after-write";
    case Check::kTensorFreed:
      return "tensor-freed-while-pending";
    case Check::kTensorSetDestroyed:
      return "tensor-set-destroyed-while-pending";
    case Check::kModelUnloaded:
      return "model-unloaded-while-pending";
    case Check::kClosedWithPending:
      return "closed-while-pending";
    case Check::kEventFdRemoved:
      return "eventfd-removed-while-pending";
    case Check::kEventFdClosed:
      return "eventfd-closed-while-pending";
    case Check::kStatusSlotReused:
      return "status-slot-reused-while-pending";
    case Check::kQueueFullSpin:
      return "queue-full-spin";
  }
  return "unknown-check";
}

std::string DescribeSite(const void* site) {
  if (site == nullptr) return "unknown call site";
  char buf[512];
  Dl_info info{};
  if (dladdr(site, &info) == 0 || info.dli_fname == nullptr) {
    std::snprintf(buf, sizeof buf, "%p", site);
    return buf;
  }
  const auto addr = reinterpret_cast<uintptr_t>(site);
  const auto module_off = addr - reinterpret_cast<uintptr_t>(info.dli_fbase);
  std::string out;
  if (info.dli_sname != nullptr) {
    int status = -1;
    std::unique_ptr<char, decltype(&std::free)> demangled(
        abi::__cxa_demangle(info.dli_sname, nullptr, nullptr, &status), &std::free);
    const char* name = status == 0 && demangled ? demangled.get() : info.dli_sname;
    std::snprintf(buf, sizeof buf, "%s+0x%" PRIxPTR " ", name, addr - reinterpret_cast<uintptr_t>(info.dli_saddr));
    out = buf;
  }
  // The module offset is what addr2line takes (the address is a return address: the call is just before it).
  std::snprintf(buf, sizeof buf, "(%s+0x%" PRIxPTR ")", info.dli_fname, module_off);
  return out + buf;
}

ValidationReport::ValidationReport(bool abort_on_finding, Sink sink)
    : abort_(abort_on_finding), sink_(std::move(sink)) {}

void ValidationReport::Emit(const std::string& line) {
  if (sink_) {
    sink_(line);
    return;
  }
  // One write per line, so lines of concurrent findings and of the application do not interleave.
  std::string with_newline = line + "\n";
  std::fwrite(with_newline.data(), 1, with_newline.size(), stderr);
  std::fflush(stderr);
}

void ValidationReport::Add(Check check, const void* site, const std::function<std::string()>& detail) {
  std::lock_guard<std::mutex> lock(mu_);
  ++total_;
  if (++counts_[{check, site}] > 1) return;
  Emit(std::string("nrt-validate: [") + CheckName(check) + "] " + detail());
  if (abort_) {
    Emit("nrt-validate: aborting at the first finding (NRT_SIM_VALIDATE=abort)");
    std::abort();
  }
}

void ValidationReport::PrintSummary() {
  std::lock_guard<std::mutex> lock(mu_);
  if (total_ == 0) {
    Emit("nrt-validate: summary: no findings");
    return;
  }
  Emit("nrt-validate: summary: " + std::to_string(total_) + " finding(s) at " + std::to_string(counts_.size()) +
       " call site(s)");
  for (const auto& [key, count] : counts_) {
    Emit(std::string("nrt-validate:   [") + CheckName(key.first) + "] x" + std::to_string(count) + " at " +
         DescribeSite(key.second));
  }
}

uint64_t ValidationReport::total() const {
  std::lock_guard<std::mutex> lock(mu_);
  return total_;
}

}  // namespace nrtb
