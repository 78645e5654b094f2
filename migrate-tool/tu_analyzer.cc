#include "tu_analyzer.h"

#include <set>

#include "libclang_util.h"
#include "prefilter.h"
#include "program_mode.h"
#include "support_header.h"

namespace nrtm {

std::vector<std::string> ParseArgs(const CompileCommand& cmd, const std::string& resource_dir) {
  std::vector<std::string> args = cmd.args;
  if (!resource_dir.empty()) {
    args.push_back("-resource-dir");
    args.push_back(resource_dir);
  }
  // Headers named .h are C unless the TU says otherwise; a C++ TU is parsed as C++ whatever its flags say.
  if (IsCppFile(cmd.file)) args.insert(args.begin(), {"-x", "c++"});
  return args;
}

namespace {

constexpr unsigned kParseOptions = CXTranslationUnit_DetailedPreprocessingRecord | CXTranslationUnit_KeepGoing;

CXTranslationUnit Parse(CXIndex index, const CompileCommand& cmd, const std::string& resource_dir,
                        const std::vector<Unsaved>& unsaved) {
  std::vector<std::string> args = ParseArgs(cmd, resource_dir);
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::vector<CXUnsavedFile> files;
  for (const Unsaved& u : unsaved) files.push_back({u.file.c_str(), u.content.c_str(), u.content.size()});
  CXTranslationUnit tu = nullptr;
  CXErrorCode err = clang_parseTranslationUnit2(index, cmd.file.c_str(), argv.data(), static_cast<int>(argv.size()),
                                                files.empty() ? nullptr : files.data(),
                                                static_cast<unsigned>(files.size()), kParseOptions, &tu);
  return err == CXError_Success ? tu : nullptr;
}

int CountErrors(CXTranslationUnit tu, std::string* first_error, Diagnostic* first_diag) {
  int errors = 0;
  unsigned n = clang_getNumDiagnostics(tu);
  for (unsigned i = 0; i < n; ++i) {
    CXDiagnostic d = clang_getDiagnostic(tu, i);
    if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
      if (errors++ == 0) {
        std::string msg = ToString(clang_getDiagnosticSpelling(d));
        FileLoc loc = SpellingLoc(clang_getDiagnosticLocation(d));
        if (first_error) *first_error = (loc.valid() ? loc.file + ":" + std::to_string(loc.line) + ": " : "") + msg;
        if (first_diag) {
          first_diag->file = loc.file;
          first_diag->line = loc.line;
          first_diag->column = loc.column;
          first_diag->message = msg;
        }
      }
    }
    clang_disposeDiagnostic(d);
  }
  return errors;
}

const std::set<std::string>& InterestingFunctions() {
  static const std::set<std::string> names = {"nrt_execute",
                                              "nrt_execute_repeat",
                                              "nrt_register_async_exec_callback",
                                              "nrt_async_drain_queued_execs",
                                              "nrt_tensor_check_output_completion",
                                              "nrt_tensor_get_va"};
  return names;
}

struct Walker {
  TuContext* ctx;
  std::vector<CXCursor> stack;
  std::vector<Reference> refs;

  static CXChildVisitResult Visit(CXCursor c, CXCursor, CXClientData data) {
    auto* w = static_cast<Walker*>(data);
    CXSourceLocation loc = clang_getCursorLocation(c);
    if (clang_Location_isInSystemHeader(loc)) return CXChildVisit_Continue;
    CXCursorKind kind = clang_getCursorKind(c);
    if (kind == CXCursor_DeclRefExpr) {
      CXCursor target = clang_getCursorReferenced(c);
      if (clang_getCursorKind(target) == CXCursor_FunctionDecl) {
        std::string name = CursorSpelling(target);
        // The support header calls the synchronous API on purpose; its calls are not legacy sites.
        bool interesting = InterestingFunctions().count(name) || (w->ctx->implicit && IsTableApi(name));
        if (interesting && IsSupportHeader(SpellingLoc(loc).file)) interesting = false;
        // Nor are those of the helper block the tool added (nrtm_unload calls nrt_unload): its own output.
        for (size_t i = w->stack.size(); interesting && i > 0; --i)
          if (clang_getCursorKind(w->stack[i - 1]) == CXCursor_FunctionDecl &&
              CursorSpelling(w->stack[i - 1]).rfind("nrtm_", 0) == 0)
            interesting = false;
        if (interesting) {
          if (name == "nrt_tensor_get_va") w->ctx->takes_tensor_va = true;
          w->refs.push_back({c, w->stack, name});
        }
      }
    } else if (kind == CXCursor_StringLiteral) {
      std::string text = CursorSpelling(c);
      if (text.find("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS") != std::string::npos)
        w->refs.push_back({c, w->stack, text});
    } else if ((kind == CXCursor_FunctionDecl || kind == CXCursor_CXXMethod || kind == CXCursor_FunctionTemplate) &&
               clang_isCursorDefinition(c)) {
      w->ctx->definitions.emplace(ToString(clang_getCursorUSR(c)), c);
    }
    w->stack.push_back(c);
    clang_visitChildren(c, &Walker::Visit, data);
    w->stack.pop_back();
    return CXChildVisit_Continue;
  }
};

void CollectFiles(CXTranslationUnit tu, std::vector<std::string>* files) {
  std::set<std::string> seen;
  auto cb = [](CXFile file, CXSourceLocation* stack, unsigned depth, CXClientData data) {
    auto* out = static_cast<std::set<std::string>*>(data);
    // An include reached from a system header is a system header too.
    if (depth > 0 && clang_Location_isInSystemHeader(stack[0])) return;
    out->insert(Canonical(ToString(clang_getFileName(file))));
  };
  clang_getInclusions(tu, cb, &seen);
  files->assign(seen.begin(), seen.end());
}

void ReportInactiveCode(CXTranslationUnit tu, const ContentFn& content, TuResult* result) {
  CXSourceRangeList* ranges = clang_getAllSkippedRanges(tu);
  if (!ranges) return;
  for (unsigned i = 0; i < ranges->count; ++i) {
    FileLoc begin = SpellingLoc(clang_getRangeStart(ranges->ranges[i]));
    FileLoc end = SpellingLoc(clang_getRangeEnd(ranges->ranges[i]));
    if (!begin.valid() || begin.file != end.file || end.offset < begin.offset) continue;
    const std::string* text = content(begin.file);
    if (!text || end.offset > text->size()) continue;
    std::string block = text->substr(begin.offset, end.offset - begin.offset);
    if (!MentionsLegacyToken(block)) continue;
    result->diags.push_back({DiagId::kInactiveCode, Severity::kWarning, begin.file, begin.line, begin.column,
                             "legacy Neuron API use in a block the preprocessor skipped; not migrated (run again "
                             "with flags that enable it)"});
  }
  clang_disposeSourceRangeList(ranges);
}

}  // namespace

int CountParseErrors(const CompileCommand& cmd, const std::string& resource_dir, const std::vector<Unsaved>& unsaved,
                     std::string* first_error) {
  Index index;
  TranslationUnit tu(Parse(index.get(), cmd, resource_dir, unsaved));
  if (!tu) return -1;
  return CountErrors(tu.get(), first_error, nullptr);
}

TuResult AnalyzeTu(const CompileCommand& cmd, const std::string& resource_dir, const ContentFn& content,
                   const ProgramMode& mode) {
  TuResult result;
  result.tu = cmd.file;
  Index index;
  TranslationUnit tu(Parse(index.get(), cmd, resource_dir, {}));
  if (!tu) {
    result.diags.push_back({DiagId::kParseError, Severity::kError, cmd.file, 0, 0,
                            "libclang could not parse this translation unit; nothing in it is rewritten"});
    return result;
  }
  Diagnostic first{DiagId::kParseError, Severity::kError, cmd.file, 0, 0, ""};
  if (int errors = CountErrors(tu.get(), nullptr, &first); errors > 0) {
    first.message = "the translation unit does not parse (" + std::to_string(errors) +
                    " error(s), first: " + first.message + "); nothing in it is rewritten";
    result.diags.push_back(first);
    return result;
  }
  result.parsed = true;
  CollectFiles(tu.get(), &result.files);
  TuContext ctx;
  ctx.tu = tu.get();
  ctx.main_file = cmd.file;
  ctx.is_cpp = IsCppFile(cmd.file);
  ctx.content = content;
  ctx.implicit = mode.implicit;
  ctx.implicit_why = mode.why;
  ctx.table_only_why = mode.table_only;
  Walker walker{&ctx, {}, {}};
  clang_visitChildren(clang_getTranslationUnitCursor(tu.get()), &Walker::Visit, &walker);
  // A callback or an output-completion wait that a header of this TU holds (the program-wide scan reads only
  // the main files) keeps every execution on the table too.
  for (const Reference& ref : walker.refs) {
    if (!ctx.table_only_why.empty()) break;
    if (ref.name == "nrt_register_async_exec_callback" || ref.name == "nrt_tensor_check_output_completion") {
      FileLoc at = ExpansionLoc(clang_getCursorLocation(ref.cursor));
      ctx.table_only_why = "the table runs the program's completion callback or output-completion wait (" +
                           at.file.substr(at.file.rfind('/') + 1) + ":" + std::to_string(at.line) + " calls " +
                           ref.name + ")";
    }
  }
  for (const Reference& ref : walker.refs) {
    if (ctx.implicit && IsTableApi(ref.name)) {
      RunImplicitTableRule(ctx, ref, &result.sites);
    } else if (ref.name == "nrt_execute" || ref.name == "nrt_execute_repeat") {
      RunSyncExecuteRule(ctx, ref, &result.sites);
    } else if (ref.name == "nrt_tensor_get_va") {
      continue;
    } else if (ref.name.rfind("nrt_", 0) == 0) {
      RunImplicitCallRule(ctx, ref, &result.sites);
    } else {
      RunEnvVarRule(ctx, ref, &result.sites);
    }
  }
  ReportInactiveCode(tu.get(), content, &result);
  return result;
}

}  // namespace nrtm
