#include "runtime/neff/graph_json.h"

#include <cinttypes>
#include <nlohmann/json.hpp>

#include "runtime/core/error.h"

namespace nrtb::graph_json {
namespace {

const char* TypeName(const Json& v) { return v.type_name(); }

// Builds the tree from nlohmann's SAX events, applying the limits as the events arrive and dropping the
// values of refused keys unbuilt. (nlohmann's own callback parser is quadratic in the length of an array
// of containers — it rescans the parent for discarded values at the end of every child — so it cannot be
// the bounded path.)
class BoundedBuilder final : public nlohmann::json_sax<Json> {
 public:
  BoundedBuilder(const Limits& limits, KeyFilter keep) : limits_(limits), keep_(keep) {}

  Json Take() { return std::move(root_); }

  bool null() override { return Add(nullptr); }
  bool boolean(bool v) override { return Add(v); }
  bool number_integer(number_integer_t v) override { return Add(v); }
  bool number_unsigned(number_unsigned_t v) override { return Add(v); }
  bool number_float(number_float_t v, const string_t&) override { return Add(v); }
  bool string(string_t& v) override { return Add(std::move(v)); }
  bool binary(binary_t&) override { ThrowInvalid("binary values are not JSON"); }

  bool start_object(std::size_t) override { return Open(Json::object()); }
  bool start_array(std::size_t) override { return Open(Json::array()); }
  bool end_object() override { return Close(); }
  bool end_array() override { return Close(); }

  bool key(string_t& k) override {
    if (skipping_) return true;
    if (keep_ != nullptr && !keep_(depth_, k)) {
      // The value that follows, however large, is read past without being built.
      skipping_ = true;
      skip_depth_ = depth_;
      return true;
    }
    Count();
    key_ = std::move(k);
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    ThrowInvalid("malformed JSON: %s", e.what());
  }

 private:
  void Count() {
    if (++elements_ > limits_.max_elements) ThrowInvalid("more than %zu JSON elements", limits_.max_elements);
  }

  // Places a value in the innermost open container (or as the root) and returns where it went.
  Json* Place(Json&& v) {
    Count();
    if (open_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    Json& parent = *open_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return &parent.back();
    }
    Json& slot = parent[key_];  // a repeated key keeps its last value, as nlohmann's own parser does
    slot = std::move(v);
    return &slot;
  }

  bool Add(Json&& v) {
    if (skipping_) {
      if (depth_ == skip_depth_) skipping_ = false;
      return true;
    }
    Place(std::move(v));
    return true;
  }

  bool Open(Json&& container) {
    if (depth_ >= limits_.max_depth) ThrowInvalid("nesting deeper than %zu levels", limits_.max_depth);
    ++depth_;
    if (!skipping_) open_.push_back(Place(std::move(container)));
    return true;
  }

  bool Close() {
    --depth_;
    if (skipping_) {
      if (depth_ == skip_depth_) skipping_ = false;
      return true;
    }
    open_.pop_back();
    return true;
  }

  const Limits& limits_;
  const KeyFilter keep_;
  Json root_;
  std::vector<Json*> open_;  // containers being filled, outermost first
  std::string key_;          // key of the next value placed in an object
  size_t depth_ = 0;         // containers open, built or skipped
  size_t elements_ = 0;
  bool skipping_ = false;  // inside the value of a refused key, which began at skip_depth_
  size_t skip_depth_ = 0;
};

}  // namespace

Json ParseText(std::string_view text, const Limits& limits, KeyFilter keep) {
  if (text.size() > limits.max_bytes) {
    ThrowInvalid("%zu bytes exceeds the %zu-byte limit", text.size(), limits.max_bytes);
  }
  BoundedBuilder builder(limits, keep);
  Json::sax_parse(text.begin(), text.end(), &builder);
  return builder.Take();
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
  for (size_t i = 0; i < array.size(); ++i) {
    out.push_back(GetInt(array[i], where + "[" + std::to_string(i) + "]", min, max));
  }
  return out;
}

}  // namespace nrtb::graph_json
