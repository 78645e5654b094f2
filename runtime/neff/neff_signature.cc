#include "runtime/neff/neff_signature.h"

#include <cinttypes>
#include <limits>
#include <nlohmann/json.hpp>

#include "runtime/core/error.h"
#include "runtime/neff/dtype.h"
#include "runtime/neff/graph_json.h"
#include "runtime/neff/name_check.h"

namespace nrtb {
namespace {

using nlohmann::json;
namespace gj = graph_json;

// neff.json is the graph of a handful of nodes (one per input and per compiled subgraph) with a few
// attributes per tensor entry: 16 MiB and 2^20 elements hold thousands of tensors.
constexpr gj::Limits kNeffJsonLimits = {size_t{16} << 20, 32, size_t{1} << 20};
// def.json lists every variable of a subgraph (and DMA / engine tables the runtime does not read), so
// real ones are large; only `var` entries' type, size and name are kept, bounding the parsed tree by
// the element count while the text may be larger.
constexpr gj::Limits kDefJsonLimits = {size_t{128} << 20, 32, size_t{1} << 20};
constexpr size_t kMaxListEntries = size_t{1} << 20;  // nodes, arg_nodes, heads, attrs lists
constexpr int64_t kMaxIndex = std::numeric_limits<int64_t>::max();

bool KeepDefJsonMember(size_t depth, std::string_view key) {
  if (depth == 1) return key == "var";
  // depth 2 names a var (object form); depth 3 is a field of one var (both forms).
  if (depth == 3) return key == "type" || key == "size" || key == "name";
  return true;
}

// Runs `f`, prefixing any error with the file name: "<file>: <where>: <problem>".
template <class F>
auto InFile(std::string_view file, F&& f) {
  try {
    return f();
  } catch (const Error& e) {
    throw Error(e.status(), std::string(file) + ": " + e.what());
  } catch (const json::exception& e) {
    throw Error(NRT_INVALID, std::string(file) + ": " + e.what());
  }
}

const json& ArrayField(const json& object, const char* key, const std::string& where) {
  return gj::GetArray(gj::Require(gj::GetObject(object, where), key, where), where + "." + key, kMaxListEntries);
}

uint64_t Index(const json& value, const std::string& where) {
  return static_cast<uint64_t>(gj::GetInt(value, where, 0, kMaxIndex));
}

// attrs.<key> = ["<kind>", [one value per entry id]].
const json& ListAttr(const json& attrs, const char* key, const char* kind) {
  const std::string where = std::string("attrs.") + key;
  const json& attr = gj::Require(gj::GetObject(attrs, "attrs"), key, "attrs");
  if (!attr.is_array() || attr.size() != 2 || attr[0] != kind || !attr[1].is_array()) {
    ThrowInvalid("%s is not [\"%s\", [...]]", where.c_str(), kind);
  }
  return attr[1];
}

uint64_t ShapeBytes(const std::vector<uint32_t>& shape, DType dtype, const std::string& name) {
  uint64_t bytes = DTypeSize(dtype);
  for (uint32_t d : shape) {
    if (__builtin_mul_overflow(bytes, uint64_t{d}, &bytes)) {
      ThrowInvalid("tensor %s: size of its shape overflows 64 bits", name.c_str());
    }
  }
  return bytes;
}

void CheckTensorName(const std::string& name, const std::string& where) {
  if (name.empty()) ThrowInvalid("%s has an empty name", where.c_str());
  if (name.size() > kMaxTensorNameBytes) {
    ThrowInvalid("%s name is %zu bytes, at most %zu allowed", where.c_str(), name.size(), kMaxTensorNameBytes);
  }
  if (const char* why = NameProblem(name)) ThrowInvalid("%s name %s", where.c_str(), why);
}

// The graph-level arrays every lookup goes through, validated once.
class GraphTables {
 public:
  explicit GraphTables(const json& doc)
      : nodes_(ArrayField(doc, "nodes", "top level")),
        row_ptr_(ArrayField(doc, "node_row_ptr", "top level")),
        dtypes_(ListAttr(gj::Require(doc, "attrs", "top level"), "dltype", "list_str")),
        shapes_(ListAttr(gj::Require(doc, "attrs", "top level"), "shape", "list_shape")) {
    if (row_ptr_.size() != nodes_.size() + 1) {
      ThrowInvalid("node_row_ptr has %zu entries for %zu nodes (expected %zu)", row_ptr_.size(), nodes_.size(),
                   nodes_.size() + 1);
    }
  }

  const json& Node(uint64_t index, const std::string& where) const {
    if (index >= nodes_.size()) {
      ThrowInvalid("%s refers to node %" PRIu64 " of %zu", where.c_str(), index, nodes_.size());
    }
    return gj::GetObject(nodes_[index], "node " + std::to_string(index));
  }

  const json& nodes() const { return nodes_; }

  // Reads the dtype and shape of output `out` of node `node` (entry id node_row_ptr[node] + out).
  TensorSpec Spec(const std::string& name, uint64_t node, uint64_t out, const std::string& where) const {
    const uint64_t first = Index(row_ptr_[node], "node_row_ptr[" + std::to_string(node) + "]");
    const uint64_t end = Index(row_ptr_[node + 1], "node_row_ptr[" + std::to_string(node + 1) + "]");
    if (end < first || out >= end - first) {
      ThrowInvalid("%s uses output %" PRIu64 " of node %" PRIu64 ", which has %" PRIu64, where.c_str(), out, node,
                   end < first ? 0 : end - first);
    }
    const uint64_t eid = first + out;
    if (eid >= dtypes_.size() || eid >= shapes_.size()) {
      ThrowInvalid("%s has entry id %" PRIu64 ", beyond attrs.dltype (%zu) or attrs.shape (%zu)", where.c_str(), eid,
                   dtypes_.size(), shapes_.size());
    }
    TensorSpec spec;
    spec.name = name;
    spec.dtype = ParseDType(dtypes_[eid], name);
    spec.shape = ParseShape(shapes_[eid], name);
    spec.size_bytes = ShapeBytes(spec.shape, spec.dtype, name);
    return spec;
  }

 private:
  static DType ParseDType(const json& value, const std::string& name) {
    const std::string text = gj::GetString(value, "dtype of " + name);
    const std::optional<DType> dtype = DTypeFromName(text);
    if (!dtype) ThrowInvalid("tensor %s has unknown dtype '%s'", name.c_str(), text.c_str());
    return *dtype;
  }

  static std::vector<uint32_t> ParseShape(const json& value, const std::string& name) {
    if (!value.is_array()) ThrowInvalid("shape of tensor %s is not an array", name.c_str());
    if (value.size() > kMaxTensorDims) {
      ThrowInvalid("tensor %s has %zu dimensions, at most %zu allowed", name.c_str(), value.size(), kMaxTensorDims);
    }
    std::vector<uint32_t> shape;
    for (const json& d : value) {
      const uint64_t dim = Index(d, "a dimension of tensor " + name);
      if (dim > std::numeric_limits<uint32_t>::max()) {
        ThrowInvalid("tensor %s has dimension %" PRIu64 ", over 2^32-1", name.c_str(), dim);
      }
      shape.push_back(static_cast<uint32_t>(dim));
    }
    return shape;
  }

  const json& nodes_;
  const json& row_ptr_;
  const json& dtypes_;
  const json& shapes_;
};

// LNC=2 NEFFs list each output once per physical core; one entry per name is what callers bind.
void AddUnique(std::vector<TensorSpec>& list, TensorSpec spec, const char* kind) {
  for (const TensorSpec& have : list) {
    if (have.name != spec.name) continue;
    if (have.dtype != spec.dtype || have.shape != spec.shape) {
      ThrowInvalid("%s %s is declared twice with different dtype or shape", kind, spec.name.c_str());
    }
    return;
  }
  list.push_back(std::move(spec));
}

void ReadInputs(const json& doc, const GraphTables& g, NeffSignature& sig) {
  const json& args = ArrayField(doc, "arg_nodes", "top level");
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string where = "arg_nodes[" + std::to_string(i) + "]";
    const uint64_t node = Index(args[i], where);
    const std::string name = gj::GetString(gj::Require(g.Node(node, where), "name", where), where + " name");
    CheckTensorName(name, where);
    AddUnique(sig.inputs, g.Spec(name, node, 0, where), "input");
  }
}

// Output name = nodes[node].output_names[out]; a graph input passed straight through has no
// output_names and is named after its node.
std::string OutputName(const json& node, uint64_t out, const std::string& where) {
  const json* names = gj::Find(node, "output_names");
  if (names == nullptr) {
    if (out != 0) ThrowInvalid("%s uses output %" PRIu64 " of a node without output_names", where.c_str(), out);
    return gj::GetString(gj::Require(node, "name", where), where + " node name");
  }
  if (!names->is_array() || out >= names->size()) {
    ThrowInvalid("%s uses output %" PRIu64 ", beyond its node's output_names", where.c_str(), out);
  }
  return gj::GetString((*names)[out], where + " output name");
}

void ReadOutputs(const json& doc, const GraphTables& g, NeffSignature& sig) {
  const json& heads = ArrayField(doc, "heads", "top level");
  for (size_t i = 0; i < heads.size(); ++i) {
    const std::string where = "heads[" + std::to_string(i) + "]";
    const json& head = heads[i];
    if (!head.is_array() || head.size() < 2) ThrowInvalid("%s is not [node, output, version]", where.c_str());
    const uint64_t node = Index(head[0], where + "[0]");
    const uint64_t out = Index(head[1], where + "[1]");
    const std::string name = OutputName(g.Node(node, where), out, where);
    CheckTensorName(name, where);
    AddUnique(sig.outputs, g.Spec(name, node, out, where), "output");
  }
}

void ReadKelfFiles(const GraphTables& g, NeffSignature& sig) {
  for (size_t i = 0; i < g.nodes().size(); ++i) {
    const json& node = g.nodes()[i];
    if (!node.is_object()) continue;
    const json* op = gj::Find(node, "op");
    if (op == nullptr || *op != "tvm_op") continue;
    const json* attrs = gj::Find(node, "attrs");
    if (attrs == nullptr || !attrs->is_object()) continue;
    if (const json* kelf = gj::Find(*attrs, "kelf")) {
      sig.kelf_files.push_back(gj::GetString(*kelf, "nodes[" + std::to_string(i) + "].attrs.kelf"));
    }
  }
}

const TensorSpec* Find(const std::vector<TensorSpec>& list, std::string_view name) {
  for (const TensorSpec& t : list) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

void CheckVar(const std::string& name, const json& var, const NeffSignature& sig) {
  if (!var.is_object()) ThrowInvalid("var %s is not an object", name.c_str());
  const json* type = gj::Find(var, "type");
  if (type == nullptr || !type->is_string()) return;
  const bool is_input = *type == "input";
  if (!is_input && *type != "output") return;
  const char* kind = is_input ? "input" : "output";
  const json* size = gj::Find(var, "size");
  if (size == nullptr || !size->is_number_unsigned()) {
    ThrowInvalid("%s var %s has no non-negative integer size", kind, name.c_str());
  }
  const TensorSpec* spec = Find(is_input ? sig.inputs : sig.outputs, name);
  if (spec == nullptr) ThrowInvalid("%s var %s is not declared in neff.json", kind, name.c_str());
  const uint64_t bytes = size->get<uint64_t>();
  if (bytes != spec->size_bytes) {
    ThrowInvalid("%s var %s is %" PRIu64 " bytes, but neff.json declares %" PRIu64, kind, name.c_str(), bytes,
                 spec->size_bytes);
  }
}

}  // namespace

NeffSignature ParseNeffSignature(std::string_view neff_json) {
  return InFile("neff.json", [&] {
    const json doc = gj::ParseText(neff_json, kNeffJsonLimits);
    if (!doc.is_object()) ThrowInvalid("top level is not an object");
    const GraphTables graph(doc);
    NeffSignature sig;
    ReadInputs(doc, graph, sig);
    ReadOutputs(doc, graph, sig);
    ReadKelfFiles(graph, sig);
    return sig;
  });
}

void CheckDefJsonVars(std::string_view def_json, std::string_view member, const NeffSignature& signature) {
  InFile(member, [&] {
    const json doc = gj::ParseText(def_json, kDefJsonLimits, KeepDefJsonMember);
    if (!doc.is_object()) ThrowInvalid("top level is not an object");
    const json* vars = gj::Find(doc, "var");
    if (vars == nullptr) return;
    // Real NEFFs key `var` by name; the format has also been described as an array of named objects.
    if (vars->is_object()) {
      for (const auto& [name, var] : vars->items()) CheckVar(name, var, signature);
    } else if (vars->is_array()) {
      for (size_t i = 0; i < vars->size(); ++i) {
        const json& var = (*vars)[i];
        const json* name = var.is_object() ? gj::Find(var, "name") : nullptr;
        CheckVar(name != nullptr && name->is_string() ? name->get<std::string>() : "[" + std::to_string(i) + "]", var,
                 signature);
      }
    } else {
      ThrowInvalid("var is neither an object nor an array");
    }
  });
}

namespace {

json DescribeEntries(const NeffSignature& sig, json& dtypes, json& shapes) {
  json storage = json::array();
  for (const auto* list : {&sig.inputs, &sig.outputs}) {
    for (const TensorSpec& t : *list) {
      storage.push_back(storage.size());
      dtypes.push_back(DTypeName(t.dtype));
      shapes.push_back(t.shape);
    }
  }
  return storage;
}

}  // namespace

std::string NeffJsonFor(const NeffSignature& sig, std::string_view kelf_file) {
  const size_t n_in = sig.inputs.size();
  const size_t n_out = sig.outputs.size();
  json nodes = json::array();
  json compute_inputs = json::array();
  json arg_nodes = json::array();
  json row_ptr = json::array();
  for (size_t i = 0; i < n_in; ++i) {
    nodes.push_back({{"op", "null"}, {"name", sig.inputs[i].name}, {"inputs", json::array()}});
    compute_inputs.push_back({i, 0, 0});
    arg_nodes.push_back(i);
    row_ptr.push_back(i);
  }
  json output_names = json::array();
  json heads = json::array();
  for (size_t j = 0; j < n_out; ++j) {
    output_names.push_back(sig.outputs[j].name);
    heads.push_back({n_in, j, 0});
  }
  nodes.push_back({{"op", "tvm_op"},
                   {"name", "kelf"},
                   {"inputs", compute_inputs},
                   {"output_names", output_names},
                   {"attrs",
                    {{"func_name", "__kelf"},
                     {"kelf", kelf_file},
                     {"num_inputs", std::to_string(n_in)},
                     {"num_outputs", std::to_string(n_out)}}}});
  row_ptr.push_back(n_in);
  row_ptr.push_back(n_in + n_out);
  json dtypes = json::array();
  json shapes = json::array();
  const json storage = DescribeEntries(sig, dtypes, shapes);
  const json doc = {
      {"nodes", nodes},
      {"arg_nodes", arg_nodes},
      {"heads", heads},
      {"node_row_ptr", row_ptr},
      {"attrs",
       {{"dltype", {"list_str", dtypes}}, {"shape", {"list_shape", shapes}}, {"storage_id", {"list_int", storage}}}}};
  return doc.dump(2);
}

std::string DefJsonFor(const NeffSignature& sig) {
  json vars = json::object();
  uint64_t var_id = 0;
  for (const TensorSpec& t : sig.inputs)
    vars[t.name] = {{"type", "input"}, {"size", t.size_bytes}, {"var_id", var_id++}};
  for (const TensorSpec& t : sig.outputs)
    vars[t.name] = {{"type", "output"}, {"size", t.size_bytes}, {"var_id", var_id++}};
  return json{{"version", "0.6"}, {"var", vars}}.dump(2);
}

}  // namespace nrtb
