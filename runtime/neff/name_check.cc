#include "runtime/neff/name_check.h"

#include <cstdint>

namespace nrtb {
namespace {

// Decodes the UTF-8 sequence at the start of `s` (RFC 3629). Returns its length, or 0 if malformed.
size_t DecodeUtf8(std::string_view s, uint32_t* code_point) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  const uint8_t lead = byte(0);
  size_t length = 0;
  uint32_t cp = 0;
  uint32_t min = 0;
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, cp = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, cp = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, cp = lead & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (s.size() < length) return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  *code_point = cp;
  return length;
}

}  // namespace

const char* NameProblem(std::string_view name) {
  while (!name.empty()) {
    uint32_t cp = 0;
    const size_t n = DecodeUtf8(name, &cp);
    if (n == 0) return "is not valid UTF-8";
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return "contains a control character";
    name.remove_prefix(n);
  }
  return nullptr;
}

}  // namespace nrtb
