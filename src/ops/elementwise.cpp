// Element-wise ops (unary, binary with broadcasting, variadic), logic, Cast, Where.
//
// Kernels (runtime/eg_eltwise*.c): one broadcasting binary kernel for every
// element type with an op code, one float unary kernel with an op code, an
// integer unary kernel, Cast, Where, and the int8 requantizing Add/Sub/Mul of
// QDQ models. Broadcasting is described by eg_bcast: the output shape with unit
// axes dropped and contiguous axes merged, and per input its strides (0 where
// broadcast), so equal shapes run as one flat row and a scalar operand as a row
// with stride 0.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "ops/emit_context.h"
#include "ops/common.h"
#include "ops/qadd_fold.h"
#include "ops/qbinary_emit.h"
#include "ops/quant_math.h"
#include "ops/registry.h"

namespace eg::ops {
namespace {

constexpr size_t kMaxRank = 6;  // EG_ELT_MAX_RANK

// ---------------------------------------------------------------- types

bool is_int(DType t) {
  return t == DType::I8 || t == DType::U8 || t == DType::I16 || t == DType::U16 || t == DType::I32 ||
         t == DType::I64;
}

std::string c_type(DType t) {
  switch (t) {
    case DType::F32: return "EG_ELT_F32";
    case DType::I8: return "EG_ELT_I8";
    case DType::U8: return "EG_ELT_U8";
    case DType::I16: return "EG_ELT_I16";
    case DType::U16: return "EG_ELT_U16";
    case DType::I32: return "EG_ELT_I32";
    case DType::I64: return "EG_ELT_I64";
    case DType::Bool: return "EG_ELT_BOOL";
    default: return "";
  }
}

int64_t load_i(const Tensor& t, size_t i) {
  const uint8_t* p = t.data.data();
  switch (t.dtype) {
    case DType::I8: return reinterpret_cast<const int8_t*>(p)[i];
    case DType::U8: case DType::Bool: return p[i];
    case DType::I16: return reinterpret_cast<const int16_t*>(p)[i];
    case DType::U16: return reinterpret_cast<const uint16_t*>(p)[i];
    case DType::I32: return reinterpret_cast<const int32_t*>(p)[i];
    case DType::U32: return reinterpret_cast<const uint32_t*>(p)[i];
    case DType::I64: return reinterpret_cast<const int64_t*>(p)[i];
    case DType::U64: return static_cast<int64_t>(reinterpret_cast<const uint64_t*>(p)[i]);
    default: return static_cast<int64_t>(get_as_double(t, i));
  }
}

// Integer store with wrap-around (two's complement), as the C kernels do.
void store_i(Tensor& t, size_t i, int64_t v) {
  uint8_t* p = t.data.data();
  const auto u = static_cast<uint64_t>(v);
  switch (t.dtype) {
    case DType::I8: reinterpret_cast<int8_t*>(p)[i] = static_cast<int8_t>(static_cast<uint8_t>(u)); break;
    case DType::U8: p[i] = static_cast<uint8_t>(u); break;
    case DType::Bool: p[i] = v != 0; break;
    case DType::I16: reinterpret_cast<int16_t*>(p)[i] = static_cast<int16_t>(static_cast<uint16_t>(u)); break;
    case DType::U16: reinterpret_cast<uint16_t*>(p)[i] = static_cast<uint16_t>(u); break;
    case DType::I32: reinterpret_cast<int32_t*>(p)[i] = static_cast<int32_t>(static_cast<uint32_t>(u)); break;
    case DType::U32: reinterpret_cast<uint32_t*>(p)[i] = static_cast<uint32_t>(u); break;
    case DType::I64: reinterpret_cast<int64_t*>(p)[i] = v; break;
    case DType::U64: reinterpret_cast<uint64_t*>(p)[i] = u; break;
    default: set_from_double(t, i, static_cast<double>(v)); break;
  }
}

bool is_floating(DType t) { return t == DType::F32 || t == DType::F64 || t == DType::F16 || t == DType::BF16; }

// float -> integer truncates toward zero (NaN -> 0), like the C cast.
int64_t trunc_i(double v) {
  if (std::isnan(v)) return 0;
  if (v >= 9.2e18) return std::numeric_limits<int64_t>::max();
  if (v <= -9.2e18) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

// Any-to-any conversion of element i (ONNX Cast semantics).
void convert(const Tensor& x, size_t i, Tensor& y, size_t j) {
  if (is_floating(x.dtype)) {
    const double v = get_as_double(x, i);
    if (is_floating(y.dtype)) set_from_double(y, j, y.dtype == DType::F32 ? static_cast<float>(v) : v);
    else if (y.dtype == DType::Bool) y.data[j] = v != 0.0;
    else store_i(y, j, trunc_i(v));
  } else {
    const int64_t v = load_i(x, i);
    if (is_floating(y.dtype)) set_from_double(y, j, static_cast<double>(v));
    else store_i(y, j, v);
  }
}

// ---------------------------------------------------------------- broadcasting

struct Bcast {
  Shape shape;                             // output shape, unit axes dropped, contiguous axes merged
  std::vector<std::vector<int64_t>> st;    // per input, element strides (0 = broadcast)
};

Bcast make_bcast(const Shape& out, const std::vector<Shape>& ins) {
  const size_t r = out.size();
  std::vector<std::vector<int64_t>> full(ins.size(), std::vector<int64_t>(r, 0));
  for (size_t k = 0; k < ins.size(); ++k) {
    Shape inx(r, 1);
    for (size_t i = 0; i < ins[k].size(); ++i) inx[r - ins[k].size() + i] = ins[k][i];
    const auto st = strides_of(inx);
    for (size_t d = 0; d < r; ++d) full[k][d] = inx[d] == 1 ? 0 : st[d];
  }
  Bcast b;
  b.st.resize(ins.size());
  for (size_t d = 0; d < r; ++d) {
    if (out[d] == 1) continue;
    bool merge = !b.shape.empty();
    for (size_t k = 0; k < ins.size() && merge; ++k) merge = b.st[k].back() == full[k][d] * out[d];
    if (merge) {
      b.shape.back() *= out[d];
      for (size_t k = 0; k < ins.size(); ++k) b.st[k].back() = full[k][d];
      continue;
    }
    b.shape.push_back(out[d]);
    for (size_t k = 0; k < ins.size(); ++k) b.st[k].push_back(full[k][d]);
  }
  if (b.shape.empty()) {
    b.shape = {1};
    for (auto& s : b.st) s = {0};
  }
  return b;
}

std::string bcast_init(const Bcast& b) {
  auto pad = [](std::vector<int64_t> v, int64_t fill) {
    v.resize(kMaxRank, fill);
    return EmitContext::ints_lit(v);
  };
  std::string s = "{" + std::to_string(b.shape.size()) + ", " + pad(b.shape, 1) + ", {";
  for (size_t k = 0; k < 3; ++k)
    s += (k ? ", " : "") + pad(k < b.st.size() ? b.st[k] : std::vector<int64_t>{}, 0);
  return s + "}}";
}

// ---------------------------------------------------------------- binary ops

enum Bin { ADD, SUB, MUL, DIV, POW, MAX, MIN, MOD, FMOD, PRELU, AND, OR, XOR, SHL, SHR, EQ, LT, LE, GT, GE };
const char* const kBinC[] = {"EG_BIN_ADD", "EG_BIN_SUB", "EG_BIN_MUL", "EG_BIN_DIV",  "EG_BIN_POW",
                             "EG_BIN_MAX", "EG_BIN_MIN", "EG_BIN_MOD", "EG_BIN_FMOD", "EG_BIN_PRELU",
                             "EG_BIN_AND", "EG_BIN_OR",  "EG_BIN_XOR", "EG_BIN_SHL",  "EG_BIN_SHR",
                             "EG_BIN_EQ",  "EG_BIN_LT",  "EG_BIN_LE",  "EG_BIN_GT",   "EG_BIN_GE"};

Bin bin_of(const Node& n) {
  const std::string& o = n.op;
  if (o == "Add" || o == "Sum" || o == "Mean") return ADD;
  if (o == "Sub") return SUB;
  if (o == "Mul") return MUL;
  if (o == "Div") return DIV;
  if (o == "Pow") return POW;
  if (o == "Max") return MAX;
  if (o == "Min") return MIN;
  if (o == "Mod") return n.attr_int("fmod", 0) ? FMOD : MOD;
  if (o == "PRelu") return PRELU;
  if (o == "And" || o == "BitwiseAnd") return AND;
  if (o == "Or" || o == "BitwiseOr") return OR;
  if (o == "Xor" || o == "BitwiseXor") return XOR;
  if (o == "BitShift") return n.attr_string("direction", "LEFT") == "RIGHT" ? SHR : SHL;
  if (o == "Equal") return EQ;
  if (o == "Less") return LT;
  if (o == "LessOrEqual") return LE;
  if (o == "Greater") return GT;
  return GE;
}

bool is_compare(Bin b) { return b >= EQ; }

float bin_f(Bin op, float a, float b) {
  switch (op) {
    case ADD: return a + b;
    case SUB: return a - b;
    case MUL: return a * b;
    case DIV: return a / b;
    case POW: return std::pow(a, b);
    case MAX: return (a > b || std::isnan(a)) ? a : b;
    case MIN: return (a < b || std::isnan(a)) ? a : b;
    case FMOD: return std::fmod(a, b);
    case MOD: {
      const float r = std::fmod(a, b);
      return (r != 0.0f && ((r < 0.0f) != (b < 0.0f))) ? r + b : r;
    }
    case PRELU: return a < 0.0f ? a * b : a;
    case EQ: return a == b;
    case LT: return a < b;
    case LE: return a <= b;
    case GT: return a > b;
    case GE: return a >= b;
    default: return 0.0f;
  }
}

int64_t bin_i(Bin op, int64_t a, int64_t b) {
  const auto ua = static_cast<uint64_t>(a), ub = static_cast<uint64_t>(b);
  switch (op) {
    case ADD: return static_cast<int64_t>(ua + ub);
    case SUB: return static_cast<int64_t>(ua - ub);
    case MUL: return static_cast<int64_t>(ua * ub);
    case DIV: return b == 0 ? 0 : b == -1 ? static_cast<int64_t>(0 - ua) : a / b;
    case POW: {
      if (b < 0) return a == 1 ? 1 : a == -1 ? ((b & 1) ? -1 : 1) : 0;
      uint64_t r = 1, base = ua;
      for (int64_t e = b; e > 0; e >>= 1) {
        if (e & 1) r *= base;
        base *= base;
      }
      return static_cast<int64_t>(r);
    }
    case MAX: return std::max(a, b);
    case MIN: return std::min(a, b);
    case MOD: case FMOD: {
      if (b == 0 || b == -1) return 0;
      int64_t r = a % b;
      if (op == MOD && r != 0 && ((r < 0) != (b < 0))) r += b;
      return r;
    }
    case PRELU: return a < 0 ? static_cast<int64_t>(ua * ub) : a;
    case AND: return a & b;
    case OR: return a | b;
    case XOR: return a ^ b;
    case SHL: return (b < 0 || b >= 64) ? 0 : static_cast<int64_t>(ua << b);
    case SHR: return (b < 0 || b >= 64) ? 0 : a >> b;
    case EQ: return a == b;
    case LT: return a < b;
    case LE: return a <= b;
    case GT: return a > b;
    case GE: return a >= b;
  }
  return 0;
}

// int8 QDQ kernel: the output has quantization and is int8.
bool quantized(const Graph& g, const Node& n) {
  const Tensor& y = g.t(n.outputs[0]);
  return y.dtype == DType::I8 && y.quant.has_value();
}

double real_of(const Tensor& t, size_t i) {
  const double v = get_as_double(t, i);
  if (!t.quant) return v;
  return (v - t.quant->zero_point[0]) * t.quant->scale[0];  // per-axis: reals_of
}

// Real values of a per-axis quantized constant.
std::vector<double> reals_of(const Tensor& t) {
  std::vector<double> r(static_cast<size_t>(t.elements()));
  if (!t.quant || !t.quant->per_channel()) {
    for (size_t i = 0; i < r.size(); ++i) r[i] = real_of(t, i);
    return r;
  }
  const auto st = strides_of(t.shape);
  const size_t ax = static_cast<size_t>(t.quant->axis);
  for (size_t i = 0; i < r.size(); ++i) {
    const size_t c = static_cast<size_t>((static_cast<int64_t>(i) / st[ax]) % t.shape[ax]);
    r[i] = (get_as_double(t, i) - t.quant->zero_point[c]) * t.quant->scale[c];
  }
  return r;
}

void infer_binary(Graph& g, const Node& n) {
  if (n.inputs.empty()) bad(g, n, "needs at least one input");
  const Tensor& a = in_t(g, n, 0);
  Shape s = a.shape;
  for (size_t k = 1; k < n.inputs.size(); ++k) s = broadcast_shapes(g, n, s, in_t(g, n, k).shape);
  const Bin op = bin_of(n);
  for (size_t k = 1; k < n.inputs.size(); ++k) {
    const DType d = in_t(g, n, k).dtype;
    if (d != a.dtype && op != POW)
      bad(g, n, "input dtypes differ (" + std::string(dtype_name(a.dtype)) + ", " + std::string(dtype_name(d)) + ")");
  }
  if (n.op == "PRelu" && s != a.shape) bad(g, n, "slope does not broadcast to the input shape");
  set_out(g, n, 0, is_compare(op) ? DType::Bool : a.dtype, s);
}

void ref_binary(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  Tensor& y = *out[0];
  const Bin op = bin_of(n);
  std::vector<const Tensor*> ins;
  for (const Tensor* t : in)
    if (t) ins.push_back(t);
  const size_t total = static_cast<size_t>(y.elements());
  std::vector<std::vector<int64_t>> maps;
  for (const Tensor* t : ins) maps.push_back(broadcast_index_map(t->shape, y.shape));
  auto at = [&](size_t k, size_t i) { return static_cast<size_t>(maps[k][i]); };
  if (y.dtype == DType::I8 && y.quant) {  // int8 QDQ: real arithmetic, requantized
    const float lo = n.attr_float("act_min", -std::numeric_limits<float>::infinity());
    const float hi = n.attr_float("act_max", std::numeric_limits<float>::infinity());
    std::vector<std::vector<double>> reals;
    for (const Tensor* t : ins) reals.push_back(reals_of(*t));
    for (size_t i = 0; i < total; ++i) {
      double r = reals[0][at(0, i)];
      for (size_t k = 1; k < ins.size(); ++k) {
        const double b = reals[k][at(k, i)];
        r = op == MUL ? r * b : op == SUB ? r - b : r + b;
      }
      r = std::min<double>(std::max<double>(r, lo), hi);
      const double q = std::nearbyint(r / y.quant->scale[0]) + y.quant->zero_point[0];
      store_i(y, i, static_cast<int64_t>(std::clamp(q, -128.0, 127.0)));
    }
    return;
  }
  const DType at_type = ins[0]->dtype;
  const bool mixed = ins.size() == 2 && ins[1]->dtype != at_type;
  for (size_t i = 0; i < total; ++i) {
    if (mixed) {  // Pow with a float and an integer operand
      const float v = std::pow(static_cast<float>(get_as_double(*ins[0], at(0, i))),
                               static_cast<float>(get_as_double(*ins[1], at(1, i))));
      if (y.dtype == DType::F32) set_from_double(y, i, v);
      else store_i(y, i, trunc_i(v));
      continue;
    }
    if (at_type == DType::F32) {
      float acc = static_cast<float>(get_as_double(*ins[0], at(0, i)));
      for (size_t k = 1; k < ins.size(); ++k) acc = bin_f(op, acc, static_cast<float>(get_as_double(*ins[k], at(k, i))));
      if (n.op == "Mean") acc /= static_cast<float>(ins.size());
      set_from_double(y, i, acc);
    } else {
      int64_t acc = load_i(*ins[0], at(0, i));
      for (size_t k = 1; k < ins.size(); ++k) {
        acc = bin_i(op, acc, load_i(*ins[k], at(k, i)));
        if (!is_compare(op)) {  // wrap to the element type after every step, like the kernel
          store_i(y, i, acc);
          acc = load_i(y, i);
        }
      }
      if (n.op == "Mean") acc /= static_cast<int64_t>(ins.size());
      store_i(y, i, acc);
    }
  }
}

// Which element types an op computes on.
std::vector<DType> binary_types(const std::string& op) {
  const std::vector<DType> ints = {DType::I8, DType::U8, DType::I16, DType::U16, DType::I32, DType::I64};
  if (op == "And" || op == "Or" || op == "Xor") return {DType::Bool};
  if (op.rfind("Bitwise", 0) == 0 || op == "BitShift") return ints;
  if (op == "Mean") return {DType::F32};
  std::vector<DType> t = ints;
  t.insert(t.begin(), DType::F32);
  if (op == "Equal") t.push_back(DType::Bool);
  return t;
}

bool requantizing(const std::string& op) { return op == "Add" || op == "Sub" || op == "Mul"; }

std::string check_binary(const Graph& g, const Node& n) {
  const Tensor& y = g.t(n.outputs[0]);
  if (quantized(g, n)) {
    if (!requantizing(n.op) || n.inputs.size() != 2) return "int8 " + n.op + " is not supported";
    if (y.quant->per_channel()) return "per-channel output quantization";
    for (TensorId id : n.inputs) {
      const Tensor& t = g.t(id);
      if (t.is_const && (t.dtype == DType::F32 || t.quant)) continue;  // re-quantized per tensor if needed
      if (t.dtype != DType::I8 || !t.quant || t.quant->per_channel())
        return "int8 " + n.op + " needs per-tensor quantized int8 inputs";
    }
  } else {
    const auto types = binary_types(n.op);
    for (size_t k = 0; k < n.inputs.size(); ++k) {
      const DType d = g.t(n.inputs[k]).dtype;
      if (std::find(types.begin(), types.end(), d) == types.end())
        return "dtype " + std::string(dtype_name(d)) + " is not supported";
    }
  }
  for (size_t k = 1; k < n.inputs.size(); ++k) {
    const Shape a = k == 1 ? g.t(n.inputs[0]).shape : y.shape;
    if (make_bcast(y.shape, {a, g.t(n.inputs[k]).shape}).shape.size() > kMaxRank)
      return "broadcast of rank above " + std::to_string(kMaxRank);
  }
  return "";
}

// Per-tensor int8 view of an operand: a planned int8 tensor, or a constant (float, or per-axis int8)
// quantized per tensor; q holds a constant's int8 values.
struct QOperand {
  float scale;
  int32_t zp;
  std::vector<int8_t> q;
  bool requantized = false;  // a constant with new int8 values (its own array)
};

QOperand quant_operand(const Graph& g, TensorId id) {
  const Tensor& t = g.t(id);
  if (t.dtype == DType::I8 && t.quant && !t.quant->per_channel()) {
    QOperand o{t.quant->scale[0], t.quant->zero_point[0], {}};
    if (t.is_const)
      for (size_t i = 0; i < static_cast<size_t>(t.elements()); ++i) o.q.push_back(static_cast<int8_t>(get_as_double(t, i)));
    return o;
  }
  const auto r = reals_of(t);
  double lo = 0.0, hi = 0.0;
  for (double v : r) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  float scale = static_cast<float>((hi - lo) / 255.0);
  if (scale <= 0.0f) scale = 1.0f;
  const auto zp = static_cast<int32_t>(std::clamp(std::nearbyint(-128.0 - lo / scale), -128.0, 127.0));
  QOperand o{scale, zp, {}, true};
  for (double v : r) o.q.push_back(static_cast<int8_t>(std::clamp(std::nearbyint(v / scale) + zp, -128.0, 127.0)));
  return o;
}

// C pointer of an operand (a re-quantized constant gets its array).
std::string operand_ptr(EmitContext& ctx, const Graph& g, TensorId id, const QOperand& o) {
  const Tensor& t = g.t(id);
  if (!o.requantized) return ctx.ptr(id);
  return "(const int8_t*)" + ctx.add_array(ctx.tensor_symbol(t.name) + "_s8",
                                           make_const(t.name, DType::I8, t.shape, o.q), t.name);
}

void emit_qbinary(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& y = g.t(n.outputs[0]);
  const QOperand a = quant_operand(g, n.inputs[0]), b = quant_operand(g, n.inputs[1]);
  const float sy = y.quant->scale[0];
  const int32_t zy = y.quant->zero_point[0];
  const Bin op = bin_of(n);
  const int left_shift = 20;
  FixedMultiplier ma, mb, my;
  if (op == MUL) {
    my = to_fixed(static_cast<double>(a.scale) * b.scale / sy);
  } else {
    const double twice_max = 2.0 * std::max(a.scale, b.scale);
    ma = to_fixed(a.scale / twice_max);
    mb = to_fixed(b.scale / twice_max);
    my = to_fixed(twice_max / (static_cast<double>(1 << left_shift) * sy));
  }
  auto [lo, hi] = quantized_act_range(n.attr_float("act_min", -std::numeric_limits<float>::infinity()),
                                      n.attr_float("act_max", std::numeric_limits<float>::infinity()), sy, zy);
  const std::string id = ctx.layer_ident();
  eg_qbinary_s8_params p{};  // the kernel's parameters, for the compile-time tables below
  p.op = op == MUL ? EG_BIN_MUL : op == SUB ? EG_BIN_SUB : EG_BIN_ADD;
  p.a_zp = a.zp;
  p.b_zp = b.zp;
  p.y_zp = zy;
  p.a_mult = ma.mult;
  p.a_shift = ma.shift;
  p.b_mult = mb.mult;
  p.b_shift = mb.shift;
  p.y_mult = my.mult;
  p.y_shift = my.shift;
  p.left_shift = left_shift;
  p.act_min = lo;
  p.act_max = hi;
  // A constant scalar operand (x + c, c - x, x * c): y is a function of the other operand's byte,
  // a 256-entry int8 table computed with the kernel's own formula (eg_lut_s8: ~5 cycles/element on
  // the Cortex-M4 instead of 20-60, 256 bytes of flash, no element-wise kernel linked).
  for (int k = 0; k < 2 && y.elements() >= 128; ++k) {
    const Tensor& c = g.t(n.inputs[static_cast<size_t>(k)]);
    const Tensor& x = g.t(n.inputs[static_cast<size_t>(1 - k)]);
    if (!c.is_const || c.elements() != 1 || x.elements() != y.elements() || x.is_const) continue;
    const int32_t cq = (k == 0 ? a : b).q.at(0);
    std::vector<int8_t> table(256);
    for (int32_t v = -128; v < 128; ++v) {
      const int32_t av = k == 0 ? cq : v, bv = k == 0 ? v : cq;
      table[static_cast<size_t>(v + 128)] =
          static_cast<int8_t>(op == MUL ? eg_qmul_ref(&p, av, bv) : eg_qaddsub_ref(&p, av, bv));
    }
    const std::string sym = ctx.add_array(id + "_table", make_const("table", DType::I8, {256}, table), n.name, true);
    ctx.use("eg_lut");
    ctx.emit("eg_lut_s8(" + ctx.ptr(n.inputs[static_cast<size_t>(1 - k)]) + ", " + ctx.ptr(n.outputs[0]) + ", " +
             std::to_string(y.elements()) + ", " + sym + ");");
    return;
  }
  // Add/Sub under policy add_sub_tables (--optimization time): the requantization folded into one 256-entry int32 table per
  // operand (2 KB of flash; ~8 instead of ~27 cycles per element on the Cortex-M4), when tables that
  // reproduce the kernel's formula for all 65536 input pairs exist (qadd_fold.c checks every pair).
  // Not for small tensors, where the tables would outweigh the time they save.
  std::vector<int32_t> tab;
  if (op != MUL && policy(g.optimization).add_sub_tables && y.elements() >= 128) {
    tab.resize(512);
    auto work = std::make_unique<eg_qadd_fold_work>();
    p.tab_shift = eg_qaddsub_fold(&p, tab.data(), work.get());
    if (p.tab_shift <= 0) tab.clear();
  }
  emit_qbinary_call(ctx, g, n, p, tab, operand_ptr(ctx, g, n.inputs[0], a), operand_ptr(ctx, g, n.inputs[1], b));
}

void emit_binary(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& y = g.t(n.outputs[0]);
  if (y.elements() == 0) {
    ctx.emit("/* empty output */");
    return;
  }
  if (quantized(g, n)) {
    emit_qbinary(ctx, g, n);
    return;
  }
  const Bin op = bin_of(n);
  const std::string id = ctx.layer_ident();
  ctx.use("eg_eltwise");
  const Tensor& a = g.t(n.inputs[0]);
  if (n.inputs.size() == 1) {  // variadic op with one input: a copy
    ctx.emit("eg_cast(" + ctx.ptr(n.inputs[0]) + ", " + c_type(a.dtype) + ", " + ctx.ptr(n.outputs[0]) + ", " +
             c_type(y.dtype) + ", " + std::to_string(y.elements()) + ");");
    return;
  }
  ctx.use("eg_eltwise_bin");
  for (size_t k = 1; k < n.inputs.size(); ++k) {
    const TensorId lhs = k == 1 ? n.inputs[0] : n.outputs[0];
    const Tensor& b = g.t(n.inputs[k]);
    const Bcast bc = make_bcast(y.shape, {g.t(lhs).shape, b.shape});
    const std::string pid = n.inputs.size() > 2 ? id + "_" + std::to_string(k) : id;
    ctx.decl("static const eg_binary_params " + pid + " = {\n    " + bcast_init(bc) + ",\n    " + kBinC[op] + ", " +
             c_type(g.t(lhs).dtype) + ", " + c_type(b.dtype) + ", " + c_type(y.dtype) + "};");
    ctx.emit("eg_binary(&" + pid + ", " + ctx.ptr(lhs) + ", " + ctx.ptr(n.inputs[k]) + ", " + ctx.ptr(n.outputs[0]) + ");");
  }
  if (n.op == "Mean") {
    const std::string cnt = ctx.add_array(id + "_count", make_const("count", DType::F32, {1},
                                                                     std::vector<float>{static_cast<float>(n.inputs.size())}),
                                          n.name, true);
    ctx.decl("static const eg_binary_params " + id + "_mean = {\n    " + bcast_init(make_bcast(y.shape, {y.shape, {}})) +
             ",\n    EG_BIN_DIV, EG_ELT_F32, EG_ELT_F32, EG_ELT_F32};");
    ctx.emit("eg_binary(&" + id + "_mean, " + ctx.ptr(n.outputs[0]) + ", " + cnt + ", " + ctx.ptr(n.outputs[0]) + ");");
  }
}

OpDef binary_op(const std::string& name, const std::string& constraints) {
  std::vector<std::string> dtypes;
  for (DType t : binary_types(name)) dtypes.push_back(t == DType::F32 ? "float32" : std::string(dtype_name(t)));
  if (requantizing(name)) dtypes.push_back("int8 (QDQ)");
  const auto macc = [](const Graph& g, const Node& n) {
    const int64_t steps = std::max<int64_t>(1, static_cast<int64_t>(n.inputs.size()) - 1);
    return g.t(n.outputs[0]).elements() * steps;
  };
  OpDef d = make_op(name, constraints, dtypes, {infer_binary, ref_binary, check_binary, emit_binary, macc}, "Eltwise",
                    requantizing(name) ? QdqRole::Requantize : QdqRole::FloatIsland);
  d.inplace = true;  // out[i] only reads a[i], b[i]: may overwrite a dying first input
  return d;
}

// ---------------------------------------------------------------- Where

void infer_where(Graph& g, const Node& n) {
  const Tensor& c = in_t(g, n, 0);
  const Tensor& x = in_t(g, n, 1);
  const Tensor& y = in_t(g, n, 2);
  if (c.dtype != DType::Bool) bad(g, n, "condition must be bool");
  if (x.dtype != y.dtype) bad(g, n, "X and Y dtypes differ");
  set_out(g, n, 0, x.dtype, broadcast_shapes(g, n, broadcast_shapes(g, n, c.shape, x.shape), y.shape));
}

void ref_where(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  Tensor& o = *out[0];
  const size_t es = dtype_size(o.dtype);
  const auto mc = broadcast_index_map(in[0]->shape, o.shape);
  const auto mx = broadcast_index_map(in[1]->shape, o.shape);
  const auto my = broadcast_index_map(in[2]->shape, o.shape);
  for (size_t i = 0; i < static_cast<size_t>(o.elements()); ++i) {
    const bool c = in[0]->data[static_cast<size_t>(mc[i])] != 0;
    const Tensor& src = c ? *in[1] : *in[2];
    const size_t j = static_cast<size_t>(c ? mx[i] : my[i]);
    std::memcpy(&o.data[i * es], &src.data[j * es], es);
  }
}

std::string check_where(const Graph& g, const Node& n) {
  const Tensor& y = g.t(n.outputs[0]);
  if (c_type(y.dtype).empty()) return "dtype " + std::string(dtype_name(y.dtype)) + " is not supported";
  if (y.quant && !(g.t(n.inputs[1]).quant == y.quant && g.t(n.inputs[2]).quant == y.quant))
    return "int8 Where needs equal quantization";
  Shape cs = g.t(n.inputs[0]).shape, xs = g.t(n.inputs[1]).shape, ys = g.t(n.inputs[2]).shape;
  if (make_bcast(y.shape, {cs, xs, ys}).shape.size() > kMaxRank) return "broadcast of rank above 6";
  return "";
}

void emit_where(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& y = g.t(n.outputs[0]);
  if (y.elements() == 0) {
    ctx.emit("/* empty output */");
    return;
  }
  const std::string id = ctx.layer_ident();
  const Bcast bc = make_bcast(y.shape, {g.t(n.inputs[0]).shape, g.t(n.inputs[1]).shape, g.t(n.inputs[2]).shape});
  ctx.use("eg_eltwise");
  ctx.use("eg_eltwise_bin");
  ctx.decl("static const eg_bcast " + id + " = " + bcast_init(bc) + ";");
  ctx.emit("eg_where(&" + id + ", " + std::to_string(dtype_size(y.dtype)) + ", " + ctx.ptr_as(n.inputs[0], "const uint8_t*") +
           ", " + ctx.ptr(n.inputs[1]) + ", " + ctx.ptr(n.inputs[2]) + ", " + ctx.ptr(n.outputs[0]) + ");");
}

// ---------------------------------------------------------------- unary ops

struct UnaryDef {
  const char* op;
  const char* code;  // EG_UN_*
  const char* alpha_attr;
  float alpha;
  const char* beta_attr;
  float beta;
  bool ints;  // also on integer types
};

const UnaryDef kUnary[] = {
    {"Abs", "EG_UN_ABS", nullptr, 0, nullptr, 0, true},
    {"Neg", "EG_UN_NEG", nullptr, 0, nullptr, 0, true},
    {"Sign", "EG_UN_SIGN", nullptr, 0, nullptr, 0, true},
    {"Reciprocal", "EG_UN_RECIPROCAL", nullptr, 0, nullptr, 0, false},
    {"Floor", "EG_UN_FLOOR", nullptr, 0, nullptr, 0, false},
    {"Ceil", "EG_UN_CEIL", nullptr, 0, nullptr, 0, false},
    {"Round", "EG_UN_ROUND", nullptr, 0, nullptr, 0, false},
    {"Sqrt", "EG_UN_SQRT", nullptr, 0, nullptr, 0, false},
    {"Exp", "EG_UN_EXP", nullptr, 0, nullptr, 0, false},
    {"Log", "EG_UN_LOG", nullptr, 0, nullptr, 0, false},
    {"Sigmoid", "EG_UN_SIGMOID", nullptr, 0, nullptr, 0, false},
    {"Tanh", "EG_UN_TANH", nullptr, 0, nullptr, 0, false},
    {"HardSigmoid", "EG_UN_HARDSIGMOID", "alpha", 0.2f, "beta", 0.5f, false},
    {"HardSwish", "EG_UN_HARDSWISH", nullptr, 0, nullptr, 0, false},
    {"LeakyRelu", "EG_UN_LEAKYRELU", "alpha", 0.01f, nullptr, 0, false},
    {"Elu", "EG_UN_ELU", "alpha", 1.0f, nullptr, 0, false},
    {"Selu", "EG_UN_SELU", "alpha", 1.67326319217681884765625f, "gamma", 1.05070102214813232421875f, false},
    {"Celu", "EG_UN_CELU", "alpha", 1.0f, nullptr, 0, false},
    {"Softplus", "EG_UN_SOFTPLUS", nullptr, 0, nullptr, 0, false},
    {"Softsign", "EG_UN_SOFTSIGN", nullptr, 0, nullptr, 0, false},
    {"ThresholdedRelu", "EG_UN_THRESHOLDEDRELU", "alpha", 1.0f, nullptr, 0, false},
    {"Erf", "EG_UN_ERF", nullptr, 0, nullptr, 0, false},
    {"Gelu", "EG_UN_GELU", nullptr, 0, nullptr, 0, false},
    {"Mish", "EG_UN_MISH", nullptr, 0, nullptr, 0, false},
    {"Sin", "EG_UN_SIN", nullptr, 0, nullptr, 0, false},
    {"Cos", "EG_UN_COS", nullptr, 0, nullptr, 0, false},
    {"Tan", "EG_UN_TAN", nullptr, 0, nullptr, 0, false},
    {"Asin", "EG_UN_ASIN", nullptr, 0, nullptr, 0, false},
    {"Acos", "EG_UN_ACOS", nullptr, 0, nullptr, 0, false},
    {"Atan", "EG_UN_ATAN", nullptr, 0, nullptr, 0, false},
    {"Sinh", "EG_UN_SINH", nullptr, 0, nullptr, 0, false},
    {"Cosh", "EG_UN_COSH", nullptr, 0, nullptr, 0, false},
    {"Asinh", "EG_UN_ASINH", nullptr, 0, nullptr, 0, false},
    {"Acosh", "EG_UN_ACOSH", nullptr, 0, nullptr, 0, false},
    {"Atanh", "EG_UN_ATANH", nullptr, 0, nullptr, 0, false},
    {"Shrink", "EG_UN_SHRINK", "lambd", 0.5f, "bias", 0.0f, false},
    {"Not", "EG_UN_NOT", nullptr, 0, nullptr, 0, true},
    {"BitwiseNot", "EG_UN_BITWISE_NOT", nullptr, 0, nullptr, 0, true},
};

const UnaryDef& unary_def(const std::string& op) {
  for (const auto& u : kUnary)
    if (op == u.op) return u;
  throw CompileError("internal: unknown unary op " + op);
}

std::string unary_code(const Node& n) {
  if (n.op == "Gelu" && n.attr_string("approximate", "none") == "tanh") return "EG_UN_GELU_TANH";
  return unary_def(n.op).code;
}

std::pair<float, float> unary_params(const Node& n) {
  const UnaryDef& u = unary_def(n.op);
  return {u.alpha_attr ? n.attr_float(u.alpha_attr, u.alpha) : 0.0f, u.beta_attr ? n.attr_float(u.beta_attr, u.beta) : 0.0f};
}

float softplus(float x) { return x > 0.0f ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }

float unary_f(const std::string& code, float x, float alpha, float beta) {
  const std::string c = code.substr(6);  // after "EG_UN_"
  if (c == "ABS") return std::fabs(x);
  if (c == "NEG") return -x;
  if (c == "SIGN") return x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : x;
  if (c == "RECIPROCAL") return 1.0f / x;
  if (c == "FLOOR") return std::floor(x);
  if (c == "CEIL") return std::ceil(x);
  if (c == "ROUND") return std::nearbyint(x);
  if (c == "SQRT") return std::sqrt(x);
  if (c == "EXP") return std::exp(x);
  if (c == "LOG") return std::log(x);
  if (c == "SIGMOID") return 1.0f / (1.0f + std::exp(-x));
  if (c == "TANH") return std::tanh(x);
  if (c == "HARDSIGMOID") return std::clamp(alpha * x + beta, 0.0f, 1.0f);
  if (c == "HARDSWISH") return x * std::clamp(x * (1.0f / 6.0f) + 0.5f, 0.0f, 1.0f);
  if (c == "LEAKYRELU") return x < 0.0f ? alpha * x : x;
  if (c == "ELU") return x < 0.0f ? alpha * (std::exp(x) - 1.0f) : x;
  if (c == "SELU") return x > 0.0f ? beta * x : beta * (alpha * std::exp(x) - alpha);
  if (c == "CELU") return std::max(0.0f, x) + std::min(0.0f, alpha * (std::exp(x / alpha) - 1.0f));
  if (c == "SOFTPLUS") return softplus(x);
  if (c == "SOFTSIGN") return x / (1.0f + std::fabs(x));
  if (c == "THRESHOLDEDRELU") return x > alpha ? x : 0.0f;
  if (c == "ERF") return std::erf(x);
  if (c == "GELU") return 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752f));
  if (c == "GELU_TANH") return 0.5f * x * (1.0f + std::tanh(0.79788456080286536f * (x + 0.044715f * x * x * x)));
  if (c == "MISH") return x * std::tanh(softplus(x));
  if (c == "SIN") return std::sin(x);
  if (c == "COS") return std::cos(x);
  if (c == "TAN") return std::tan(x);
  if (c == "ASIN") return std::asin(x);
  if (c == "ACOS") return std::acos(x);
  if (c == "ATAN") return std::atan(x);
  if (c == "SINH") return std::sinh(x);
  if (c == "COSH") return std::cosh(x);
  if (c == "ASINH") return std::asinh(x);
  if (c == "ACOSH") return std::acosh(x);
  if (c == "ATANH") return std::atanh(x);
  if (c == "SHRINK") return x < -alpha ? x + beta : x > alpha ? x - beta : 0.0f;
  return x;
}

int64_t unary_i(const std::string& op, int64_t v, DType t) {
  if (op == "Abs") return v < 0 ? static_cast<int64_t>(0 - static_cast<uint64_t>(v)) : v;
  if (op == "Neg") return static_cast<int64_t>(0 - static_cast<uint64_t>(v));
  if (op == "Sign") return v > 0 ? 1 : v < 0 ? -1 : 0;
  if (op == "Not") return v == 0;
  (void)t;
  return ~v;  // BitwiseNot (wraps to the element type on store)
}

void infer_unary(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  set_out(g, n, 0, x.dtype, x.shape);
}

void ref_unary(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  Tensor& y = *out[0];
  const size_t total = static_cast<size_t>(x.elements());
  if (is_floating(x.dtype)) {
    const std::string code = unary_code(n);
    auto [alpha, beta] = unary_params(n);
    for (size_t i = 0; i < total; ++i)
      set_from_double(y, i, unary_f(code, static_cast<float>(get_as_double(x, i)), alpha, beta));
  } else {
    for (size_t i = 0; i < total; ++i) store_i(y, i, unary_i(n.op, load_i(x, i), x.dtype));
  }
}

std::string check_unary(const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const UnaryDef& u = unary_def(n.op);
  if (x.quant) return "int8 " + n.op + " runs as a float island only";
  if (n.op == "Not") return x.dtype == DType::Bool ? "" : "bool only";
  if (n.op == "BitwiseNot") return is_int(x.dtype) ? "" : "integer types only";
  if (x.dtype == DType::F32 || (u.ints && is_int(x.dtype))) return "";
  return "dtype " + std::string(dtype_name(x.dtype)) + " is not supported";
}

void emit_unary(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const std::string cnt = std::to_string(x.elements());
  ctx.use("eg_eltwise");
  if (x.dtype == DType::F32) {
    auto [alpha, beta] = unary_params(n);
    ctx.emit("eg_unary_f32(" + unary_code(n) + ", " + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " + cnt +
             ", " + EmitContext::float_lit(alpha) + ", " + EmitContext::float_lit(beta) + ");");
  } else {
    ctx.emit("eg_unary_int(" + unary_code(n) + ", " + c_type(x.dtype) + ", " + ctx.ptr(n.inputs[0]) + ", " +
             ctx.ptr(n.outputs[0]) + ", " + cnt + ");");
  }
}

OpDef unary_op(const UnaryDef& u) {
  const std::string op = u.op;
  std::vector<std::string> dtypes = {"float32"};
  if (op == "Not")
    dtypes = {"bool"};
  else if (op == "BitwiseNot")
    dtypes = {"int8", "uint8", "int16", "uint16", "int32", "int64"};
  else if (u.ints)
    dtypes = {"float32", "int8", "uint8", "int16", "uint16", "int32", "int64"};
  const std::string constraints = op == "Gelu" ? "approximate none or tanh" : op == "Round" ? "half to even" : "";
  OpDef d = make_op(op, constraints, dtypes, {infer_unary, ref_unary, check_unary, emit_unary, macc_per_output},
                    u.ints ? "Eltwise" : "Nonlinearity");
  d.inplace = true;
  return d;
}

// IsNaN / IsInf
void infer_class(Graph& g, const Node& n) { set_out(g, n, 0, DType::Bool, in_t(g, n, 0).shape); }

int class_mode(const Node& n) {
  if (n.op == "IsNaN") return 0;
  return (n.attr_int("detect_positive", 1) ? 2 : 0) | (n.attr_int("detect_negative", 1) ? 4 : 0);
}

void ref_class(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const int mode = class_mode(n);
  for (size_t i = 0; i < static_cast<size_t>(in[0]->elements()); ++i) {
    const double v = get_as_double(*in[0], i);
    out[0]->data[i] = mode == 0 ? std::isnan(v) : (std::isinf(v) && (((mode & 2) && v > 0) || ((mode & 4) && v < 0)));
  }
}

// ---------------------------------------------------------------- Cast

DType cast_target(const Graph& g, const Node& n) {
  if (n.op == "CastLike") return in_t(g, n, 1).dtype;
  return dtype_from_onnx(static_cast<int>(n.attr_int("to", 0)));
}

void infer_cast(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  set_out(g, n, 0, cast_target(g, n), x.shape);
}

void ref_cast(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  for (size_t i = 0; i < static_cast<size_t>(in[0]->elements()); ++i) convert(*in[0], i, *out[0], i);
}

std::string check_cast(const Graph& g, const Node& n) {
  const DType a = g.t(n.inputs[0]).dtype, b = g.t(n.outputs[0]).dtype;
  if (c_type(a).empty()) return "dtype " + std::string(dtype_name(a)) + " is not supported";
  if (c_type(b).empty()) return "dtype " + std::string(dtype_name(b)) + " is not supported";
  if (g.t(n.inputs[0]).quant || g.t(n.outputs[0]).quant) return "quantized Cast is not supported";
  return "";
}

void emit_cast(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const Tensor& y = g.t(n.outputs[0]);
  ctx.use("eg_eltwise");
  ctx.emit("eg_cast(" + ctx.ptr(n.inputs[0]) + ", " + c_type(x.dtype) + ", " + ctx.ptr(n.outputs[0]) + ", " +
           c_type(y.dtype) + ", " + std::to_string(y.elements()) + ");");
}

OpDef cast_op(const std::string& name) {
  return make_op(name, "between float32, int8, uint8, int16, uint16, int32, int64, bool; float to int truncates",
                 {"float32", "int8", "uint8", "int16", "uint16", "int32", "int64", "bool"},
                 {infer_cast, ref_cast, check_cast, emit_cast,
                  [](const Graph& g, const Node& n) { return 2 * g.t(n.outputs[0]).elements(); }},
                 "Cast");
}

}  // namespace

void emit_qbinary_call(EmitContext& ctx, const Graph& g, const Node& n, const eg_qbinary_s8_params& p,
                       const std::vector<int32_t>& tab, const std::string& pa, const std::string& pb) {
  const Tensor& y = g.t(n.outputs[0]);
  const Bcast bc = make_bcast(y.shape, {g.t(n.inputs[0]).shape, g.t(n.inputs[1]).shape});
  const std::string id = ctx.layer_ident();
  auto s = [](int64_t v) { return std::to_string(v); };
  const std::string tab_sym =
      tab.empty() ? "0"
                  : "(const int32_t*)" + ctx.add_array(id + "_tab", make_const("tab", DType::I32, {512}, tab), n.name, true);
  const char* op = p.op == EG_BIN_MUL ? "EG_BIN_MUL" : p.op == EG_BIN_SUB ? "EG_BIN_SUB" : "EG_BIN_ADD";
  ctx.use("eg_eltwise");
  ctx.use("eg_eltwise_bin");
  ctx.decl("static const eg_qbinary_s8_params " + id + " = {\n    " + bcast_init(bc) + ",\n    " + op + ", " +
           s(p.a_zp) + ", " + s(p.b_zp) + ", " + s(p.y_zp) + ",\n    " + s(p.a_mult) + ", " + s(p.a_shift) + ", " +
           s(p.b_mult) + ", " + s(p.b_shift) + ", " + s(p.y_mult) + ", " + s(p.y_shift) + ", " + s(p.left_shift) +
           ", " + s(p.act_min) + ", " + s(p.act_max) + ",\n    " + tab_sym + ", " + s(tab.empty() ? 0 : p.tab_shift) +
           "};");
  // with tables: the entry point without the computed paths' code
  ctx.emit(std::string(tab.empty() ? "eg_qbinary_s8" : "eg_qaddsub_s8_tab") + "(&" + id + ", " + pa + ", " + pb +
           ", " + ctx.ptr(n.outputs[0]) + ");");
}

void register_elementwise() {
  const std::string bc = "numpy broadcasting (rank <= 6 after merging axes)";
  for (const char* op : {"Add", "Sub", "Mul"})
    register_op(binary_op(op, bc + "; int8 (QDQ): per-tensor quantization, requantized output, fused Relu/Clip"));
  register_op(binary_op("Div", bc + "; integers truncate, x/0 = 0"));
  register_op(binary_op("Pow", bc + "; float base with integer exponent and vice versa"));
  for (const char* op : {"Max", "Min", "Sum", "Mean"}) register_op(binary_op(op, "variadic; " + bc));
  register_op(binary_op("Mod", bc + "; fmod=0 (sign of divisor) or fmod=1"));
  register_op(binary_op("PRelu", "slope broadcast to the input"));
  register_op(binary_op("BitShift", bc));
  for (const char* op : {"And", "Or", "Xor", "BitwiseAnd", "BitwiseOr", "BitwiseXor", "Equal", "Less", "LessOrEqual",
                         "Greater", "GreaterOrEqual"})
    register_op(binary_op(op, bc));

  register_op(make_op("Where", bc, {"float32", "int8", "uint8", "int16", "uint16", "int32", "int64", "bool"},
                      {infer_where, ref_where, check_where, emit_where, macc_per_output}, "Eltwise"));

  for (const auto& u : kUnary) register_op(unary_op(u));

  for (const char* op : {"IsNaN", "IsInf"}) {
    const auto check = [](const Graph& g, const Node& n) -> std::string {
      return g.t(n.inputs[0]).dtype == DType::F32 ? "" : "float32 only";
    };
    const auto emit = [](EmitContext& ctx, const Graph& g, const Node& n) {
      ctx.use("eg_eltwise");
      ctx.emit("eg_float_class(" + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr_as(n.outputs[0], "uint8_t*") + ", " +
               std::to_string(g.t(n.outputs[0]).elements()) + ", " + std::to_string(class_mode(n)) + ");");
    };
    register_op(make_op(op, "", {"float32"}, {infer_class, ref_class, check, emit, macc_per_output}, "Eltwise"));
  }

  register_op(cast_op("Cast"));
  register_op(cast_op("CastLike"));
}

}  // namespace eg::ops
