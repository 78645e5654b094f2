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
     "The identifier is built by token pasting, so no byte range of any file spells it, or it is written in a\n"
     "macro's body (#define RUN(m, i, o) nrt_execute(m, i, o)), which libclang's C API locates only where the\n"
     "macro is used; one edit there would not be the call's. Rewrite the macro by hand.",
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
    {DiagId::kFixesNeedNewFile, "the exported fixes include a file they cannot create",
     "clang-apply-replacements only edits files that exist, and the fixes of implicit-mode sites include\n"
     "nrtm_inflight.h, the request table the tool adds to the project: applied alone, they leave a tree that does\n"
     "not compile, so the run exits 3. Pass --write-support, and the tool creates the header in --in-root itself\n"
     "(atomically, and never over an existing file); the fixes then apply to a tree that builds. A later run\n"
     "finds the header and adds nothing.",
     "  nrt-migrate -p build --export-fixes fixes.yaml src/",
     "  nrt-migrate -p build --export-fixes fixes.yaml --write-support src/\n"
     "  clang-apply-replacements .   # the directory of fixes.yaml"},
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
     "drain or a completion wait, and no callback fires: move the callback's work after the wait by hand.\n"
     "In an implicit-mode program these calls go through the request table (NRTM1063-NRTM1065); there this id\n"
     "marks nrt_tensor_read_batch / nrt_tensor_write_batch, which the table does not fence: drain first.",
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
    {DiagId::kTableExecute, "implicit mode: nrt_execute scheduled into the in-flight request table",
     "The program ran in implicit async mode (the variable set in code, scripts or configuration, a callback,\n"
     "drain or output-completion call, or --mode implicit): nrt_execute returned once the request was queued\n"
     "and the runtime fenced tensor I/O. An exact schedule-and-wait would be correct but lose the overlap, across\n"
     "loop iterations too. The call becomes nrtm_inflight_execute (same signature) from nrtm_inflight.h, a\n"
     "readable header the tool adds to the project once: a table of in-flight requests over nrta_* only. It\n"
     "schedules (retrying NRT_QUEUE_FULL), keeps each request's status slot and job id, blocks while `depth`\n"
     "requests of the core are in flight (the depth the program gave the variable, carried into the code or the\n"
     "header; 3 otherwise), and a completion thread retires requests in order. The tensor calls, releases,\n"
     "drains, callbacks, unload and close of the program go through the same table (NRTM1061-NRTM1068).",
     "  for (;;) {\n    read_outputs(slot);  /* nrt_tensor_read */\n    prepare(slot);\n"
     "    nrt_execute(model, slot->in, slot->out);\n  }",
     "  #include \"nrtm_inflight.h\"\n  for (;;) {\n    read_outputs(slot);  /* nrtm_inflight_tensor_read */\n"
     "    prepare(slot);\n    nrtm_inflight_execute(model, slot->in, slot->out);\n  }"},
    {DiagId::kTableFenceRead, "implicit mode: tensor read fenced on the requests that write it",
     "In implicit mode nrt_tensor_read blocked until no pending execution wrote the tensor. The call becomes\n"
     "nrtm_inflight_tensor_read, which waits for exactly those requests of the table (none: no wait), then reads.",
     "  nrt_tensor_read(out, buf, 0, size);", "  nrtm_inflight_tensor_read(out, buf, 0, size);"},
    {DiagId::kTableFenceWrite, "implicit mode: tensor write, memset or copy fenced on the requests that use it",
     "In implicit mode nrt_tensor_write and nrt_tensor_memset blocked until no pending execution read or wrote\n"
     "the tensor (a copy: its source's writers and its destination's users). The call becomes the\n"
     "nrtm_inflight_ function of the same signature, which waits for exactly those requests, then writes.",
     "  nrt_tensor_write(in, buf, 0, size);", "  nrtm_inflight_tensor_write(in, buf, 0, size);"},
    {DiagId::kTableDrain, "implicit mode: drain through the table",
     "nrt_async_drain_queued_execs(vnc) becomes nrtm_inflight_drain(vnc): it returns once every request of that\n"
     "core has completed and its callback has run. From inside the callback it fails with NRT_INVALID.",
     "  nrt_async_drain_queued_execs(vnc);", "  nrtm_inflight_drain(vnc);"},
    {DiagId::kTableCompletion, "implicit mode: output-completion wait through the table",
     "nrt_tensor_check_output_completion becomes nrtm_inflight_check_output_completion: the runtime's counter\n"
     "(same timeout, same statuses), then the table retires the requests that wrote the tensor.",
     "  nrt_tensor_check_output_completion(out, timeout_us, n);",
     "  nrtm_inflight_check_output_completion(out, timeout_us, n);"},
    {DiagId::kTableCallback, "implicit mode: completion callback run by the table",
     "Since SDK 2.31 the runtime never calls a registered callback. nrtm_inflight_register_callback keeps the\n"
     "legacy contract: one call per request, from the table's completion thread (not the caller's), in\n"
     "scheduling order, with the request's own status, job id (increasing), model id (1, 2, ... in the order\n"
     "the table first saw the models) and core. Without a callback, failed requests are logged.",
     "  nrt_register_async_exec_callback(on_done, ctx);", "  nrtm_inflight_register_callback(on_done, ctx);"},
    {DiagId::kTableDeferredRelease, "implicit mode: release deferred to completion",
     "Legacy code may free tensors or destroy tensor sets right after nrt_execute returned (wrappers that build a\n"
     "set per call do). The nrtm_inflight_ release clears the handle at once and releases it when the last\n"
     "pending request that uses it completes; it never waits, so the overlap is kept.",
     "  nrt_destroy_tensor_set(&set);", "  nrtm_inflight_destroy_tensor_set(&set);"},
    {DiagId::kTableDrainFirst, "implicit mode: unload and close drain first",
     "nrt_unload waits for the model's pending requests and callbacks; nrt_close for all of them, then stops the\n"
     "table's completion thread and releases what was deferred.",
     "  nrt_unload(model);\n  nrt_close();", "  nrtm_inflight_unload(model);\n  nrtm_inflight_close();"},
    {DiagId::kDepthCarried, "implicit mode: the in-flight depth carried into the code",
     "The statement that set NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS (which has no effect since SDK 2.31)\n"
     "becomes nrtm_inflight_set_depth with its value, so the migrated program keeps the bound it asked for.",
     "  setenv(\"NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS\", \"3\", 1);", "  nrtm_inflight_set_depth(3);"},
    {DiagId::kInlineExecute, "implicit mode: nrt_execute as plain inline nrta_* code",
     "Where the tool sees the whole pattern in one function, an implicit-mode nrt_execute needs no request table:\n"
     "its tensor sets and their tensors are local variables, null until nrt_allocate_tensor_set and\n"
     "nrt_tensor_allocate create them there, filled by nrt_add_tensor_to_tensor_set calls in the function and\n"
     "only ever passed to Neuron calls (their address only to creation and release), and the program registers\n"
     "no completion callback and waits for no output completion. The call becomes nrtm_schedule (nrta_execute_schedule "
     "with a status slot and a\n"
     "retry while NRT_QUEUE_FULL, the helper NRTM1001 adds) and keeps its value, the scheduling status, as\n"
     "implicit mode did. The wait for that request (nrtm_finish) and its status check go right before the first\n"
     "later statement of the block that may need it (any Neuron call: a read, a write, a release, a drain,\n"
     "unload or close; a jump out of the block; a call the tool cannot see) or before the block's end, so host\n"
     "work in between overlaps the execution. A failed request is logged on stderr, as the table logs it when no\n"
     "callback is registered. Anything not proven stays on the table (NRTM1060), whose note says why.",
     "  nrt_tensor_write(x, in, 0, sizeof in);\n  nrt_execute(model, inputs, outputs);\n  h = host_work();\n"
     "  nrt_tensor_read(y, out, 0, sizeof out);",
     "  nrtm_inflight_tensor_write(x, in, 0, sizeof in);\n  NRT_STATUS nrtm_ret_9 = NRT_SUCCESS;\n"
     "  nrta_seq_t nrtm_seq_9 = 0;\n  NRT_STATUS nrtm_st_9 = nrtm_schedule(model, inputs, outputs, &nrtm_ret_9, "
     "&nrtm_seq_9);\n  h = host_work();\n  if (nrtm_st_9 == NRT_SUCCESS && (nrtm_st_9 = nrtm_finish(nrtm_st_9, "
     "nrtm_seq_9, &nrtm_ret_9)) != NRT_SUCCESS)\n    fprintf(stderr, \"nrt-migrate: execution at main.c:9 "
     "failed: %s\\n\", nrt_get_status_as_str(nrtm_st_9));\n  nrtm_inflight_tensor_read(y, out, 0, sizeof out);"},
    {DiagId::kInlinePlain, "inline program: tensor reads, writes and releases stay plain calls",
     "When every execution of an implicit-mode program got the inline form (NRTM1069), nothing is ever pending on\n"
     "the request table, so its fences and deferred releases would never wait: the calls stay nrt_tensor_read,\n"
     "nrt_tensor_write, nrt_tensor_free and so on, and no file includes the support header. Each inline request\n"
     "is waited for before the next Neuron call of its thread; another thread's request uses only the tensors\n"
     "local to that thread's function. One execution the table keeps (NRTM1060) puts every execution of the\n"
     "program on the table, whose depth and unload/close waits must see them all.",
     "  nrt_tensor_read(y, out, 0, sizeof out);", "  nrt_tensor_read(y, out, 0, sizeof out);"},
    {DiagId::kInlineWait, "inline program: unload, close and drain wait for every thread's requests",
     "Implicit mode's nrt_unload, nrt_close and drain waited for the pending requests of every thread. In an\n"
     "inline program the helper block records each inline request (nrtm_schedule also holds the depth the\n"
     "program asked for there, per core), and nrtm_unload / nrtm_close / nrtm_drain wait for the recorded\n"
     "requests (of the model, of all, of the core) to complete before the call. The setting of the removed\n"
     "variable becomes nrtm_set_depth.",
     "  nrt_unload(model);\n  nrt_close();", "  nrtm_unload(model);\n  nrtm_close();"},
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
