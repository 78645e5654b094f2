#include "diagnostics.h"

#include <cstdio>

namespace nrtm {

namespace {

struct CatalogEntry {
  DiagId id;
  const char* title;
  const char* rationale;
  const char* before;
  const char* after;
};

const CatalogEntry kCatalog[] = {
    {DiagId::kMigratedExactWait, "nrt_execute migrated: schedule and wait at once",
     "Since Neuron SDK 2.31 nrt_execute always blocks. The call becomes nrtm_execute_wait, a helper the tool adds\n"
     "once per file: nrta_execute_schedule with a status slot, a retry while the queue is NRT_QUEUE_FULL, a wait\n"
     "for that request (eventfd), and the request's own status as the value. It is exactly equivalent wherever the\n"
     "call appears (statement, initializer, condition, return, macro argument, function pointer), but keeps no\n"
     "overlap: the tool uses this form where it cannot prove that a later wait is safe.",
     "  CHECK(nrt_execute(model, in, out));", "  CHECK(nrtm_execute_wait(model, in, out));"},
    {DiagId::kMigratedDeferredWait, "nrt_execute migrated: schedule now, wait before the first use",
     "The statements after the call provably do not touch the request's tensor sets, its status, or any Neuron\n"
     "API (the tool checked every function they call, transitively, or knows it from the C library), so the\n"
     "wait moves to the first statement that may, or to the end of the block. Host work in between overlaps\n"
     "the execution, as it did in implicit mode.",
     "  NRT_STATUS s = nrt_execute(model, in, out);\n  prepare_next(buf);\n  if (s != NRT_SUCCESS) ...",
     "  NRT_STATUS nrtm_ret_7 = NRT_SUCCESS;\n  nrta_seq_t nrtm_seq_7 = 0;\n"
     "  NRT_STATUS s = nrtm_schedule(model, in, out, &nrtm_ret_7, &nrtm_seq_7);\n  prepare_next(buf);\n"
     "  s = nrtm_finish(s, nrtm_seq_7, &nrtm_ret_7);\n  if (s != NRT_SUCCESS) ..."},
    {DiagId::kOutsideRoot, "legacy call in a file the tool does not rewrite",
     "The file lies outside --in-root (or is a system header). Migrate it with the project that owns it, or\n"
     "widen --in-root.",
     "", ""},
    {DiagId::kRepeatCount, "nrt_execute_repeat with a count other than 1",
     "Only nrt_execute_repeat(..., 1) is an nrt_execute. Other counts are deprecated host-side loops; write the\n"
     "loop explicitly, then run the tool again.",
     "  nrt_execute_repeat(model, in, out, n);", "  for (int i = 0; i < n; ++i) nrt_execute(model, in, out);"},
    {DiagId::kNoSpelling, "the call's name is produced by a macro",
     "The identifier is built by token pasting or stringizing, so no byte range of any file spells it. Rewrite\n"
     "the macro by hand.",
     "", ""},
    {DiagId::kParseError, "the translation unit does not parse",
     "libclang reported errors, so the tool cannot see every call. Nothing in this TU is rewritten. Fix the\n"
     "compile command (-p, -- <args>) or the code, then run again.",
     "", ""},
    {DiagId::kHeaderDisagrees, "translation units disagree about a shared header",
     "A header is edited only when every translation unit that includes it plans the same edit; macros or\n"
     "include order made them differ, so the header is left as it is.",
     "", ""},
    {DiagId::kEditConflict, "overlapping edits",
     "Two sites planned edits over the same bytes; the later one is dropped.", "", ""},
    {DiagId::kRolledBack, "the edit broke the parse and was rolled back",
     "Every edited translation unit is parsed again with the new text before anything is written; a site whose\n"
     "edit adds an error is rolled back and left as it was.",
     "", ""},
    {DiagId::kChangedDuringRun, "the file changed during the run",
     "Its contents differ from what the tool read, so writing would lose someone's change. Run again.", "", ""},
    {DiagId::kWriteFailed, "the file cannot be written",
     "The file is read-only or its directory cannot hold a temporary file. Nothing was written to it.", "", ""},
    {DiagId::kEnvVarRemoved, "NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS setting removed",
     "Since Neuron SDK 2.31 the variable only earns a deprecation warning. The statement that set it is removed.",
     "  setenv(\"NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS\", \"3\", 1);", "  (the statement is gone)"},
    {DiagId::kEnvVarReported, "NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS used where the tool does not rewrite it",
     "The variable is read, or set in a form the tool cannot remove alone. Remove it by hand; it no longer has\n"
     "an effect.",
     "", ""},
    {DiagId::kImplicitCall, "implicit-mode call not migrated",
     "nrt_register_async_exec_callback, nrt_async_drain_queued_execs and nrt_tensor_check_output_completion\n"
     "belong to implicit mode. This version of the tool reports them (a drain whose value is unused is removed,\n"
     "NRTM1031). After migration every execution has completed once its wait returns, so nothing is left for a\n"
     "drain or a completion wait, and no callback fires: move the callback's work after the wait by hand.",
     "", ""},
    {DiagId::kDrainRemoved, "nrt_async_drain_queued_execs removed",
     "Every migrated execution is waited for before the next Neuron call and before its block ends, so at a\n"
     "drain nothing is in flight (and since SDK 2.31 nrt_execute queues nothing). A drain whose value is not\n"
     "used is removed; one whose status is used is reported (NRTM1030) and left.",
     "  nrt_async_drain_queued_execs(0);", "  (the statement is gone)"},
    {DiagId::kInactiveCode, "legacy call inside an inactive preprocessor block",
     "The preprocessor skipped this block under the current flags, so the tool cannot parse it. Run again with\n"
     "flags that enable it (-- -DNAME) to migrate it.",
     "", ""},
    {DiagId::kNoCompileCommand, "no compile database entry",
     "The source is not in compile_commands.json; it is skipped.", "", ""},
};

}  // namespace

std::string DiagCode(DiagId id) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "NRTM%d", static_cast<int>(id));
  return buf;
}

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kNote:
      return "note";
    case Severity::kWarning:
      return "warning";
    case Severity::kError:
      return "error";
  }
  return "note";
}

std::string Render(const Diagnostic& d) {
  std::string out;
  if (!d.file.empty()) {
    out = d.file;
    if (d.line) out += ":" + std::to_string(d.line) + ":" + std::to_string(d.column);
    out += ": ";
  } else {
    out = "nrt-migrate: ";
  }
  out += SeverityName(d.severity);
  out += ": " + d.message + " [" + DiagCode(d.id) + "]";
  return out;
}

std::string Explain(std::string_view code) {
  for (const CatalogEntry& e : kCatalog) {
    if (DiagCode(e.id) != code) continue;
    std::string out = DiagCode(e.id) + ": " + e.title + "\n\n" + e.rationale + "\n";
    if (*e.before) out += std::string("\nBefore:\n") + e.before + "\n\nAfter:\n" + e.after + "\n";
    return out;
  }
  return "";
}

}  // namespace nrtm
