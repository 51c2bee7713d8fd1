// Small helpers shared by the op family files.
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "util/checked.h"
#include "util/error.h"

namespace eg::ops {

[[noreturn]] inline void bad(const Graph& g, const Node& n, const std::string& reason) {
  fail_node(g.model_path, n.name, n.op, reason);
}

inline const Tensor& in_t(const Graph& g, const Node& n, size_t i) {
  if (i >= n.inputs.size() || n.inputs[i] == kNoTensor) bad(g, n, "missing input " + std::to_string(i));
  return g.t(n.inputs[i]);
}
inline bool has_in(const Node& n, size_t i) { return i < n.inputs.size() && n.inputs[i] != kNoTensor; }

inline void set_out(Graph& g, const Node& n, size_t i, DType dt, Shape s) {
  if (i >= n.outputs.size() || n.outputs[i] == kNoTensor) return;
  Tensor& t = g.t(n.outputs[i]);
  t.dtype = dt;
  t.shape = std::move(s);
  t.shape_known = true;
}

// Constant input values (shape, axes, indices...). Fails when not constant.
inline std::vector<int64_t> const_ints(const Graph& g, const Node& n, size_t i) {
  const Tensor& t = in_t(g, n, i);
  if (!t.is_const) bad(g, n, "input '" + t.name + "' must be a constant for static compilation");
  return t.as_int64();
}

inline int64_t norm_axis(const Graph& g, const Node& n, int64_t axis, size_t rank) {
  int64_t r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r) bad(g, n, "axis " + std::to_string(axis) + " out of range");
  return axis < 0 ? axis + r : axis;
}

// An index the model supplies, checked as ONNX requires (-dim <= j < dim; out of range is an
// error, never a read or write outside the tensor) and made non-negative.
inline int64_t wrap_index(int64_t j, int64_t dim) {
  if (j < -dim || j >= dim)
    throw ReasonError("index " + std::to_string(j) + " is out of range for a dimension of " + std::to_string(dim));
  return j < 0 ? j + dim : j;
}

// A dim computed in floating point (Resize scales, Range counts): refused unless it is a number
// in 0..2^31-1, before it is converted (a NaN or huge double to int64 is undefined behaviour).
inline int64_t dim_from_double(double v) {
  if (!(v >= 0 && v <= static_cast<double>(kMaxDim)))
    throw ReasonError("computed dimension " + std::to_string(v) + " is not in 0..2^31-1");
  return static_cast<int64_t>(v);
}

// The graph a reference implementation hands to helpers that take one: no model path and no
// size limit (infer checked the shapes before any ref runs; a raised --max-tensor-bytes holds).
const Graph& ref_graph();

// Numpy-style broadcast of two shapes.
Shape broadcast_shapes(const Graph& g, const Node& n, const Shape& a, const Shape& b);

// Product of dims [from, to) of s; throws SizeOverflow instead of wrapping.
inline int64_t prod(const Shape& s, size_t from, size_t to) {
  int64_t p = 1;
  for (size_t i = from; i < to && i < s.size(); ++i) p = checked_mul(p, s[i]);
  return p;
}

// Strides (in elements) of a row-major shape.
std::vector<int64_t> strides_of(const Shape& s);

// For each output index, the index into an input broadcast to out_shape.
std::vector<int64_t> broadcast_index_map(const Shape& in_shape, const Shape& out_shape);

// float <-> typed element access for reference implementations.
double get_as_double(const Tensor& t, size_t i);
void set_from_double(Tensor& t, size_t i, double v);

// bias[o] - in_zp * sum_k w[o][k] for int8 weights [rows][cols] (bias may be null): the input zero
// point folded into the bias, as the int8 FC DSP path reads it (eg_fc_s8_params.bias_zp).
std::vector<int32_t> bias_minus_zero_point(const Tensor* bias, const Tensor& w, int64_t rows, int64_t cols,
                                           int64_t in_zp);

// int8 FC weights [rows][cols] in the DSP path's EG_FC_W_I4 order (runtime/eg_fc.h, eg_fc_w_index).
Tensor fc_weights_i4(const Tensor& w, int64_t cols, int64_t rows);

// float FC weights [rows][cols] in eg_fc_f32_w8's W8 order (runtime/eg_fc_f32.h, eg_fc_f32_w8_index;
// fewer than 8 rows stay [rows][cols]).
std::vector<float> fc_f32_w8(const std::vector<float>& w, int64_t cols, int64_t rows);

// int8 conv weights [out_c][K] (OHWI, K = k_h * k_w * in_c) in the matrix path's EG_CONV_W_P2 order
// (runtime/eg_conv.h, eg_conv_w_index): channel pairs interleaved per 4 values of K; K padded to even,
// out_c to even, with zeros. Shape [out_c rounded up to even][K rounded up to even].
Tensor conv_weights_p2(const Tensor& w, int64_t out_c, int64_t K);

// Round half to even, as ONNX QuantizeLinear requires.
inline float round_half_even(float x) { return std::nearbyint(x); }

}  // namespace eg::ops
