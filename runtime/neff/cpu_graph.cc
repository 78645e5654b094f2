#include "runtime/neff/cpu_graph.h"

#include <algorithm>
#include <array>
#include <cinttypes>
#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "runtime/core/compute_interrupt.h"
#include "runtime/core/error.h"
#include "runtime/core/log.h"
#include "runtime/neff/element.h"
#include "runtime/neff/graph_json.h"
#include "runtime/neff/graph_ops.h"
#include "runtime/neff/name_check.h"
#include "runtime/neff/npy.h"

namespace nrtb {
namespace {

using graph_json::Json;

// Limits (documented in samples/models/README.md). They bound what a malformed or hostile graph can
// make the runtime allocate or do.
constexpr uint64_t kMaxGraphBytes = uint64_t{1} << 30;  // constants + node outputs; also each input
constexpr size_t kMaxNodes = 100000;
constexpr size_t kMaxListEntries = 100000;  // inputs, constants, outputs
constexpr size_t kMaxNodeInputs = 16;
constexpr size_t kMaxNameBytes = 255;
constexpr double kMaxDeviceTimeUs = 3600e6;  // one hour
constexpr uint64_t kBufferAlignment = 64;

constexpr const char* kFileName = "cpu/graph.json";

uint64_t AlignUp(uint64_t n) { return (n + kBufferAlignment - 1) / kBufferAlignment * kBufferAlignment; }

std::string Indexed(const char* list, size_t i) { return std::string(list) + "[" + std::to_string(i) + "]"; }

std::string CheckName(const Json& v, const std::string& where) {
  std::string name = graph_json::GetString(v, where);
  if (name.empty() || name.size() > kMaxNameBytes) {
    ThrowInvalid("%s: names must be 1 to %zu bytes, got %zu", where.c_str(), kMaxNameBytes, name.size());
  }
  if (const char* why = NameProblem(name)) ThrowInvalid("%s: name %s", where.c_str(), why);
  return name;
}

// A constant's file: a relative path of plain components ending in .npy, so that nrt-neff build
// can collect it from beside graph.json and it names a cpu/ member unambiguously.
std::string CheckMemberPath(const Json& v, const std::string& where) {
  const std::string path = graph_json::GetString(v, where);
  const auto bad = [&](const char* why) {
    ThrowInvalid("%s: \"%s\" is not a valid constant file path (%s)", where.c_str(), path.c_str(), why);
  };
  if (path.empty() || path.size() > kMaxNameBytes) bad("must be 1 to 255 bytes");
  if (!path.ends_with(".npy")) bad("must end in .npy");
  for (char c : path) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-' || c == '/';
    if (!ok) bad("allowed characters: A-Z a-z 0-9 . _ - /");
  }
  size_t start = 0;
  while (start <= path.size()) {
    const size_t end = std::min(path.find('/', start), path.size());
    const std::string_view part = std::string_view(path).substr(start, end - start);
    if (part.empty() || part == "." || part == "..") bad("relative to cpu/, without empty, . or .. components");
    start = end + 1;
  }
  return path;
}

DType CheckDType(const Json& v, const std::string& where) {
  const std::string name = graph_json::GetString(v, where);
  const std::optional<DType> t = DTypeFromName(name);
  if (!t || !(*t == DType::kFloat32 || *t == DType::kFloat16 || *t == DType::kBFloat16 || *t == DType::kInt32 ||
              *t == DType::kInt8 || *t == DType::kUint8)) {
    ThrowInvalid("%s: unsupported dtype \"%s\" (supported: float32, float16, bfloat16, int32, int8, uint8)",
                 where.c_str(), name.c_str());
  }
  return *t;
}

Shape CheckShape(const Json& v, const std::string& where) {
  Shape shape;
  for (int64_t d : graph_json::GetIntList(v, where, kMaxRank, 1, std::numeric_limits<uint32_t>::max())) {
    shape.push_back(static_cast<uint32_t>(d));
  }
  return shape;
}

// Bytes of a value of this type, checked against the per-graph cap (so never overflowing).
uint64_t CheckedBytes(const ValueType& t, const std::string& where) {
  if (t.shape.size() > kMaxRank) ThrowInvalid("%s: rank %zu exceeds %zu", where.c_str(), t.shape.size(), kMaxRank);
  const uint64_t count = ElementCount(t.shape);
  if (count > kMaxGraphBytes / DTypeSize(t.dtype)) {
    ThrowInvalid("%s: %s %s is larger than the %" PRIu64 "-byte limit", where.c_str(), DTypeName(t.dtype),
                 ShapeToString(t.shape).c_str(), kMaxGraphBytes);
  }
  return count * DTypeSize(t.dtype);
}

// Reports why inline value `v` does not fit element type T.
template <class T>
[[noreturn]] void ThrowBadValue(const Json& v, const std::string& where) {
  if constexpr (kIsFloatElement<T>) {
    graph_json::GetNumber(v, where);  // throws unless a number
    ThrowInvalid("%s: %s overflows the dtype", where.c_str(), v.dump().c_str());
  } else {
    graph_json::GetInt(v, where, std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
    ThrowInvalid("%s: %s does not fit the dtype", where.c_str(), v.dump().c_str());
  }
}

// values[i] converted to T. The error path alone builds the element's name: constants can be long.
template <class T>
T InlineValue(const Json& v, const std::string& values, size_t i) {
  if constexpr (kIsFloatElement<T>) {
    if (v.is_number()) {
      const T x = RoundToFloatElement<T>(v.get<double>());
      if (std::isfinite(static_cast<float>(x))) return x;
    }
  } else if (v.is_number_integer()) {
    // nlohmann keeps non-negative literals unsigned; compare each kind in its own signedness.
    const bool fits = v.is_number_unsigned() ? v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<T>::max())
                                             : v.get<int64_t>() >= std::numeric_limits<T>::min() &&
                                                   v.get<int64_t>() <= std::numeric_limits<T>::max();
    if (fits) return static_cast<T>(v.get<int64_t>());
  }
  ThrowBadValue<T>(v, values + "[" + std::to_string(i) + "]");
}

void StoreInlineValues(const Json& values, DType dtype, uint64_t count, std::byte* dst, const std::string& where) {
  graph_json::GetArray(values, where, std::numeric_limits<size_t>::max());
  if (values.size() != count) {
    ThrowInvalid("%s: has %zu values, the shape needs %" PRIu64, where.c_str(), values.size(), count);
  }
  VisitElement(dtype, [&](auto tag) {
    using T = decltype(tag);
    for (size_t i = 0; i < values.size(); ++i) {
      const T x = InlineValue<T>(values[i], where, i);
      std::memcpy(dst + i * sizeof(T), &x, sizeof(T));
    }
  });
}

enum class Storage { kInput, kConstant, kArena };

struct Value {
  std::string name;
  ValueType type;
  uint64_t bytes = 0;
  Storage storage = Storage::kInput;
  uint64_t location = 0;  // input index, or byte offset into the constants or the per-run arena
};

struct Node {
  CompiledOp op;
  std::vector<uint32_t> inputs;  // value ids
  uint32_t output = 0;
  std::string where;  // names the node in run-time errors
};

class Graph final : public CpuGraph {
 public:
  const std::string& name() const override { return name_; }
  const std::vector<TensorSpec>& inputs() const override { return input_specs_; }
  const std::vector<TensorSpec>& outputs() const override { return output_specs_; }
  uint64_t device_time_ns() const override { return device_time_ns_; }
  void Run(const void* const* inputs, void* const* outputs) const override;

 private:
  friend class GraphParser;

  const void* Locate(const Value& v, const void* const* inputs, const std::byte* arena) const {
    switch (v.storage) {
      case Storage::kInput:
        return inputs[v.location];
      case Storage::kConstant:
        return constants_.data() + v.location;
      case Storage::kArena:
        break;
    }
    return arena + v.location;
  }

  std::string name_;
  uint64_t device_time_ns_ = 0;
  std::vector<TensorSpec> input_specs_, output_specs_;
  std::vector<Value> values_;
  std::vector<Node> nodes_;
  std::vector<uint32_t> output_values_;
  std::vector<std::byte> constants_;
  uint64_t arena_bytes_ = 0;  // node outputs, each at its own aligned offset
};

void Graph::Run(const void* const* inputs, void* const* outputs) const {
  // Scratch per call: Run is const and may be called from several threads at once. A small graph's scratch is on
  // the stack: an allocation and a free would cost more than the compute of a one-op model (bench/README.md).
  constexpr uint64_t kArenaOnStack = 1024;
  alignas(64) std::byte on_stack[kArenaOnStack];
  std::unique_ptr<std::byte[]> on_heap;
  if (arena_bytes_ > kArenaOnStack) on_heap = std::make_unique_for_overwrite<std::byte[]>(arena_bytes_);
  std::byte* const arena = on_heap ? on_heap.get() : on_stack;
  std::array<const void*, kMaxNodeInputs> args;  // not zeroed: each node sets the inputs it reads
  for (const Node& node : nodes_) {
    // Between nodes too: a graph of many small nodes must stop at the deadline as well. Not before the first: the
    // request has just started (its deadline is at least a millisecond away, its unit checked for shutdown), and
    // for a one-op model this clock read was a tenth of the runtime's cost (bench/README.md, issue 11).
    if (&node != nodes_.data()) CheckComputeInterrupt();
    for (size_t i = 0; i < node.inputs.size(); ++i) args[i] = Locate(values_[node.inputs[i]], inputs, arena);
    try {
      RunOp(node.op, args.data(), arena + values_[node.output].location);
    } catch (const Error& e) {
      throw Error(e.status(), node.where + ": " + e.what());
    }
  }
  for (size_t j = 0; j < output_values_.size(); ++j) {
    const Value& v = values_[output_values_[j]];
    // memmove: a pass-through output may be the very input (or overlap it).
    std::memmove(outputs[j], Locate(v, inputs, arena), v.bytes);
  }
}

TensorSpec SpecOf(const std::string& name, const Value& v) { return {name, v.type.dtype, v.type.shape, v.bytes}; }

// Builds a Graph from the parsed JSON, section by section; every check throws Error(NRT_INVALID).
class GraphParser {
 public:
  explicit GraphParser(const std::map<std::string, std::string>& files)
      : files_(files), graph_(std::make_unique<Graph>()) {}

  std::unique_ptr<Graph> Parse(const Json& root) {
    graph_json::GetObject(root, "top level");
    graph_json::CheckKeys(root, "top level", {"name", "device_time_us", "inputs", "constants", "nodes", "outputs"});
    graph_->name_ = CheckName(graph_json::Require(root, "name", "top level"), "name");
    ParseDeviceTime(graph_json::Find(root, "device_time_us"));
    ForEach(graph_json::Require(root, "inputs", "top level"), "inputs", kMaxListEntries,
            [&](const Json& v, const std::string& where) { ParseInput(v, where); });
    if (const Json* constants = graph_json::Find(root, "constants")) {
      ForEach(*constants, "constants", kMaxListEntries,
              [&](const Json& v, const std::string& where) { ParseConstant(v, where); });
    }
    ForEach(graph_json::Require(root, "nodes", "top level"), "nodes", kMaxNodes,
            [&](const Json& v, const std::string& where) { ParseNode(v, where); });
    ForEach(graph_json::Require(root, "outputs", "top level"), "outputs", kMaxListEntries,
            [&](const Json& v, const std::string& where) { ParseOutput(v, where); });
    if (graph_->output_values_.empty()) ThrowInvalid("outputs: a graph needs at least one output");
    NRTB_DEBUG("cpu graph '%s': %zu inputs, %zu constants (%zu bytes), %zu nodes (%" PRIu64 " scratch bytes)",
               graph_->name_.c_str(), graph_->input_specs_.size(), constant_count_, graph_->constants_.size(),
               graph_->nodes_.size(), graph_->arena_bytes_);
    return std::move(graph_);
  }

 private:
  template <class F>
  static void ForEach(const Json& list, const char* name, size_t max, F&& parse) {
    const Json& array = graph_json::GetArray(list, name, max);
    for (size_t i = 0; i < array.size(); ++i) parse(array[i], Indexed(name, i));
  }

  void ParseDeviceTime(const Json* v) {
    if (!v) return;
    const double us = graph_json::GetNumber(*v, "device_time_us");
    if (!(us >= 0 && us <= kMaxDeviceTimeUs)) {
      ThrowInvalid("device_time_us: %g is out of range [0, %g]", us, kMaxDeviceTimeUs);
    }
    graph_->device_time_ns_ = static_cast<uint64_t>(std::llround(us * 1000.0));
  }

  // Registers a new named value; names are unique across inputs, constants and node outputs.
  uint32_t Define(const std::string& name, const ValueType& type, Storage storage, const std::string& where) {
    if (ids_.count(name)) ThrowInvalid("%s: value name '%s' is already defined", where.c_str(), name.c_str());
    Value v{name, type, CheckedBytes(type, where), storage, 0};
    if (storage != Storage::kInput) {
      if (v.bytes > kMaxGraphBytes - graph_bytes_) {
        ThrowInvalid("%s: constants and intermediates exceed the %" PRIu64 "-byte limit", where.c_str(),
                     kMaxGraphBytes);
      }
      graph_bytes_ += v.bytes;
    }
    const auto id = static_cast<uint32_t>(graph_->values_.size());
    graph_->values_.push_back(std::move(v));
    ids_.emplace(name, id);
    return id;
  }

  uint32_t Lookup(const Json& v, const std::string& where) {
    const std::string name = graph_json::GetString(v, where);
    const auto it = ids_.find(name);
    if (it == ids_.end()) {
      ThrowInvalid("%s: value '%s' is not defined (inputs, constants and earlier node outputs only)", where.c_str(),
                   name.c_str());
    }
    return it->second;
  }

  ValueType ParseType(const Json& v, const std::string& where) {
    return {CheckDType(graph_json::Require(v, "dtype", where), where + ".dtype"),
            CheckShape(graph_json::Require(v, "shape", where), where + ".shape")};
  }

  void ParseInput(const Json& v, const std::string& where) {
    graph_json::GetObject(v, where);
    graph_json::CheckKeys(v, where, {"name", "dtype", "shape"});
    const std::string name = CheckName(graph_json::Require(v, "name", where), where + ".name");
    const uint32_t id = Define(name, ParseType(v, where), Storage::kInput, where);
    Value& value = graph_->values_[id];
    value.location = graph_->input_specs_.size();
    graph_->input_specs_.push_back(SpecOf(name, value));
  }

  void ParseConstant(const Json& v, const std::string& where) {
    graph_json::GetObject(v, where);
    graph_json::CheckKeys(v, where, {"name", "dtype", "shape", "values", "file"});
    const std::string name = CheckName(graph_json::Require(v, "name", where), where + ".name");
    const uint32_t id = Define(name, ParseType(v, where), Storage::kConstant, where);
    const Value& value = graph_->values_[id];
    const Json* values = graph_json::Find(v, "values");
    const Json* file = graph_json::Find(v, "file");
    if (!values == !file) ThrowInvalid("%s: needs exactly one of 'values' and 'file'", where.c_str());

    const uint64_t offset = AlignUp(graph_->constants_.size());
    graph_->constants_.resize(offset + value.bytes);
    std::byte* dst = graph_->constants_.data() + offset;
    if (values) {
      StoreInlineValues(*values, value.type.dtype, ElementCount(value.type.shape), dst, where + ".values");
    } else {
      LoadFile(CheckMemberPath(*file, where + ".file"), value, dst, where);
    }
    graph_->values_[id].location = offset;
    ++constant_count_;
  }

  void LoadFile(const std::string& path, const Value& value, std::byte* dst, const std::string& where) {
    const auto it = files_.find(path);
    if (it == files_.end())
      ThrowInvalid("%s: file '%s' is not in the NEFF's cpu/ directory", where.c_str(), path.c_str());
    const std::string what = where + " (" + path + ")";
    const NpyArray npy = ParseNpy(it->second, what, value.type.dtype == DType::kBFloat16);
    if (npy.dtype != value.type.dtype || npy.shape != value.type.shape) {
      ThrowInvalid("%s: file holds %s %s, the constant is declared %s %s", what.c_str(), DTypeName(npy.dtype),
                   ShapeToString(npy.shape).c_str(), DTypeName(value.type.dtype),
                   ShapeToString(value.type.shape).c_str());
    }
    std::memcpy(dst, npy.data.data(), npy.data.size());
  }

  void ParseNode(const Json& v, const std::string& index) {
    graph_json::GetObject(v, index);
    graph_json::CheckKeys(v, index, {"op", "inputs", "output", "attrs"});
    const std::string op = graph_json::GetString(graph_json::Require(v, "op", index), index + ".op");
    const std::string out_name = CheckName(graph_json::Require(v, "output", index), index + ".output");
    const std::string where = index + " (" + op + " -> '" + out_name + "')";

    Node node;
    std::vector<ValueType> in_types;
    const Json& ins = graph_json::GetArray(graph_json::Require(v, "inputs", where), where + ".inputs", kMaxNodeInputs);
    for (size_t i = 0; i < ins.size(); ++i) {
      node.inputs.push_back(Lookup(ins[i], where + ".inputs[" + std::to_string(i) + "]"));
      in_types.push_back(graph_->values_[node.inputs.back()].type);
    }
    const Json* attrs = graph_json::Find(v, "attrs");
    ValueType out;
    try {
      node.op = CompileOp(op, attrs ? *attrs : Json(), in_types, &out);
    } catch (const Error& e) {
      throw Error(e.status(), where + ": " + e.what());
    }
    node.output = Define(out_name, out, Storage::kArena, where);
    Value& value = graph_->values_[node.output];
    value.location = graph_->arena_bytes_;
    graph_->arena_bytes_ += AlignUp(value.bytes);
    node.where = where;
    graph_->nodes_.push_back(std::move(node));
  }

  void ParseOutput(const Json& v, const std::string& where) {
    std::string name;
    uint32_t id = 0;
    if (v.is_string()) {
      name = CheckName(v, where);
      id = Lookup(v, where);
    } else {
      graph_json::GetObject(v, where);
      graph_json::CheckKeys(v, where, {"name", "from"});
      name = CheckName(graph_json::Require(v, "name", where), where + ".name");
      const Json* from = graph_json::Find(v, "from");
      id = from ? Lookup(*from, where + ".from") : Lookup(graph_json::Require(v, "name", where), where + ".name");
    }
    if (!output_names_.insert(name).second)
      ThrowInvalid("%s: output name '%s' is repeated", where.c_str(), name.c_str());
    graph_->output_values_.push_back(id);
    graph_->output_specs_.push_back(SpecOf(name, graph_->values_[id]));
  }

  const std::map<std::string, std::string>& files_;
  std::unique_ptr<Graph> graph_;
  std::unordered_map<std::string, uint32_t> ids_;
  std::unordered_set<std::string> output_names_;
  uint64_t graph_bytes_ = 0;
  size_t constant_count_ = 0;
};

// Runs `f` and re-throws any failure as Error(status, "cpu/graph.json: ...").
template <class F>
auto WithFileContext(F&& f) {
  try {
    return f();
  } catch (const Error& e) {
    throw Error(e.status(), std::string(kFileName) + ": " + e.what());
  } catch (const Json::exception& e) {
    throw Error(NRT_INVALID, std::string(kFileName) + ": " + e.what());
  }
}

}  // namespace

std::unique_ptr<CpuGraph> CpuGraph::Parse(std::string_view graph_json,
                                          const std::map<std::string, std::string>& files) {
  return WithFileContext(
      [&]() -> std::unique_ptr<CpuGraph> { return GraphParser(files).Parse(graph_json::ParseText(graph_json)); });
}

std::vector<std::string> CpuGraph::ReferencedFiles(std::string_view graph_json) {
  return WithFileContext([&] {
    const Json root = graph_json::ParseText(graph_json);
    graph_json::GetObject(root, "top level");
    std::vector<std::string> paths;
    std::unordered_set<std::string> seen;
    const Json* constants = graph_json::Find(root, "constants");
    if (!constants) return paths;
    const Json& list = graph_json::GetArray(*constants, "constants", kMaxListEntries);
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string where = Indexed("constants", i);
      const Json* file = graph_json::Find(graph_json::GetObject(list[i], where), "file");
      if (!file) continue;
      std::string path = CheckMemberPath(*file, where + ".file");
      if (seen.insert(path).second) paths.push_back(std::move(path));
    }
    return paths;
  });
}

}  // namespace nrtb
