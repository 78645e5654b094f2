#include "unified_diff.h"

#include <algorithm>
#include <string>

namespace nrtm {

namespace {

constexpr size_t kContext = 3;

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string::npos ? text.size() : nl + 1;
    out.push_back(text.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

void EmitLine(std::string* out, char tag, const std::string& line) {
  *out += tag;
  *out += line;
  if (line.empty() || line.back() != '\n') *out += "\n\\ No newline at end of file\n";
}

std::string Range(size_t start, size_t count) {
  // diff -u numbers an empty range by the line before it.
  return std::to_string(count ? start + 1 : start) + "," + std::to_string(count);
}

}  // namespace

namespace {

// Line operations of a region by longest common subsequence (regions are a few lines around the edits).
void DiffLines(const std::vector<std::string>& a, const std::vector<std::string>& b, std::string* ops) {
  size_t n = a.size(), m = b.size();
  std::vector<std::vector<unsigned>> lcs(n + 1, std::vector<unsigned>(m + 1, 0));
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      *ops += ' ';
      ++i, ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      *ops += '-';
      ++i;
    } else {
      *ops += '+';
      ++j;
    }
  }
}

}  // namespace

std::string UnifiedDiff(const std::string& old_name, const std::string& new_name, const std::string& old_text,
                        const std::vector<Edit>& edits) {
  if (edits.empty()) return "";
  std::vector<std::string> lines = SplitLines(old_text);
  std::vector<size_t> starts;  // byte offset of each line, plus the end
  size_t off = 0;
  for (const std::string& l : lines) {
    starts.push_back(off);
    off += l.size();
  }
  starts.push_back(off);
  auto line_of = [&](size_t offset) {
    size_t i = std::upper_bound(starts.begin(), starts.end(), offset) - starts.begin();
    return i == 0 ? 0 : std::min(i - 1, lines.size());
  };
  // Regions of whole old lines [first, last) that the edits touch; lines outside them are unchanged.
  struct Region {
    size_t first, last;
    std::vector<Edit> edits;
  };
  std::vector<Region> regions;
  for (const Edit& e : edits) {
    size_t first = line_of(e.offset);
    size_t last = std::min(lines.size(), (e.length ? line_of(e.offset + e.length - 1) : first) + 1);
    if (!regions.empty() && first < regions.back().last) {
      regions.back().last = std::max(regions.back().last, last);
      regions.back().edits.push_back(e);
    } else {
      regions.push_back({first, std::max(last, first), {e}});
    }
  }
  // The whole file as one sequence of operations, with the old and new text of each.
  std::string ops;
  std::vector<std::string> text;
  size_t line = 0;
  for (Region& r : regions) {
    for (; line < r.first; ++line) {
      ops += ' ';
      text.push_back(lines[line]);
    }
    size_t lo = starts[r.first], hi = starts[r.last];
    std::string old_part = old_text.substr(lo, hi - lo);
    for (Edit& e : r.edits) e.offset -= lo;
    std::vector<std::string> a = SplitLines(old_part), b = SplitLines(ApplyEdits(old_part, r.edits));
    std::string region_ops;
    DiffLines(a, b, &region_ops);
    size_t i = 0, j = 0;
    for (char op : region_ops) {
      ops += op;
      text.push_back(op == '+' ? b[j] : a[i]);
      if (op != '+') ++i;
      if (op != '-') ++j;
    }
    line = r.last;
  }
  for (; line < lines.size(); ++line) {
    ops += ' ';
    text.push_back(lines[line]);
  }
  // Hunks: changed operations with kContext unchanged lines around them, merged when they meet.
  std::string out = "--- " + old_name + "\n+++ " + new_name + "\n";
  size_t k = 0, old_line = 0, new_line = 0;
  while (k < ops.size()) {
    size_t next = ops.find_first_of("+-", k);
    if (next == std::string::npos) break;
    for (; k < next; ++k) ++old_line, ++new_line;
    size_t begin = next, back = 0;
    while (begin > 0 && back < kContext && ops[begin - 1] == ' ') --begin, ++back;
    size_t end = next, quiet = 0;
    while (end < ops.size()) {
      if (ops[end] == ' ') {
        if (++quiet > 2 * kContext) break;
      } else {
        quiet = 0;
      }
      ++end;
    }
    size_t trail = 0;
    while (end > next && ops[end - 1] == ' ' && trail < quiet) --end, ++trail;
    end = std::min(ops.size(), end + std::min(kContext, trail));
    size_t old_count = 0, new_count = 0;
    for (size_t x = begin; x < end; ++x) {
      if (ops[x] != '+') ++old_count;
      if (ops[x] != '-') ++new_count;
    }
    out += "@@ -" + Range(old_line - back, old_count) + " +" + Range(new_line - back, new_count) + " @@\n";
    for (size_t x = begin; x < end; ++x) EmitLine(&out, ops[x], text[x]);
    for (size_t x = next; x < end; ++x) {
      if (ops[x] != '+') ++old_line;
      if (ops[x] != '-') ++new_line;
    }
    k = end;
  }
  return out;
}

}  // namespace nrtm
