#include "inline_program.h"

namespace nrtm {

namespace {

// Calls that keep their meaning once nothing is pending on the table: the inline form waits for its request
// before any later Neuron call of its thread, and another thread's inline request uses only the tensor sets and
// tensors local to that thread's function, which no call here can reach.
bool StaysPlain(const std::string& form) {
  return form == "fence-read" || form == "fence-write" || form == "deferred-release";
}

// The calls StaysPlain covers, by name: a name made by token pasting was left for a rewrite by hand (NRTM1005),
// which an inline program does not need either.
bool PlainApi(const std::string& api) {
  for (const char* a : {"nrt_tensor_read", "nrt_tensor_write", "nrt_tensor_memset", "nrt_tensor_copy",
                        "nrt_tensor_read_batch", "nrt_tensor_write_batch", "nrt_tensor_free", "nrt_destroy_tensor_set"})
    if (api == a) return true;
  return false;
}

// The helper block's counterpart of a table call that must still wait for other threads' inline requests.
const char* RegistryName(const std::string& api) {
  if (api == "nrt_unload") return "nrtm_unload";
  if (api == "nrt_close") return "nrtm_close";
  if (api == "nrt_async_drain_queued_execs") return "nrtm_drain";
  return nullptr;
}

}  // namespace

void MakeInlineProgram(std::vector<Site>* sites) {
  for (Site& s : *sites) {
    if (!s.migrated && s.rule == "implicit-table" && s.diag == DiagId::kNoSpelling && PlainApi(s.api)) {
      s.migrated = true;
      s.form = "fence-read";  // made plain below, with the others
    }
    if (!s.migrated) continue;
    if (s.rule == "implicit-table" && StaysPlain(s.form)) {
      s.edits.clear();
      s.needs_support = false;
      s.form = "plain";
      s.diag = DiagId::kInlinePlain;
      s.reason = s.api +
                 " stays as it is: no execution of the program is on the request table, and every inline request "
                 "of this thread has been waited for before this call (another thread's uses only that function's "
                 "own tensors)";
    } else if (s.rule == "implicit-table" && RegistryName(s.api) && s.edits.size() == 1) {
      std::string name = RegistryName(s.api);
      s.edits[0].text = name;
      s.needs_support = false;
      s.needs_helper = true;
      s.form = "inline-wait";
      s.diag = DiagId::kInlineWait;
      s.reason = s.api + " -> " + name + " (waits for every thread's pending inline requests" +
                 (s.api == "nrt_unload"  ? " of the model"
                  : s.api == "nrt_close" ? ""
                                         : " on that core") +
                 ", as implicit mode did, then " +
                 (s.api == "nrt_unload"  ? "unloads"
                  : s.api == "nrt_close" ? "closes"
                                         : "returns") +
                 ")";
    } else if (s.form == "depth-carried" && s.edits.size() == 1) {
      std::string call = s.edits[0].text;  // nrtm_inflight_set_depth(N);
      std::string args = call.substr(call.find('('));
      s.edits[0].text = "nrtm_set_depth" + args;
      s.needs_support = false;
      s.needs_helper = true;
      s.reason = "the implicit-mode variable's setting -> nrtm_set_depth" + args.substr(0, args.find(';')) +
                 " (nrtm_schedule keeps the inline requests to the depth the program asked for)";
    } else if (s.form == "inline") {
      // Its stderr line needs <stdio.h>, which the helper block includes in an inline program.
      s.needs_support = false;
    }
  }
}

}  // namespace nrtm
