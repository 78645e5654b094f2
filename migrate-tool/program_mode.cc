#include "program_mode.h"

#include <regex>

namespace nrtm {

namespace {

const char kVar[] = "NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS";
// Calls that have a meaning only in implicit mode.
const char* const kImplicitCalls[] = {"nrt_register_async_exec_callback", "nrt_async_drain_queued_execs",
                                      "nrt_tensor_check_output_completion"};

bool IsIdent(char c) { return isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Whether the line holding offset starts as a comment does ("//", "/*", or " * " of a block comment).
bool InCommentLine(const std::string& text, size_t offset) {
  size_t start = text.rfind('\n', offset);
  start = start == std::string::npos ? 0 : start + 1;
  size_t p = text.find_first_not_of(" \t", start);
  return p != std::string::npos && p < offset &&
         (text.compare(p, 2, "//") == 0 || text.compare(p, 2, "/*") == 0 || text[p] == '*');
}

// The first use of word as a whole identifier outside a comment line (a file header that merely names the
// call is not what makes a program implicit-mode).
size_t FindWord(const std::string& text, const std::string& word) {
  for (size_t pos = text.find(word); pos != std::string::npos; pos = text.find(word, pos + 1)) {
    size_t end = pos + word.size();
    if ((pos == 0 || !IsIdent(text[pos - 1])) && (end == text.size() || !IsIdent(text[end])) &&
        !InCommentLine(text, pos))
      return pos;
  }
  return std::string::npos;
}

unsigned LineOf(const std::string& text, size_t offset) {
  unsigned line = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

// The largest value the variable is given in text (setenv("VAR", "3", ...), putenv("VAR=3"), VAR=3, VAR: 3).
void FindDepth(const std::string& file, const std::string& text, ProgramMode* mode) {
  static const std::regex kValue(std::string(kVar) + R"re((?:"\s*,\s*"|\s*[=:]\s*["']?|\s+)(\d+))re");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kValue); it != std::sregex_iterator(); ++it) {
    int v = 0;
    try {
      v = std::stoi((*it)[1].str());
    } catch (const std::exception&) {
      continue;
    }
    if (v > mode->depth) {
      mode->depth = v > 63 ? 63 : v;
      mode->origin = file + ":" + std::to_string(LineOf(text, static_cast<size_t>(it->position(0))));
    }
  }
}

}  // namespace

ProgramMode DetectProgramMode(ModeOption option, const std::vector<std::pair<std::string, const std::string*>>& sources,
                              const std::vector<std::pair<std::string, const std::string*>>& text_files) {
  ProgramMode mode;
  if (option == ModeOption::kSync) return mode;
  if (option == ModeOption::kImplicit) {
    mode.implicit = true;
    mode.why = "--mode implicit";
  }
  auto note = [&](const std::string& file, const std::string& text, size_t at, const std::string& what) {
    if (mode.implicit) return;
    mode.implicit = true;
    mode.why = file + ":" + std::to_string(LineOf(text, at)) + " " + what;
  };
  for (const auto& [file, text] : sources) {
    if (!text) continue;
    for (const char* call : kImplicitCalls)
      if (size_t at = FindWord(*text, call); at != std::string::npos)
        note(file, *text, at, std::string("calls ") + call);
    if (size_t at = text->find(kVar); at != std::string::npos) note(file, *text, at, std::string("uses ") + kVar);
    for (const char* call : {"nrt_register_async_exec_callback", "nrt_tensor_check_output_completion"})
      if (size_t at = FindWord(*text, call); at != std::string::npos && mode.table_only.empty())
        mode.table_only = "the table runs the program's completion callback or output-completion wait (" + file + ":" +
                          std::to_string(LineOf(*text, at)) + " calls " + call + ")";
    FindDepth(file, *text, &mode);
  }
  for (const auto& [file, text] : text_files) {
    if (!text) continue;
    if (size_t at = text->find(kVar); at != std::string::npos) note(file, *text, at, std::string("sets ") + kVar);
    FindDepth(file, *text, &mode);
  }
  return mode;
}

}  // namespace nrtm
