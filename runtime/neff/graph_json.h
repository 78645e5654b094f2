// Reading the JSON members of a NEFF (neff.json and sgNN/def.json, TVM-style graph files, and
// cpu/graph.json): parsing bounded in size, depth and element count, and typed field access whose errors
// say which field is wrong and why. Errors are Error(NRT_INVALID, "<where>: <problem>"); the caller adds
// the file name. Only the forward declarations of nlohmann-json here: the .cc files that read values
// include <nlohmann/json.hpp> themselves.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace nrtb::graph_json {

using Json = nlohmann::json;

// What one file may cost to parse. The text size bounds the parse time; depth bounds the parser's
// stack; the element count (every value, key and container kept in the result) bounds the memory of
// the parsed tree, which is up to ~100 bytes per element whatever the text looks like.
struct Limits {
  size_t max_bytes;
  size_t max_depth;
  size_t max_elements;
};

// cpu/graph.json: big constants belong in .npy files; the schema nests 4 levels. 2^21 elements hold
// the largest graph (100000 nodes of ~8 elements) with room for inline constants.
inline constexpr Limits kGraphLimits = {size_t{64} << 20, 64, size_t{1} << 21};

// Decides, for every object key, whether its value is kept: false drops it while parsing, so it costs
// neither memory nor element budget. `depth` 1 is a key of the top-level object.
using KeyFilter = bool (*)(size_t depth, std::string_view key);

// Parses the text; malformed input or any limit exceeded throws (a limit as soon as it is crossed,
// before the rest is parsed).
Json ParseText(std::string_view text, const Limits& limits = kGraphLimits, KeyFilter keep = nullptr);

// Throws if `obj` (an object) has a key not in `allowed`.
void CheckKeys(const Json& obj, const std::string& where, const std::vector<std::string_view>& allowed);

// The member `key` of object `obj`, or nullptr if absent.
const Json* Find(const Json& obj, std::string_view key);
// The member `key` of object `obj`; throws if absent.
const Json& Require(const Json& obj, std::string_view key, const std::string& where);

const Json& GetObject(const Json& v, const std::string& where);
// An array of at most max_size elements.
const Json& GetArray(const Json& v, const std::string& where, size_t max_size);
std::string GetString(const Json& v, const std::string& where);
bool GetBool(const Json& v, const std::string& where);
// A JSON integer (not 2.0) in [min, max].
int64_t GetInt(const Json& v, const std::string& where, int64_t min, int64_t max);
// Any JSON number.
double GetNumber(const Json& v, const std::string& where);
// An array of at most max_size integers, each in [min, max].
std::vector<int64_t> GetIntList(const Json& v, const std::string& where, size_t max_size, int64_t min, int64_t max);

}  // namespace nrtb::graph_json
