// Tensor shape/data ops: Concat, Split, Slice, Pad, Expand, Tile,
// DepthToSpace, SpaceToDepth, Compress, Trilu, CumSum, OneHot,
// ReverseSequence, and the shape ops that fold (Shape, Size, ConstantOfShape,
// Range, EyeLike, NonZero). Resize, element gathers/scatters, ConvTranspose
// and the QOperator forms live in the other tensor_*.cpp files.
//
// Most pure data movement lowers to one kernel, eg_index_gather: every output
// axis has a table of input element offsets, so slicing, padding (any mode),
// tiling, broadcasting and block rearrangement are all table contents.
#include <algorithm>
#include <climits>
#include <cmath>

#include "ops/families.h"
#include "ops/tensor_common.h"

namespace eg::ops {

// ---------------------------------------------------------------- helpers

std::vector<const Tensor*> graph_inputs(const Graph& g, const Node& n) {
  std::vector<const Tensor*> v;
  for (TensorId id : n.inputs) v.push_back(id == kNoTensor ? nullptr : &g.t(id));
  return v;
}

void need_const(const Graph& g, const Node& n, size_t i) {
  const Tensor& t = in_t(g, n, i);
  if (!t.is_const) bad(g, n, "input '" + t.name + "' must be a constant for static compilation");
}

void apply_gather_plan(const GatherPlan& p, const Tensor& in, Tensor& out) {
  const size_t es = dtype_size(in.dtype);
  const size_t r = p.out_shape.size();
  const int64_t total = num_elements(p.out_shape);
  std::vector<int64_t> idx(r, 0);
  for (int64_t o = 0; o < total; ++o) {
    int64_t src = 0;
    bool outside = false;
    for (size_t d = 0; d < r; ++d) {
      const int64_t v = p.tables[d][static_cast<size_t>(idx[d])];
      if (v < 0) outside = true;
      src += v;
    }
    uint8_t* dst = &out.data[static_cast<size_t>(o) * es];
    if (outside) {
      if (p.fill) std::memcpy(dst, p.fill->data.data(), es);
      else std::memset(dst, 0, es);
    } else {
      std::memcpy(dst, &in.data[static_cast<size_t>(src) * es], es);
    }
    for (size_t d = r; d-- > 0;) {
      if (++idx[d] < p.out_shape[d]) break;
      idx[d] = 0;
    }
  }
}

void emit_gather_plan(EmitContext& ctx, const Graph& g, const Node& n, const GatherPlan& p, TensorId in,
                      TensorId out) {
  const Tensor& x = g.t(in);
  if (p.out_shape.size() > 8) bad(g, n, "rank above 8");
  std::vector<int32_t> tab;
  for (const auto& t : p.tables)
    for (int64_t v : t) tab.push_back(v < 0 ? -1 : static_cast<int32_t>(v));
  const std::string id = ctx.layer_ident();
  std::string tabs = ctx.add_array(id + "_tables", make_const("t", DType::I32, {static_cast<int64_t>(tab.size())}, tab),
                                   n.name, true);
  std::vector<int64_t> shp(p.out_shape.begin(), p.out_shape.end());
  if (shp.empty()) shp.push_back(1);
  ctx.decl("static const int32_t " + id + "_shape[] = " + EmitContext::ints_lit(shp) + ";");
  std::string fill = "0";
  if (p.fill) {
    Tensor f = *p.fill;
    fill = ctx.add_array(id + "_fill", f, n.name, true);
  }
  ctx.use("eg_tensor");
  ctx.emit("eg_index_gather(" + ctx.ptr(in) + ", " + ctx.ptr(out) + ", " + s64(static_cast<int64_t>(dtype_size(x.dtype))) +
           ", " + s64(static_cast<int64_t>(p.out_shape.size())) + ", " + id + "_shape, " + tabs + ", " + fill + ");");
}

std::string byte_ptr(EmitContext& ctx, TensorId id, int64_t offset, bool is_const) {
  std::string p = ctx.ptr_as(id, is_const ? "const uint8_t*" : "uint8_t*");
  return offset ? "(" + p + " + " + s64(offset) + ")" : p;
}

void guard_out_shape(const Graph& g, const Node& n, DType dt, const Shape& s) {
  Tensor t;
  t.name = "output of " + n.name;
  t.dtype = dt;
  t.shape = s;
  if (const std::string why = tensor_size_problem(t, g.max_tensor_bytes); !why.empty()) bad(g, n, why);
}

int type_code(DType t) {
  switch (t) {
    case DType::F32: return 0;
    case DType::I32: return 1;
    case DType::I64: return 2;
    case DType::I8: return 3;
    case DType::U8: case DType::Bool: return 4;
    case DType::I16: return 5;
    case DType::U16: return 6;
    default: return -1;
  }
}

void emit_precomputed(EmitContext& ctx, const Graph& g, const Node& n) {
  const OpDef* def = find_op(n.op);
  std::vector<Tensor> hold;
  hold.reserve(n.inputs.size());
  std::vector<const Tensor*> ins;
  for (TensorId id : n.inputs) {
    if (id == kNoTensor) continue;
    Tensor t = g.t(id);
    if (!t.is_const) t.data.assign(t.bytes(), 0);
    hold.push_back(std::move(t));
  }
  size_t k = 0;
  for (TensorId id : n.inputs) ins.push_back(id == kNoTensor ? nullptr : &hold[k++]);
  std::vector<Tensor> outs;
  for (TensorId id : n.outputs) {
    Tensor t = id == kNoTensor ? Tensor{} : g.t(id);
    t.data.assign(t.bytes(), 0);
    outs.push_back(std::move(t));
  }
  std::vector<Tensor*> op;
  for (size_t i = 0; i < outs.size(); ++i) op.push_back(n.outputs[i] == kNoTensor ? nullptr : &outs[i]);
  def->ref(n, ins, op);
  ctx.use("eg_move");
  for (size_t i = 0; i < outs.size(); ++i) {
    if (n.outputs[i] == kNoTensor || outs[i].bytes() == 0) continue;
    std::string arr = ctx.add_array(ctx.layer_ident() + "_value" + std::to_string(i), outs[i], n.name);
    ctx.emit("eg_copy(" + arr + ", " + ctx.ptr(n.outputs[i]) + ", " + s64(static_cast<int64_t>(outs[i].bytes())) + ");");
  }
}

namespace {

const Graph& no_graph() { return ref_graph(); }


std::string ok(const Graph&, const Node&) { return ""; }
int64_t zero_macc(const Graph&, const Node&) { return 0; }

// ------------------------------------------------------- gather-plan ops

using PlanFn = GatherPlan (*)(const Graph& g, const Node& n, std::span<const Tensor* const> in);

int64_t clampi(int64_t v, int64_t lo, int64_t hi) { return std::max(lo, std::min(hi, v)); }

GatherPlan plan_slice(const Graph& g, const Node& n, std::span<const Tensor* const> in) {
  const Shape& s = in[0]->shape;
  const size_t r = s.size();
  std::vector<int64_t> starts, ends, axes, steps;
  if (in.size() > 1) {
    starts = in[1]->as_int64();
    ends = in[2]->as_int64();
    if (in.size() > 3 && in[3]) axes = in[3]->as_int64();
    if (in.size() > 4 && in[4]) steps = in[4]->as_int64();
  } else {
    starts = n.attr_ints("starts");
    ends = n.attr_ints("ends");
    axes = n.attr_ints("axes");
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
    bad(g, n, "starts, ends, axes and steps differ in length");
  std::vector<int64_t> st(r, 0), en(s.begin(), s.end()), sp(r, 1);
  for (size_t i = 0; i < axes.size(); ++i) {
    const size_t a = static_cast<size_t>(norm_axis(g, n, axes[i], r));
    const int64_t dim = s[a];
    if (steps[i] == 0) bad(g, n, "step 0");
    int64_t b = starts[i], e = ends[i];
    if (b < 0) b += dim;
    if (e < 0) e += dim;
    if (steps[i] > 0) {
      b = clampi(b, 0, dim);
      e = clampi(e, 0, dim);
    } else {
      b = clampi(b, 0, dim - 1);
      e = clampi(e, -1, dim - 1);
    }
    st[a] = b;
    en[a] = e;
    sp[a] = steps[i];
  }
  GatherPlan p;
  const auto str = strides_of(s);
  for (size_t d = 0; d < r; ++d) {
    // elements from st towards en in steps of sp; written so that no step (even INT64_MIN) overflows
    const int64_t span = sp[d] > 0 ? en[d] - st[d] : st[d] - en[d];
    const uint64_t mag = sp[d] > 0 ? static_cast<uint64_t>(sp[d]) : 0 - static_cast<uint64_t>(sp[d]);
    const int64_t len = span > 0 ? 1 + static_cast<int64_t>(static_cast<uint64_t>(span - 1) / mag) : 0;
    p.out_shape.push_back(len);
    std::vector<int64_t> t;
    for (int64_t i = 0; i < len; ++i) t.push_back((st[d] + i * sp[d]) * str[d]);
    p.tables.push_back(t);
  }
  return p;
}

GatherPlan plan_pad(const Graph& g, const Node& n, std::span<const Tensor* const> in) {
  const Tensor& x = *in[0];
  const size_t r = x.shape.size();
  std::vector<int64_t> pads;
  std::vector<int64_t> axes;
  Tensor fill;
  fill.dtype = x.dtype;
  fill.shape = {1};
  fill.data.assign(dtype_size(x.dtype), 0);
  if (in.size() > 1 && in[1]) {
    pads = in[1]->as_int64();
    if (in.size() > 2 && in[2] && in[2]->elements() > 0) std::memcpy(fill.data.data(), in[2]->data.data(), fill.data.size());
    if (in.size() > 3 && in[3]) axes = in[3]->as_int64();
  } else {
    pads = n.attr_ints("pads");
    set_from_double(fill, 0, n.attr_float("value", 0.0f));
  }
  if (axes.empty())
    for (size_t i = 0; i < r; ++i) axes.push_back(static_cast<int64_t>(i));
  if (pads.size() != 2 * axes.size()) bad(g, n, "pads has " + std::to_string(pads.size()) + " values for " +
                                                  std::to_string(axes.size()) + " axes");
  std::vector<int64_t> pb(r, 0), pe(r, 0);
  for (int64_t v : pads)
    if (v < -kMaxDim || v > kMaxDim) bad(g, n, "pad " + std::to_string(v) + " is out of range");
  for (size_t i = 0; i < axes.size(); ++i) {
    const size_t a = static_cast<size_t>(norm_axis(g, n, axes[i], r));
    pb[a] = pads[i];
    pe[a] = pads[i + axes.size()];
  }
  Shape out_shape;
  for (size_t d = 0; d < r; ++d) out_shape.push_back(x.shape[d] + pb[d] + pe[d]);
  guard_out_shape(g, n, x.dtype, out_shape);
  const std::string mode = n.attr_string("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge" && mode != "wrap") bad(g, n, "unknown mode " + mode);
  GatherPlan p;
  const auto str = strides_of(x.shape);
  for (size_t d = 0; d < r; ++d) {
    const int64_t dim = x.shape[d], len = dim + pb[d] + pe[d];
    if (len < 0) bad(g, n, "negative output size");
    if (dim == 0 && len > 0 && mode != "constant") bad(g, n, "cannot pad an empty axis in mode " + mode);
    p.out_shape.push_back(len);
    std::vector<int64_t> t;
    for (int64_t o = 0; o < len; ++o) {
      int64_t i = o - pb[d];
      if (i < 0 || i >= dim) {
        if (mode == "constant") {
          t.push_back(-1);
          continue;
        } else if (mode == "edge") {
          i = clampi(i, 0, dim - 1);
        } else if (mode == "wrap") {
          i = ((i % dim) + dim) % dim;
        } else {
          if (dim == 1) {
            i = 0;
          } else {
            const int64_t per = 2 * (dim - 1);
            i = ((i % per) + per) % per;
            if (i >= dim) i = per - i;
          }
        }
      }
      t.push_back(i * str[d]);
    }
    p.tables.push_back(t);
  }
  if (mode == "constant") p.fill = fill;
  return p;
}

GatherPlan plan_expand(const Graph& g, const Node& n, std::span<const Tensor* const> in) {
  const Shape& s = in[0]->shape;
  const Shape out = broadcast_shapes(g, n, s, in[1]->as_int64());
  guard_out_shape(g, n, in[0]->dtype, out);
  GatherPlan p;
  p.out_shape = out;
  const auto str = strides_of(s);
  const size_t lead = out.size() - s.size();
  for (size_t d = 0; d < out.size(); ++d) {
    std::vector<int64_t> t(static_cast<size_t>(out[d]), 0);
    if (d >= lead && s[d - lead] != 1)
      for (int64_t i = 0; i < out[d]; ++i) t[static_cast<size_t>(i)] = i * str[d - lead];
    p.tables.push_back(t);
  }
  return p;
}

GatherPlan plan_tile(const Graph& g, const Node& n, std::span<const Tensor* const> in) {
  const Shape& s = in[0]->shape;
  const auto rep = in[1]->as_int64();
  if (rep.size() != s.size()) bad(g, n, "repeats length differs from the input rank");
  GatherPlan p;
  const auto str = strides_of(s);
  for (size_t d = 0; d < s.size(); ++d) {
    if (rep[d] < 0) bad(g, n, "negative repeat");
    p.out_shape.push_back(checked_mul(s[d], rep[d]));
  }
  guard_out_shape(g, n, in[0]->dtype, p.out_shape);
  for (size_t d = 0; d < s.size(); ++d) {
    std::vector<int64_t> t;
    for (int64_t i = 0; i < p.out_shape[d]; ++i) t.push_back((i % s[d]) * str[d]);
    p.tables.push_back(t);
  }
  return p;
}

GatherPlan plan_depth_space(const Graph& g, const Node& n, std::span<const Tensor* const> in) {
  const Shape& s = in[0]->shape;
  if (s.size() != 4) bad(g, n, "input must be 4-D");
  const int64_t b = n.attr_int("blocksize", 0);
  if (b <= 0 || b > 0xffff) bad(g, n, "blocksize must be 1..65535");
  const auto str = strides_of(s);
  const int64_t N = s[0], C = s[1], H = s[2], W = s[3];
  GatherPlan p;
  auto axis = [](int64_t len, auto f) {
    std::vector<int64_t> t;
    for (int64_t i = 0; i < len; ++i) t.push_back(f(i));
    return t;
  };
  p.tables.push_back(axis(N, [&](int64_t i) { return i * str[0]; }));
  if (n.op == "DepthToSpace") {
    if (C % (b * b)) bad(g, n, "channels not divisible by blocksize^2");
    const int64_t Co = C / (b * b);
    const bool crd = n.attr_string("mode", "DCR") == "CRD";
    p.out_shape = {N, Co, H * b, W * b};
    guard_out_shape(g, n, in[0]->dtype, p.out_shape);
    p.tables.push_back(axis(Co, [&](int64_t c) { return c * (crd ? b * b : 1) * str[1]; }));
    p.tables.push_back(axis(H * b, [&](int64_t y) { return (y / b) * str[2] + (y % b) * (crd ? b : b * Co) * str[1]; }));
    p.tables.push_back(axis(W * b, [&](int64_t x) { return (x / b) * str[3] + (x % b) * (crd ? 1 : Co) * str[1]; }));
  } else {
    if (H % b || W % b) bad(g, n, "spatial size not divisible by blocksize");
    p.out_shape = {N, checked_mul(C, b * b), H / b, W / b};
    guard_out_shape(g, n, in[0]->dtype, p.out_shape);
    p.tables.push_back(axis(C * b * b, [&](int64_t c) {
      const int64_t q = c / C;
      return (c % C) * str[1] + (q / b) * str[2] + (q % b) * str[3];
    }));
    p.tables.push_back(axis(H / b, [&](int64_t y) { return y * b * str[2]; }));
    p.tables.push_back(axis(W / b, [&](int64_t x) { return x * b * str[3]; }));
  }
  return p;
}

GatherPlan plan_compress(const Graph& g, const Node& n, std::span<const Tensor* const> in) {
  const Shape& s = in[0]->shape;
  const auto cond = in[1]->as_int64();
  GatherPlan p;
  if (!n.has_attr("axis")) {
    const int64_t total = num_elements(s);
    std::vector<int64_t> t;
    for (int64_t i = 0; i < std::min<int64_t>(total, static_cast<int64_t>(cond.size())); ++i)
      if (cond[static_cast<size_t>(i)]) t.push_back(i);
    p.out_shape = {static_cast<int64_t>(t.size())};
    p.tables.push_back(t);
    return p;
  }
  const size_t a = static_cast<size_t>(norm_axis(g, n, n.attr_int("axis", 0), s.size()));
  if (static_cast<int64_t>(cond.size()) > s[a]) bad(g, n, "condition longer than the axis");
  const auto str = strides_of(s);
  for (size_t d = 0; d < s.size(); ++d) {
    std::vector<int64_t> t;
    if (d == a) {
      for (size_t i = 0; i < cond.size(); ++i)
        if (cond[i]) t.push_back(static_cast<int64_t>(i) * str[d]);
    } else {
      for (int64_t i = 0; i < s[d]; ++i) t.push_back(i * str[d]);
    }
    p.out_shape.push_back(static_cast<int64_t>(t.size()));
    p.tables.push_back(t);
  }
  return p;
}

OpDef gather_op(const std::string& name, PlanFn plan, std::vector<size_t> const_inputs, std::string constraints,
                std::string layer_type) {
  OpDef d;
  d.op = name;
  d.constraints = std::move(constraints);
  d.dtypes = {"any"};
  d.infer = [plan, const_inputs](Graph& g, const Node& n) {
    for (size_t i : const_inputs)
      if (has_in(n, i)) need_const(g, n, i);
    auto ins = graph_inputs(g, n);
    GatherPlan p = plan(g, n, ins);
    set_out(g, n, 0, in_t(g, n, 0).dtype, p.out_shape);
  };
  d.ref = [plan](const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
    GatherPlan p = plan(no_graph(), n, in);
    apply_gather_plan(p, *in[0], *out[0]);
  };
  d.check = ok;
  d.emit = [plan](EmitContext& ctx, const Graph& g, const Node& n) {
    auto ins = graph_inputs(g, n);
    GatherPlan p = plan(g, n, ins);
    emit_gather_plan(ctx, g, n, p, n.inputs[0], n.outputs[0]);
  };
  d.macc = zero_macc;
  d.c_layer_type = std::move(layer_type);
  d.qdq = QdqRole::Movement;
  return d;
}

// ------------------------------------------------------- Concat / Split

void infer_concat(Graph& g, const Node& n) {
  const Tensor& x0 = in_t(g, n, 0);
  if (x0.shape.empty()) bad(g, n, "cannot concatenate scalars");
  const size_t a = static_cast<size_t>(norm_axis(g, n, n.attr_int("axis", 0), x0.shape.size()));
  Shape out = x0.shape;
  out[a] = 0;
  for (size_t i = 0; i < n.inputs.size(); ++i) {
    const Tensor& x = in_t(g, n, i);
    if (x.shape.size() != out.size()) bad(g, n, "inputs differ in rank");
    for (size_t d = 0; d < out.size(); ++d)
      if (d != a && x.shape[d] != out[d]) bad(g, n, "inputs differ outside the axis: " + shape_str(x.shape));
    out[a] += x.shape[a];
  }
  set_out(g, n, 0, x0.dtype, out);
}

void ref_concat(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  Tensor& y = *out[0];
  const size_t a = static_cast<size_t>(n.attr_int("axis", 0) < 0 ? n.attr_int("axis", 0) + static_cast<int64_t>(y.shape.size())
                                                                   : n.attr_int("axis", 0));
  const size_t es = dtype_size(y.dtype);
  const int64_t outer = prod(y.shape, 0, a), inner = prod(y.shape, a + 1, y.shape.size());
  const int64_t out_row = y.shape[a] * inner * static_cast<int64_t>(es);
  int64_t off = 0;
  for (const Tensor* x : in) {
    const int64_t row = x->shape[a] * inner * static_cast<int64_t>(es);
    for (int64_t o = 0; o < outer; ++o)
      if (row) std::memcpy(&y.data[static_cast<size_t>(o * out_row + off)], &x->data[static_cast<size_t>(o * row)], static_cast<size_t>(row));
    off += row;
  }
}

void emit_concat(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& y = g.t(n.outputs[0]);
  const size_t a = static_cast<size_t>(norm_axis(g, n, n.attr_int("axis", 0), y.shape.size()));
  const int64_t es = static_cast<int64_t>(dtype_size(y.dtype));
  const int64_t outer = prod(y.shape, 0, a), inner = prod(y.shape, a + 1, y.shape.size());
  const int64_t out_row = y.shape[a] * inner * es;
  int64_t off = 0;
  ctx.use("eg_tensor");
  for (TensorId id : n.inputs) {
    const Tensor& x = g.t(id);
    const int64_t row = x.shape[a] * inner * es;
    if (row && outer)
      ctx.emit("eg_copy2d(" + byte_ptr(ctx, id, 0, x.is_const) + ", " + byte_ptr(ctx, n.outputs[0], off, false) + ", " +
               s64(outer) + ", " + s64(row) + ", " + s64(row) + ", " + s64(out_row) + ");");
    off += row;
  }
}

std::vector<int64_t> split_sizes(const Graph& g, const Node& n, std::span<const Tensor* const> in, size_t outputs) {
  const Shape& s = in[0]->shape;
  const size_t a = static_cast<size_t>(norm_axis(g, n, n.attr_int("axis", 0), s.size()));
  const int64_t dim = s[a];
  std::vector<int64_t> sizes;
  if (in.size() > 1 && in[1]) sizes = in[1]->as_int64();
  else if (n.has_attr("split")) sizes = n.attr_ints("split");
  if (sizes.empty()) {
    const int64_t k = n.has_attr("num_outputs") ? n.attr_int("num_outputs", 1) : static_cast<int64_t>(outputs);
    if (k <= 0) bad(g, n, "no outputs");
    const int64_t part = (dim + k - 1) / k;
    if (!n.has_attr("num_outputs") && dim % k) bad(g, n, "axis of size " + std::to_string(dim) + " does not split evenly");
    for (int64_t i = 0; i < k; ++i) sizes.push_back(std::max<int64_t>(0, std::min(part, dim - i * part)));
  }
  int64_t sum = 0;
  for (int64_t v : sizes) {
    if (v < 0) bad(g, n, "negative split size " + std::to_string(v));
    sum = checked_add(sum, v);
  }
  if (sum != dim || sizes.size() != outputs) bad(g, n, "split sizes do not match the axis or the outputs");
  return sizes;
}

void infer_split(Graph& g, const Node& n) {
  if (has_in(n, 1)) need_const(g, n, 1);
  auto ins = graph_inputs(g, n);
  const Tensor& x = in_t(g, n, 0);
  if (x.shape.empty()) bad(g, n, "cannot split a scalar");
  const auto sizes = split_sizes(g, n, ins, n.outputs.size());
  const size_t a = static_cast<size_t>(norm_axis(g, n, n.attr_int("axis", 0), x.shape.size()));
  for (size_t i = 0; i < n.outputs.size(); ++i) {
    Shape s = x.shape;
    s[a] = sizes[i];
    set_out(g, n, i, x.dtype, s);
  }
}

void ref_split(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  const auto sizes = split_sizes(no_graph(), n, in, out.size());
  int64_t a = n.attr_int("axis", 0);
  if (a < 0) a += static_cast<int64_t>(x.shape.size());
  const size_t es = dtype_size(x.dtype);
  const int64_t outer = prod(x.shape, 0, static_cast<size_t>(a)), inner = prod(x.shape, static_cast<size_t>(a) + 1, x.shape.size());
  const int64_t in_row = x.shape[static_cast<size_t>(a)] * inner * static_cast<int64_t>(es);
  int64_t off = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    const int64_t row = sizes[i] * inner * static_cast<int64_t>(es);
    if (out[i])
      for (int64_t o = 0; o < outer; ++o)
        if (row) std::memcpy(&out[i]->data[static_cast<size_t>(o * row)], &x.data[static_cast<size_t>(o * in_row + off)], static_cast<size_t>(row));
    off += row;
  }
}

void emit_split(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  auto ins = graph_inputs(g, n);
  const auto sizes = split_sizes(g, n, ins, n.outputs.size());
  const size_t a = static_cast<size_t>(norm_axis(g, n, n.attr_int("axis", 0), x.shape.size()));
  const int64_t es = static_cast<int64_t>(dtype_size(x.dtype));
  const int64_t outer = prod(x.shape, 0, a), inner = prod(x.shape, a + 1, x.shape.size());
  const int64_t in_row = x.shape[a] * inner * es;
  int64_t off = 0;
  ctx.use("eg_tensor");
  for (size_t i = 0; i < n.outputs.size(); ++i) {
    const int64_t row = sizes[i] * inner * es;
    if (n.outputs[i] != kNoTensor && row && outer)
      ctx.emit("eg_copy2d(" + byte_ptr(ctx, n.inputs[0], off, x.is_const) + ", " + byte_ptr(ctx, n.outputs[i], 0, false) +
               ", " + s64(outer) + ", " + s64(row) + ", " + s64(in_row) + ", " + s64(row) + ");");
    off += row;
  }
}

// ------------------------------------------------------- Trilu

void infer_trilu(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  if (x.shape.size() < 2) bad(g, n, "input must have rank >= 2");
  if (has_in(n, 1)) need_const(g, n, 1);
  set_out(g, n, 0, x.dtype, x.shape);
}

int64_t trilu_k(const Node&, std::span<const Tensor* const> in) {
  return in.size() > 1 && in[1] ? in[1]->as_int64().at(0) : 0;
}

void ref_trilu(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  const int64_t k = trilu_k(n, in);
  const bool upper = n.attr_int("upper", 1) != 0;
  const int64_t R = x.shape[x.shape.size() - 2], C = x.shape.back(), B = x.elements() / std::max<int64_t>(R * C, 1);
  const size_t es = dtype_size(x.dtype);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t i = 0; i < R; ++i)
      for (int64_t j = 0; j < C; ++j) {
        const size_t e = static_cast<size_t>((b * R + i) * C + j) * es;
        const bool keep = upper ? j - i >= k : j - i <= k;
        if (keep) std::memcpy(&out[0]->data[e], &x.data[e], es);
        else std::memset(&out[0]->data[e], 0, es);
      }
}

void emit_trilu(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  auto ins = graph_inputs(g, n);
  const int64_t k = std::clamp<int64_t>(trilu_k(n, ins), INT32_MIN / 2, INT32_MAX / 2);
  const int64_t R = x.shape[x.shape.size() - 2], C = x.shape.back(), B = x.elements() / std::max<int64_t>(R * C, 1);
  ctx.use("eg_tensor");
  ctx.emit("eg_trilu(" + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " + s64(static_cast<int64_t>(dtype_size(x.dtype))) +
           ", " + s64(B) + ", " + s64(R) + ", " + s64(C) + ", " + s64(k) + ", " + s64(n.attr_int("upper", 1) != 0) + ");");
}

// ------------------------------------------------------- CumSum

size_t cumsum_axis(const Graph& g, const Node& n, const Tensor& x, const Tensor& axis) {
  return static_cast<size_t>(norm_axis(g, n, axis.as_int64().at(0), x.shape.size()));
}

void infer_cumsum(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  need_const(g, n, 1);
  cumsum_axis(g, n, x, in_t(g, n, 1));
  set_out(g, n, 0, x.dtype, x.shape);
}

void ref_cumsum(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  const size_t a = cumsum_axis(no_graph(), n, x, *in[1]);
  const bool excl = n.attr_int("exclusive", 0) != 0, rev = n.attr_int("reverse", 0) != 0;
  const int64_t outer = prod(x.shape, 0, a), len = x.shape[a], inner = prod(x.shape, a + 1, x.shape.size());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < inner; ++j) {
      double acc = 0;
      for (int64_t k = 0; k < len; ++k) {
        const int64_t kk = rev ? len - 1 - k : k;
        const size_t e = static_cast<size_t>((o * len + kk) * inner + j);
        const double v = get_as_double(x, e);
        if (excl) {
          set_from_double(*out[0], e, acc);
          acc += v;
        } else {
          acc += v;
          set_from_double(*out[0], e, acc);
        }
        if (x.dtype == DType::F32) acc = static_cast<float>(acc);
      }
    }
}

std::string check_cumsum(const Graph& g, const Node& n) {
  const DType t = g.t(n.inputs[0]).dtype;
  if (t != DType::F32 && t != DType::I32 && t != DType::I64) return "dtype " + std::string(dtype_name(t)) + " is not supported";
  return "";
}

void emit_cumsum(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const size_t a = cumsum_axis(g, n, x, g.t(n.inputs[1]));
  const int64_t outer = prod(x.shape, 0, a), len = x.shape[a], inner = prod(x.shape, a + 1, x.shape.size());
  ctx.use("eg_tensor");
  ctx.emit("eg_cumsum(" + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " + s64(type_code(x.dtype)) + ", " +
           s64(outer) + ", " + s64(len) + ", " + s64(inner) + ", " + s64(n.attr_int("exclusive", 0) != 0) + ", " +
           s64(n.attr_int("reverse", 0) != 0) + ");");
}

// ------------------------------------------------------- OneHot

struct OneHotDims {
  int64_t outer, depth, inner;
  size_t axis;
};

OneHotDims onehot_dims(const Graph& g, const Node& n, const Tensor& idx, const Tensor& depth) {
  OneHotDims d{};
  const size_t r = idx.shape.size() + 1;
  d.axis = static_cast<size_t>(norm_axis(g, n, n.attr_int("axis", -1), r));
  if (depth.elements() != 1) bad(g, n, "depth must hold one value");
  const double dv = get_as_double(depth, 0);
  if (!(dv >= 1 && dv <= static_cast<double>(kMaxDim))) bad(g, n, "depth " + std::to_string(dv) + " is not 1..2^31-1");
  d.depth = static_cast<int64_t>(dv);
  d.outer = prod(idx.shape, 0, d.axis);
  d.inner = prod(idx.shape, d.axis, idx.shape.size());
  return d;
}

void infer_onehot(Graph& g, const Node& n) {
  const Tensor& idx = in_t(g, n, 0);
  need_const(g, n, 1);
  need_const(g, n, 2);
  const Tensor& vals = in_t(g, n, 2);
  if (vals.elements() != 2) bad(g, n, "values must hold [off, on]");
  const OneHotDims d = onehot_dims(g, n, idx, in_t(g, n, 1));
  Shape out = idx.shape;
  out.insert(out.begin() + static_cast<long>(d.axis), d.depth);
  set_out(g, n, 0, vals.dtype, out);
}

void ref_onehot(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& idx = *in[0];
  const OneHotDims d = onehot_dims(no_graph(), n, idx, *in[1]);
  const size_t es = dtype_size(in[2]->dtype);
  for (int64_t o = 0; o < d.outer; ++o)
    for (int64_t j = 0; j < d.inner; ++j) {
      const double iv = get_as_double(idx, static_cast<size_t>(o * d.inner + j));
      // out of [-depth, depth-1] (or not a number): all "off", as ONNX specifies
      int64_t v = -1;
      if (iv >= -static_cast<double>(d.depth) && iv < static_cast<double>(d.depth)) {
        v = static_cast<int64_t>(iv);
        if (v < 0) v += d.depth;
      }
      for (int64_t k = 0; k < d.depth; ++k)
        std::memcpy(&out[0]->data[static_cast<size_t>((o * d.depth + k) * d.inner + j) * es], &in[2]->data[v == k ? es : 0], es);
    }
}

std::string check_onehot(const Graph& g, const Node& n) {
  if (type_code(g.t(n.inputs[0]).dtype) < 0 || type_code(g.t(n.inputs[0]).dtype) > 4) return "index dtype not supported";
  return "";
}

void emit_onehot(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& idx = g.t(n.inputs[0]);
  const OneHotDims d = onehot_dims(g, n, idx, g.t(n.inputs[1]));
  const Tensor& vals = g.t(n.inputs[2]);
  ctx.use("eg_tensor");
  ctx.emit("eg_onehot(" + ctx.ptr(n.inputs[0]) + ", " + s64(type_code(idx.dtype)) + ", " + ctx.ptr(n.outputs[0]) + ", " +
           s64(static_cast<int64_t>(dtype_size(vals.dtype))) + ", " + s64(d.outer) + ", " + s64(d.depth) + ", " + s64(d.inner) +
           ", " + ctx.ptr(n.inputs[2]) + ");");
}

// ------------------------------------------------------- ReverseSequence

void infer_revseq(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  const Tensor& l = in_t(g, n, 1);
  if (x.shape.size() < 2) bad(g, n, "input must have rank >= 2");
  const int64_t ba = n.attr_int("batch_axis", 1), ta = n.attr_int("time_axis", 0);
  if (!((ba == 1 && ta == 0) || (ba == 0 && ta == 1))) bad(g, n, "batch_axis/time_axis must be 0 and 1");
  if (l.elements() != x.shape[static_cast<size_t>(ba)]) bad(g, n, "sequence_lens length differs from the batch");
  set_out(g, n, 0, x.dtype, x.shape);
}

void ref_revseq(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  const auto lens = in[1]->as_int64();
  const bool tm = n.attr_int("time_axis", 0) == 0;
  const int64_t B = x.shape[tm ? 1 : 0], T = x.shape[tm ? 0 : 1], inner = prod(x.shape, 2, x.shape.size());
  const size_t row = static_cast<size_t>(inner) * dtype_size(x.dtype);
  for (int64_t b = 0; b < B; ++b) {
    const int64_t len = std::min(lens[static_cast<size_t>(b)], T);
    for (int64_t t = 0; t < T; ++t) {
      const int64_t st = t < len ? len - 1 - t : t;
      const int64_t so = tm ? st * B + b : b * T + st, d = tm ? t * B + b : b * T + t;
      std::memcpy(&out[0]->data[static_cast<size_t>(d) * row], &x.data[static_cast<size_t>(so) * row], row);
    }
  }
}

void emit_revseq(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const Tensor& l = g.t(n.inputs[1]);
  const bool tm = n.attr_int("time_axis", 0) == 0;
  ctx.use("eg_tensor");
  ctx.emit("eg_reverse_sequence(" + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " +
           s64(static_cast<int64_t>(dtype_size(x.dtype))) + ", " + s64(tm) + ", " + s64(x.shape[tm ? 1 : 0]) + ", " +
           s64(x.shape[tm ? 0 : 1]) + ", " + s64(prod(x.shape, 2, x.shape.size())) + ", " + ctx.ptr(n.inputs[1]) + ", " +
           s64(l.dtype == DType::I64) + ");");
}

// ------------------------------------------------------- folding shape ops

std::pair<int64_t, int64_t> shape_range(const Node& n, int64_t r) {
  int64_t s = n.attr_int("start", 0), e = n.attr_int("end", r);
  if (s < 0) s += r;
  if (e < 0) e += r;
  s = clampi(s, 0, r);
  e = clampi(e, 0, r);
  return {s, std::max(s, e)};
}

void infer_shape(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  if (n.op == "Size") {
    set_out(g, n, 0, DType::I64, {});
    return;
  }
  auto [s, e] = shape_range(n, static_cast<int64_t>(x.shape.size()));
  set_out(g, n, 0, DType::I64, {e - s});
}

void ref_shape(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Shape& sh = in[0]->shape;
  if (n.op == "Size") {
    const int64_t v = num_elements(sh);
    std::memcpy(out[0]->data.data(), &v, 8);
    return;
  }
  auto [s, e] = shape_range(n, static_cast<int64_t>(sh.size()));
  for (int64_t i = s; i < e; ++i) std::memcpy(&out[0]->data[static_cast<size_t>(i - s) * 8], &sh[static_cast<size_t>(i)], 8);
}

DType onnx_dtype_attr(const Graph& g, const Node& n, const char* name, DType dflt) {
  if (!n.has_attr(name)) return dflt;
  DType t = dtype_from_onnx(static_cast<int>(n.attr_int(name, 1)));
  if (t == DType::Undefined || t == DType::Other || t == DType::String) bad(g, n, "unsupported dtype");
  return t;
}

void infer_constant_of_shape(Graph& g, const Node& n) {
  need_const(g, n, 0);
  const auto shape = in_t(g, n, 0).as_int64();
  for (int64_t v : shape)
    if (v < 0) bad(g, n, "negative dimension");
  DType dt = DType::F32;
  if (const Tensor* v = n.attr_tensor("value")) dt = v->dtype;
  set_out(g, n, 0, dt, shape);
}

void ref_constant_of_shape(const Node& n, std::span<const Tensor* const>, std::span<Tensor* const> out) {
  Tensor& y = *out[0];
  const Tensor* v = n.attr_tensor("value");
  const size_t es = dtype_size(y.dtype);
  for (int64_t i = 0; i < y.elements(); ++i) {
    if (v && v->data.size() >= es) std::memcpy(&y.data[static_cast<size_t>(i) * es], v->data.data(), es);
    else std::memset(&y.data[static_cast<size_t>(i) * es], 0, es);
  }
}

void infer_range(Graph& g, const Node& n) {
  for (size_t i = 0; i < 3; ++i) {
    need_const(g, n, i);
    if (in_t(g, n, i).elements() != 1) bad(g, n, "start, limit and delta must be scalars");
  }
  const double s = get_as_double(in_t(g, n, 0), 0), l = get_as_double(in_t(g, n, 1), 0), d = get_as_double(in_t(g, n, 2), 0);
  if (d == 0) bad(g, n, "delta is 0");
  const double count = std::ceil((l - s) / d);
  if (std::isnan(count)) bad(g, n, "start, limit or delta is not a number");
  if (count > static_cast<double>(kMaxDim)) bad(g, n, "Range would have more than 2^31-1 elements");
  set_out(g, n, 0, in_t(g, n, 0).dtype, {std::max<int64_t>(0, static_cast<int64_t>(count))});
}

void ref_range(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const double s = get_as_double(*in[0], 0), d = get_as_double(*in[2], 0);
  float acc = static_cast<float>(s);  // ONNX accumulates float ranges in the input type
  for (int64_t i = 0; i < out[0]->elements(); ++i) {
    if (out[0]->dtype == DType::F32) {
      set_from_double(*out[0], static_cast<size_t>(i), acc);
      acc += static_cast<float>(d);
    } else {
      set_from_double(*out[0], static_cast<size_t>(i), s + static_cast<double>(i) * d);
    }
  }
}

void infer_eyelike(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  if (x.shape.size() != 2) bad(g, n, "input must be 2-D");
  set_out(g, n, 0, onnx_dtype_attr(g, n, "dtype", x.dtype), x.shape);
}

void ref_eyelike(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const int64_t R = in[0]->shape[0], C = in[0]->shape[1], k = n.attr_int("k", 0);
  for (int64_t i = 0; i < R; ++i)
    for (int64_t j = 0; j < C; ++j) set_from_double(*out[0], static_cast<size_t>(i * C + j), j - i == k ? 1.0 : 0.0);
}

void infer_nonzero(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  if (!x.is_const) bad(g, n, "input must be constant: the output size depends on the data");
  int64_t cnt = 0;
  for (int64_t i = 0; i < x.elements(); ++i)
    if (get_as_double(x, static_cast<size_t>(i)) != 0) ++cnt;
  set_out(g, n, 0, DType::I64, {static_cast<int64_t>(x.shape.size()), cnt});
}

void ref_nonzero(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  const auto st = strides_of(x.shape);
  const int64_t cnt = out[0]->shape[1];
  int64_t c = 0;
  for (int64_t i = 0; i < x.elements(); ++i)
    if (get_as_double(x, static_cast<size_t>(i)) != 0) {
      for (size_t d = 0; d < x.shape.size(); ++d)
        set_from_double(*out[0], static_cast<size_t>(static_cast<int64_t>(d) * cnt + c), static_cast<double>((i / st[d]) % x.shape[d]));
      ++c;
    }
}

std::string check_all_const(const Graph& g, const Node& n) {
  for (TensorId id : n.inputs)
    if (id != kNoTensor && !g.t(id).is_const) return "inputs must be constant";
  return "";
}

OpDef simple(const std::string& name, std::string constraints, std::vector<std::string> dtypes, InferFn inf, RefFn ref,
             CheckFn check, EmitFn emit, std::string layer) {
  return make_op(
      name, std::move(constraints), std::move(dtypes),
      {std::move(inf), std::move(ref), std::move(check), std::move(emit),
       [](const Graph& g, const Node& n) { return n.outputs.empty() ? int64_t{0} : g.t(n.outputs[0]).elements(); }},
      std::move(layer));
}

}  // namespace

void register_tensor_ops() {
  register_op(gather_op("Slice", plan_slice, {1, 2, 3, 4}, "starts/ends/axes/steps constant; negative steps", "Slice"));
  register_op(gather_op("Pad", plan_pad, {1, 2, 3}, "pads/constant_value/axes constant; constant, reflect, edge, wrap",
                        "Pad"));
  register_op(gather_op("Expand", plan_expand, {1}, "shape constant", "Expand"));
  register_op(gather_op("Tile", plan_tile, {1}, "repeats constant", "Tile"));
  register_op(gather_op("DepthToSpace", plan_depth_space, {}, "4-D, DCR and CRD", "DepthToSpace"));
  register_op(gather_op("SpaceToDepth", plan_depth_space, {}, "4-D", "SpaceToDepth"));
  register_op(gather_op("Compress", plan_compress, {1}, "condition constant", "Compress"));

  OpDef c = simple("Concat", "any axis", {"any"}, infer_concat, ref_concat, ok, emit_concat, "Concat");
  c.macc = zero_macc;
  c.qdq = QdqRole::Movement;
  register_op(c);
  OpDef s = simple("Split", "split sizes constant (attribute or input), num_outputs", {"any"}, infer_split, ref_split, ok,
                   emit_split, "Split");
  s.macc = zero_macc;
  s.qdq = QdqRole::Movement;
  register_op(s);

  OpDef t = simple("Trilu", "k constant", {"any"}, infer_trilu, ref_trilu, ok, emit_trilu, "Trilu");
  t.qdq = QdqRole::Movement;
  register_op(t);
  register_op(simple("CumSum", "axis constant", {"float32", "int32", "int64"}, infer_cumsum, ref_cumsum, check_cumsum,
                     emit_cumsum, "CumSum"));
  register_op(simple("OneHot", "depth and values constant", {"any"}, infer_onehot, ref_onehot, check_onehot, emit_onehot,
                     "OneHot"));
  OpDef rs = simple("ReverseSequence", "batch/time axes 0 and 1", {"any"}, infer_revseq, ref_revseq, ok, emit_revseq,
                    "ReverseSequence");
  rs.qdq = QdqRole::Movement;
  register_op(rs);

  register_op(simple("Shape", "folded at compile time (static shapes)", {"any"}, infer_shape, ref_shape, ok,
                     emit_precomputed, "Shape"));
  register_op(simple("Size", "folded at compile time (static shapes)", {"any"}, infer_shape, ref_shape, ok,
                     emit_precomputed, "Size"));
  register_op(simple("EyeLike", "folded at compile time (static shapes)", {"any"}, infer_eyelike, ref_eyelike, ok,
                     emit_precomputed, "EyeLike"));
  register_op(simple("ConstantOfShape", "shape constant; folded", {"any"}, infer_constant_of_shape,
                     ref_constant_of_shape, check_all_const, emit_precomputed, "ConstantOfShape"));
  register_op(simple("Range", "inputs constant; folded", {"float32", "int32", "int64", "int16"}, infer_range, ref_range,
                     check_all_const, emit_precomputed, "Range"));
  register_op(simple("NonZero", "input constant; folded", {"any"}, infer_nonzero, ref_nonzero, check_all_const,
                     emit_precomputed, "NonZero"));

  register_tensor_resize();
  register_tensor_index();
  register_tensor_conv();
  register_tensor_quant();
}

}  // namespace eg::ops
