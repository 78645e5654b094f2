#include "driver.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "compile_db.h"
#include "edit_set.h"
#include "file_writer.h"
#include "helper_block.h"
#include "inline_program.h"
#include "libclang_util.h"
#include "prefilter.h"
#include "report.h"
#include "resource_dir.h"
#include "support_header.h"
#include "text_files.h"
#include "touched_lines_format.h"
#include "tu_analyzer.h"
#include "unified_diff.h"

namespace fs = std::filesystem;

namespace nrtm {

std::atomic<bool> g_interrupted{false};

namespace {

// File contents as first read; every offset of the run indexes into these.
class FileCache {
 public:
  const std::string* Get(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = files_.find(path);
    if (it != files_.end()) return it->second.get();
    auto content = std::make_unique<std::string>();
    if (!ReadFile(path, content.get())) return nullptr;
    return files_.emplace(path, std::move(content)).first->second.get();
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<std::string>> files_;
};

// Runs fn(i) for i in [0, n) on `jobs` threads.
template <typename Fn>
void ParallelFor(size_t n, unsigned jobs, Fn fn) {
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n && !g_interrupted.load();) fn(i);
  };
  std::vector<std::thread> threads;
  unsigned count = std::max(1u, std::min<unsigned>(jobs, static_cast<unsigned>(n)));
  for (unsigned t = 1; t < count; ++t) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
}

bool UnderRoot(const std::string& file, const std::string& root) {
  return file.size() > root.size() && file.compare(0, root.size(), root) == 0 && file[root.size()] == '/';
}

std::string Display(const std::string& path) {
  std::error_code ec;
  fs::path rel = fs::relative(path, fs::current_path(), ec);
  if (ec || rel.empty() || rel.string().rfind("..", 0) == 0) return path;
  return rel.string();
}

class Progress {
 public:
  Progress(bool on, size_t total, std::ostream& err) : on_(on), total_(total), err_(err) {}
  void Tick(const std::string& file) {
    if (!on_) return;
    std::lock_guard<std::mutex> lock(mu_);
    ++done_;
    std::string name = fs::path(file).filename().string();
    err_ << "\r[" << done_ << "/" << total_ << "] " << name.substr(0, 50) << "\033[K" << std::flush;
  }
  void Finish() {
    if (on_ && done_) err_ << "\r\033[K" << std::flush;
  }

 private:
  bool on_;
  size_t total_, done_ = 0;
  std::ostream& err_;
  std::mutex mu_;
};

}  // namespace

RunOutput Run(const Options& opts, std::ostream& out, std::ostream& err) {
  auto t0 = std::chrono::steady_clock::now();
  RunOutput run;
  auto fail = [&](int code, const std::string& msg) {
    err << "nrt-migrate: error: " << msg << "\n";
    run.exit_code = code;
    return run;
  };
  ResourceDir rd = FindResourceDir(opts.resource_dir);
  if (rd.path.empty()) return fail(kExitUsage, rd.error);
  if (opts.inputs.empty() && opts.build_dir.empty()) return fail(kExitUsage, "no sources given (and no -p build dir)");
  CompileSet cs = LoadCompileSet(opts.inputs, opts.build_dir, opts.extra_args);
  for (const std::string& e : cs.errors) err << "nrt-migrate: error: " << e << "\n";
  if (!cs.errors.empty()) {
    run.exit_code = kExitUsage;
    return run;
  }
  for (const std::string& n : cs.notes) err << "nrt-migrate: note: " << n << "\n";
  for (const std::string& m : cs.missing)
    run.diags.push_back({DiagId::kNoCompileCommand, Severity::kWarning, m, 0, 0,
                         "no entry in " + opts.build_dir + "/compile_commands.json; not migrated"});
  std::string root = Canonical(opts.in_root.empty() ? fs::current_path().string() : opts.in_root);
  unsigned jobs = opts.jobs ? opts.jobs : std::max(1u, std::thread::hardware_concurrency());
  // --check writes nothing and formatting cannot change whether there is work: it runs no clang-format.
  std::string format_note;
  std::string format_binary = opts.mode == OutputMode::kCheck ? "" : FindClangFormat(opts.clang_format, &format_note);
  TouchedLinesFormatter formatter(format_binary, format_note);

  // Parse and run the rules.
  FileCache cache;
  ContentFn content = [&cache](const std::string& f) { return cache.Get(f); };
  // Scripts and configuration files under the directories given (or --in-root when set).
  std::set<std::string> text_dirs;
  for (const std::string& in : opts.inputs)
    if (fs::is_directory(in)) text_dirs.insert(Canonical(in));
  if (!opts.in_root.empty()) text_dirs.insert(root);
  std::set<std::string> text_files;
  for (const std::string& d : text_dirs)
    for (const std::string& f : FindTextFiles(d)) text_files.insert(f);
  // Implicit mode is a property of the program, not of one file: decided once, before parsing.
  // Named relative to the root: the names end up in the support header.
  auto root_relative = [&](const std::string& f) { return UnderRoot(f, root) ? f.substr(root.size() + 1) : f; };
  std::vector<std::pair<std::string, const std::string*>> mode_sources, mode_texts;
  for (const CompileCommand& cmd : cs.commands)
    mode_sources.emplace_back(root_relative(Canonical(cmd.file)), cache.Get(cmd.file));
  for (const std::string& f : text_files) mode_texts.emplace_back(root_relative(f), cache.Get(f));
  ProgramMode mode = DetectProgramMode(opts.program_mode, mode_sources, mode_texts);
  Prefilter prefilter(mode.implicit);
  std::vector<TuResult> results(cs.commands.size());
  std::vector<char> skipped(cs.commands.size(), 0);
  Progress progress(opts.progress, cs.commands.size(), err);
  auto analyze = [&](size_t i) {
    const CompileCommand& cmd = cs.commands[i];
    if (!prefilter.NeedsParse(cmd.file, cmd.args)) {
      skipped[i] = 1;
      results[i].tu = cmd.file;
    } else {
      results[i] = AnalyzeTu(cmd, rd.path, content, mode);
    }
  };
  ParallelFor(cs.commands.size(), jobs, [&](size_t i) {
    analyze(i);
    progress.Tick(cs.commands[i].file);
  });
  progress.Finish();
  if (g_interrupted) return fail(kExitInterrupted, "interrupted; nothing was written");
  // A callback or output-completion wait that only a header holds (the mode scan reads main files), or an
  // execution that stays on the table: the table must see every request of the program (its depth counts them,
  // its unload and close wait for them), so a TU that gave an execution the inline form is analysed again.
  if (mode.implicit && mode.table_only.empty()) {
    std::vector<size_t> again;
    std::string table_execute;
    for (size_t t = 0; t < results.size(); ++t) {
      for (const Site& s : results[t].sites) {
        std::string at = root_relative(s.file) + ":" + std::to_string(s.line);
        if ((s.api == "nrt_register_async_exec_callback" || s.api == "nrt_tensor_check_output_completion") &&
            mode.table_only.empty())
          mode.table_only = "the table runs the program's completion callback or output-completion wait (" + at +
                            " calls " + s.api + ")";
        if (s.form == "table-execute" && table_execute.empty()) table_execute = at;
      }
      if (std::any_of(results[t].sites.begin(), results[t].sites.end(),
                      [](const Site& s) { return s.form == "inline"; }))
        again.push_back(t);
    }
    if (mode.table_only.empty() && !table_execute.empty())
      mode.table_only = "the execution at " + table_execute +
                        " stays on the table, which would neither count an inline request toward the in-flight depth "
                        "nor wait for it at nrt_unload and nrt_close";
    if (!mode.table_only.empty()) ParallelFor(again.size(), jobs, [&](size_t k) { analyze(again[k]); });
    if (g_interrupted) return fail(kExitInterrupted, "interrupted; nothing was written");
  }
  // No execution of the program is on the table: its fences and releases have nothing to wait for.
  const bool inline_program = mode.implicit && mode.table_only.empty();
  if (inline_program)
    for (TuResult& r : results) MakeInlineProgram(&r.sites);
  run.summary.tus = cs.commands.size();

  // One site per (file, offset, rule), whichever TUs saw it; sites outside the root are only reported.
  std::map<std::string, int> site_ids;
  std::vector<std::vector<int>> tu_sites(results.size());
  for (size_t t = 0; t < results.size(); ++t) {
    TuResult& r = results[t];
    if (skipped[t]) {
      ++run.summary.tus_skipped;
      continue;
    }
    r.parsed ? ++run.summary.tus_parsed : ++run.summary.tus_failed;
    run.diags.insert(run.diags.end(), r.diags.begin(), r.diags.end());
    for (Site& s : r.sites) {
      auto [it, fresh] = site_ids.emplace(s.Key(), static_cast<int>(run.sites.size()));
      if (fresh) {
        if (!UnderRoot(s.file, root) && s.migrated) {
          s.migrated = false;
          s.edits.clear();
          s.form = "not-migrated";
          s.diag = DiagId::kOutsideRoot;
          s.reason = "the file is outside --in-root " + root + "; not rewritten";
        }
        run.sites.push_back(s);
      }
      tu_sites[t].push_back(it->second);
    }
  }
  for (const std::string& f : text_files) {
    const std::string* text = cache.Get(f);
    if (!text) continue;
    ++run.summary.text_files;
    for (Site& s : ScanTextFile(f, *text)) {
      if (site_ids.emplace(s.Key(), static_cast<int>(run.sites.size())).second) run.sites.push_back(s);
    }
  }
  for (size_t i = 0; i < run.sites.size(); ++i)
    for (Edit& e : run.sites[i].edits) e.site = static_cast<int>(i);

  auto not_migrated = [&](int id, DiagId diag, const std::string& reason) {
    Site& s = run.sites[id];
    if (!s.migrated) return;
    s.migrated = false;
    s.form = "not-migrated";
    s.diag = diag;
    s.reason = reason;
  };

  // Header agreement: each parsed TU states its plan for every project file it includes.
  AgreementTable table;
  for (size_t t = 0; t < results.size(); ++t) {
    const TuResult& r = results[t];
    if (skipped[t] || !r.parsed) continue;
    std::map<std::string, std::vector<Edit>> plan;
    for (const std::string& f : r.files)
      if (UnderRoot(f, root)) plan[f];
    // This TU's own view of each site: a header reached with other macros may plan other edits.
    for (size_t j = 0; j < r.sites.size(); ++j) {
      int id = tu_sites[t][j];
      if (!r.sites[j].migrated || !run.sites[id].migrated) continue;
      for (Edit e : r.sites[j].edits) {
        e.site = id;
        plan[e.file].push_back(e);
      }
    }
    for (auto& [file, edits] : plan) table.Plan(file, Display(r.tu), edits);
  }
  for (const std::string& f : text_files) {
    std::vector<Edit> edits;
    for (const Site& s : run.sites)
      if (s.file == f && s.migrated) edits.insert(edits.end(), s.edits.begin(), s.edits.end());
    table.Plan(f, f, edits);
  }
  std::map<std::string, FileEdits> files;
  for (const auto& [file, groups] : table.Disagreements()) {
    std::string msg = "translation units disagree about the edits of this file, so it is left as it is:";
    for (const auto& g : groups) {
      msg += " {";
      for (size_t i = 0; i < g.size(); ++i) msg += (i ? ", " : "") + g[i];
      msg += "}";
    }
    run.diags.push_back({DiagId::kHeaderDisagrees, Severity::kWarning, file, 0, 0, msg});
    for (size_t i = 0; i < run.sites.size(); ++i)
      if (run.sites[i].file == file)
        not_migrated(static_cast<int>(i), DiagId::kHeaderDisagrees,
                     "translation units that include this file planned different edits (see NRTM1011)");
  }
  for (const std::string& file : table.Files()) {
    for (const Edit& e : table.Agreed(file)) {
      Edit copy = e;
      if (copy.site >= 0 && !run.sites[copy.site].migrated) continue;
      files[file].Add(copy);
    }
  }
  // Conflicts: the dropped edit's site is rolled back everywhere.
  std::set<int> rolled_back;
  for (auto& [file, fe] : files) {
    for (const Conflict& c : fe.conflicts()) {
      if (c.dropped.site < 0) continue;
      rolled_back.insert(c.dropped.site);
      const Site& s = run.sites[c.dropped.site];
      run.diags.push_back({DiagId::kEditConflict, Severity::kWarning, s.file, s.line, s.column,
                           "edit overlaps the edit of another site; this site is left as it was"});
      not_migrated(c.dropped.site, DiagId::kEditConflict, "its edit overlapped another site's edit");
    }
  }
  auto remove_site = [&](int id) {
    for (auto& [file, fe] : files) fe.RemoveSite(id);
  };
  for (int id : rolled_back) remove_site(id);

  // The helper block, once per file whose edits call it; in a program whose executions are all inline, with the
  // record of their requests that keeps the depth and makes unload and close wait.
  InlineRegistry registry;
  registry.on = inline_program;
  registry.depth = mode.depth;
  registry.origin = mode.origin;
  auto place_helpers = [&]() {
    for (auto& [file, fe] : files) {
      fe.RemoveSite(-1);
      bool needs = false;
      size_t first = std::string::npos;
      for (const Edit& e : fe.edits()) {
        if (e.site >= 0 && run.sites[e.site].needs_helper) {
          needs = true;
          first = std::min(first, e.offset);
        }
      }
      const std::string* text = cache.Get(file);
      // The support header's include, once per file whose edits call it (implicit mode).
      size_t first_support = std::string::npos;
      for (const Edit& e : fe.edits())
        if (e.site >= 0 && run.sites[e.site].needs_support) first_support = std::min(first_support, e.offset);
      std::string include;
      size_t include_at = std::string::npos;
      if (first_support != std::string::npos && text && text->find(kSupportHeaderName) == std::string::npos &&
          !IsSupportHeader(file)) {
        include_at = PlaceHelper(*text, first_support).offset;
        include = SupportInclude(file, root);
      }
      if (needs && text) {
        HelperPlacement p = PlaceHelper(*text, first);
        // Both at one offset (an implicit-mode file with inline sites): one insertion, as clang-apply-replacements
        // keeps only one of two insertions at the same offset.
        std::string block = HelperBlock(p.angle_includes, registry);
        if (!p.already_present && p.offset == include_at) {
          fe.Add({file, p.offset, 0, include + block, -1, -1});
          include.clear();
        } else if (!p.already_present) {
          fe.Add({file, p.offset, 0, block, -1, -1});
        }
      }
      if (!include.empty()) fe.Add({file, include_at, 0, include, -1, -2});
    }
  };
  place_helpers();

  // Re-parse every touched TU with the new text; roll back the sites whose edits break it.
  auto new_content = [&](const std::string& file) {
    const std::string* text = cache.Get(file);
    auto it = files.find(file);
    // What will be written: the edited lines formatted, so the re-parse checks that text.
    return text && it != files.end() ? ApplyEdits(*text, formatter.Format(file, *text, it->second.edits()))
                                     : std::string();
  };
  std::vector<size_t> touched;
  for (size_t t = 0; t < results.size(); ++t) {
    if (skipped[t] || !results[t].parsed) continue;
    for (const std::string& f : results[t].files)
      if (files.count(f) && files[f].HasSiteEdits()) {
        touched.push_back(t);
        break;
      }
  }
  // The support header, added to the root once (an existing one, e.g. from an earlier run, is kept).
  const std::string support_path = root + "/" + kSupportHeaderName;
  const bool support_new = mode.implicit && !fs::exists(support_path);
  const std::string support_text = SupportHeaderText(mode.depth, mode.origin);
  auto unsaved_for = [&](size_t t) {
    std::vector<Unsaved> u;
    if (support_new) {
      // The header does not exist yet: libclang sees it as an unsaved file under every spelling the includes
      // use (a "../nrtm_inflight.h" from a subdirectory is looked up unnormalised).
      std::set<std::string> spellings = {support_path};
      for (const std::string& f : results[t].files)
        spellings.insert(fs::path(f).parent_path().string() + "/" +
                         fs::path(support_path).lexically_relative(fs::path(f).parent_path()).generic_string());
      for (const std::string& p : spellings) u.push_back({p, support_text});
    }
    for (const std::string& f : results[t].files) {
      auto it = files.find(f);
      if (it != files.end() && !it->second.edits().empty()) u.push_back({f, new_content(f)});
    }
    return u;
  };
  std::vector<int> verify_errors(touched.size(), 0);
  {
    // new_content reads `files`, which is not modified while this runs.
    ParallelFor(touched.size(), jobs, [&](size_t i) {
      std::string first;
      verify_errors[i] = CountParseErrors(cs.commands[touched[i]], rd.path, unsaved_for(touched[i]), &first);
    });
  }
  for (size_t i = 0; i < touched.size(); ++i) {
    if (verify_errors[i] == 0) continue;
    size_t t = touched[i];
    // Add the TU's sites back one at a time, keeping each that leaves the TU parsing.
    std::vector<int> sites;
    for (int id : tu_sites[t])
      if (run.sites[id].migrated && std::find(sites.begin(), sites.end(), id) == sites.end()) sites.push_back(id);
    for (int id : sites) remove_site(id);
    place_helpers();
    for (int id : sites) {
      for (const Edit& e : run.sites[id].edits) files[e.file].Add(e);
      place_helpers();
      std::string first;
      if (CountParseErrors(cs.commands[t], rd.path, unsaved_for(t), &first) != 0) {
        remove_site(id);
        place_helpers();
        const Site& s = run.sites[id];
        run.diags.push_back({DiagId::kRolledBack, Severity::kWarning, s.file, s.line, s.column,
                             "the " + s.form + " edit made the file fail to parse (" + first + "); rolled back"});
        not_migrated(id, DiagId::kRolledBack, "its edit broke the parse: " + first);
      }
    }
  }

  // Diagnostics of the sites, then the outputs.
  for (const Site& s : run.sites) {
    ++run.summary.sites;
    if (s.migrated) {
      ++run.summary.migrated;
      ++run.summary.by_form[s.form];
      if (!s.Kind().empty()) ++run.summary.by_kind[s.Kind()];
    } else {
      ++run.summary.not_migrated;
    }
    if (s.migrated && opts.quiet) continue;
    run.diags.push_back({s.diag, s.severity(), s.file, s.line, s.column, s.api + ": " + s.reason});
  }
  bool write_failed = false;
  size_t written = 0;
  for (auto& [file, fe] : files) {
    fe.DropOrphanFileEdits();
    if (fe.edits().empty()) continue;
    const std::string* text = cache.Get(file);
    if (!text) continue;
    run.edits[file] = formatter.Format(file, *text, fe.edits());
    run.changes[file] = {*text, ApplyEdits(*text, run.edits[file])};
  }
  run.summary.files_changed = run.changes.size();
  for (const auto& [file, change] : run.changes) {
    if (g_interrupted) break;
    WriteResult w;
    switch (opts.mode) {
      case OutputMode::kDiff: {
        std::string name = Display(file);
        out << UnifiedDiff("a/" + name, "b/" + name, change.first, run.edits[file]);
        break;
      }
      case OutputMode::kCheck:
        break;
      case OutputMode::kInPlace:
        w = ReplaceFile(file, change.first, change.second, opts.backup);
        break;
      case OutputMode::kOutRoot: {
        std::string rel = UnderRoot(file, root) ? file.substr(root.size() + 1) : fs::path(file).filename().string();
        fs::path dest = fs::path(opts.out_root) / rel;
        std::error_code ec;
        fs::create_directories(dest.parent_path(), ec);
        std::string now;
        if (!ReadFile(file, &now) || now != change.first) {
          w.ok = false;
          w.changed_on_disk = true;
          w.error = file + " changed since the tool read it; not written";
        } else {
          w = WriteAtomically(dest.string(), change.second);
        }
        break;
      }
    }
    if (w.ok && (opts.mode == OutputMode::kInPlace || opts.mode == OutputMode::kOutRoot)) ++written;
    if (!w.ok) {
      write_failed = true;
      ++run.summary.files_failed;
      run.diags.push_back({w.changed_on_disk ? DiagId::kChangedDuringRun : DiagId::kWriteFailed, Severity::kError, file,
                           0, 0, w.error});
    }
  }
  // The support header: a new file, written once beside the migrated ones.
  bool support_used =
      std::any_of(run.sites.begin(), run.sites.end(), [](const Site& s) { return s.migrated && s.needs_support; });
  if (support_new && support_used && !g_interrupted) {
    ++run.summary.files_changed;
    WriteResult w;
    std::string target = support_path;
    // In the source tree only when asked (--in-place, --write-support), and never over a file that appeared.
    const bool in_tree = opts.mode == OutputMode::kInPlace || (opts.write_support && opts.mode != OutputMode::kCheck);
    WriteResult tree;
    if (in_tree) tree = WriteAtomically(support_path, support_text, /*create_only=*/true);
    switch (opts.mode) {
      case OutputMode::kDiff:
        // Once created (--write-support), the header is no longer a change to apply: `git apply` would refuse it.
        if (!in_tree || !tree.ok)
          out << UnifiedDiff("a/" + Display(support_path), "b/" + Display(support_path), "",
                             {Edit{support_path, 0, 0, support_text, -1}});
        break;
      case OutputMode::kCheck:
      case OutputMode::kInPlace:
        break;
      case OutputMode::kOutRoot:
        target = (fs::path(opts.out_root) / kSupportHeaderName).string();
        w = WriteAtomically(target, support_text);
        break;
    }
    for (const WriteResult* r : {&w, &tree}) {
      if (r->ok) continue;
      write_failed = true;
      ++run.summary.files_failed;
      run.diags.push_back({r->changed_on_disk ? DiagId::kChangedDuringRun : DiagId::kWriteFailed, Severity::kError,
                           support_path, 0, 0, r->error});
    }
    std::string msg =
        "added the in-flight request table the implicit-mode sites call (implicit mode: " + mode.why + "; depth " +
        (mode.depth > 0 ? std::to_string(mode.depth) + " from " + mode.origin : std::string("3, none was set")) + ")";
    if (in_tree && opts.mode != OutputMode::kInPlace) msg += "; created in the source tree (--write-support)";
    run.diags.push_back({DiagId::kTableExecute, Severity::kNote, support_path, 0, 0, msg});
    if (!opts.export_fixes.empty() && !in_tree) {
      // Applied alone, the fixes would leave a tree whose includes name a missing file: a partial result.
      write_failed = true;
      run.diags.push_back({DiagId::kFixesNeedNewFile, Severity::kWarning, support_path, 0, 0,
                           "the exported fixes include this new file, which clang-apply-replacements cannot create; "
                           "pass --write-support to create it in " +
                               Display(root)});
    }
  }
  std::stable_sort(run.diags.begin(), run.diags.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });
  for (const Diagnostic& d : run.diags) {
    Diagnostic shown = d;
    if (!shown.file.empty()) shown.file = Display(shown.file);
    err << Render(shown) << "\n";
  }
  for (const std::string& n : formatter.Notes()) err << "nrt-migrate: note: " << n << "\n";
  run.summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  err << SummaryText(run.summary);
  if (g_interrupted) {
    // The summary counts what was planned; say what Ctrl-C left on disk.
    bool writes = opts.mode == OutputMode::kInPlace || opts.mode == OutputMode::kOutRoot;
    err << "nrt-migrate: error: interrupted; "
        << (writes ? std::to_string(written) + " of " + std::to_string(run.changes.size()) +
                         " changed file(s) written, each completely; the others are as they were"
                   : std::string("the output is incomplete"))
        << "\n";
  }

  if (g_interrupted) {
    run.exit_code = kExitInterrupted;
  } else if (write_failed || run.summary.tus_failed) {
    run.exit_code = kExitPartial;
  } else if (opts.mode == OutputMode::kCheck) {
    bool remains = std::any_of(run.sites.begin(), run.sites.end(), [&](const Site& s) {
      // Report-only findings (the variable read somewhere, a file outside the root) fail only --check=strict.
      bool report_only = s.diag == DiagId::kEnvVarReported || s.diag == DiagId::kOutsideRoot;
      return !s.migrated && (!report_only || opts.check_strict);
    });
    if (!run.changes.empty() || remains) run.exit_code = kExitCheckFailed;
  }
  auto write_report = [&](const std::string& path, const std::string& text) {
    if (path.empty()) return;
    WriteResult w = WriteAtomically(path, text);
    if (!w.ok) {
      err << "nrt-migrate: error: " << w.error << "\n";
      if (run.exit_code == kExitOk) run.exit_code = kExitPartial;
    }
  };
  write_report(opts.report_json, JsonReport(run));
  write_report(opts.sarif, SarifReport(run));
  write_report(opts.export_fixes, ExportFixesYaml(run));
  return run;
}

}  // namespace nrtm
