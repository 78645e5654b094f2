#include "helper_block.h"

#include <algorithm>
#include <sstream>
#include <vector>

namespace nrtm {

namespace {

// The waits of the block: nrtm_await for one request, then nrtm_finish (the request's status) on top of it.
const char kAwait[] =
    "/* Blocks until request seq has completed (its status slot is then readable); the value says whether it\n"
    " * could tell (NRT_SUCCESS), or why not. */\n"
    "static inline NRT_STATUS nrtm_await(nrta_seq_t seq) {\n"
    "  int fd = eventfd(0, EFD_CLOEXEC);\n"
    "  if (fd >= 0 && nrta_event_register_seq_id_completion(seq, fd) == NRT_SUCCESS) {\n"
    "    uint64_t n;\n"
    "    while (read(fd, &n, sizeof n) < 0 && errno == EINTR) {\n"
    "    }\n"
    "    nrta_event_register_seq_id_completion(seq, -1);\n"
    "  }\n"
    "  if (fd >= 0) close(fd);\n"
    "  bool done = false; /* confirms completion (and covers a failed eventfd) */\n"
    "  NRT_STATUS s;\n"
    "  while ((s = nrta_is_completed(seq, &done)) == NRT_SUCCESS && !done) sched_yield();\n"
    "  return s;\n"
    "}\n";

// The record of an inline program's requests. Polling nrta_is_completed (never the owner's wait) retires a
// record, so a thread that blocks on the depth waits for the device, not for another thread's host work.
std::string Registry(const InlineRegistry& r, bool angle_includes) {
  std::string depth = std::to_string(r.depth > 0 ? r.depth : 3);
  std::string from = r.depth > 0 ? "the program's, from " + r.origin : "3, the SDK's advice: the program set none";
  return std::string(angle_includes ? "#include <nrt/nrt_experimental.h> /* nrt_get_model_info */\n"
                                    : "#include \"nrt/nrt_experimental.h\" /* nrt_get_model_info */\n") +
         "#include <pthread.h>\n"
         "#include <stdio.h>\n"
         "/* Implicit mode kept at most NRTM_INLINE_DEPTH requests in flight per core and made nrt_unload, nrt_close\n"
         " * and the drain wait for every pending one. The inline form's requests are recorded here (one record per\n"
         " * process, weak; zero is an unlocked mutex on Linux) so that the code below does the same. */\n"
         "#define NRTM_INLINE_DEPTH " +
         depth + " /* " + from +
         " */\n"
         "#define NRTM_INLINE_CAPACITY 256\n"
         "typedef struct nrtm_inline_req {\n"
         "  const nrt_model_t *model;\n"
         "  uint32_t vnc;\n"
         "  nrta_seq_t seq;\n"
         "} nrtm_inline_req_t;\n"
         "typedef struct nrtm_inline_inflight {\n"
         "  pthread_mutex_t mu;\n"
         "  int depth; /* nrtm_set_depth; 0: NRTM_INLINE_DEPTH */\n"
         "  int n;\n"
         "  nrtm_inline_req_t req[NRTM_INLINE_CAPACITY];\n"
         "} nrtm_inline_inflight_t;\n"
         "__attribute__((weak)) nrtm_inline_inflight_t nrtm_inline_inflight;\n"
         "__attribute__((weak)) pthread_once_t nrtm_inline_once = PTHREAD_ONCE_INIT;\n"
         "/* A forked child's requests are not its own (and a thread of the parent may have held the lock). */\n"
         "static inline void nrtm_inline_atfork_child_(void) {\n"
         "  pthread_mutex_init(&nrtm_inline_inflight.mu, NULL);\n"
         "  nrtm_inline_inflight.n = 0;\n"
         "}\n"
         "static inline void nrtm_inline_atfork_(void) { pthread_atfork(NULL, NULL, nrtm_inline_atfork_child_); }\n"
         "static inline nrtm_inline_inflight_t *nrtm_inline_lock_(void) {\n"
         "  pthread_once(&nrtm_inline_once, nrtm_inline_atfork_);\n"
         "  pthread_mutex_lock(&nrtm_inline_inflight.mu);\n"
         "  return &nrtm_inline_inflight;\n"
         "}\n"
         "/* Drops the records of completed requests (and of a closed runtime). Caller holds mu. */\n"
         "static inline void nrtm_inline_sweep_(nrtm_inline_inflight_t *t) {\n"
         "  int k = 0;\n"
         "  for (int i = 0; i < t->n; ++i) {\n"
         "    bool done = false;\n"
         "    if (nrta_is_completed(t->req[i].seq, &done) == NRT_SUCCESS && !done) t->req[k++] = t->req[i];\n"
         "  }\n"
         "  t->n = k;\n"
         "}\n"
         "/* Waits until no recorded request of model (NULL: any) on core vnc (negative: any) is pending. */\n"
         "static inline void nrtm_inline_wait_(const nrt_model_t *model, int64_t vnc) {\n"
         "  nrtm_inline_inflight_t *t = nrtm_inline_lock_();\n"
         "  for (;;) {\n"
         "    nrtm_inline_sweep_(t);\n"
         "    int i = 0;\n"
         "    while (i < t->n && !((!model || t->req[i].model == model) && (vnc < 0 || t->req[i].vnc == vnc))) ++i;\n"
         "    if (i == t->n) break;\n"
         "    nrta_seq_t seq = t->req[i].seq;\n"
         "    pthread_mutex_unlock(&t->mu);\n"
         "    nrtm_await(seq);\n"
         "    t = nrtm_inline_lock_();\n"
         "  }\n"
         "  pthread_mutex_unlock(&t->mu);\n"
         "}\n"
         "/* Queues one execution once fewer than the depth are in flight on the model's core, retrying while the\n"
         " * queue is full (a blocking nrt_execute waited in both places), and records it. */\n"
         "static inline NRT_STATUS nrtm_schedule(nrt_model_t *model, const nrt_tensor_set_t *input,\n"
         "                                       nrt_tensor_set_t *output, NRT_STATUS *ret, nrta_seq_t *seq) {\n"
         "  nrt_model_info_t info;\n"
         "  NRT_STATUS s = nrt_get_model_info(model, &info, sizeof info, NULL);\n"
         "  if (s != NRT_SUCCESS) return s;\n"
         "  nrtm_inline_inflight_t *t = nrtm_inline_lock_();\n"
         "  for (;;) {\n"
         "    nrtm_inline_sweep_(t);\n"
         "    int on_core = 0, oldest = -1;\n"
         "    for (int i = 0; i < t->n; ++i)\n"
         "      if (t->req[i].vnc == info.vnc && on_core++ == 0) oldest = i;\n"
         "    if (on_core < (t->depth ? t->depth : NRTM_INLINE_DEPTH) && t->n < NRTM_INLINE_CAPACITY) break;\n"
         "    nrta_seq_t oldest_seq = t->req[oldest >= 0 ? oldest : 0].seq;\n"
         "    pthread_mutex_unlock(&t->mu);\n"
         "    nrtm_await(oldest_seq);\n"
         "    t = nrtm_inline_lock_();\n"
         "  }\n"
         "  while ((s = nrta_execute_schedule(model, input, output, 0, ret, seq)) == NRT_QUEUE_FULL) sched_yield();\n"
         "  if (s == NRT_SUCCESS) {\n"
         "    nrtm_inline_req_t r = {model, info.vnc, *seq};\n"
         "    t->req[t->n++] = r;\n"
         "  }\n"
         "  pthread_mutex_unlock(&t->mu);\n"
         "  return s;\n"
         "}\n"
         "/* The in-flight depth per core the program asked for (the removed variable), clamped to [1, 63] as the\n"
         " * legacy runtime did. */\n"
         "static inline void nrtm_set_depth(int depth) {\n"
         "  nrtm_inline_inflight_t *t = nrtm_inline_lock_();\n"
         "  t->depth = depth < 1 ? 1 : depth > 63 ? 63 : depth;\n"
         "  pthread_mutex_unlock(&t->mu);\n"
         "}\n"
         "/* nrt_unload, nrt_close and the drain of implicit mode: every thread's pending requests first. */\n"
         "static inline NRT_STATUS nrtm_unload(nrt_model_t *model) {\n"
         "  nrtm_inline_wait_(model, -1);\n"
         "  return nrt_unload(model);\n"
         "}\n"
         "static inline void nrtm_close(void) {\n"
         "  nrtm_inline_wait_(NULL, -1);\n"
         "  nrt_close();\n"
         "}\n"
         "static inline NRT_STATUS nrtm_drain(int32_t vnc) {\n"
         "  if (vnc < 0) {\n"
         "    fprintf(stderr, \"nrtm_drain: negative core index %d\\n\", (int)vnc);\n"
         "    return NRT_INVALID;\n"
         "  }\n"
         "  nrtm_inline_wait_(NULL, vnc);\n"
         "  return NRT_SUCCESS;\n"
         "}\n";
}

}  // namespace

std::string HelperBlock(bool angle_includes, const InlineRegistry& registry) {
  std::string inc = angle_includes ? "#include <nrt/nrt_async.h>\n" : "#include \"nrt/nrt_async.h\"\n";
  std::string head =
      "\n/* Added by nrt-migrate: nrt_execute on the explicit nrta_* API (nrt-migrate --explain NRTM1001). */\n" + inc +
      "#ifndef NRTM_EXECUTE_HELPERS_1\n"
      "#define NRTM_EXECUTE_HELPERS_1\n"
      "#include <errno.h>\n"
      "#include <sched.h>\n"
      "#include <stdint.h>\n"
      "#include <sys/eventfd.h>\n"
      "#include <unistd.h>\n";
  const std::string finish_wait =
      "/* Waits for a request nrtm_schedule returned `scheduled` for; the value is the request's own status. */\n"
      "static inline NRT_STATUS nrtm_finish(NRT_STATUS scheduled, nrta_seq_t seq, const NRT_STATUS *ret) {\n"
      "  if (scheduled != NRT_SUCCESS) return scheduled;\n";
  const std::string execute_wait =
      "/* nrt_execute, exactly: schedule, wait, the request's status. */\n"
      "static inline NRT_STATUS nrtm_execute_wait(nrt_model_t *model, const nrt_tensor_set_t *input,\n"
      "                                           nrt_tensor_set_t *output) {\n"
      "  NRT_STATUS ret = NRT_SUCCESS;\n"
      "  nrta_seq_t seq = 0;\n"
      "  NRT_STATUS s = nrtm_schedule(model, input, output, &ret, &seq);\n"
      "  return nrtm_finish(s, seq, &ret);\n"
      "}\n"
      "#endif\n";
  if (registry.on) {
    return head + kAwait + Registry(registry, angle_includes) + finish_wait + "  NRT_STATUS s = nrtm_await(seq);\n" +
           "  return s == NRT_SUCCESS ? *ret : s;\n}\n" + execute_wait;
  }
  return head +
         "/* Queues one execution, retrying while the queue is full (a blocking nrt_execute waited there too). */\n"
         "static inline NRT_STATUS nrtm_schedule(nrt_model_t *model, const nrt_tensor_set_t *input,\n"
         "                                       nrt_tensor_set_t *output, NRT_STATUS *ret, nrta_seq_t *seq) {\n"
         "  NRT_STATUS s;\n"
         "  while ((s = nrta_execute_schedule(model, input, output, 0, ret, seq)) == NRT_QUEUE_FULL) sched_yield();\n"
         "  return s;\n"
         "}\n" +
         finish_wait +
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
         "}\n" +
         execute_wait;
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

// An #ifndef X / #define X pair is the include guard only if its #endif ends the file: a feature-macro default
// (#ifndef _GNU_SOURCE / #define _GNU_SOURCE / #endif) above the includes looks the same for two lines.
bool GuardsTheWholeFile(const std::vector<Line>& lines, size_t ifndef) {
  int depth = 0;
  size_t i = ifndef;
  for (; i < lines.size(); ++i) {
    std::string d = Directive(lines[i].text);
    if (d == "if" || d == "ifdef" || d == "ifndef") ++depth;
    if (d == "endif" && --depth == 0) break;
  }
  bool in_comment = false;
  for (++i; i < lines.size(); ++i) {
    const std::string& t = lines[i].text;
    size_t p = t.find_first_not_of(" \t\r\n");
    if (in_comment) {
      if (t.find("*/") != std::string::npos) in_comment = false;
      continue;
    }
    if (p == std::string::npos || t.compare(p, 2, "//") == 0) continue;
    if (t.compare(p, 2, "/*") == 0) {
      in_comment = t.find("*/", p + 2) == std::string::npos;
      continue;
    }
    return false;
  }
  return depth == 0 && i >= lines.size();
}

// Braces opened minus closed on a line (an extern "C" block's own braces; declarations inside one rarely
// have others on the lines between).
int BraceBalance(const std::string& line) {
  int n = 0;
  for (char c : line) n += c == '{' ? 1 : c == '}' ? -1 : 0;
  return n;
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
  int depth = 0, guard_depth = 0, extern_c = 0;
  size_t after_guard = std::string::npos, after_include = std::string::npos, after_comment = 0;
  size_t last_include = std::string::npos;
  bool seen_code = false, in_comment = false, pending = false;
  for (size_t i = 0; i < lines.size() && lines[i].begin < before; ++i) {
    const std::string& t = lines[i].text;
    std::string d = in_comment ? "" : Directive(t);  // a commented-out directive is none
    if (d == "ifndef" && !seen_code && depth == 0 && i + 1 < lines.size() && Directive(lines[i + 1].text) == "define" &&
        GuardsTheWholeFile(lines, i)) {
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
    if (d == "include") {
      pending = true;
      last_include = lines[i].end;
      if (t.find("<nrt/") != std::string::npos) out.angle_includes = true;
    }
    size_t p = t.find_first_not_of(" \t\r\n");
    if (d.empty() && !in_comment && p != std::string::npos) {
      if (t.compare(p, 10, "extern \"C\"") == 0 || extern_c > 0) extern_c = std::max(0, extern_c + BraceBalance(t));
    }
    // The block goes where the includes are done and the file is back at its top level: after the #endif of an
    // #if around an include, after the brace and #endif closing an extern "C" block around one.
    if (pending && depth == guard_depth && extern_c == 0) {
      after_include = lines[i].end;
      pending = false;
    }
    // The leading comment block (a license header) stays first.
    if (!seen_code) {
      if (in_comment || p == std::string::npos || t.compare(p, 2, "//") == 0 || t.compare(p, 2, "/*") == 0) {
        if (p != std::string::npos && t.compare(p, 2, "/*") == 0) in_comment = true;
        if (in_comment && t.find("*/") != std::string::npos) in_comment = false;
        after_comment = lines[i].end;
      } else {
        seen_code = true;
      }
    } else if (in_comment && t.find("*/") != std::string::npos) {
      in_comment = false;
    } else if (!in_comment && p != std::string::npos && t.compare(p, 2, "/*") == 0 &&
               t.find("*/", p + 2) == std::string::npos) {
      in_comment = true;
    }
  }
  // The first use lies inside the region around the last include (a whole file under #if): right after it.
  if (pending) after_include = last_include;
  out.offset = after_include != std::string::npos ? after_include
               : after_guard != std::string::npos ? after_guard
                                                  : after_comment;
  return out;
}

}  // namespace nrtm
