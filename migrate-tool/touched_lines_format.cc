#include "touched_lines_format.h"

#include <algorithm>
#include <cstdint>
#include <tuple>

namespace nrtm {

namespace {

// Where each edit's text lands in the edited text: [begin, end).
struct Placed {
  size_t begin = 0, end = 0;
};

std::vector<Placed> PlaceEdits(const std::vector<Edit>& edits) {
  std::vector<Placed> out;
  long long delta = 0;
  for (const Edit& e : edits) {
    size_t begin = static_cast<size_t>(static_cast<long long>(e.offset) + delta);
    out.push_back({begin, begin + e.text.size()});
    delta += static_cast<long long>(e.text.size()) - static_cast<long long>(e.length);
  }
  return out;
}

// A position of the edited text back in the original. A cluster boundary never lies inside an edit's text, but it
// may lie at one's edge: a begin maps before the edits that start there, an end after the edits that end there.
size_t ToOriginal(size_t pos, bool is_end, const std::vector<Edit>& edits, const std::vector<Placed>& placed) {
  size_t orig = 0, edited = 0;  // start of the current unchanged stretch, in both texts
  for (size_t i = 0; i < edits.size(); ++i) {
    if (is_end ? pos < placed[i].begin : pos <= placed[i].begin) return orig + (pos - edited);
    orig = edits[i].offset + edits[i].length;
    edited = placed[i].end;
    if (is_end ? pos < edited : pos <= edited) return orig;
  }
  return orig + (pos - edited);
}

}  // namespace

std::vector<std::pair<unsigned, unsigned>> TouchedLines(const std::string& original, const std::vector<Edit>& edits) {
  std::string edited = ApplyEdits(original, edits);
  std::vector<Placed> placed = PlaceEdits(edits);
  auto line_of = [&](size_t pos) {
    return static_cast<unsigned>(1 + std::count(edited.begin(), edited.begin() + std::min(pos, edited.size()), '\n'));
  };
  std::vector<std::pair<unsigned, unsigned>> ranges;
  for (const Placed& p : placed) {
    // The last line the text wrote is the one holding its last character (a text ending in '\n' ends its line).
    ranges.emplace_back(line_of(p.begin), line_of(p.end > p.begin ? p.end - 1 : p.begin));
  }
  std::sort(ranges.begin(), ranges.end());
  std::vector<std::pair<unsigned, unsigned>> merged;
  for (const auto& r : ranges) {
    if (!merged.empty() && r.first <= merged.back().second + 1) {
      merged.back().second = std::max(merged.back().second, r.second);
    } else {
      merged.push_back(r);
    }
  }
  return merged;
}

std::vector<Edit> ComposeEdits(const std::string& original, const std::vector<Edit>& edits,
                               const std::vector<TextReplacement>& replacements) {
  if (replacements.empty()) return edits;
  std::string edited = ApplyEdits(original, edits);
  std::vector<TextReplacement> fixes = replacements;
  std::sort(fixes.begin(), fixes.end(), [](const TextReplacement& a, const TextReplacement& b) {
    return std::tie(a.offset, a.length) < std::tie(b.offset, b.length);
  });
  std::string formatted;
  size_t pos = 0;
  for (const TextReplacement& r : fixes) {
    formatted.append(edited, pos, r.offset - pos);
    formatted += r.text;
    pos = r.offset + r.length;
  }
  formatted.append(edited, pos, std::string::npos);

  // Items in the edited text: the edits' texts and the replacements. Items that overlap or touch form a cluster.
  std::vector<Placed> placed = PlaceEdits(edits);
  struct Item {
    size_t begin, end;
    int edit;  // index into edits, or -1 for a replacement
    int fix;   // index into fixes, or -1
  };
  std::vector<Item> items;
  for (size_t i = 0; i < edits.size(); ++i) items.push_back({placed[i].begin, placed[i].end, static_cast<int>(i), -1});
  for (size_t j = 0; j < fixes.size(); ++j)
    items.push_back({fixes[j].offset, fixes[j].offset + fixes[j].length, -1, static_cast<int>(j)});
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.begin < b.begin; });

  // Growth of the formatted text over the edited one by the replacements before index j.
  std::vector<long long> growth(fixes.size() + 1, 0);
  for (size_t j = 0; j < fixes.size(); ++j)
    growth[j + 1] = growth[j] + static_cast<long long>(fixes[j].text.size()) - static_cast<long long>(fixes[j].length);

  auto nearest_site = [&](size_t at) {
    size_t best = SIZE_MAX;
    int site = -1;
    for (size_t i = 0; i < edits.size(); ++i) {
      size_t d = at < placed[i].begin ? placed[i].begin - at : at > placed[i].end ? at - placed[i].end : 0;
      if (d < best) {
        best = d;
        site = edits[i].site;
      }
    }
    return site;
  };

  std::vector<Edit> out;
  for (size_t k = 0; k < items.size();) {
    size_t begin = items[k].begin, end = items[k].end;
    std::vector<int> in_edits, in_fixes;
    size_t m = k;
    for (; m < items.size() && (m == k || items[m].begin <= end); ++m) {
      end = std::max(end, items[m].end);
      (items[m].edit >= 0 ? in_edits : in_fixes).push_back(items[m].edit >= 0 ? items[m].edit : items[m].fix);
    }
    k = m;
    if (in_fixes.empty()) {
      for (int i : in_edits) out.push_back(edits[i]);
      continue;
    }
    int first_fix = *std::min_element(in_fixes.begin(), in_fixes.end());
    int last_fix = *std::max_element(in_fixes.begin(), in_fixes.end());
    size_t f_begin = static_cast<size_t>(static_cast<long long>(begin) + growth[first_fix]);
    size_t f_end = static_cast<size_t>(static_cast<long long>(end) + growth[last_fix + 1]);
    Edit e;
    e.file = edits.empty() ? std::string() : edits.front().file;
    e.offset = ToOriginal(begin, false, edits, placed);
    e.length = ToOriginal(end, true, edits, placed) - e.offset;
    e.text = formatted.substr(f_begin, f_end - f_begin);
    if (!in_edits.empty()) {
      const Edit& first = edits[*std::min_element(in_edits.begin(), in_edits.end())];
      e.site = first.site;
      e.order = first.order;
    } else {
      e.site = nearest_site(begin);
    }
    out.push_back(std::move(e));
  }
  std::stable_sort(out.begin(), out.end(), ApplyOrder);
  return out;
}

std::vector<Edit> TouchedLinesFormatter::Format(const std::string& file, const std::string& original,
                                                const std::vector<Edit>& edits) {
  if (edits.empty() || !IsFormattableSource(file) || !HasStyleFile(file)) return edits;
  if (binary_.empty()) {
    if (!missing_note_.empty()) Note(missing_note_);
    return edits;
  }
  std::string edited = ApplyEdits(original, edits);
  std::vector<TextReplacement> fixes;
  bool cached = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(file);
    if (it != cache_.end() && it->second.first == edited) {
      fixes = it->second.second;
      cached = true;
    }
  }
  if (!cached) {
    std::string error;
    if (!RunClangFormat(binary_, file, edited, TouchedLines(original, edits), &fixes, &error)) {
      Note("formatting " + file + " failed (" + error + "); its edited lines keep the tool's layout");
      fixes.clear();
    }
    std::lock_guard<std::mutex> lock(mu_);
    cache_[file] = {edited, fixes};
  }
  std::vector<Edit> composed = ComposeEdits(original, edits, fixes);
  // Formatting changes layout only; anything that would not reproduce clang-format's text is not used.
  std::string formatted = edited;
  for (auto it = fixes.rbegin(); it != fixes.rend(); ++it) formatted.replace(it->offset, it->length, it->text);
  if (ApplyEdits(original, composed) != formatted) {
    Note("formatting " + file + " gave edits that do not compose; its edited lines keep the tool's layout");
    return edits;
  }
  return composed;
}

std::vector<std::string> TouchedLinesFormatter::Notes() {
  std::lock_guard<std::mutex> lock(mu_);
  return notes_;
}

void TouchedLinesFormatter::Note(const std::string& note) {
  std::lock_guard<std::mutex> lock(mu_);
  if (std::find(notes_.begin(), notes_.end(), note) == notes_.end()) notes_.push_back(note);
}

}  // namespace nrtm
