// One place in the source that a rule looked at, what the rule did there, and why.
#pragma once

#include <string>
#include <vector>

#include "diagnostics.h"
#include "edit_set.h"

namespace nrtm {

struct Site {
  std::string file;  // canonical path of the spelling (where the bytes to edit are)
  unsigned line = 0, column = 0, offset = 0;
  std::string rule;  // "sync-execute", "env-var", "implicit-call"
  std::string api;   // the legacy name found
  std::string form;  // "exact-wait", "deferred-wait", "removed", or "not-migrated"
  std::string reason;
  DiagId diag = DiagId::kMigratedExactWait;
  bool migrated = false;
  bool needs_helper = false;   // its edits call the helpers of helper_block.h
  bool needs_support = false;  // its edits call the support header nrtm_inflight.h
  std::vector<Edit> edits;     // Edit::site is filled in by the driver

  // The family of the form, for the report: "inline" (plain nrta_* code, implicit mode: the inline execution and,
  // in an inline program, the calls that stay plain or wait on the helper block's record), "table" (the support
  // header's request table), "sync" (the synchronous nrt_execute rule); empty for the other rules.
  std::string Kind() const {
    if (form == "inline" || form == "plain" || form == "inline-wait") return "inline";
    if (rule == "implicit-table") return "table";
    if (rule == "sync-execute") return "sync";
    return "";
  }
  Severity severity() const { return migrated ? Severity::kNote : Severity::kWarning; }
  // Sites are the same when they start at the same byte of the same file with the same rule.
  std::string Key() const { return file + ":" + std::to_string(offset) + ":" + rule; }
};

}  // namespace nrtm
