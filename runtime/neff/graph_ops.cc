#include "runtime/neff/graph_ops.h"

#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "runtime/core/error.h"

namespace nrtb {
namespace {

using graph_json::Json;
using Inputs = std::vector<ValueType>;

constexpr uint32_t Bit(DType t) { return 1u << static_cast<uint32_t>(t); }
constexpr uint32_t kFloats = Bit(DType::kFloat32) | Bit(DType::kFloat16) | Bit(DType::kBFloat16);
constexpr uint32_t kFloatsInt32 = kFloats | Bit(DType::kInt32);
constexpr uint32_t kAll = kFloatsInt32 | Bit(DType::kInt8) | Bit(DType::kUint8);

using CompileFn = CompiledOp (*)(const Json& attrs, const Inputs& in, ValueType* out);

struct OpInfo {
  std::string_view name;
  size_t min_inputs, max_inputs;
  uint32_t dtypes;  // what the inputs may be (all inputs share one dtype)
  std::vector<std::string_view> attrs;
  CompileFn compile;
};

std::string DTypeList(uint32_t mask) {
  std::string s;
  for (DType t : {DType::kFloat32, DType::kFloat16, DType::kBFloat16, DType::kInt32, DType::kInt8, DType::kUint8}) {
    if (mask & Bit(t)) s += (s.empty() ? "" : ", ") + std::string(DTypeName(t));
  }
  return s;
}

// A number attr (JSON numbers are always finite), or `fallback` when absent.
double Number(const Json& attrs, std::string_view key, double fallback) {
  const Json* v = graph_json::Find(attrs, key);
  return v ? graph_json::GetNumber(*v, "attrs." + std::string(key)) : fallback;
}

int64_t Axis(const Json& attrs, std::string_view key) {
  const Json* v = graph_json::Find(attrs, key);
  return v ? graph_json::GetInt(*v, "attrs." + std::string(key), -static_cast<int64_t>(kMaxRank), kMaxRank - 1) : -1;
}

std::vector<int64_t> IntList(const Json& attrs, std::string_view key, int64_t min, int64_t max) {
  const Json* v = graph_json::Find(attrs, key);
  return v ? graph_json::GetIntList(*v, "attrs." + std::string(key), kMaxRank, min, max) : std::vector<int64_t>{};
}

CompiledOp Make(DType dtype, auto step) { return CompiledOp{dtype, std::move(step)}; }

// ---- per-op checks and inference ----

CompiledOp CompileBinary(BinaryOp op, const Inputs& in, ValueType* out) {
  BroadcastPlan plan = InferBroadcast(in[0].shape, in[1].shape);
  *out = {in[0].dtype, plan.out};
  const FlatBinaryKernel flat = FlatBinaryKernelFor(op, in[0].dtype, plan);
  const uint64_t count = ElementCount(plan.out);
  return Make(in[0].dtype, BinaryStep{op, std::move(plan), flat, count});
}

CompiledOp CompileUnary(UnaryOp op, UnaryParams params, const Inputs& in, ValueType* out) {
  *out = in[0];
  return Make(in[0].dtype, UnaryStep{op, params, ElementCount(in[0].shape)});
}

CompiledOp CompileScale(const Json& attrs, const Inputs& in, ValueType* out) {
  return CompileUnary(UnaryOp::kScale, {Number(attrs, "scale", 1.0), Number(attrs, "bias", 0.0)}, in, out);
}

CompiledOp CompileGelu(const Json& attrs, const Inputs& in, ValueType* out) {
  const Json* v = graph_json::Find(attrs, "approximate");
  const std::string approximate = v ? graph_json::GetString(*v, "attrs.approximate") : "none";
  if (approximate != "none" && approximate != "tanh") {
    ThrowInvalid("attrs.approximate: must be \"none\" (erf) or \"tanh\", got \"%s\"", approximate.c_str());
  }
  return CompileUnary(approximate == "tanh" ? UnaryOp::kGeluTanh : UnaryOp::kGeluErf, {}, in, out);
}

CompiledOp CompileMatMul(const Json&, const Inputs& in, ValueType* out) {
  MatMulPlan plan = InferMatMul(in[0].shape, in[1].shape);
  *out = {in[0].dtype, plan.out};
  return Make(in[0].dtype, std::move(plan));
}

CompiledOp CompileSoftmax(const Json& attrs, const Inputs& in, ValueType* out) {
  *out = in[0];
  return Make(in[0].dtype, SoftmaxStep{InferAxis(in[0].shape, Axis(attrs, "axis"))});
}

CompiledOp CompileLayerNorm(const Json& attrs, const Inputs& in, ValueType* out) {
  const Shape& x = in[0].shape;
  if (x.empty()) ThrowInvalid("operand must have rank >= 1, got a scalar");
  if (NormalizeAxis(Axis(attrs, "axis"), x.size()) != x.size() - 1) {
    ThrowInvalid("attrs.axis: only the last axis (-1) is supported");
  }
  const double eps = Number(attrs, "eps", 1e-5);
  if (eps <= 0) ThrowInvalid("attrs.eps: must be > 0, got %g", eps);
  const Shape param_shape = {x.back()};
  for (size_t i = 1; i < in.size(); ++i) {
    if (in[i].shape != param_shape) {
      ThrowInvalid("%s must have shape %s (the normalized axis), got %s", i == 1 ? "gamma" : "beta",
                   ShapeToString(param_shape).c_str(), ShapeToString(in[i].shape).c_str());
    }
  }
  *out = in[0];
  const uint64_t cols = x.back();
  return Make(in[0].dtype, LayerNormStep{ElementCount(x) / cols, cols, eps, in.size() > 1, in.size() > 2});
}

CompiledOp CompileTranspose(const Json& attrs, const Inputs& in, ValueType* out) {
  TransposePlan plan = InferTranspose(in[0].shape, IntList(attrs, "perm", 0, kMaxRank - 1));
  *out = {in[0].dtype, plan.out};
  return Make(in[0].dtype, TransposeStep{DTypeSize(in[0].dtype), std::move(plan)});
}

CompiledOp CompileReshape(const Json& attrs, const Inputs& in, ValueType* out) {
  const Json& shape = graph_json::Require(attrs, "shape", "attrs");
  const std::vector<int64_t> target =
      graph_json::GetIntList(shape, "attrs.shape", kMaxRank, -1, std::numeric_limits<uint32_t>::max());
  *out = {in[0].dtype, InferReshape(in[0].shape, target)};
  return Make(in[0].dtype, CopyStep{ElementCount(in[0].shape) * DTypeSize(in[0].dtype)});
}

CompiledOp CompileReduceSum(const Json& attrs, const Inputs& in, ValueType* out) {
  const Json* keep = graph_json::Find(attrs, "keepdims");
  const bool keepdims = keep ? graph_json::GetBool(*keep, "attrs.keepdims") : false;
  const int64_t rank = static_cast<int64_t>(kMaxRank);
  ReducePlan plan = InferReduce(in[0].shape, IntList(attrs, "axes", -rank, rank - 1), keepdims);
  *out = {in[0].dtype, plan.out};
  return Make(in[0].dtype, std::move(plan));
}

CompiledOp CompileCast(const Json& attrs, const Inputs& in, ValueType* out) {
  const std::string name = graph_json::GetString(graph_json::Require(attrs, "to", "attrs"), "attrs.to");
  const std::optional<DType> to = DTypeFromName(name);
  if (!to || !(kAll & Bit(*to))) {
    ThrowInvalid("attrs.to: cannot cast to \"%s\" (supported: %s)", name.c_str(), DTypeList(kAll).c_str());
  }
  *out = {*to, in[0].shape};
  return Make(in[0].dtype, CastStep{*to, ElementCount(in[0].shape)});
}

template <BinaryOp kOp>
CompiledOp Binary(const Json&, const Inputs& in, ValueType* out) {
  return CompileBinary(kOp, in, out);
}
template <UnaryOp kOp>
CompiledOp Unary(const Json&, const Inputs& in, ValueType* out) {
  return CompileUnary(kOp, {}, in, out);
}

const std::vector<OpInfo>& OpTable() {
  static const std::vector<OpInfo> table = {
      {"matmul", 2, 2, kFloats, {}, CompileMatMul},
      {"add", 2, 2, kAll, {}, Binary<BinaryOp::kAdd>},
      {"sub", 2, 2, kAll, {}, Binary<BinaryOp::kSub>},
      {"mul", 2, 2, kAll, {}, Binary<BinaryOp::kMul>},
      {"div", 2, 2, kFloatsInt32, {}, Binary<BinaryOp::kDiv>},
      {"scale", 1, 1, kFloats, {"scale", "bias"}, CompileScale},
      {"relu", 1, 1, kAll, {}, Unary<UnaryOp::kRelu>},
      {"gelu", 1, 1, kFloats, {"approximate"}, CompileGelu},
      {"tanh", 1, 1, kFloats, {}, Unary<UnaryOp::kTanh>},
      {"sigmoid", 1, 1, kFloats, {}, Unary<UnaryOp::kSigmoid>},
      {"exp", 1, 1, kFloats, {}, Unary<UnaryOp::kExp>},
      {"softmax", 1, 1, kFloats, {"axis"}, CompileSoftmax},
      {"layernorm", 1, 3, kFloats, {"axis", "eps"}, CompileLayerNorm},
      {"transpose", 1, 1, kAll, {"perm"}, CompileTranspose},
      {"reshape", 1, 1, kAll, {"shape"}, CompileReshape},
      {"reduce_sum", 1, 1, kFloatsInt32, {"axes", "keepdims"}, CompileReduceSum},
      {"cast", 1, 1, kAll, {"to"}, CompileCast},
  };
  return table;
}

const OpInfo& FindOp(std::string_view name) {
  for (const OpInfo& info : OpTable()) {
    if (info.name == name) return info;
  }
  std::string known;
  for (const OpInfo& info : OpTable()) known += (known.empty() ? "" : ", ") + std::string(info.name);
  ThrowInvalid("unknown op \"%.*s\" (known: %s)", static_cast<int>(name.size()), name.data(), known.c_str());
}

void CheckInputs(const OpInfo& info, const Inputs& in) {
  if (in.size() < info.min_inputs || in.size() > info.max_inputs) {
    if (info.min_inputs == info.max_inputs) {
      ThrowInvalid("takes %zu input%s, got %zu", info.min_inputs, info.min_inputs == 1 ? "" : "s", in.size());
    }
    ThrowInvalid("takes %zu to %zu inputs, got %zu", info.min_inputs, info.max_inputs, in.size());
  }
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i].dtype != in[0].dtype) {
      ThrowInvalid("inputs have different dtypes (%s vs %s); convert with a cast node", DTypeName(in[0].dtype),
                   DTypeName(in[i].dtype));
    }
  }
  if (!(info.dtypes & Bit(in[0].dtype))) {
    ThrowInvalid("does not support dtype %s (supported: %s)", DTypeName(in[0].dtype), DTypeList(info.dtypes).c_str());
  }
}

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;  // clang 14 lacks aggregate CTAD

}  // namespace

CompiledOp CompileOp(std::string_view name, const Json& attrs, const Inputs& inputs, ValueType* out) {
  const OpInfo& info = FindOp(name);
  static const Json kNoAttrs = Json::object();
  const Json& a = attrs.is_null() ? kNoAttrs : graph_json::GetObject(attrs, "attrs");
  graph_json::CheckKeys(a, "attrs", info.attrs);
  CheckInputs(info, inputs);
  return info.compile(a, inputs, out);
}

void RunOp(const CompiledOp& op, const void* const* in, void* out) {
  // A small elementwise op (most ops of small models): one call, no visit.
  if (const BinaryStep* s = std::get_if<BinaryStep>(&op.step); s != nullptr && s->flat != nullptr) {
    return s->flat(in[0], in[1], out, s->count);
  }
  std::visit(Overloaded{
                 [&](const BinaryStep& s) { RunBinary(s.op, op.dtype, s.plan, in[0], in[1], out); },
                 [&](const UnaryStep& s) { RunUnary(s.op, op.dtype, s.params, s.count, in[0], out); },
                 [&](const MatMulPlan& p) { RunMatMul(op.dtype, p, in[0], in[1], out); },
                 [&](const SoftmaxStep& s) { RunSoftmax(op.dtype, s.plan, in[0], out); },
                 [&](const LayerNormStep& s) {
                   RunLayerNorm(op.dtype, s.rows, s.cols, s.eps, in[0], s.has_gamma ? in[1] : nullptr,
                                s.has_beta ? in[2] : nullptr, out);
                 },
                 [&](const TransposeStep& s) { RunTranspose(s.element_size, s.plan, in[0], out); },
                 [&](const CopyStep& s) { std::memcpy(out, in[0], s.bytes); },
                 [&](const ReducePlan& p) { RunReduceSum(op.dtype, p, in[0], out); },
                 [&](const CastStep& s) { RunCast(op.dtype, s.to, s.count, in[0], out); },
             },
             op.step);
}

}  // namespace nrtb
