#include "runtime/neff/graph_json.h"

#include <algorithm>
#include <cinttypes>

#include "runtime/core/error.h"

namespace nrtb::graph_json {
namespace {

const char* TypeName(const Json& v) { return v.type_name(); }

// Deepest nesting of arrays/objects in the text, counting brackets outside strings. Bounding it
// before parsing keeps the parser's and the destructor's work (and stack) bounded.
size_t NestingDepth(std::string_view text) {
  size_t depth = 0, max_depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      max_depth = std::max(max_depth, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return max_depth;
}

}  // namespace

Json ParseText(std::string_view text) {
  if (text.size() > kMaxTextBytes) {
    ThrowInvalid("%zu bytes exceeds the %zu-byte limit (put large constants in .npy files)", text.size(),
                 kMaxTextBytes);
  }
  if (NestingDepth(text) > kMaxDepth) ThrowInvalid("nesting deeper than %zu levels", kMaxDepth);
  try {
    return Json::parse(text);
  } catch (const Json::exception& e) {
    ThrowInvalid("malformed JSON: %s", e.what());
  }
}

void CheckKeys(const Json& obj, const std::string& where, const std::vector<std::string_view>& allowed) {
  for (const auto& item : obj.items()) {
    bool known = false;
    for (std::string_view key : allowed) known = known || item.key() == key;
    if (known) continue;
    std::string list;
    for (std::string_view key : allowed) list += (list.empty() ? "" : ", ") + std::string(key);
    ThrowInvalid("%s: unknown field '%s' (allowed: %s)", where.c_str(), item.key().c_str(),
                 list.empty() ? "none" : list.c_str());
  }
}

const Json* Find(const Json& obj, std::string_view key) {
  const auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

const Json& Require(const Json& obj, std::string_view key, const std::string& where) {
  const Json* v = Find(obj, key);
  if (!v) ThrowInvalid("%s: missing field '%.*s'", where.c_str(), static_cast<int>(key.size()), key.data());
  return *v;
}

const Json& GetObject(const Json& v, const std::string& where) {
  if (!v.is_object()) ThrowInvalid("%s: must be an object, got %s", where.c_str(), TypeName(v));
  return v;
}

const Json& GetArray(const Json& v, const std::string& where, size_t max_size) {
  if (!v.is_array()) ThrowInvalid("%s: must be an array, got %s", where.c_str(), TypeName(v));
  if (v.size() > max_size) ThrowInvalid("%s: has %zu entries (max %zu)", where.c_str(), v.size(), max_size);
  return v;
}

std::string GetString(const Json& v, const std::string& where) {
  if (!v.is_string()) ThrowInvalid("%s: must be a string, got %s", where.c_str(), TypeName(v));
  return v.get<std::string>();
}

bool GetBool(const Json& v, const std::string& where) {
  if (!v.is_boolean()) ThrowInvalid("%s: must be true or false, got %s", where.c_str(), TypeName(v));
  return v.get<bool>();
}

int64_t GetInt(const Json& v, const std::string& where, int64_t min, int64_t max) {
  if (!v.is_number_integer()) ThrowInvalid("%s: must be an integer, got %s", where.c_str(), v.dump().c_str());
  // Unsigned JSON integers above INT64_MAX are out of every range we accept.
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(max)) {
    ThrowInvalid("%s: %s is out of range [%" PRId64 ", %" PRId64 "]", where.c_str(), v.dump().c_str(), min, max);
  }
  const int64_t i = v.get<int64_t>();
  if (i < min || i > max) {
    ThrowInvalid("%s: %" PRId64 " is out of range [%" PRId64 ", %" PRId64 "]", where.c_str(), i, min, max);
  }
  return i;
}

double GetNumber(const Json& v, const std::string& where) {
  if (!v.is_number()) ThrowInvalid("%s: must be a number, got %s", where.c_str(), TypeName(v));
  return v.get<double>();
}

std::vector<int64_t> GetIntList(const Json& v, const std::string& where, size_t max_size, int64_t min, int64_t max) {
  std::vector<int64_t> out;
  const Json& array = GetArray(v, where, max_size);
  for (size_t i = 0; i < array.size(); ++i) out.push_back(GetInt(array[i], where + "[" + std::to_string(i) + "]", min, max));
  return out;
}

}  // namespace nrtb::graph_json
