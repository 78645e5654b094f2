// Names read from a NEFF (the header's model name, tensor names in neff.json, graph.json names) end up
// in log lines, trace files and nrt_tensor_info_t. They are checked at load rather than escaped
// wherever they are printed: a NEFF whose names are not printable UTF-8 is refused with NRT_INVALID.
#pragma once

#include <string_view>

namespace nrtb {

// nullptr when `name` is well-formed UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF) without control characters (U+0000-U+001F, U+007F-U+009F); otherwise what is wrong with
// it, to follow the name's description in a message ("... is not valid UTF-8").
const char* NameProblem(std::string_view name);

}  // namespace nrtb
