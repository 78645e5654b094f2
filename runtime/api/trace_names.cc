#include "runtime/api/trace_names.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "runtime/core/error.h"

namespace nrtb {

TraceEventType RequireEventType(const char* name) {
  if (name == nullptr) ThrowInvalid("event_type is NULL");
  if (auto t = ParseTraceEventType(name)) return *t;
  std::string known;
  for (int i = 0; i < kTraceEventTypeCount; ++i) {
    known += (i == 0 ? "" : ", ");
    known += TraceEventTypeName(static_cast<TraceEventType>(i));
  }
  ThrowInvalid("unknown event type \"%.64s\" (known types: %s)", name, known.c_str());
}

NRT_STATUS NameList(const char* const* names, size_t n, const char*** out, size_t* count) {
  auto** list = static_cast<const char**>(std::calloc(n == 0 ? 1 : n, sizeof(char*)));
  if (list == nullptr) throw std::bad_alloc();
  for (size_t i = 0; i < n; ++i) {
    list[i] = strdup(names[i]);
    if (list[i] == nullptr) {
      FreeNameList(list, i);
      throw std::bad_alloc();
    }
  }
  *out = list;
  *count = n;
  return NRT_SUCCESS;
}

NRT_STATUS EventTypeList(TraceEventMask mask, const char*** names, size_t* count) {
  const char* selected[kTraceEventTypeCount];
  size_t n = 0;
  for (int i = 0; i < kTraceEventTypeCount; ++i) {
    if ((mask & (1u << i)) != 0) selected[n++] = TraceEventTypeName(static_cast<TraceEventType>(i));
  }
  return NameList(selected, n, names, count);
}

void FreeNameList(const char** names, size_t count) {
  if (names == nullptr) return;
  for (size_t i = 0; i < count; ++i) std::free(const_cast<char*>(names[i]));
  std::free(names);
}

}  // namespace nrtb
