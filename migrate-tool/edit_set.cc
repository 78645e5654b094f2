#include "edit_set.h"

#include <algorithm>
#include <tuple>

namespace nrtm {

// Site ids differ between the TUs that plan the same edit, so they take no part in comparisons.
bool Edit::operator<(const Edit& o) const {
  return std::tie(file, offset, length, order, text) < std::tie(o.file, o.offset, o.length, o.order, o.text);
}

bool ApplyOrder(const Edit& a, const Edit& b) {
  return std::make_tuple(a.offset, a.length != 0, a.order) < std::make_tuple(b.offset, b.length != 0, b.order);
}
bool Edit::operator==(const Edit& o) const { return SameChange(o); }

std::string ApplyEdits(const std::string& content, const std::vector<Edit>& edits) {
  std::string out;
  out.reserve(content.size() + 256);
  size_t pos = 0;
  for (const Edit& e : edits) {
    if (e.offset < pos || e.offset + e.length > content.size()) continue;  // FileEdits never lets this happen
    out.append(content, pos, e.offset - pos);
    out += e.text;
    pos = e.offset + e.length;
  }
  out.append(content, pos, std::string::npos);
  return out;
}

namespace {
// Two edits collide when their replaced ranges overlap, or when both insert at one offset (their order would
// be arbitrary). An insertion at the boundary of a replacement does not collide.
bool Overlaps(const Edit& a, const Edit& b) {
  if (a.length == 0 && b.length == 0) return a.offset == b.offset && a.order == b.order;
  if (a.length == 0) return a.offset > b.offset && a.offset < b.offset + b.length;
  if (b.length == 0) return b.offset > a.offset && b.offset < a.offset + a.length;
  return a.offset < b.offset + b.length && b.offset < a.offset + a.length;
}
}  // namespace

void FileEdits::Add(const Edit& e) {
  for (const Edit& have : edits_) {
    if (have.SameChange(e)) return;
    if (Overlaps(have, e)) {
      conflicts_.push_back({have, e});
      return;
    }
  }
  auto at = std::upper_bound(edits_.begin(), edits_.end(), e, ApplyOrder);
  edits_.insert(at, e);
}

void FileEdits::RemoveSite(int site) {
  std::erase_if(edits_, [site](const Edit& e) { return e.site == site; });
}

bool FileEdits::HasSiteEdits() const {
  return std::any_of(edits_.begin(), edits_.end(), [](const Edit& e) { return e.site >= 0; });
}

void FileEdits::DropOrphanFileEdits() {
  if (!HasSiteEdits()) edits_.clear();
}

void AgreementTable::Plan(const std::string& file, const std::string& tu, std::vector<Edit> edits) {
  std::sort(edits.begin(), edits.end());
  edits.erase(std::unique(edits.begin(), edits.end()), edits.end());
  auto& tus = files_[file].by_set[edits];
  if (std::find(tus.begin(), tus.end(), tu) == tus.end()) tus.push_back(tu);
}

std::map<std::string, std::vector<std::vector<std::string>>> AgreementTable::Disagreements() const {
  std::map<std::string, std::vector<std::vector<std::string>>> out;
  for (const auto& [file, plans] : files_) {
    if (plans.by_set.size() <= 1) continue;
    for (const auto& [set, tus] : plans.by_set) out[file].push_back(tus);
  }
  return out;
}

std::vector<Edit> AgreementTable::Agreed(const std::string& file) const {
  auto it = files_.find(file);
  if (it == files_.end() || it->second.by_set.size() != 1) return {};
  return it->second.by_set.begin()->first;
}

std::vector<std::string> AgreementTable::Files() const {
  std::vector<std::string> out;
  for (const auto& [file, plans] : files_) out.push_back(file);
  return out;
}

}  // namespace nrtm
