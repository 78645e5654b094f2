#include "helper_block.h"

#include <sstream>
#include <vector>

namespace nrtm {

std::string HelperBlock(bool angle_includes) {
  std::string inc = angle_includes ? "#include <nrt/nrt_async.h>\n" : "#include \"nrt/nrt_async.h\"\n";
  return "\n/* Added by nrt-migrate: nrt_execute on the explicit nrta_* API (nrt-migrate --explain NRTM1001). */\n" +
         inc +
         "#ifndef NRTM_EXECUTE_HELPERS_1\n"
         "#define NRTM_EXECUTE_HELPERS_1\n"
         "#include <errno.h>\n"
         "#include <sched.h>\n"
         "#include <stdint.h>\n"
         "#include <sys/eventfd.h>\n"
         "#include <unistd.h>\n"
         "/* Queues one execution, retrying while the queue is full (a blocking nrt_execute waited there too). */\n"
         "static inline NRT_STATUS nrtm_schedule(nrt_model_t *model, const nrt_tensor_set_t *input,\n"
         "                                       nrt_tensor_set_t *output, NRT_STATUS *ret, nrta_seq_t *seq) {\n"
         "  NRT_STATUS s;\n"
         "  while ((s = nrta_execute_schedule(model, input, output, 0, ret, seq)) == NRT_QUEUE_FULL) sched_yield();\n"
         "  return s;\n"
         "}\n"
         "/* Waits for a request nrtm_schedule returned `scheduled` for; the value is the request's own status. */\n"
         "static inline NRT_STATUS nrtm_finish(NRT_STATUS scheduled, nrta_seq_t seq, const NRT_STATUS *ret) {\n"
         "  if (scheduled != NRT_SUCCESS) return scheduled;\n"
         "  int fd = eventfd(0, EFD_CLOEXEC);\n"
         "  if (fd >= 0 && nrta_event_register_seq_id_completion(seq, fd) == NRT_SUCCESS) {\n"
         "    uint64_t n;\n"
         "    while (read(fd, &n, sizeof n) < 0 && errno == EINTR) {\n"
         "    }\n"
         "    nrta_event_register_seq_id_completion(seq, -1);\n"
         "  }\n"
         "  if (fd >= 0) close(fd);\n"
         "  bool done = false; /* confirms completion (and covers a failed eventfd) before *ret is read */\n"
         "  NRT_STATUS s;\n"
         "  while ((s = nrta_is_completed(seq, &done)) == NRT_SUCCESS && !done) sched_yield();\n"
         "  return s == NRT_SUCCESS ? *ret : s;\n"
         "}\n"
         "/* nrt_execute, exactly: schedule, wait, the request's status. */\n"
         "static inline NRT_STATUS nrtm_execute_wait(nrt_model_t *model, const nrt_tensor_set_t *input,\n"
         "                                           nrt_tensor_set_t *output) {\n"
         "  NRT_STATUS ret = NRT_SUCCESS;\n"
         "  nrta_seq_t seq = 0;\n"
         "  NRT_STATUS s = nrtm_schedule(model, input, output, &ret, &seq);\n"
         "  return nrtm_finish(s, seq, &ret);\n"
         "}\n"
         "#endif\n";
}

namespace {

struct Line {
  size_t begin, end;  // end: after the newline
  std::string text;
};

std::string Directive(const std::string& line) {
  size_t p = line.find_first_not_of(" \t");
  if (p == std::string::npos || line[p] != '#') return "";
  p = line.find_first_not_of(" \t", p + 1);
  if (p == std::string::npos) return "";
  size_t e = p;
  while (e < line.size() && isalpha(static_cast<unsigned char>(line[e]))) ++e;
  return line.substr(p, e - p);
}

}  // namespace

HelperPlacement PlaceHelper(const std::string& content, size_t before) {
  HelperPlacement out;
  out.already_present = content.find(kHelperGuard) != std::string::npos;
  std::vector<Line> lines;
  for (size_t pos = 0; pos < content.size();) {
    size_t nl = content.find('\n', pos);
    size_t end = nl == std::string::npos ? content.size() : nl + 1;
    lines.push_back({pos, end, content.substr(pos, end - pos)});
    pos = end;
  }
  int depth = 0, guard_depth = 0;
  size_t after_guard = std::string::npos, after_include = std::string::npos, after_comment = 0;
  bool seen_code = false, in_comment = false;
  for (size_t i = 0; i < lines.size() && lines[i].begin < before; ++i) {
    const std::string& t = lines[i].text;
    std::string d = Directive(t);
    if (d == "ifndef" && !seen_code && depth == 0 && i + 1 < lines.size() && Directive(lines[i + 1].text) == "define") {
      guard_depth = 1;
      ++depth;
      after_guard = lines[i + 1].end;
      seen_code = true;
      ++i;
      continue;
    }
    if (d == "if" || d == "ifdef" || d == "ifndef") ++depth;
    if (d == "endif") --depth;
    if (d == "pragma" && t.find("once") != std::string::npos) after_guard = lines[i].end;
    if (d == "include" && depth == guard_depth) {
      after_include = lines[i].end;
      if (t.find("<nrt/") != std::string::npos) out.angle_includes = true;
    }
    // The leading comment block (a license header) stays first.
    size_t p = t.find_first_not_of(" \t\r\n");
    if (!seen_code) {
      if (in_comment || p == std::string::npos || t.compare(p, 2, "//") == 0 || t.compare(p, 2, "/*") == 0) {
        if (p != std::string::npos && t.compare(p, 2, "/*") == 0) in_comment = true;
        if (in_comment && t.find("*/") != std::string::npos) in_comment = false;
        after_comment = lines[i].end;
      } else {
        seen_code = true;
      }
    }
  }
  out.offset = after_include != std::string::npos ? after_include
               : after_guard != std::string::npos ? after_guard
                                                  : after_comment;
  return out;
}

}  // namespace nrtm
