#include "libclang_util.h"

#include <climits>
#include <cstdlib>

namespace nrtm {

std::string ToString(CXString s) {
  const char* c = clang_getCString(s);
  std::string out = c ? c : "";
  clang_disposeString(s);
  return out;
}

std::string CursorSpelling(CXCursor c) { return ToString(clang_getCursorSpelling(c)); }

std::string Canonical(const std::string& path) {
  char buf[PATH_MAX];
  if (realpath(path.c_str(), buf)) return buf;
  return path;
}

namespace {
FileLoc Make(CXFile file, unsigned line, unsigned column, unsigned offset) {
  FileLoc out;
  if (!file) return out;
  out.file = Canonical(ToString(clang_getFileName(file)));
  out.line = line;
  out.column = column;
  out.offset = offset;
  return out;
}
}  // namespace

FileLoc SpellingLoc(CXSourceLocation loc) {
  // clang_getFileLocation maps a macro-argument token to where the argument is written and a macro-body
  // token to the expansion point; clang_getSpellingLocation gives the #define for a body token.
  CXFile file = nullptr;
  unsigned line = 0, column = 0, offset = 0;
  clang_getSpellingLocation(loc, &file, &line, &column, &offset);
  return Make(file, line, column, offset);
}

FileLoc ExpansionLoc(CXSourceLocation loc) {
  CXFile file = nullptr;
  unsigned line = 0, column = 0, offset = 0;
  clang_getExpansionLocation(loc, &file, &line, &column, &offset);
  return Make(file, line, column, offset);
}

bool InMacro(CXSourceLocation loc) {
  FileLoc s = SpellingLoc(loc), e = ExpansionLoc(loc);
  return s.file != e.file || s.offset != e.offset;
}

}  // namespace nrtm

namespace nrtm {

std::vector<CXCursor> Children(CXCursor c) {
  std::vector<CXCursor> out;
  clang_visitChildren(
      c,
      [](CXCursor child, CXCursor, CXClientData data) {
        static_cast<std::vector<CXCursor>*>(data)->push_back(child);
        return CXChildVisit_Continue;
      },
      &out);
  return out;
}

bool FileRange(CXCursor c, FileLoc* begin, FileLoc* end) {
  CXSourceRange r = clang_getCursorExtent(c);
  *begin = ExpansionLoc(clang_getRangeStart(r));
  *end = ExpansionLoc(clang_getRangeEnd(r));
  return begin->valid() && begin->file == end->file && end->offset >= begin->offset;
}

}  // namespace nrtm
