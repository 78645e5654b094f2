#include "inline_form.h"

#include "deferral.h"

namespace nrtm {

namespace {

bool IsFunctionKind(CXCursorKind k) {
  return k == CXCursor_FunctionDecl || k == CXCursor_CXXMethod || k == CXCursor_Constructor ||
         k == CXCursor_Destructor || k == CXCursor_FunctionTemplate || k == CXCursor_ConversionFunction;
}

CXCursor Unwrap(CXCursor c) {
  while (clang_getCursorKind(c) == CXCursor_UnexposedExpr || clang_getCursorKind(c) == CXCursor_ParenExpr) {
    std::vector<CXCursor> kids = Children(c);
    if (kids.size() != 1) break;
    c = kids[0];
  }
  return c;
}

// A local variable of the function (automatic storage, not a reference): what only this function can reach
// unless its address or value is handed on, which PatternVisible() checks.
bool LocalVar(CXCursor var, CXCursor function) {
  return clang_getCursorKind(var) == CXCursor_VarDecl && !clang_Cursor_hasVarDeclGlobalStorage(var) &&
         clang_getCursorType(var).kind == CXType_Pointer &&
         clang_equalCursors(clang_getCursorSemanticParent(var), function);
}

// One use of a watched variable: the call it is an argument of (null: any other use) and its argument index.
struct Use {
  CXCursor call;
  int arg = -1;
  std::string callee;
  unsigned line = 0;
  bool address = false;  // through a unary operator: &var hands the variable itself to the callee
};

// Every use of the variables in `vars` within the function body, with the call each is a direct argument of
// (through casts, parentheses and a unary & or *).
class UseFinder {
 public:
  explicit UseFinder(const std::vector<CXCursor>& vars) : vars_(vars) {}
  void Run(CXCursor body) { Walk(body); }
  std::vector<std::pair<size_t, Use>> uses;  // index into vars, use

 private:
  void Walk(CXCursor c) {
    stack_.push_back(c);
    for (CXCursor child : Children(c)) {
      if (clang_getCursorKind(child) == CXCursor_DeclRefExpr) {
        CXCursor target = clang_getCursorReferenced(child);
        for (size_t v = 0; v < vars_.size(); ++v)
          if (clang_equalCursors(target, vars_[v])) uses.push_back({v, UseOf(child)});
      }
      Walk(child);
    }
    stack_.pop_back();
  }

  Use UseOf(CXCursor ref) {
    Use u{clang_getNullCursor(), -1, "", ExpansionLoc(clang_getCursorLocation(ref)).line, false};
    CXCursor arg = ref;
    size_t i = stack_.size();
    while (i > 0) {
      CXCursorKind k = clang_getCursorKind(stack_[i - 1]);
      if (k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr && k != CXCursor_UnaryOperator &&
          k != CXCursor_CStyleCastExpr)
        break;
      arg = stack_[--i];
      if (k == CXCursor_UnaryOperator) u.address = true;
    }
    if (i == 0 || clang_getCursorKind(stack_[i - 1]) != CXCursor_CallExpr) return u;
    CXCursor call = stack_[i - 1];
    for (int a = 0; a < clang_Cursor_getNumArguments(call); ++a)
      // By extent: libclang's cursors for one expression differ with the declaration they were reached from.
      if (clang_equalRanges(clang_getCursorExtent(clang_Cursor_getArgument(call, static_cast<unsigned>(a))),
                            clang_getCursorExtent(arg)))
        u.arg = a;
    if (u.arg < 0) return u;
    CXCursor callee = clang_getCursorReferenced(call);
    if (clang_getCursorKind(callee) != CXCursor_FunctionDecl) return u;
    u.call = call;
    u.callee = CursorSpelling(callee);
    return u;
  }

  const std::vector<CXCursor>& vars_;
  std::vector<CXCursor> stack_;
};

// The variable starts out null (or uninitialised): its value can only come from the calls checked below, not
// from a set or tensor built elsewhere.
bool StartsNull(const TuContext& ctx, CXCursor var) {
  for (CXCursor c : Children(var)) {
    CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_TypeRef || k == CXCursor_NamespaceRef || k == CXCursor_TemplateRef) continue;
    FileLoc b, e;
    const std::string* text = FileRange(c, &b, &e) ? ctx.content(b.file) : nullptr;
    if (!text || e.offset < b.offset || e.offset > text->size()) return false;
    std::string init;
    for (char ch : text->substr(b.offset, e.offset - b.offset))
      if (!isspace(static_cast<unsigned char>(ch)) && ch != '(' && ch != ')') init += ch;
    if (init != "NULL" && init != "0" && init != "nullptr" && init != "void*0") return false;
  }
  return true;
}

// Checks every use of one watched variable: only as an argument of a Neuron call, its address only to
// `create` (which must be called) or `release`.
bool OnlyNeuronUses(const std::vector<std::pair<size_t, Use>>& uses, size_t v, const std::string& what,
                    const std::string& name, const char* create, const char* release, std::string* why) {
  bool created = false;
  for (const auto& [w, use] : uses) {
    if (w != v) continue;
    if (clang_Cursor_isNull(use.call) || use.callee.rfind("nrt", 0) != 0) {
      *why = what + " '" + name + "' is used at line " + std::to_string(use.line) +
             " other than as an argument of a Neuron call";
      return false;
    }
    if (!use.address) continue;
    if (use.callee == create) {
      created = true;
    } else if (use.callee != release) {
      *why = what + " '" + name + "' is handed to " + use.callee + " at line " + std::to_string(use.line) + " (only " +
             create + " and " + release + " may take its address)";
      return false;
    }
  }
  if (!created) *why = what + " '" + name + "' is not created by " + create + " in the function";
  return created;
}

bool IsNeuronCall(const Use& u) { return !clang_Cursor_isNull(u.call) && u.callee.rfind("nrt", 0) == 0; }

// The whole pattern is visible: both sets are local variables of the function, null until
// nrt_allocate_tensor_set creates them here, only ever passed to Neuron calls and filled by
// nrt_add_tensor_to_tensor_set calls in the function; every tensor they are filled with is a local variable, null
// until nrt_tensor_allocate creates it here, only ever passed to Neuron calls and added to these sets alone. Then no
// other function, thread or data structure reaches what the request uses, and every host access to it is a
// Neuron call in this function, which the deferral's proof waits before.
bool PatternVisible(const TuContext& ctx, CXCursor call, const std::vector<CXCursor>& parents, std::string* why) {
  CXCursor function = clang_getNullCursor();
  for (size_t i = parents.size(); i > 0 && clang_Cursor_isNull(function); --i) {
    CXCursorKind k = clang_getCursorKind(parents[i - 1]);
    if (k == CXCursor_LambdaExpr) {
      *why = "the call is inside a lambda, whose captures may outlive the function";
      return false;
    }
    if (IsFunctionKind(k)) function = parents[i - 1];
  }
  if (clang_Cursor_isNull(function) || clang_Cursor_getNumArguments(call) != 3) {
    *why = "the call is not a three-argument call inside a function";
    return false;
  }
  const char* const kArgName[] = {"model", "input set", "output set"};
  std::vector<CXCursor> sets;
  for (unsigned a = 1; a < 3; ++a) {
    CXCursor arg = Unwrap(clang_Cursor_getArgument(call, a));
    CXCursor var =
        clang_getCursorKind(arg) == CXCursor_DeclRefExpr ? clang_getCursorReferenced(arg) : clang_getNullCursor();
    if (clang_Cursor_isNull(var) || !LocalVar(var, function)) {
      *why = std::string("the ") + kArgName[a] +
             " is not a local variable of the function (reached through a parameter, a global or a data "
             "structure); the table fences it at run time";
      return false;
    }
    bool dup = false;
    for (const CXCursor& s : sets) dup = dup || clang_equalCursors(s, var);
    if (!dup) sets.push_back(var);
  }
  CXCursor body = clang_getNullCursor();
  for (CXCursor c : Children(function))
    if (clang_getCursorKind(c) == CXCursor_CompoundStmt) body = c;
  if (clang_Cursor_isNull(body)) {
    *why = "the function's body is not visible";
    return false;
  }
  UseFinder set_uses(sets);
  set_uses.Run(body);
  for (size_t v = 0; v < sets.size(); ++v) {
    std::string name = CursorSpelling(sets[v]);
    if (!StartsNull(ctx, sets[v])) {
      *why = "the tensor set '" + name + "' starts out as a set built elsewhere";
      return false;
    }
    if (!OnlyNeuronUses(set_uses.uses, v, "the tensor set", name, "nrt_allocate_tensor_set", "nrt_destroy_tensor_set",
                        why))
      return false;
  }
  std::vector<CXCursor> tensors;
  std::vector<bool> filled(sets.size(), false);
  for (const auto& [v, use] : set_uses.uses) {
    if (!IsNeuronCall(use)) {
      *why = "the tensor set '" + CursorSpelling(sets[v]) + "' is used at line " + std::to_string(use.line) +
             " other than as an argument of a Neuron call";
      return false;
    }
    if (use.callee != "nrt_add_tensor_to_tensor_set" || use.arg != 0) continue;
    filled[v] = true;
    CXCursor t = Unwrap(clang_Cursor_getArgument(use.call, 2));
    CXCursor var =
        clang_getCursorKind(t) == CXCursor_DeclRefExpr ? clang_getCursorReferenced(t) : clang_getNullCursor();
    if (clang_Cursor_isNull(var) || !LocalVar(var, function)) {
      *why = "a tensor of '" + CursorSpelling(sets[v]) + "' is not a local variable of the function";
      return false;
    }
    bool dup = false;
    for (const CXCursor& x : tensors) dup = dup || clang_equalCursors(x, var);
    if (!dup) tensors.push_back(var);
  }
  for (size_t v = 0; v < sets.size(); ++v) {
    if (!filled[v]) {
      *why = "no nrt_add_tensor_to_tensor_set call for '" + CursorSpelling(sets[v]) + "' is in the function";
      return false;
    }
  }
  UseFinder tensor_uses(tensors);
  tensor_uses.Run(body);
  for (size_t v = 0; v < tensors.size(); ++v) {
    std::string name = CursorSpelling(tensors[v]);
    if (!StartsNull(ctx, tensors[v])) {
      *why = "the tensor '" + name + "' starts out as a tensor allocated elsewhere";
      return false;
    }
    // Not a slice (nrt_tensor_allocate_slice shares its parent's storage) nor a tensor taken from another set.
    if (!OnlyNeuronUses(tensor_uses.uses, v, "the tensor", name, "nrt_tensor_allocate", "nrt_tensor_free", why))
      return false;
  }
  for (const auto& [v, use] : tensor_uses.uses) {
    std::string name = CursorSpelling(tensors[v]);
    if (!IsNeuronCall(use)) {
      *why = "the tensor '" + name + "' is used at line " + std::to_string(use.line) +
             " other than as an argument of a Neuron call";
      return false;
    }
    if (use.callee != "nrt_add_tensor_to_tensor_set") continue;
    CXCursor to = Unwrap(clang_Cursor_getArgument(use.call, 0));
    bool ours = false;
    for (const CXCursor& s : sets)
      ours = ours ||
             (clang_getCursorKind(to) == CXCursor_DeclRefExpr && clang_equalCursors(clang_getCursorReferenced(to), s));
    if (!ours) {
      *why = "the tensor '" + name + "' is also added to another tensor set";
      return false;
    }
  }
  return true;
}

std::string BaseName(const std::string& path) { return path.substr(path.rfind('/') + 1); }

}  // namespace

bool TryInlineForm(const TuContext& ctx, CXCursor call, size_t call_index, const std::vector<CXCursor>& parents,
                   const FileLoc& name_loc, Site* site, std::string* why) {
  if (!PatternVisible(ctx, call, parents, why)) return false;
  DeferralPlan plan;
  if (!PlanDeferral(ctx, call, call_index, parents, name_loc, /*status_is_request=*/false, &plan, why)) return false;
  // Last, so that a site the pattern or the deferral rules out says so rather than what rules out every site.
  if (!ctx.table_only_why.empty()) {
    *why = ctx.table_only_why;
    return false;
  }
  std::string line = std::to_string(name_loc.line);
  std::string ret = "nrtm_ret_" + line, seq = "nrtm_seq_" + line, st = "nrtm_st_" + line;
  // The call keeps its value (implicit mode returned the scheduling status); nrtm_st_ keeps it for the wait.
  std::string pre = "NRT_STATUS " + ret + " = NRT_SUCCESS;" + plan.sep + "nrta_seq_t " + seq + " = 0;" + plan.sep;
  std::string open, close;
  if (plan.stmt_is_call) {
    pre += "NRT_STATUS " + st + " = ";
  } else if (plan.call_begin == name_loc.offset) {
    pre += "NRT_STATUS " + st + ";" + plan.sep;
    open = "(" + st + " = ";
    close = ")";
  } else {
    *why = "the call's name does not start the call expression";
    return false;
  }
  // The request's own status, checked where the wait is: a failure is logged as the table logs it when the
  // program registered no callback (the legacy default callback), never lost silently.
  std::string wait = "if (" + st + " == NRT_SUCCESS && (" + st + " = nrtm_finish(" + st + ", " + seq + ", &" + ret +
                     ")) != NRT_SUCCESS)" + plan.wait_sep + "  fprintf(stderr, \"nrt-migrate: execution at " +
                     BaseName(name_loc.file) + ":" + line + " failed: %s\\n\", nrt_get_status_as_str(" + st + "));";
  site->form = "inline";
  site->diag = DiagId::kInlineExecute;
  site->migrated = true;
  site->needs_helper = true;
  // fprintf needs <stdio.h>: a file without it gets the support header's include, which has it.
  const std::string& text = *ctx.content(name_loc.file);
  site->needs_support = text.find("<stdio.h>") == std::string::npos && text.find("<cstdio>") == std::string::npos;
  site->edits.push_back({name_loc.file, plan.stmt_begin, 0, pre, -1, 1});
  site->edits.push_back(
      {name_loc.file, name_loc.offset, std::string("nrt_execute").size(), open + "nrtm_schedule", -1, 0});
  site->edits.push_back({name_loc.file, plan.call_end - 1, 0, ", &" + ret + ", &" + seq, -1, 0});
  if (!close.empty()) site->edits.push_back({name_loc.file, plan.call_end, 0, close, -1, 0});
  site->edits.push_back({name_loc.file, plan.wait_at, 0, plan.wait_lead + wait + plan.wait_trail, -1, 0});
  site->reason =
      "nrt_execute -> nrtm_schedule, inline: the whole pattern is in this function (its tensor sets and "
      "tensors are local and reach only Neuron calls here) and the wait is at " +
      plan.where + "; host work in between overlaps the execution";
  return true;
}

}  // namespace nrtm
