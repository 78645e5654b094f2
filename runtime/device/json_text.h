// Appends JSON text without a DOM and without exceptions: the trace writers build their output with
// these so that nothing read from a file (model names from a NEFF header, tensor names) can make a
// writer throw. Strings are escaped and made valid UTF-8: every byte that does not start a well-formed
// UTF-8 sequence (overlong forms, surrogates and code points past U+10FFFF included) becomes U+FFFD.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace nrtb {

// Appends `s` as a quoted JSON string. May only throw std::bad_alloc from `out`.
void AppendJsonString(std::string& out, std::string_view s);
// Appends an unsigned / signed integer and a double (non-finite values become 0: JSON has no NaN).
void AppendJsonUint(std::string& out, uint64_t v);
void AppendJsonInt(std::string& out, int64_t v);
void AppendJsonDouble(std::string& out, double v);

}  // namespace nrtb
