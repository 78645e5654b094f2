// What an application's file descriptor refers to, for validation mode's eventfd check: the fd number alone cannot
// tell "the eventfd the program registered" from "another eventfd that got the same number after a close", and all
// eventfds share one anonymous inode. So the check keeps a duplicate of the registered fd (at a high number, close-
// on-exec, so the application's own numbering is not disturbed) and later asks the kernel whether the number still
// refers to that same open file (kcmp KCMP_FILE; where kcmp is not allowed, the inode and the kernel's eventfd id,
// which cannot be reused while the duplicate holds the eventfd open).
#pragma once

namespace nrtb {

class FdIdentity {
 public:
  FdIdentity() = default;
  // Remembers what fd refers to now; empty() when fd is not open or cannot be duplicated.
  static FdIdentity Of(int fd);
  ~FdIdentity();
  FdIdentity(FdIdentity&& o) noexcept : held_(o.held_) { o.held_ = -1; }
  FdIdentity& operator=(FdIdentity&& o) noexcept;
  FdIdentity(const FdIdentity&) = delete;
  FdIdentity& operator=(const FdIdentity&) = delete;

  bool empty() const { return held_ < 0; }
  enum class Now { kSame, kClosed, kOtherFile };
  // What fd refers to now, compared with what it referred to when remembered.
  Now Compare(int fd) const;

 private:
  explicit FdIdentity(int held) : held_(held) {}
  int held_ = -1;  // our duplicate
};

}  // namespace nrtb
