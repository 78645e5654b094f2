// Reading cpu/graph.json: bounded parsing, and typed field access whose errors say which field is
// wrong and why. Errors are Error(NRT_INVALID, "<where>: <problem>"); CpuGraph adds the file name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace nrtb::graph_json {

using Json = nlohmann::json;

// graph.json larger than this is rejected before parsing: big constants belong in .npy files.
inline constexpr size_t kMaxTextBytes = size_t{64} << 20;
// Deeper nesting than this is rejected before parsing (the schema needs 4 levels).
inline constexpr size_t kMaxDepth = 64;

// Parses the text; malformed, oversized or too deeply nested input throws.
Json ParseText(std::string_view text);

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
