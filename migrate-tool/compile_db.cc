#include "compile_db.h"

#include <clang-c/CXCompilationDatabase.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "libclang_util.h"

namespace fs = std::filesystem;

namespace nrtm {

namespace {

// GCC-only options that clang rejects as unknown arguments (which would make the TU look broken).
const char* const kGccOnlyPrefixes[] = {"-fno-canonical-system-headers",
                                        "-fconcepts-diagnostics-depth",
                                        "-mno-direct-extern-access",
                                        "-fanalyzer",
                                        "-fipa-",
                                        "-fno-ipa-",
                                        "-ftree-",
                                        "-fno-tree-",
                                        "-fcompare-debug-second",
                                        "-fno-semantic-interposition",
                                        "-fdiagnostics-urls",
                                        "-fno-allow-store-data-races"};
// Options followed by a separate value that we drop with it.
const char* const kDropWithValue[] = {"-o", "-MF", "-MT", "-MQ"};
const char* const kDropAlone[] = {"-c", "-MD", "-MMD", "-MP", "-M", "-MM", "-pipe"};

bool StartsWith(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

std::string Ext(const std::string& path) { return fs::path(path).extension().string(); }

}  // namespace

bool IsCppFile(const std::string& path) {
  static const std::set<std::string> exts = {".cc", ".cpp", ".cxx", ".C", ".c++", ".hpp", ".hh", ".hxx"};
  return exts.count(Ext(path)) > 0;
}

bool IsSourceFile(const std::string& path) {
  std::string e = Ext(path);
  return e == ".c" || (IsCppFile(path) && e != ".hpp" && e != ".hh" && e != ".hxx");
}

std::vector<std::string> FilterArgs(const std::vector<std::string>& argv, const std::string& source,
                                    std::vector<std::string>* notes, const std::string& directory) {
  std::vector<std::string> out;
  size_t i = 0;
  // The compiler, after any launcher.
  while (i < argv.size() && !argv[i].empty() && argv[i][0] != '-') {
    std::string base = fs::path(argv[i]).filename().string();
    ++i;
    if (base != "ccache" && base != "sccache" && base != "distcc") break;
  }
  std::string src_canon = Canonical(source);
  for (; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (std::any_of(std::begin(kDropWithValue), std::end(kDropWithValue), [&](const char* d) { return a == d; })) {
      ++i;
      continue;
    }
    if (std::any_of(std::begin(kDropAlone), std::end(kDropAlone), [&](const char* d) { return a == d; })) continue;
    if (StartsWith(a, "-Werror")) continue;  // a warning must not look like a parse failure
    if (std::any_of(std::begin(kGccOnlyPrefixes), std::end(kGccOnlyPrefixes),
                    [&](const char* p) { return StartsWith(a, p); })) {
      if (notes) {
        std::string note = "dropped '" + a + "' (a GCC-only flag clang cannot use)";
        if (std::find(notes->begin(), notes->end(), note) == notes->end()) notes->push_back(note);
      }
      continue;
    }
    if (!a.empty() && a[0] != '-' &&
        (a == source || Canonical(directory.empty() || a[0] == '/' ? a : directory + "/" + a) == src_canon))
      continue;
    out.push_back(a);
  }
  return out;
}

namespace {

void CollectSources(const std::string& input, std::vector<std::string>* out, std::vector<std::string>* errors) {
  std::error_code ec;
  if (fs::is_directory(input, ec)) {
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(input, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      // Build trees (CMake's compiler probes) and hidden directories hold no project sources.
      if (it->is_directory(ec)) {
        std::string name = it->path().filename().string();
        if ((name.size() > 1 && name[0] == '.') || fs::exists(it->path() / "CMakeCache.txt", ec))
          it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec) && IsSourceFile(it->path().string())) found.push_back(Canonical(it->path()));
    }
    std::sort(found.begin(), found.end());
    out->insert(out->end(), found.begin(), found.end());
  } else if (fs::is_regular_file(input, ec)) {
    out->push_back(Canonical(input));
  } else {
    errors->push_back("no such file or directory: " + input);
  }
}

// libclang resolves relative paths from the process's directory; the compile ran in `dir`.
std::vector<std::string> AbsolutizePaths(const std::vector<std::string>& args, const std::string& dir) {
  static const char* const kPathFlags[] = {"-I", "-isystem", "-iquote", "-idirafter", "-include", "-imacros"};
  std::vector<std::string> out;
  auto abs = [&](const std::string& p) { return p.empty() || p[0] == '/' ? p : (fs::path(dir) / p).string(); };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    bool done = false;
    for (const char* f : kPathFlags) {
      if (a == f && i + 1 < args.size()) {
        out.push_back(a);
        out.push_back(abs(args[++i]));
        done = true;
      } else if (StartsWith(a, f) && a.size() > std::char_traits<char>::length(f) && std::string(f) == "-I") {
        out.push_back("-I" + abs(a.substr(2)));
        done = true;
      }
      if (done) break;
    }
    if (!done) out.push_back(a);
  }
  return out;
}

}  // namespace

CompileSet LoadCompileSet(const std::vector<std::string>& inputs, const std::string& build_dir,
                          const std::vector<std::string>& extra_args) {
  CompileSet set;
  std::vector<std::string> sources;
  for (const std::string& in : inputs) CollectSources(in, &sources, &set.errors);
  if (build_dir.empty()) {
    std::string cwd = fs::current_path().string();
    for (const std::string& s : sources) set.commands.push_back({s, cwd, extra_args});
    return set;
  }
  std::error_code ec;
  if (!fs::is_regular_file(fs::path(build_dir) / "compile_commands.json", ec)) {
    // Checked here: libclang would print its own two-line complaint first.
    set.errors.push_back("no compile_commands.json in " + build_dir +
                         " (configure with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON, or pass sources and -- <args>)");
    return set;
  }
  CXCompilationDatabase_Error err = CXCompilationDatabase_NoError;
  CXCompilationDatabase db = clang_CompilationDatabase_fromDirectory(build_dir.c_str(), &err);
  if (err != CXCompilationDatabase_NoError || !db) {
    set.errors.push_back("cannot load " + build_dir + "/compile_commands.json");
    return set;
  }
  std::set<std::string> wanted(sources.begin(), sources.end());
  std::vector<std::string> dirs;  // directory inputs select every entry under them
  for (const std::string& in : inputs)
    if (fs::is_directory(in)) dirs.push_back(Canonical(in) + "/");
  std::set<std::string> seen;
  CXCompileCommands all = clang_CompilationDatabase_getAllCompileCommands(db);
  unsigned n = clang_CompileCommands_getSize(all);
  for (unsigned i = 0; i < n; ++i) {
    CXCompileCommand cmd = clang_CompileCommands_getCommand(all, i);
    std::string dir = ToString(clang_CompileCommand_getDirectory(cmd));
    std::string file = ToString(clang_CompileCommand_getFilename(cmd));
    fs::path p(file);
    if (p.is_relative()) p = fs::path(dir) / p;
    std::string canon = Canonical(p.string());
    bool selected = inputs.empty() || wanted.count(canon) ||
                    std::any_of(dirs.begin(), dirs.end(), [&](const std::string& d) { return canon.rfind(d, 0) == 0; });
    if (!selected || !seen.insert(canon).second) continue;
    std::vector<std::string> argv;
    unsigned nargs = clang_CompileCommand_getNumArgs(cmd);
    for (unsigned a = 0; a < nargs; ++a) argv.push_back(ToString(clang_CompileCommand_getArg(cmd, a)));
    std::vector<std::string> args = AbsolutizePaths(FilterArgs(argv, p.string(), &set.notes, dir), dir);
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    set.commands.push_back({canon, dir, std::move(args)});
  }
  clang_CompileCommands_dispose(all);
  clang_CompilationDatabase_dispose(db);
  for (const std::string& s : sources)
    if (!seen.count(s)) set.missing.push_back(s);
  return set;
}

}  // namespace nrtm
