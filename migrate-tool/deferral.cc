#include "deferral.h"

#include <map>
#include <set>

namespace nrtm {

namespace {

// Functions that leave the current block without returning through it.
const std::set<std::string> kNoReturn = {
    "exit",         "_exit",  "_Exit",  "abort",  "quick_exit", "longjmp",       "_longjmp", "siglongjmp",
    "pthread_exit", "fork",   "vfork",  "raise",  "kill",       "execv",         "execve",   "execvp",
    "execl",        "execlp", "system", "setjmp", "sigsetjmp",  "pthread_cancel"};

bool StartsWithNrt(const std::string& name) { return name.rfind("nrt", 0) == 0; }

// Proves that code leaves a request alone: it names none of the request's variables, calls no Neuron API and
// no function it cannot see (C library functions excepted), cannot jump out of the block, and cannot throw.
class Prover {
 public:
  Prover(const TuContext& ctx, std::vector<CXCursor> request_decls)
      : ctx_(ctx), request_decls_(std::move(request_decls)) {}

  // A statement of the block after the call.
  bool StatementSafe(CXCursor stmt) { return Check(stmt, /*in_callee=*/false, 0); }
  const std::string& why() const { return why_; }

 private:
  struct Frame {
    Prover* self;
    bool in_callee;
    int depth;
    bool ok = true;
  };

  bool Check(CXCursor c, bool in_callee, int depth) {
    Frame f{this, in_callee, depth};
    if (!Visit1(c, &f)) return false;
    clang_visitChildren(c, &Prover::Visit, &f);
    return f.ok;
  }

  static CXChildVisitResult Visit(CXCursor c, CXCursor, CXClientData data) {
    auto* f = static_cast<Frame*>(data);
    if (!f->self->Visit1(c, f)) {
      f->ok = false;
      return CXChildVisit_Break;
    }
    return CXChildVisit_Recurse;
  }

  bool Fail(const std::string& why) {
    if (why_.empty()) why_ = why;
    return false;
  }

  bool Visit1(CXCursor c, Frame* f) {
    CXCursorKind k = clang_getCursorKind(c);
    switch (k) {
      case CXCursor_ReturnStmt:
      case CXCursor_BreakStmt:
      case CXCursor_ContinueStmt:
      case CXCursor_GotoStmt:
      case CXCursor_IndirectGotoStmt:
      case CXCursor_LabelStmt:
      case CXCursor_CaseStmt:
      case CXCursor_DefaultStmt:
        if (!f->in_callee) return Fail("the next statement may leave the block");
        return true;
      case CXCursor_AsmStmt:
      case CXCursor_MSAsmStmt:
        return Fail("inline assembly follows");
      case CXCursor_CXXThrowExpr:
      case CXCursor_CXXTryStmt:
      case CXCursor_CXXNewExpr:
      case CXCursor_CXXDeleteExpr:
        return Fail("code that may throw follows");
      case CXCursor_DeclRefExpr:
      case CXCursor_MemberRefExpr: {
        CXCursor target = clang_getCursorReferenced(c);
        for (const CXCursor& d : request_decls_)
          if (clang_equalCursors(d, target)) return Fail("'" + CursorSpelling(target) + "' is used");
        if (StartsWithNrt(CursorSpelling(target)) && clang_getCursorKind(target) == CXCursor_FunctionDecl)
          return Fail("'" + CursorSpelling(target) + "' is called");
        return true;
      }
      case CXCursor_CallExpr:
        return CallSafe(c, f->depth);
      default:
        return true;
    }
  }

  bool CallSafe(CXCursor call, int depth) {
    CXCursor callee = clang_getCursorReferenced(call);
    if (clang_Cursor_isNull(callee)) return Fail("a call the tool cannot resolve follows");
    CXCursorKind k = clang_getCursorKind(callee);
    std::string name = CursorSpelling(callee);
    if (k != CXCursor_FunctionDecl) return Fail("'" + name + "' (a method, constructor or pointer) is called");
    if (StartsWithNrt(name)) return Fail("'" + name + "' is called");
    if (kNoReturn.count(name)) return Fail("'" + name + "' may not return");
    std::string usr = ToString(clang_getCursorUSR(callee));
    auto def = ctx_.definitions.find(usr);
    if (def != ctx_.definitions.end()) {
      auto memo = memo_.find(usr);
      if (memo != memo_.end()) return memo->second || Fail("'" + name + "' may touch the request");
      if (depth > 16) return Fail("calls nest too deep to follow");
      memo_[usr] = true;  // a recursive call proves nothing new
      bool ok = Check(def->second, /*in_callee=*/true, depth + 1);
      memo_[usr] = ok;
      return ok || Fail("'" + name + "' may touch the request");
    }
    CXCursorKind parent = clang_getCursorKind(clang_getCursorSemanticParent(callee));
    bool c_library = clang_Location_isInSystemHeader(clang_getCursorLocation(callee)) &&
                     (parent == CXCursor_TranslationUnit || parent == CXCursor_LinkageSpec);
    if (c_library) return true;
    return Fail("'" + name + "' is called and the tool cannot see its body");
  }

  const TuContext& ctx_;
  std::vector<CXCursor> request_decls_;
  std::map<std::string, bool> memo_;
  std::string why_;
};

void CollectDeclRefs(CXCursor c, std::vector<CXCursor>* out) {
  clang_visitChildren(
      c,
      [](CXCursor child, CXCursor, CXClientData data) {
        if (clang_getCursorKind(child) == CXCursor_DeclRefExpr) {
          CXCursor target = clang_getCursorReferenced(child);
          CXCursorKind k = clang_getCursorKind(target);
          if (k == CXCursor_VarDecl || k == CXCursor_ParmDecl || k == CXCursor_FieldDecl)
            static_cast<std::vector<CXCursor>*>(data)->push_back(target);
        }
        return CXChildVisit_Recurse;
      },
      out);
}

size_t LineStart(const std::string& text, size_t offset) {
  size_t nl = offset == 0 ? std::string::npos : text.rfind('\n', offset - 1);
  return nl == std::string::npos ? 0 : nl + 1;
}

// The whitespace before offset on its line, or nullopt-like false if code precedes it there.
bool Indent(const std::string& text, size_t offset, std::string* indent) {
  size_t start = LineStart(text, offset);
  std::string prefix = text.substr(start, offset - start);
  if (prefix.find_first_not_of(" \t") != std::string::npos) return false;
  *indent = prefix;
  return true;
}

CXCursor SkipWrappers(const std::vector<CXCursor>& parents, size_t* i) {
  while (*i > 0) {
    CXCursorKind k = clang_getCursorKind(parents[*i - 1]);
    if (k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr) return parents[*i - 1];
    --*i;
  }
  return clang_getNullCursor();
}

}  // namespace

bool PlanDeferral(const TuContext& ctx, CXCursor call, size_t call_index, const std::vector<CXCursor>& parents,
                  const FileLoc& name_loc, bool status_is_request, DeferralPlan* plan, std::string* why) {
  if (ctx.takes_tensor_va) {
    *why = "the translation unit maps tensor memory (nrt_tensor_get_va), so no later statement is proven safe";
    return false;
  }
  CXSourceRange call_range = clang_getCursorExtent(call);
  if (InMacro(clang_getRangeStart(call_range)) || InMacro(clang_getRangeEnd(call_range))) {
    *why = "the call is written inside a macro";
    return false;
  }
  const std::string& text = *ctx.content(name_loc.file);
  size_t k = call_index;
  CXCursor up = SkipWrappers(parents, &k);  // parents[k - 1] == up; parents[k] is the statement's expression
  CXCursor stmt = clang_getNullCursor(), block = clang_getNullCursor(), status_var = clang_getNullCursor();
  std::string status_name;
  CXCursorKind up_kind = clang_getCursorKind(up);
  if (up_kind == CXCursor_CompoundStmt) {
    stmt = parents[k];
    block = up;
  } else if (up_kind == CXCursor_VarDecl && k >= 3 && clang_getCursorKind(parents[k - 2]) == CXCursor_DeclStmt &&
             clang_getCursorKind(parents[k - 3]) == CXCursor_CompoundStmt && Children(parents[k - 2]).size() == 1) {
    CXType t = clang_getCursorType(up);
    if (status_is_request && (clang_isConstQualifiedType(t) || t.kind == CXType_LValueReference)) {
      *why = "the status variable is const";
      return false;
    }
    stmt = parents[k - 2];
    block = parents[k - 3];
    status_var = up;
    status_name = CursorSpelling(up);
  } else if (up_kind == CXCursor_BinaryOperator && k >= 2 &&
             clang_getCursorKind(parents[k - 2]) == CXCursor_CompoundStmt) {
    std::vector<CXCursor> ops = Children(up);
    FileLoc lb, le, rb, re;
    if (ops.size() != 2 || clang_getCursorKind(ops[0]) != CXCursor_DeclRefExpr || !FileRange(ops[0], &lb, &le) ||
        !FileRange(ops[1], &rb, &re) || le.file != name_loc.file || rb.offset < le.offset) {
      *why = "the status is stored into something other than a variable";
      return false;
    }
    std::string op = text.substr(le.offset, rb.offset - le.offset);
    op.erase(0, op.find_first_not_of(" \t\n"));
    op.erase(op.find_last_not_of(" \t\n") + 1);
    if (op != "=") {
      *why = "the status is combined with '" + op + "'";
      return false;
    }
    stmt = up;
    block = parents[k - 2];
    status_var = clang_getCursorReferenced(ops[0]);
    status_name = CursorSpelling(status_var);
  } else {
    *why = "its status is used at once";
    return false;
  }
  // The statements of the block after the call, while each is proven to leave the request alone.
  std::vector<CXCursor> siblings = Children(block);
  size_t at = siblings.size();
  for (size_t s = 0; s < siblings.size(); ++s)
    if (clang_equalCursors(siblings[s], stmt)) at = s;
  if (at == siblings.size()) {
    *why = "the call's statement was not found in its block";
    return false;
  }
  std::vector<CXCursor> request;
  CollectDeclRefs(call, &request);
  if (status_is_request && !clang_Cursor_isNull(status_var)) request.push_back(status_var);
  Prover prover(ctx, request);
  size_t end = at + 1;
  while (end < siblings.size() && prover.StatementSafe(siblings[end])) ++end;
  if (end == at + 1) {
    *why = end < siblings.size() ? "the next statement needs the request (" + prover.why() + ")"
                                 : "nothing follows it in its block";
    return false;
  }
  FileLoc sb, se, bb, be, cb, ce;
  if (!FileRange(stmt, &sb, &se) || !FileRange(block, &bb, &be) || !FileRange(call, &cb, &ce) ||
      sb.file != name_loc.file || bb.file != name_loc.file || ce.offset == 0 || text[ce.offset - 1] != ')') {
    *why = "the statement is not written out in one file";
    return false;
  }
  std::string indent;
  bool own_line = Indent(text, sb.offset, &indent);
  plan->stmt_begin = sb.offset;
  plan->call_begin = cb.offset;
  plan->call_end = ce.offset;
  plan->sep = own_line ? "\n" + indent : " ";
  plan->status_var = status_var;
  plan->status_name = status_name;
  plan->stmt_is_call = up_kind == CXCursor_CompoundStmt;
  // Where the wait goes: before the first statement not proven safe, or before the block's closing brace.
  if (end < siblings.size()) {
    FileLoc nb, ne;
    if (!FileRange(siblings[end], &nb, &ne) || nb.file != name_loc.file) {
      *why = "the statement that needs the request is not written out in this file";
      return false;
    }
    std::string next_indent;
    plan->wait_at = nb.offset;
    plan->wait_lead = "";
    plan->wait_sep = Indent(text, nb.offset, &next_indent) ? "\n" + next_indent : " ";
    plan->wait_trail = plan->wait_sep;
    plan->where = "line " + std::to_string(nb.line) + ", where " + prover.why();
  } else {
    size_t brace = be.offset - 1;
    if (be.offset == 0 || text[brace] != '}') {
      *why = "the block's closing brace is not written out";
      return false;
    }
    std::string brace_indent;
    if (Indent(text, brace, &brace_indent) && own_line) {
      plan->wait_at = LineStart(text, brace);
      plan->wait_lead = indent;
      plan->wait_sep = "\n" + indent;
      plan->wait_trail = "\n";
    } else {
      plan->wait_at = brace;
      plan->wait_lead = "";
      plan->wait_sep = " ";
      plan->wait_trail = " ";
    }
    plan->where = "the end of the block";
  }
  return true;
}

bool TryDeferredForm(const TuContext& ctx, CXCursor call, size_t call_index, const std::vector<CXCursor>& parents,
                     const FileLoc& name_loc, Site* site, std::string* why) {
  DeferralPlan plan;
  if (!PlanDeferral(ctx, call, call_index, parents, name_loc, /*status_is_request=*/true, &plan, why)) return false;
  const std::string& status_name = plan.status_name;
  const CXCursor status_var = plan.status_var;
  const std::string& sep = plan.sep;
  std::string line = std::to_string(name_loc.line);
  std::string ret = "nrtm_ret_" + line, seq = "nrtm_seq_" + line, st = status_name.empty() ? "nrtm_st_" + line : "";
  std::string pre = "NRT_STATUS " + ret + " = NRT_SUCCESS;" + sep + "nrta_seq_t " + seq + " = 0;" + sep;
  if (!st.empty()) pre += "NRT_STATUS " + st + " = ";
  // A status kept in an int goes back through NRT_STATUS (C++ converts no int to an enum by itself).
  std::string cast = !clang_Cursor_isNull(status_var) &&
                             ToString(clang_getTypeSpelling(clang_getCanonicalType(clang_getCursorType(status_var)))) ==
                                 ToString(clang_getTypeSpelling(clang_getCanonicalType(
                                     clang_getCursorResultType(clang_getCursorReferenced(call)))))
                         ? ""
                         : "(NRT_STATUS)";
  std::string wait = st.empty() ? status_name + " = nrtm_finish(" + cast + status_name + ", " + seq + ", &" + ret + ");"
                                : "(void)nrtm_finish(" + st + ", " + seq + ", &" + ret + ");";
  site->form = "deferred-wait";
  site->diag = DiagId::kMigratedDeferredWait;
  site->migrated = true;
  site->needs_helper = true;
  site->edits.push_back({name_loc.file, plan.stmt_begin, 0, pre, -1, 1});
  site->edits.push_back({name_loc.file, name_loc.offset, std::string("nrt_execute").size(), "nrtm_schedule", -1, 0});
  site->edits.push_back({name_loc.file, plan.call_end - 1, 0, ", &" + ret + ", &" + seq, -1, 0});
  site->edits.push_back({name_loc.file, plan.wait_at, 0, plan.wait_lead + wait + plan.wait_trail, -1, 0});
  site->reason = "nrt_execute -> nrtm_schedule; the wait moved to " + plan.where +
                 " (the statements in between leave the request alone)";
  return true;
}

}  // namespace nrtm
