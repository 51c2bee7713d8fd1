// TFLite data movement: SQUEEZE (a view), CONCATENATION / PACK (joins), SPLIT / SPLIT_V / UNPACK
// (splits), TRANSPOSE, STRIDED_SLICE, PAD / PADV2 and RESIZE_NEAREST_NEIGHBOR. Every one moves
// bytes, so one implementation serves float32 and int8 (TFLite's int8 forms keep the input's
// quantization; PAD fills with the output zero point). Joins and splits are row copies
// (eg_copy2d); slices, pads and nearest resizes are per-axis index tables (eg_index_gather).
// RESIZE_BILINEAR, the one resize that computes, runs TFLite's kernel (eg_tfl_resize.c).
#include <cmath>
#include <cstring>

#include "ops/families.h"
#include "ops/tensor_common.h"
#include "ops/tflite_common.h"

extern "C" {
#include "eg_tfl_resize.h"
}

namespace eg::ops {
namespace {

using tfl::onnx_form;
using tfl::set_checked;

// Errors raised while a reference runs name no file (the graph was checked by infer).
const Graph& no_file() {
  static const Graph g;
  return g;
}

OpDef movement_op(const std::string& name, const std::string& constraints, const std::string& layer) {
  OpDef d;
  d.op = name;
  d.constraints = constraints;
  d.dtypes = {"float32", "int8 (TFLite)", "int32"};
  d.c_layer_type = layer;
  d.macc = [](const Graph&, const Node&) -> int64_t { return 0; };
  d.qdq = QdqRole::Movement;
  return d;
}

// ---- joins and splits: rows of `row[k]` bytes per part, `outer` times ---------------------------------

struct Rows {
  int64_t outer = 1;
  std::vector<int64_t> row;  // bytes of part k in one outer step
  int64_t total() const {
    int64_t t = 0;
    for (int64_t r : row) t += r;
    return t;
  }
};

// Parts laid side by side along `axis` of `whole` (axis sizes `sizes`; pack: every size 1).
Rows rows_of(const Shape& whole, size_t axis, const std::vector<int64_t>& sizes, size_t elem) {
  Rows r;
  r.outer = prod(whole, 0, axis);
  const int64_t inner = prod(whole, axis + 1, whole.size()) * static_cast<int64_t>(elem);
  for (int64_t s : sizes) r.row.push_back(s * inner);
  return r;
}

void join_ref(const Rows& r, std::span<const Tensor* const> parts, Tensor& y) {
  int64_t off = 0;
  for (size_t k = 0; k < r.row.size(); ++k) {
    for (int64_t o = 0; o < r.outer && r.row[k]; ++o)
      std::memcpy(&y.data[static_cast<size_t>(o * r.total() + off)], &parts[k]->data[static_cast<size_t>(o * r.row[k])],
                  static_cast<size_t>(r.row[k]));
    off += r.row[k];
  }
}

void split_ref(const Rows& r, const Tensor& x, std::span<Tensor* const> parts) {
  int64_t off = 0;
  for (size_t k = 0; k < r.row.size(); ++k) {
    for (int64_t o = 0; o < r.outer && r.row[k] && parts[k]; ++o)
      std::memcpy(&parts[k]->data[static_cast<size_t>(o * r.row[k])], &x.data[static_cast<size_t>(o * r.total() + off)],
                  static_cast<size_t>(r.row[k]));
    off += r.row[k];
  }
}

// join: parts -> whole; split: whole -> parts.
void emit_rows(EmitContext& ctx, const Rows& r, const std::vector<TensorId>& parts, TensorId whole, bool join) {
  ctx.use("eg_tensor");
  int64_t off = 0;
  for (size_t k = 0; k < parts.size(); ++k) {
    const int64_t row = r.row[k];
    if (row && r.outer && parts[k] != kNoTensor) {
      const bool part_const = ctx.g.t(parts[k]).is_const, whole_const = ctx.g.t(whole).is_const;
      const std::string p = byte_ptr(ctx, parts[k], 0, join && part_const);
      const std::string w = byte_ptr(ctx, whole, off, !join && whole_const);
      ctx.emit("eg_copy2d(" + (join ? p : w) + ", " + (join ? w : p) + ", " + s64(r.outer) + ", " + s64(row) + ", " +
               s64(join ? row : r.total()) + ", " + s64(join ? r.total() : row) + ");");
    }
    off += row;
  }
}

// CONCATENATION (axis option) and PACK (axis option, a new axis of size N).
struct Join {
  Shape out;
  Rows rows;
};
Join join_plan(const Graph& g, const Node& n, std::span<const Tensor* const> in) {
  const bool pack = n.op == "PACK";
  const Shape& s0 = in[0]->shape;
  const size_t rank = s0.size() + (pack ? 1 : 0);
  if (rank == 0) bad(g, n, "cannot join scalars");
  const size_t axis = static_cast<size_t>(norm_axis(g, n, n.attr_int("axis", 0), rank));
  Join j;
  j.out = s0;
  std::vector<int64_t> sizes;
  if (pack) j.out.insert(j.out.begin() + static_cast<long>(axis), static_cast<int64_t>(in.size()));
  else j.out[axis] = 0;
  for (const Tensor* x : in) {
    if (x->dtype != in[0]->dtype) bad(g, n, "inputs differ in type");
    if (pack) {
      if (x->shape != s0) bad(g, n, "PACK inputs differ in shape: " + shape_str(x->shape) + " and " + shape_str(s0));
      sizes.push_back(1);
      continue;
    }
    if (x->shape.size() != s0.size()) bad(g, n, "inputs differ in rank");
    for (size_t d = 0; d < s0.size(); ++d)
      if (d != axis && x->shape[d] != s0[d]) bad(g, n, "inputs differ outside the axis: " + shape_str(x->shape));
    j.out[axis] += x->shape[axis];
    sizes.push_back(x->shape[axis]);
  }
  j.rows = rows_of(j.out, axis, sizes, dtype_size(in[0]->dtype));
  return j;
}

std::string join_check(const Graph& g, const Node& n) {
  if (n.attr_int("activation", 0) != 0) return "a fused activation on a concatenation is not supported";
  return tfl::same_quant_problem(g, n, n.inputs.size());
}

// SPLIT (axis input 0, value input 1, num_splits), SPLIT_V (value, size_splits, axis) and UNPACK
// (value, num, axis: the axis disappears).
struct Split {
  size_t value = 0, axis = 0;
  std::vector<Shape> outs;
  Rows rows;
};
Split split_plan(const Graph& g, const Node& n, std::span<const Tensor* const> in) {
  Split s;
  const bool unpack = n.op == "UNPACK", v = n.op == "SPLIT_V";
  s.value = n.op == "SPLIT" ? 1 : 0;
  const Tensor& x = *in[s.value];
  int64_t axis = n.attr_int("axis", 0);
  if (!unpack) {
    const Tensor* a = in[n.op == "SPLIT" ? 0 : 2];
    if (!a || !a->is_const || a->elements() != 1) bad(g, n, "the axis must be a constant scalar");
    axis = a->as_int64()[0];
  }
  s.axis = static_cast<size_t>(norm_axis(g, n, axis, x.shape.size()));
  const int64_t dim = x.shape[s.axis];
  const size_t parts = n.outputs.size();
  std::vector<int64_t> sizes;
  if (v) {
    if (!in[1] || !in[1]->is_const) bad(g, n, "size_splits must be a constant");
    sizes = in[1]->as_int64();
    int64_t known = 0, unknown = -1;
    for (size_t i = 0; i < sizes.size(); ++i) {
      if (sizes[i] == -1 && unknown < 0) unknown = static_cast<int64_t>(i);
      else if (sizes[i] < 0) bad(g, n, "size_splits has a negative size");
      else known += sizes[i];
    }
    if (unknown >= 0) sizes[static_cast<size_t>(unknown)] = dim - known;
  } else {
    const int64_t k = unpack ? n.attr_int("num", static_cast<int64_t>(parts)) : n.attr_int("num_splits", 1);
    if (k <= 0 || dim % k) bad(g, n, "axis of size " + std::to_string(dim) + " does not split into " + std::to_string(k));
    sizes.assign(static_cast<size_t>(k), dim / k);
  }
  int64_t sum = 0;
  for (int64_t z : sizes) sum += z;
  if (sum != dim || sizes.size() != parts)
    bad(g, n, "split sizes do not add up to the axis (" + std::to_string(dim) + ") or do not match the " +
                  std::to_string(parts) + " outputs");
  for (int64_t z : sizes) {
    Shape o = x.shape;
    if (unpack) o.erase(o.begin() + static_cast<long>(s.axis));
    else o[s.axis] = z;
    s.outs.push_back(o);
  }
  s.rows = rows_of(x.shape, s.axis, sizes, dtype_size(x.dtype));
  return s;
}

void register_joins() {
  for (const char* name : {"CONCATENATION", "PACK"}) {
    OpDef d = movement_op(name, "any axis; int8: inputs quantized as the output (no requantization)", "Concat");
    d.infer = [](Graph& g, const Node& n) {
      for (size_t i = 0; i < n.inputs.size(); ++i) in_t(g, n, i);
      const Join j = join_plan(g, n, graph_inputs(g, n));
      set_checked(g, n, in_t(g, n, 0).dtype, j.out);
    };
    d.ref = [](const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
      join_ref(join_plan(no_file(), n, in).rows, in, *out[0]);
    };
    d.check = join_check;
    d.emit = [](EmitContext& ctx, const Graph& g, const Node& n) {
      emit_rows(ctx, join_plan(g, n, graph_inputs(g, n)).rows, n.inputs, n.outputs[0], true);
    };
    register_op(d);
  }
  for (const char* name : {"SPLIT", "SPLIT_V", "UNPACK"}) {
    OpDef d = movement_op(name, "constant axis and sizes; int8: outputs quantized as the input", "Split");
    d.infer = [](Graph& g, const Node& n) {
      in_t(g, n, 0);
      const Split s = split_plan(g, n, graph_inputs(g, n));
      const DType dt = in_t(g, n, s.value).dtype;
      for (size_t i = 0; i < n.outputs.size(); ++i) {
        const Tensor& y = g.t(n.outputs[i]);
        if (!y.shape.empty() && y.shape != s.outs[i])
          bad(g, n, "output " + std::to_string(i) + " shape " + shape_str(y.shape) + " differs from the computed " +
                        shape_str(s.outs[i]));
        set_out(g, n, i, dt, s.outs[i]);
      }
    };
    d.ref = [](const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
      const Split s = split_plan(no_file(), n, in);
      split_ref(s.rows, *in[s.value], out);
    };
    d.check = [](const Graph& g, const Node& n) {
      const size_t value = n.op == "SPLIT" ? 1 : 0;
      const Tensor& x = g.t(n.inputs[value]);
      for (TensorId o : n.outputs)
        if (g.t(o).quant != x.quant || g.t(o).dtype != x.dtype) return std::string("outputs differ from the input in type or quantization");
      return std::string();
    };
    d.emit = [](EmitContext& ctx, const Graph& g, const Node& n) {
      const Split s = split_plan(g, n, graph_inputs(g, n));
      emit_rows(ctx, s.rows, n.outputs, n.inputs[s.value], false);
    };
    register_op(d);
  }
}

// ---- SQUEEZE: a view ------------------------------------------------------------------------------------

void register_squeeze() {
  OpDef d = movement_op("SQUEEZE", "squeeze_dims (none: every unit axis); a view, no copy", "Reshape");
  d.infer = [](Graph& g, const Node& n) {
    const Tensor& x = in_t(g, n, 0);
    std::vector<bool> drop(x.shape.size(), false);
    const auto dims = n.attr_ints("squeeze_dims");
    for (int64_t a : dims) {
      const size_t k = static_cast<size_t>(norm_axis(g, n, a, x.shape.size()));
      if (x.shape[k] != 1) bad(g, n, "squeeze axis " + std::to_string(a) + " has size " + std::to_string(x.shape[k]));
      drop[k] = true;
    }
    Shape out;
    for (size_t d = 0; d < x.shape.size(); ++d)
      if (!(dims.empty() ? x.shape[d] == 1 : drop[d])) out.push_back(x.shape[d]);
    set_checked(g, n, x.dtype, out);
  };
  d.ref = [](const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) { out[0]->data = in[0]->data; };
  d.check = [](const Graph&, const Node&) { return std::string(); };
  d.emit = [](EmitContext& ctx, const Graph& g, const Node& n) { find_op("Reshape")->emit(ctx, g, n); };
  register_op(d);
}

// ---- TRANSPOSE: the registry's Transpose with the constant perm ------------------------------------------

Node transpose_form(const Graph& g, const Node& n, std::span<const Tensor* const> in) {
  if (!in[1] || !in[1]->is_const) bad(g, n, "perm must be a constant");
  Node f = onnx_form(n, "Transpose", 1);
  f.attrs["perm"] = in[1]->as_int64();
  return f;
}

void register_transpose() {
  OpDef d = movement_op("TRANSPOSE", "constant perm, rank <= 8", "Transpose");
  d.infer = [](Graph& g, const Node& n) {
    in_t(g, n, 1);
    const Node f = transpose_form(g, n, graph_inputs(g, n));
    const Shape want = g.t(n.outputs[0]).shape;
    find_op("Transpose")->infer(g, f);
    if (!want.empty() && want != g.t(n.outputs[0]).shape)
      bad(g, n, "output shape " + shape_str(want) + " differs from the computed " + shape_str(g.t(n.outputs[0]).shape));
  };
  d.ref = [](const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
    find_op("Transpose")->ref(transpose_form(no_file(), n, in), in.subspan(0, 1), out);
  };
  d.check = [](const Graph& g, const Node& n) { return tfl::same_quant_problem(g, n, 1); };
  d.emit = [](EmitContext& ctx, const Graph& g, const Node& n) {
    find_op("Transpose")->emit(ctx, g, transpose_form(g, n, graph_inputs(g, n)));
  };
  d.macc = [](const Graph& g, const Node& n) { return g.t(n.outputs[0]).elements() / 2; };
  register_op(d);
}

// ---- STRIDED_SLICE, PAD / PADV2, RESIZE_NEAREST_NEIGHBOR: index tables ------------------------------------

// The plan over the input's rank (shrunk axes keep length 1) and the output's shape.
struct Gathered {
  GatherPlan plan;
  Shape out;
};

// TFLite's StridedSlice: StartForAxis / StopForAxis with begin/end masks, negative indices
// counted from the end, clamping by the stride's sign; shrink_axis_mask keeps one element
// and drops the axis.
Gathered plan_strided_slice(const Graph& g, const Node& n, std::span<const Tensor* const> in) {
  const Tensor& x = *in[0];
  for (size_t i = 1; i < 4; ++i)
    if (i >= in.size() || !in[i] || !in[i]->is_const) bad(g, n, "begin, end and strides must be constants");
  const auto begin = in[1]->as_int64(), end = in[2]->as_int64(), strides = in[3]->as_int64();
  const size_t r = x.shape.size();
  if (begin.size() != r || end.size() != r || strides.size() != r)
    bad(g, n, "begin, end and strides need one value per input axis (" + std::to_string(r) + ")");
  if (n.attr_int("ellipsis_mask", 0) || n.attr_int("new_axis_mask", 0) || n.attr_int("offset", 0))
    bad(g, n, "ellipsis_mask, new_axis_mask and offset are not supported");
  const int64_t bm = n.attr_int("begin_mask", 0), em = n.attr_int("end_mask", 0), sm = n.attr_int("shrink_axis_mask", 0);
  Gathered res;
  const auto str = strides_of(x.shape);
  for (size_t d = 0; d < r; ++d) {
    const int64_t dim = x.shape[d], s = strides[d];
    if (s == 0) bad(g, n, "stride 0");
    auto clampd = [&](int64_t v) { return s > 0 ? std::clamp<int64_t>(v, 0, dim) : std::clamp<int64_t>(v, -1, dim - 1); };
    int64_t b = begin[d];
    if (bm & (int64_t{1} << d)) b = s > 0 ? 0 : dim - 1;
    else b = clampd(b < 0 ? b + dim : b);
    int64_t e;
    const bool shrink = sm & (int64_t{1} << d);
    if (shrink) e = b + 1;
    else if (em & (int64_t{1} << d)) e = s > 0 ? dim : -1;
    else e = clampd(end[d] < 0 ? end[d] + dim : end[d]);
    if (shrink && (b < 0 || b >= dim)) bad(g, n, "shrunk axis " + std::to_string(d) + " index out of range");
    int64_t len = s > 0 ? (e - b + s - 1) / s : (b - e - s - 1) / -s;
    len = std::max<int64_t>(len, 0);
    if (shrink) len = 1;
    res.plan.out_shape.push_back(len);
    std::vector<int64_t> t;
    for (int64_t i = 0; i < len; ++i) t.push_back((b + i * (shrink ? 0 : s)) * str[d]);
    res.plan.tables.push_back(t);
    if (!shrink) res.out.push_back(len);
  }
  return res;
}

// PAD (fill: 0, the output zero point for int8) and PADV2 (fill: the constant input 2).
Gathered plan_tfl_pad(const Graph& g, const Node& n, std::span<const Tensor* const> in) {
  const Tensor& x = *in[0];
  if (in.size() < 2 || !in[1] || !in[1]->is_const) bad(g, n, "the paddings must be a constant");
  const auto pads = in[1]->as_int64();
  const size_t r = x.shape.size();
  if (pads.size() != 2 * r) bad(g, n, "paddings must be [" + std::to_string(r) + ", 2]");
  Gathered res;
  const auto str = strides_of(x.shape);
  for (size_t d = 0; d < r; ++d) {
    const int64_t before = pads[2 * d], after = pads[2 * d + 1], dim = x.shape[d];
    if (before < 0 || after < 0) bad(g, n, "negative padding");
    std::vector<int64_t> t;
    for (int64_t o = 0; o < dim + before + after; ++o) t.push_back(o < before || o >= before + dim ? -1 : (o - before) * str[d]);
    res.plan.out_shape.push_back(dim + before + after);
    res.plan.tables.push_back(t);
  }
  res.out = res.plan.out_shape;
  Tensor fill;
  fill.dtype = x.dtype;
  fill.shape = {1};
  fill.data.assign(dtype_size(x.dtype), 0);
  if (n.op == "PADV2" && in.size() > 2 && in[2]) {
    if (!in[2]->is_const || in[2]->elements() != 1 || in[2]->dtype != x.dtype)
      bad(g, n, "the pad value must be a constant scalar of the input's type");
    fill.data = in[2]->data;
  } else if (x.quant) {
    set_from_double(fill, 0, x.quant->zero_point[0]);
  }
  res.plan.fill = fill;
  return res;
}

// TFLite's ResizeNearestNeighbor: in = min(floor or round((out + offset) * scale), size - 1) in
// float, scale = in/out (align_corners: (in-1)/(out-1)), offset 0.5 and max(0, .) with half-pixel centers.
Gathered plan_resize_nearest(const Graph& g, const Node& n, std::span<const Tensor* const> in) {
  const Tensor& x = *in[0];
  if (x.shape.size() != 4) bad(g, n, "input must be 4-D NHWC");
  if (in.size() < 2 || !in[1] || !in[1]->is_const || in[1]->elements() != 2) bad(g, n, "size must be a constant [2]");
  const auto size = in[1]->as_int64();
  if (size[0] < 1 || size[1] < 1) bad(g, n, "output size must be positive");
  const bool align = n.attr_int("align_corners", 0), half = n.attr_int("half_pixel_centers", 0);
  Gathered res;
  res.out = {x.shape[0], size[0], size[1], x.shape[3]};
  res.plan.out_shape = res.out;
  const auto str = strides_of(x.shape);
  for (size_t d = 0; d < 4; ++d) {
    std::vector<int64_t> t;
    const int64_t in_size = x.shape[d], out_size = res.out[d];
    if (d == 0 || d == 3) {
      for (int64_t i = 0; i < out_size; ++i) t.push_back(i * str[d]);
    } else {
      const float scale = align && out_size > 1 ? static_cast<float>(in_size - 1) / static_cast<float>(out_size - 1)
                                                : static_cast<float>(in_size) / static_cast<float>(out_size);
      const float offset = half ? 0.5f : 0.0f;
      for (int64_t o = 0; o < out_size; ++o) {
        const float pos = (static_cast<float>(o) + offset) * scale;
        int64_t v = std::min<int64_t>(align ? static_cast<int64_t>(std::round(pos)) : static_cast<int64_t>(std::floor(pos)),
                                      in_size - 1);
        if (half) v = std::max<int64_t>(0, v);
        t.push_back(v * str[d]);
      }
    }
    res.plan.tables.push_back(t);
  }
  return res;
}

using GatherFn = Gathered (*)(const Graph&, const Node&, std::span<const Tensor* const>);

OpDef gathered_op(const std::string& name, GatherFn plan, const std::string& constraints, const std::string& layer) {
  OpDef d = movement_op(name, constraints, layer);
  d.infer = [plan](Graph& g, const Node& n) {
    in_t(g, n, 0);
    set_checked(g, n, in_t(g, n, 0).dtype, plan(g, n, graph_inputs(g, n)).out);
  };
  d.ref = [plan](const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
    apply_gather_plan(plan(no_file(), n, in).plan, *in[0], *out[0]);
  };
  d.check = [](const Graph& g, const Node& n) { return tfl::same_quant_problem(g, n, 1); };
  d.emit = [plan](EmitContext& ctx, const Graph& g, const Node& n) {
    emit_gather_plan(ctx, g, n, plan(g, n, graph_inputs(g, n)).plan, n.inputs[0], n.outputs[0]);
  };
  return d;
}

// ---- RESIZE_BILINEAR ---------------------------------------------------------------------------------------

eg_resize_tfl_params bilinear_setup(const Graph& g, const Node& n, std::span<const Tensor* const> in) {
  const Tensor& x = *in[0];
  if (x.shape.size() != 4) bad(g, n, "input must be 4-D NHWC");
  if (in.size() < 2 || !in[1] || !in[1]->is_const || in[1]->elements() != 2) bad(g, n, "size must be a constant [2]");
  const auto size = in[1]->as_int64();
  if (size[0] < 1 || size[1] < 1 || size[0] > 65535 || size[1] > 65535) bad(g, n, "output size out of range");
  if (n.attr_int("align_corners", 0) && n.attr_int("half_pixel_centers", 0))
    bad(g, n, "align_corners and half_pixel_centers together");
  eg_resize_tfl_params p{};
  p.batch = static_cast<int32_t>(x.shape[0]);
  p.in_h = static_cast<int32_t>(x.shape[1]);
  p.in_w = static_cast<int32_t>(x.shape[2]);
  p.channels = static_cast<int32_t>(x.shape[3]);
  p.out_h = static_cast<int32_t>(size[0]);
  p.out_w = static_cast<int32_t>(size[1]);
  p.align_corners = static_cast<int32_t>(n.attr_int("align_corners", 0));
  p.half_pixel_centers = static_cast<int32_t>(n.attr_int("half_pixel_centers", 0));
  return p;
}

void register_resize_bilinear() {
  OpDef d = movement_op("RESIZE_BILINEAR", "4-D NHWC, constant size, align_corners, half_pixel_centers; int8: "
                                           "input and output quantized alike", "Resize");
  d.dtypes = {"float32", "int8 (TFLite)"};
  d.infer = [](Graph& g, const Node& n) {
    const auto p = bilinear_setup(g, n, graph_inputs(g, n));
    set_checked(g, n, in_t(g, n, 0).dtype, {p.batch, p.out_h, p.out_w, p.channels});
  };
  d.ref = [](const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
    const auto p = bilinear_setup(no_file(), n, in);
    if (in[0]->dtype == DType::F32)
      eg_resize_bilinear_f32_tfl(&p, in[0]->values<float>().data(), out[0]->mutable_values<float>().data());
    else
      eg_resize_bilinear_s8_tfl(&p, in[0]->values<int8_t>().data(), out[0]->mutable_values<int8_t>().data());
  };
  d.check = [](const Graph& g, const Node& n) {
    const DType t = g.t(n.inputs[0]).dtype;
    if (t != DType::F32 && t != DType::I8) return std::string("float32 or int8 only");
    return tfl::same_quant_problem(g, n, 1);
  };
  d.emit = [](EmitContext& ctx, const Graph& g, const Node& n) {
    const auto p = bilinear_setup(g, n, graph_inputs(g, n));
    const std::string id = ctx.layer_ident();
    ctx.use("eg_tfl_resize");
    ctx.decl("static const eg_resize_tfl_params " + id + " = {" + s64(p.batch) + ", " + s64(p.in_h) + ", " + s64(p.in_w) +
             ", " + s64(p.channels) + ", " + s64(p.out_h) + ", " + s64(p.out_w) + ", " + s64(p.align_corners) + ", " +
             s64(p.half_pixel_centers) + "};");
    ctx.emit(std::string(g.t(n.inputs[0]).dtype == DType::F32 ? "eg_resize_bilinear_f32_tfl" : "eg_resize_bilinear_s8_tfl") +
             "(&" + id + ", " + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ");");
  };
  d.macc = [](const Graph& g, const Node& n) { return 4 * g.t(n.outputs[0]).elements(); };
  register_op(d);
}

}  // namespace

void register_tflite_tensor() {
  register_resize_bilinear();
  register_joins();
  register_squeeze();
  register_transpose();
  register_op(gathered_op("STRIDED_SLICE", plan_strided_slice,
                          "constant begin/end/strides, begin/end/shrink_axis masks (no ellipsis/new axis)", "Slice"));
  for (const char* name : {"PAD", "PADV2"})
    register_op(gathered_op(name, plan_tfl_pad, "constant paddings; PAD fills with zero (int8: the zero point)", "Pad"));
  register_op(gathered_op("RESIZE_NEAREST_NEIGHBOR", plan_resize_nearest,
                          "4-D NHWC, constant size, align_corners, half_pixel_centers", "Resize"));
}

}  // namespace eg::ops
