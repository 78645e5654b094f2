// The helpers the sync-execute rule calls (nrtm_schedule, nrtm_finish, nrtm_execute_wait): a short block of
// plain nrta_* code the tool inserts once per file that needs it, after the file's includes. Guarded, so a
// header and the source that includes it may both carry it.
#pragma once

#include <string>

namespace nrtm {

// The guard macro: a file that already has it is not given the block again (the tool's own output).
inline constexpr const char* kHelperGuard = "NRTM_EXECUTE_HELPERS_1";

// An implicit-mode program whose executions all got the inline form (inline_program.h): the block also keeps
// the record of their requests (nrtm_inline_inflight), through which nrtm_schedule holds the depth the program
// asked for and nrtm_unload / nrtm_close / nrtm_drain wait for every thread's requests, as implicit mode did.
struct InlineRegistry {
  bool on = false;
  int depth = 0;       // the program's depth (0: none was set, 3)
  std::string origin;  // where it was set, for the comment
};

// The block, with the nrt_async.h include spelled in the file's style (angle or quote).
std::string HelperBlock(bool angle_includes, const InlineRegistry& registry = {});

struct HelperPlacement {
  size_t offset = 0;            // where the block goes (start of a line)
  bool angle_includes = false;  // the file includes nrt headers with <...>
  bool already_present = false;
};

// After the last top-level #include before `before` (outside any #if other than the include guard); else
// after the include guard or #pragma once; else after the leading comment.
HelperPlacement PlaceHelper(const std::string& content, size_t before);

}  // namespace nrtm
