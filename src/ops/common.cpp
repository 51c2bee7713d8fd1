#include "ops/common.h"

extern "C" {
#include "eg_conv.h"
#include "eg_fc.h"
#include "eg_fc_f32.h"
}

namespace eg::ops {

Shape broadcast_shapes(const Graph& g, const Node& n, const Shape& a, const Shape& b) {
  size_t r = std::max(a.size(), b.size());
  Shape out(r, 1);
  for (size_t i = 0; i < r; ++i) {
    int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (da != db && da != 1 && db != 1)
      bad(g, n, "shapes " + shape_str(a) + " and " + shape_str(b) + " do not broadcast");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

std::vector<int64_t> strides_of(const Shape& s) {
  std::vector<int64_t> st(s.size(), 1);
  for (size_t i = s.size(); i-- > 1;) st[i - 1] = checked_mul(st[i], s[i]);
  return st;
}

std::vector<int64_t> broadcast_index_map(const Shape& in, const Shape& out) {
  const int64_t total = num_elements(out);
  std::vector<int64_t> map(static_cast<size_t>(total));
  const size_t r = out.size();
  Shape inx(r, 1);
  for (size_t i = 0; i < in.size(); ++i) inx[r - in.size() + i] = in[i];
  auto ist = strides_of(inx);
  auto ost = strides_of(out);
  for (int64_t o = 0; o < total; ++o) {
    int64_t rem = o, idx = 0;
    for (size_t d = 0; d < r; ++d) {
      int64_t c = rem / ost[d];
      rem %= ost[d];
      if (inx[d] != 1) idx += c * ist[d];
    }
    map[static_cast<size_t>(o)] = idx;
  }
  return map;
}

std::vector<int32_t> bias_minus_zero_point(const Tensor* bias, const Tensor& w, int64_t rows, int64_t cols,
                                           int64_t in_zp) {
  std::vector<int32_t> out(static_cast<size_t>(rows));
  for (int64_t o = 0; o < rows; ++o) {
    int64_t acc = bias ? static_cast<int64_t>(get_as_double(*bias, static_cast<size_t>(o))) : 0;
    for (int64_t k = 0; k < cols; ++k) acc -= in_zp * static_cast<int8_t>(w.data[static_cast<size_t>(o * cols + k)]);
    out[static_cast<size_t>(o)] = static_cast<int32_t>(acc);
  }
  return out;
}

double get_as_double(const Tensor& t, size_t i) {
  const uint8_t* p = t.data.data();
  switch (t.dtype) {
    case DType::F32: return reinterpret_cast<const float*>(p)[i];
    case DType::F64: return reinterpret_cast<const double*>(p)[i];
    case DType::I8: return reinterpret_cast<const int8_t*>(p)[i];
    case DType::U8: return p[i];
    case DType::Bool: return p[i] ? 1.0 : 0.0;
    case DType::I16: return reinterpret_cast<const int16_t*>(p)[i];
    case DType::U16: return reinterpret_cast<const uint16_t*>(p)[i];
    case DType::I32: return reinterpret_cast<const int32_t*>(p)[i];
    case DType::U32: return reinterpret_cast<const uint32_t*>(p)[i];
    case DType::I64: return static_cast<double>(reinterpret_cast<const int64_t*>(p)[i]);
    case DType::U64: return static_cast<double>(reinterpret_cast<const uint64_t*>(p)[i]);
    default: return 0.0;
  }
}

const Graph& ref_graph() {
  static const Graph g = [] {
    Graph u;
    u.max_tensor_bytes = INT64_MAX;
    return u;
  }();
  return g;
}

void set_from_double(Tensor& t, size_t i, double v) {
  uint8_t* p = t.data.data();
  switch (t.dtype) {
    case DType::F32: reinterpret_cast<float*>(p)[i] = static_cast<float>(v); break;
    case DType::F64: reinterpret_cast<double*>(p)[i] = v; break;
    case DType::I8: reinterpret_cast<int8_t*>(p)[i] = static_cast<int8_t>(v); break;
    case DType::U8: p[i] = static_cast<uint8_t>(v); break;
    case DType::Bool: p[i] = v != 0.0; break;
    case DType::I16: reinterpret_cast<int16_t*>(p)[i] = static_cast<int16_t>(v); break;
    case DType::U16: reinterpret_cast<uint16_t*>(p)[i] = static_cast<uint16_t>(v); break;
    case DType::I32: reinterpret_cast<int32_t*>(p)[i] = static_cast<int32_t>(v); break;
    case DType::U32: reinterpret_cast<uint32_t*>(p)[i] = static_cast<uint32_t>(v); break;
    case DType::I64: reinterpret_cast<int64_t*>(p)[i] = static_cast<int64_t>(v); break;
    case DType::U64: reinterpret_cast<uint64_t*>(p)[i] = static_cast<uint64_t>(v); break;
    default: break;
  }
}

Tensor fc_weights_i4(const Tensor& w, int64_t cols, int64_t rows) {
  Tensor t = w;
  for (int64_t o = 0; o < rows; ++o)
    for (int64_t k = 0; k < cols; ++k)
      t.data[static_cast<size_t>(eg_fc_w_index(static_cast<int32_t>(cols), static_cast<int32_t>(rows),
                                               static_cast<int32_t>(o), static_cast<int32_t>(k)))] =
          w.data[static_cast<size_t>(o * cols + k)];
  return t;
}

std::vector<float> fc_f32_w8(const std::vector<float>& w, int64_t cols, int64_t rows) {
  std::vector<float> t(w.size());
  for (int64_t o = 0; o < rows; ++o)
    for (int64_t k = 0; k < cols; ++k)
      t[static_cast<size_t>(eg_fc_f32_w8_index(static_cast<int32_t>(cols), static_cast<int32_t>(rows),
                                               static_cast<int32_t>(o), static_cast<int32_t>(k)))] =
          w[static_cast<size_t>(o * cols + k)];
  return t;
}

Tensor conv_weights_p2(const Tensor& w, int64_t out_c, int64_t K) {
  const int64_t Kw = (K + 1) & ~int64_t{1}, Mp = (out_c + 1) & ~int64_t{1};
  std::vector<int8_t> t(static_cast<size_t>(Mp * Kw), 0);
  for (int64_t c = 0; c < out_c; ++c)
    for (int64_t k = 0; k < K; ++k)
      t[static_cast<size_t>(eg_conv_w_index(static_cast<int32_t>(K), static_cast<int32_t>(c), static_cast<int32_t>(k)))] =
          static_cast<int8_t>(w.data[static_cast<size_t>(c * K + k)]);
  return make_const(w.name, DType::I8, {Mp, Kw}, t);
}

}  // namespace eg::ops
