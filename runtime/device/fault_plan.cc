#include "runtime/device/fault_plan.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

#include "runtime/core/env.h"
#include "runtime/core/error.h"
#include "runtime/core/status_names.h"
#include "runtime/device/xu_id.h"

namespace nrtb {
namespace {

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    size_t next = s.find(sep, pos);
    out.push_back(s.substr(pos, next == std::string::npos ? std::string::npos : next - pos));
    if (next == std::string::npos) return out;
    pos = next + 1;
  }
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// splitmix64: a well-mixed hash, so prob=P selects an unbiased, reproducible subset.
uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace

FaultPlan FaultPlan::Parse(const std::string& spec) {
  FaultPlan plan;
  int index = 0;
  for (const std::string& raw_rule : Split(spec, ';')) {
    ++index;
    std::string rule_text = Trim(raw_rule);
    if (rule_text.empty()) continue;
    Rule r;
    bool status_given = false, action_given = false;
    char var[64];
    std::snprintf(var, sizeof var, "NRT_SIM_FAULTS rule %d", index);
    for (const std::string& raw_kv : Split(rule_text, ',')) {
      std::string kv = Trim(raw_kv);
      size_t eq = kv.find('=');
      if (eq == std::string::npos) ThrowInvalid("%s: \"%s\" is not key=value", var, kv.c_str());
      std::string key = Trim(kv.substr(0, eq)), value = Trim(kv.substr(eq + 1));
      if (key == "xu") {
        if (value == "compute")
          r.xu_type = static_cast<int>(XuType::kCompute);
        else if (value == "tensor_op")
          r.xu_type = static_cast<int>(XuType::kTensorOp);
        else if (value == "collectives")
          r.xu_type = static_cast<int>(XuType::kCollectives);
        else if (value != "any")
          ThrowInvalid("%s: xu=\"%s\" (expected compute, tensor_op, collectives or any)", var, value.c_str());
      } else if (key == "lnc") {
        r.lnc = static_cast<int>(ParseUintEnv(var, value, 0, 255));
      } else if (key == "queue") {
        r.queue = static_cast<int>(ParseUintEnv(var, value, 0, kMaxQueuesPerXu - 1));
      } else if (key == "nth") {
        r.nth = ParseUintEnv(var, value, 1, kSeqNumMask);
      } else if (key == "every") {
        r.every = ParseUintEnv(var, value, 1, kSeqNumMask);
      } else if (key == "match") {
        if (value.empty()) ThrowInvalid("%s: match= needs a name", var);
        r.match = value;
      } else if (key == "prob") {
        r.prob = ParseNumberEnv(var, value, 0, 1);
      } else if (key == "seed") {
        r.seed = ParseUintEnv(var, value, 0, UINT64_MAX);
      } else if (key == "status") {
        auto s = ParseStatus(value);
        if (!s) ThrowInvalid("%s: status=\"%s\" is not an NRT_STATUS name or value", var, value.c_str());
        r.fault.status = *s;
        status_given = true;
      } else if (key == "action") {
        if (value == "fail")
          r.fault.kind = FaultKind::kFail;
        else if (value == "hang")
          r.fault.kind = FaultKind::kHang;
        else if (value == "fatal")
          r.fault.kind = FaultKind::kFatal;
        else if (value == "hold")
          r.fault.kind = FaultKind::kHold;
        else
          ThrowInvalid("%s: action=\"%s\" (expected fail, hang, fatal or hold)", var, value.c_str());
        action_given = true;
      } else if (key == "hold") {
        if (value.empty()) ThrowInvalid("%s: hold= needs a file path", var);
        r.fault.hold_path = value;
      } else {
        ThrowInvalid(
            "%s: unknown key \"%s\" (expected xu, lnc, queue, nth, every, match, prob, seed, status, action, hold)",
            var, key.c_str());
      }
    }
    if (!r.fault.hold_path.empty() && !action_given) r.fault.kind = FaultKind::kHold;
    if (r.fault.kind == FaultKind::kHold) {
      if (r.fault.hold_path.empty()) ThrowInvalid("%s: action=hold needs hold=PATH", var);
      if (status_given) ThrowInvalid("%s: status= has no effect with action=hold (the request runs normally)", var);
      r.fault.status = NRT_SUCCESS;
    } else if (!r.fault.hold_path.empty()) {
      ThrowInvalid("%s: hold= goes with action=hold only", var);
    }
    if (r.fault.kind == FaultKind::kFatal && !status_given) r.fault.status = NRT_EXEC_HW_ERR_NC_UE;
    if (r.fault.kind == FaultKind::kHang) r.fault.status = NRT_TIMEOUT;
    if (r.fault.kind != FaultKind::kHang && r.fault.kind != FaultKind::kHold && r.fault.status == NRT_SUCCESS) {
      ThrowInvalid("%s: status=NRT_SUCCESS injects nothing", var);
    }
    plan.rules_.push_back(r);
  }
  return plan;
}

bool Fault::Released() const { return access(hold_path.c_str(), F_OK) == 0; }

void Fault::MarkHeld() const {
  int fd = open((hold_path + ".held").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd >= 0) close(fd);
}

std::optional<Fault> FaultPlan::Match(uint16_t xu_id, uint64_t n, const char* label) const {
  for (const Rule& r : rules_) {
    if (r.xu_type >= 0 && static_cast<uint32_t>(r.xu_type) != XuIdType(xu_id)) continue;
    if (r.lnc >= 0 && static_cast<uint32_t>(r.lnc) != XuIdLnc(xu_id)) continue;
    if (r.queue >= 0 && static_cast<uint32_t>(r.queue) != XuIdQueue(xu_id)) continue;
    if (r.every != 0) {
      const uint64_t first = r.nth != 0 ? r.nth : 1;
      if (n < first || (n - first) % r.every != 0) continue;
    } else if (r.nth != 0 && r.nth != n) {
      continue;
    }
    if (!r.match.empty() && (label == nullptr || r.match != label)) continue;
    if (r.prob >= 0) {
      double u = static_cast<double>(Mix(r.seed ^ Mix(static_cast<uint64_t>(xu_id) << 48 ^ n)) >> 11) * 0x1.0p-53;
      if (u >= r.prob) continue;
    }
    return r.fault;
  }
  return std::nullopt;
}

}  // namespace nrtb
