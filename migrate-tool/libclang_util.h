// Small RAII and location helpers over the libclang C API.
#pragma once

#include <clang-c/Index.h>

#include <string>
#include <vector>

namespace nrtm {

// Takes ownership of a CXString.
std::string ToString(CXString s);
std::string CursorSpelling(CXCursor c);

struct FileLoc {
  std::string file;  // canonical path, empty if none
  unsigned line = 0, column = 0, offset = 0;
  bool valid() const { return !file.empty(); }
};

// Where the bytes of the token at loc are written: for a macro argument, the argument in the file; for a
// token of a macro body, the body in the #define.
FileLoc SpellingLoc(CXSourceLocation loc);
// Where the code at loc comes from in a file: for anything inside a macro expansion, the expansion point.
FileLoc ExpansionLoc(CXSourceLocation loc);
// True when loc lies inside any macro expansion (its spelling and expansion places differ).
bool InMacro(CXSourceLocation loc);

std::string Canonical(const std::string& path);

class Index {
 public:
  Index() : index_(clang_createIndex(0, 0)) {}
  ~Index() { clang_disposeIndex(index_); }
  Index(const Index&) = delete;
  Index& operator=(const Index&) = delete;
  CXIndex get() const { return index_; }

 private:
  CXIndex index_;
};

class TranslationUnit {
 public:
  TranslationUnit() = default;
  explicit TranslationUnit(CXTranslationUnit tu) : tu_(tu) {}
  ~TranslationUnit() {
    if (tu_) clang_disposeTranslationUnit(tu_);
  }
  TranslationUnit(const TranslationUnit&) = delete;
  TranslationUnit& operator=(const TranslationUnit&) = delete;
  CXTranslationUnit get() const { return tu_; }
  explicit operator bool() const { return tu_ != nullptr; }

 private:
  CXTranslationUnit tu_ = nullptr;
};

}  // namespace nrtm

namespace nrtm {
// Direct children of a cursor, in order.
std::vector<CXCursor> Children(CXCursor c);
// The byte range [begin, end) of a cursor in the file its expansion lies in; false if the two ends are in
// different files.
bool FileRange(CXCursor c, FileLoc* begin, FileLoc* end);
}  // namespace nrtm
