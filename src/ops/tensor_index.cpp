// Element gathers and scatters with run-time indices: GatherElements,
// ScatterElements (and the deprecated Scatter), GatherND, ScatterND;
// reductions none/add/mul/max/min. Indices are read as int64 or int32.
#include <algorithm>

#include "ops/tensor_common.h"

namespace eg::ops {
namespace {

int reduction_code(const Graph& g, const Node& n) {
  const std::string r = n.attr_string("reduction", "none");
  if (r == "none") return 0;
  if (r == "add") return 1;
  if (r == "mul") return 2;
  if (r == "max") return 3;
  if (r == "min") return 4;
  bad(g, n, "unknown reduction " + r);
}

void reduce_into(Tensor& y, size_t at, double v, int red) {
  const double cur = get_as_double(y, at);
  switch (red) {
    case 0: set_from_double(y, at, v); break;
    case 1: set_from_double(y, at, cur + v); break;
    case 2: set_from_double(y, at, cur * v); break;
    case 3: set_from_double(y, at, std::max(cur, v)); break;
    default: set_from_double(y, at, std::min(cur, v)); break;
  }
}

const Graph& none() {
  static const Graph g;
  return g;
}

// ---------------------------------------------------------- *Elements

void infer_elements(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  const Tensor& idx = in_t(g, n, 1);
  if (idx.shape.size() != x.shape.size()) bad(g, n, "indices rank differs from the data rank");
  if (x.shape.empty()) bad(g, n, "scalar data");
  const size_t axis = static_cast<size_t>(norm_axis(g, n, n.attr_int("axis", 0), x.shape.size()));
  for (size_t d = 0; d < x.shape.size(); ++d)
    if (d != axis && idx.shape[d] > x.shape[d]) bad(g, n, "indices are larger than the data on axis " + std::to_string(d));
  if (idx.is_const)
    for (int64_t j : idx.as_int64()) wrap_index(j, x.shape[axis]);
  if (n.op == "GatherElements") {
    set_out(g, n, 0, x.dtype, idx.shape);
  } else {
    if (in_t(g, n, 2).shape != idx.shape) bad(g, n, "updates shape differs from the indices shape");
    reduction_code(g, n);
    set_out(g, n, 0, x.dtype, x.shape);
  }
}

int64_t elements_offset(const Shape& ds, const Shape& is, size_t axis, int64_t o, int64_t j) {
  const auto ist = strides_of(is), dst = strides_of(ds);
  int64_t off = 0;
  for (size_t d = 0; d < is.size(); ++d) {
    int64_t c = (o / ist[d]) % is[d];
    if (d == axis) c = wrap_index(j, ds[d]);
    off += c * dst[d];
  }
  return off;
}

void ref_elements(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  const auto idx = in[1]->as_int64();
  int64_t axis = n.attr_int("axis", 0);
  if (axis < 0) axis += static_cast<int64_t>(x.shape.size());
  const size_t es = dtype_size(x.dtype);
  Tensor& y = *out[0];
  if (n.op == "GatherElements") {
    for (size_t o = 0; o < idx.size(); ++o) {
      const int64_t src = elements_offset(x.shape, in[1]->shape, static_cast<size_t>(axis), static_cast<int64_t>(o), idx[o]);
      std::memcpy(&y.data[o * es], &x.data[static_cast<size_t>(src) * es], es);
    }
    return;
  }
  y.data = x.data;
  const int red = reduction_code(none(), n);
  for (size_t o = 0; o < idx.size(); ++o) {
    const int64_t dst = elements_offset(x.shape, in[1]->shape, static_cast<size_t>(axis), static_cast<int64_t>(o), idx[o]);
    if (red == 0) std::memcpy(&y.data[static_cast<size_t>(dst) * es], &in[2]->data[o * es], es);
    else reduce_into(y, static_cast<size_t>(dst), get_as_double(*in[2], o), red);
  }
}

std::string check_index(const Graph& g, const Node& n) {
  const Tensor& idx = g.t(n.inputs[1]);
  if (idx.dtype != DType::I64 && idx.dtype != DType::I32) return "indices must be int32 or int64";
  if (g.t(n.inputs[0]).shape.size() > 8) return "rank above 8";
  if (n.op != "GatherElements" && n.op != "GatherND" && reduction_code(g, n) != 0 && type_code(g.t(n.inputs[0]).dtype) < 0)
    return "reduction on this dtype is not supported";
  return "";
}

// The runtime call of a gather (data, indices -> output) or scatter (data, indices, updates ->
// output, with the element type and reduction) whose parameter struct is `id`.
void emit_index_call(EmitContext& ctx, const Graph& g, const Node& n, const std::string& id, const std::string& fn) {
  const Tensor& x = g.t(n.inputs[0]);
  const std::string es = s64(static_cast<int64_t>(dtype_size(x.dtype)));
  const std::string i64 = g.t(n.inputs[1]).dtype == DType::I64 ? "1" : "0";
  const std::string head = fn + "(&" + id + ", " + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.inputs[1]) + ", " + i64 + ", ";
  ctx.use("eg_tensor");
  if (fn.find("gather") != std::string::npos)
    ctx.emit(head + ctx.ptr(n.outputs[0]) + ", " + es + ");");
  else
    ctx.emit(head + ctx.ptr(n.inputs[2]) + ", " + ctx.ptr(n.outputs[0]) + ", " + s64(type_code(x.dtype)) + ", " + es +
             ", " + s64(reduction_code(g, n)) + ");");
}

void emit_elements(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const Tensor& idx = g.t(n.inputs[1]);
  const size_t axis = static_cast<size_t>(norm_axis(g, n, n.attr_int("axis", 0), x.shape.size()));
  const std::string id = ctx.layer_ident();
  ctx.decl("static const eg_elements_params " + id + " = {" + s64(static_cast<int64_t>(x.shape.size())) + ", " +
           s64(static_cast<int64_t>(axis)) + ", " + EmitContext::ints_lit(x.shape) + ", " + EmitContext::ints_lit(idx.shape) + "};");
  emit_index_call(ctx, g, n, id, n.op == "GatherElements" ? "eg_gather_elements" : "eg_scatter_elements");
}

// ---------------------------------------------------------- *ND

struct NdDims {
  int64_t batch_dims, n_batch, n_tuples, tuple_len, slice;
};

NdDims nd_dims(const Graph& g, const Node& n, const Shape& ds, const Shape& is) {
  NdDims d{};
  d.batch_dims = n.op == "GatherND" ? n.attr_int("batch_dims", 0) : 0;
  if (is.empty()) bad(g, n, "indices must have rank >= 1");
  d.tuple_len = is.back();
  if (d.batch_dims < 0 || d.batch_dims >= static_cast<int64_t>(is.size()) ||
      d.batch_dims + d.tuple_len > static_cast<int64_t>(ds.size()))
    bad(g, n, "indices do not fit the data rank");
  for (int64_t i = 0; i < d.batch_dims; ++i)
    if (ds[static_cast<size_t>(i)] != is[static_cast<size_t>(i)]) bad(g, n, "batch dimensions differ");
  d.n_batch = prod(is, 0, static_cast<size_t>(d.batch_dims));
  d.n_tuples = prod(is, static_cast<size_t>(d.batch_dims), is.size() - 1);
  d.slice = prod(ds, static_cast<size_t>(d.batch_dims + d.tuple_len), ds.size());
  return d;
}

void infer_nd(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  const Tensor& idx = in_t(g, n, 1);
  const NdDims d = nd_dims(g, n, x.shape, idx.shape);
  if (idx.is_const) {
    const auto v = idx.as_int64();
    for (size_t i = 0; i < v.size(); ++i) wrap_index(v[i], x.shape[static_cast<size_t>(d.batch_dims) + i % static_cast<size_t>(d.tuple_len)]);
  }
  if (n.op == "GatherND") {
    Shape out(idx.shape.begin(), idx.shape.end() - 1);
    out.insert(out.end(), x.shape.begin() + d.batch_dims + d.tuple_len, x.shape.end());
    set_out(g, n, 0, x.dtype, out);
  } else {
    reduction_code(g, n);
    if (in_t(g, n, 2).elements() != d.n_tuples * d.slice) bad(g, n, "updates shape does not match");
    set_out(g, n, 0, x.dtype, x.shape);
  }
}

void ref_nd(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  const auto idx = in[1]->as_int64();
  const NdDims d = nd_dims(none(), n, x.shape, in[1]->shape);
  const auto st = strides_of(x.shape);
  const size_t es = dtype_size(x.dtype);
  Tensor& y = *out[0];
  auto offset = [&](int64_t b, int64_t t) {
    int64_t off = d.batch_dims > 0 ? b * st[static_cast<size_t>(d.batch_dims - 1)] : 0;
    for (int64_t k = 0; k < d.tuple_len; ++k) {
      const size_t a = static_cast<size_t>(d.batch_dims + k);
      const int64_t j = wrap_index(idx[static_cast<size_t>((b * d.n_tuples + t) * d.tuple_len + k)], x.shape[a]);
      off += j * st[a];
    }
    return off;
  };
  if (n.op == "GatherND") {
    size_t o = 0;
    for (int64_t b = 0; b < d.n_batch; ++b)
      for (int64_t t = 0; t < d.n_tuples; ++t) {
        std::memcpy(&y.data[o], &x.data[static_cast<size_t>(offset(b, t)) * es], static_cast<size_t>(d.slice) * es);
        o += static_cast<size_t>(d.slice) * es;
      }
    return;
  }
  y.data = x.data;
  const int red = reduction_code(none(), n);
  for (int64_t t = 0; t < d.n_tuples; ++t) {
    const int64_t dst = offset(0, t);
    for (int64_t k = 0; k < d.slice; ++k) {
      const size_t u = static_cast<size_t>(t * d.slice + k);
      if (red == 0) std::memcpy(&y.data[static_cast<size_t>(dst + k) * es], &in[2]->data[u * es], es);
      else reduce_into(y, static_cast<size_t>(dst + k), get_as_double(*in[2], u), red);
    }
  }
}

void emit_nd(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const Tensor& idx = g.t(n.inputs[1]);
  const NdDims d = nd_dims(g, n, x.shape, idx.shape);
  const std::string id = ctx.layer_ident();
  ctx.decl("static const eg_nd_params " + id + " = {" + s64(static_cast<int64_t>(x.shape.size())) + ", " +
           EmitContext::ints_lit(x.shape) + ", " + s64(d.batch_dims) + ", " + s64(d.n_tuples) + ", " + s64(d.tuple_len) +
           ", " + s64(d.slice) + ", " + s64(d.n_batch) + "};");
  emit_index_call(ctx, g, n, id, n.op == "GatherND" ? "eg_gather_nd" : "eg_scatter_nd");
}

OpDef index_op(const std::string& name, bool nd, std::string constraints) {
  return make_op(name, std::move(constraints), {"any"},
                 {nd ? InferFn(infer_nd) : InferFn(infer_elements), nd ? RefFn(ref_nd) : RefFn(ref_elements),
                  check_index, nd ? EmitFn(emit_nd) : EmitFn(emit_elements), macc_per_output},
                 name);
}

}  // namespace

void register_tensor_index() {
  register_op(index_op("GatherElements", false, "run-time int32/int64 indices, negative indices wrap"));
  register_op(index_op("ScatterElements", false, "run-time indices; reduction none/add/mul/max/min"));
  register_op(index_op("Scatter", false, "deprecated ScatterElements (opset 9-10)"));
  register_op(index_op("GatherND", true, "run-time indices; batch_dims"));
  register_op(index_op("ScatterND", true, "run-time indices; reduction none/add/mul/max/min"));
}

}  // namespace eg::ops
