#include "clang_format_runner.h"

#include <clang-c/Index.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <regex>

#include "libclang_util.h"

extern char** environ;

namespace fs = std::filesystem;

namespace nrtm {

namespace {

bool Executable(const fs::path& p) { return !p.empty() && access(p.c_str(), X_OK) == 0 && !fs::is_directory(p); }

fs::path OnPath(const std::string& name) {
  const char* path = getenv("PATH");
  std::string dirs = path ? path : "";
  size_t pos = 0;
  while (pos <= dirs.size()) {
    size_t end = dirs.find(':', pos);
    if (end == std::string::npos) end = dirs.size();
    fs::path dir = dirs.substr(pos, end - pos);
    if (!dir.empty() && Executable(dir / name)) return dir / name;
    pos = end + 1;
  }
  return {};
}

// An anonymous in-memory file: clang-format's stdin, stdout and stderr, so no pipe can fill up and block.
int MemFile(const char* name) { return memfd_create(name, MFD_CLOEXEC); }

bool WriteAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return lseek(fd, 0, SEEK_SET) == 0;
}

std::string ReadAll(int fd) {
  std::string out;
  if (lseek(fd, 0, SEEK_SET) != 0) return out;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// Decodes the XML entities clang-format writes (&#10; &#13; &lt; &amp; ...).
bool Unescape(const std::string& s, std::string* out) {
  out->clear();
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      *out += s[i];
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string::npos) return false;
    std::string ent = s.substr(i + 1, semi - i - 1);
    if (ent == "lt") {
      *out += '<';
    } else if (ent == "gt") {
      *out += '>';
    } else if (ent == "amp") {
      *out += '&';
    } else if (ent == "apos") {
      *out += '\'';
    } else if (ent == "quot") {
      *out += '"';
    } else if (ent.size() > 1 && ent[0] == '#') {
      char* end = nullptr;
      long code = ent[1] == 'x' ? strtol(ent.c_str() + 2, &end, 16) : strtol(ent.c_str() + 1, &end, 10);
      // clang-format escapes only control characters this way.
      if (*end != '\0' || code < 0 || code > 127) return false;
      *out += static_cast<char>(code);
    } else {
      return false;
    }
    i = semi;
  }
  return true;
}

}  // namespace

std::string FindClangFormat(const std::string& explicit_path, std::string* note) {
  note->clear();
  if (explicit_path == "none") return "";
  if (!explicit_path.empty()) {
    if (Executable(explicit_path)) return explicit_path;
    *note = "--clang-format " + explicit_path + " is not an executable; the edited lines keep the tool's layout";
    return "";
  }
  std::string version = ToString(clang_getClangVersion());
  std::smatch m;
  std::string major;
  if (std::regex_search(version, m, std::regex(R"((\d+)\.\d+)"))) major = m.str(1);
  std::vector<fs::path> candidates;
  if (!major.empty()) candidates.push_back(OnPath("clang-format-" + major));
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&clang_getClangVersion), &info) && info.dli_fname) {
    // Debian: /usr/lib/llvm-N/lib/libclang.so -> /usr/lib/llvm-N/bin/clang-format.
    candidates.push_back(fs::path(Canonical(info.dli_fname)).parent_path().parent_path() / "bin" / "clang-format");
  }
  if (!major.empty()) candidates.push_back(fs::path("/usr/lib/llvm-" + major) / "bin" / "clang-format");
  // Last, the project's own clang-format: a tool built against a newer libclang (NRTB_LLVM_VERSION) next to the
  // distribution's default clang-format formats as the team's does, and the same lines as a default build.
  candidates.push_back(OnPath("clang-format"));
  for (const fs::path& c : candidates)
    if (Executable(c)) return c.string();
  *note = "no clang-format matching " + version + " (looked for clang-format-" + (major.empty() ? "N" : major) +
          " or clang-format on PATH and beside libclang); the edited lines keep the tool's layout (--clang-format PATH "
          "names one)";
  return "";
}

bool HasStyleFile(const std::string& file) {
  std::error_code ec;
  for (fs::path dir = fs::path(file).parent_path(); !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / ".clang-format", ec) || fs::exists(dir / "_clang-format", ec)) return true;
    if (dir == dir.root_path()) break;
  }
  return false;
}

bool IsFormattableSource(const std::string& file) {
  static const char* kExtensions[] = {".c",   ".cc",  ".cpp", ".cxx", ".c++", ".h",   ".hh",
                                      ".hpp", ".hxx", ".h++", ".inc", ".inl", ".ipp", ".cu"};
  std::string ext = fs::path(file).extension().string();
  for (const char* e : kExtensions)
    if (ext == e) return true;
  return false;
}

bool ParseReplacementsXml(const std::string& xml, std::vector<TextReplacement>* out) {
  out->clear();
  if (xml.find("<replacements") == std::string::npos) return false;
  static const std::regex kReplacement(R"(<replacement offset='(\d{1,18})' length='(\d{1,18})'>([^<]*)</replacement>)");
  size_t expected = 0;
  for (size_t at = xml.find("<replacement "); at != std::string::npos; at = xml.find("<replacement ", at + 1))
    ++expected;
  for (auto it = std::sregex_iterator(xml.begin(), xml.end(), kReplacement); it != std::sregex_iterator(); ++it) {
    TextReplacement r;
    r.offset = std::stoul((*it)[1].str());
    r.length = std::stoul((*it)[2].str());
    if (!Unescape((*it)[3].str(), &r.text)) return false;
    out->push_back(std::move(r));
  }
  return out->size() == expected;
}

bool RunClangFormat(const std::string& binary, const std::string& file, const std::string& text,
                    const std::vector<std::pair<unsigned, unsigned>>& lines, std::vector<TextReplacement>* out,
                    std::string* error) {
  std::vector<std::string> args = {binary,
                                   "--style=file",
                                   "--fallback-style=none",
                                   "--sort-includes=false",
                                   "--output-replacements-xml",
                                   "--assume-filename=" + file};
  for (const auto& [first, last] : lines)
    args.push_back("--lines=" + std::to_string(first) + ":" + std::to_string(last));
  int in = MemFile("nrtm-format-in"), stdout_fd = MemFile("nrtm-format-out"), stderr_fd = MemFile("nrtm-format-err");
  auto close_all = [&] {
    for (int fd : {in, stdout_fd, stderr_fd})
      if (fd >= 0) close(fd);
  };
  if (in < 0 || stdout_fd < 0 || stderr_fd < 0 || !WriteAll(in, text)) {
    *error = std::string("cannot make clang-format's input: ") + strerror(errno);
    close_all();
    return false;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in, 0);
  posix_spawn_file_actions_adddup2(&actions, stdout_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, stderr_fd, 2);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    *error = "cannot run " + binary + ": " + strerror(rc);
    close_all();
    return false;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::string xml = ReadAll(stdout_fd), diag = ReadAll(stderr_fd);
  close_all();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    while (!diag.empty() && diag.back() == '\n') diag.pop_back();
    *error = binary + (WIFEXITED(status) ? " exited " + std::to_string(WEXITSTATUS(status)) : " was killed") +
             (diag.empty() ? "" : ": " + diag.substr(0, diag.find('\n')));
    return false;
  }
  if (!ParseReplacementsXml(xml, out)) {
    *error = binary + " printed no replacements list";
    return false;
  }
  size_t end = 0;
  for (const TextReplacement& r : *out) {
    if (r.offset < end || r.offset > text.size() || r.length > text.size() - r.offset) {
      *error = binary + " returned replacements out of order or outside the text";
      return false;
    }
    end = r.offset + r.length;
  }
  return true;
}

}  // namespace nrtm
