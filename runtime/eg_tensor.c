#include "eg_tensor.h"

#include <math.h>
#include <string.h>

void eg_index_gather(const void *in, void *out, int32_t elem_size, int32_t rank, const int32_t *out_shape,
                     const int32_t *tables, const void *fill) {
  const uint8_t *s = (const uint8_t *)in;
  uint8_t *d = (uint8_t *)out;
  const int32_t *tab[EG_TENSOR_MAX_RANK];
  int32_t idx[EG_TENSOR_MAX_RANK];
  int32_t i, total = 1, o;
  const int32_t *t = tables;
  for (i = 0; i < rank; ++i) {
    tab[i] = t;
    t += out_shape[i];
    total *= out_shape[i];
    idx[i] = 0;
  }
  for (o = 0; o < total; ++o) {
    int32_t src = 0, outside = 0;
    for (i = 0; i < rank; ++i) {
      const int32_t v = tab[i][idx[i]];
      if (v < 0) outside = 1;
      src += v;
    }
    if (outside) {
      if (fill) memcpy(d, fill, (size_t)elem_size);
      else memset(d, 0, (size_t)elem_size);
    } else {
      memcpy(d, s + (size_t)src * (size_t)elem_size, (size_t)elem_size);
    }
    d += elem_size;
    for (i = rank - 1; i >= 0; --i) {
      if (++idx[i] < out_shape[i]) break;
      idx[i] = 0;
    }
  }
}

void eg_copy2d(const void *in, void *out, int32_t rows, int32_t row_bytes, int32_t in_pitch, int32_t out_pitch) {
  const uint8_t *s = (const uint8_t *)in;
  uint8_t *d = (uint8_t *)out;
  int32_t r;
  for (r = 0; r < rows; ++r) memmove(d + (size_t)r * (size_t)out_pitch, s + (size_t)r * (size_t)in_pitch, (size_t)row_bytes);
}

void eg_resize_f32(const float *in, float *out, int32_t rank, const int32_t *out_shape, const int32_t *ntaps,
                   const int32_t *offsets, const float *weights, float extrapolation) {
  const int32_t *off[EG_TENSOR_MAX_RANK];
  const float *wt[EG_TENSOR_MAX_RANK];
  int32_t idx[EG_TENSOR_MAX_RANK], tap[EG_TENSOR_MAX_RANK];
  int32_t i, total = 1, o, pos = 0;
  for (i = 0; i < rank; ++i) {
    off[i] = offsets + pos;
    wt[i] = weights + pos;
    pos += out_shape[i] * ntaps[i];
    total *= out_shape[i];
    idx[i] = 0;
  }
  for (o = 0; o < total; ++o) {
    float acc = 0.0f;
    int32_t outside = 0;
    for (i = 0; i < rank; ++i) {
      tap[i] = 0;
      if (off[i][idx[i] * ntaps[i]] < 0) outside = 1;
    }
    if (outside) {
      acc = extrapolation;
    } else {
      for (;;) {
        int32_t src = 0;
        float w = 1.0f;
        for (i = 0; i < rank; ++i) {
          const int32_t k = idx[i] * ntaps[i] + tap[i];
          src += off[i][k];
          w *= wt[i][k];
        }
        acc += w * in[src];
        for (i = rank - 1; i >= 0; --i) {
          if (++tap[i] < ntaps[i]) break;
          tap[i] = 0;
        }
        if (i < 0) break;
      }
    }
    out[o] = acc;
    for (i = rank - 1; i >= 0; --i) {
      if (++idx[i] < out_shape[i]) break;
      idx[i] = 0;
    }
  }
}

void eg_trilu(const void *in, void *out, int32_t elem_size, int32_t batch, int32_t rows, int32_t cols, int32_t k,
              int32_t upper) {
  const uint8_t *s = (const uint8_t *)in;
  uint8_t *d = (uint8_t *)out;
  int32_t b, i, j;
  for (b = 0; b < batch; ++b)
    for (i = 0; i < rows; ++i)
      for (j = 0; j < cols; ++j) {
        const size_t e = (((size_t)b * (size_t)rows + (size_t)i) * (size_t)cols + (size_t)j) * (size_t)elem_size;
        const int32_t keep = upper ? (j - i >= k) : (j - i <= k);
        if (keep) memmove(d + e, s + e, (size_t)elem_size);
        else memset(d + e, 0, (size_t)elem_size);
      }
}

/* a (op)= b on one element of type `type`. */
static void eg_reduce_elem(void *a, const void *b, int32_t type, int32_t elem_size, int32_t reduction) {
  if (reduction == 0) {
    memmove(a, b, (size_t)elem_size);
    return;
  }
#define EG_RED(T)                                      \
  {                                                    \
    T x, y;                                            \
    memcpy(&x, a, sizeof(T));                          \
    memcpy(&y, b, sizeof(T));                          \
    if (reduction == 1) x = (T)(x + y);                \
    else if (reduction == 2) x = (T)(x * y);           \
    else if (reduction == 3) x = x > y ? x : y;        \
    else x = x < y ? x : y;                            \
    memcpy(a, &x, sizeof(T));                          \
  }
  switch (type) {
    case EG_TENSOR_F32: EG_RED(float) break;
    case EG_TENSOR_I32: EG_RED(int32_t) break;
    case EG_TENSOR_I64: EG_RED(int64_t) break;
    case EG_TENSOR_I8: EG_RED(int8_t) break;
    case EG_TENSOR_U8: EG_RED(uint8_t) break;
    case EG_TENSOR_I16: EG_RED(int16_t) break;
    case EG_TENSOR_U16: EG_RED(uint16_t) break;
    default: break;
  }
#undef EG_RED
}

void eg_cumsum(const void *in, void *out, int32_t type, int32_t outer, int32_t n, int32_t inner, int32_t exclusive,
               int32_t reverse) {
  int32_t o, j, k;
#define EG_CUMSUM(T)                                                          \
  {                                                                           \
    const T *s = (const T *)in;                                               \
    T *d = (T *)out;                                                          \
    for (o = 0; o < outer; ++o)                                               \
      for (j = 0; j < inner; ++j) {                                           \
        T acc = 0;                                                            \
        for (k = 0; k < n; ++k) {                                             \
          const int32_t kk = reverse ? n - 1 - k : k;                         \
          const size_t e = ((size_t)o * (size_t)n + (size_t)kk) * (size_t)inner + (size_t)j; \
          const T v = s[e];                                                   \
          if (exclusive) {                                                    \
            d[e] = acc;                                                       \
            acc = (T)(acc + v);                                               \
          } else {                                                            \
            acc = (T)(acc + v);                                               \
            d[e] = acc;                                                       \
          }                                                                   \
        }                                                                     \
      }                                                                       \
  }
  switch (type) {
    case EG_TENSOR_F32: EG_CUMSUM(float) break;
    case EG_TENSOR_I32: EG_CUMSUM(int32_t) break;
    case EG_TENSOR_I64: EG_CUMSUM(int64_t) break;
    default: break;
  }
#undef EG_CUMSUM
}

static int64_t eg_read_idx(const void *idx, int32_t idx64, int32_t i) {
  if (idx64) {
    int64_t v;
    memcpy(&v, (const uint8_t *)idx + (size_t)i * 8u, 8);
    return v;
  }
  return ((const int32_t *)idx)[i];
}

/* An index read at run time, wrapped when negative; -1 when outside [-dim, dim-1] (ONNX calls that
 * an error: the kernels then stay inside the tensor, as eg_gather does). */
static int32_t eg_wrap_index(int64_t j, int32_t dim) {
  if (j < -(int64_t)dim || j >= (int64_t)dim) return -1;
  return (int32_t)(j < 0 ? j + dim : j);
}

/* Offset in data of the element at index position `o` of the index tensor, the axis coordinate
 * replaced by index j; -1 when j is out of range. */
static int32_t eg_elements_offset(const eg_elements_params *p, int32_t o, int64_t j) {
  int32_t d, rem = o, off = 0, stride = 1;
  int32_t coords[EG_TENSOR_MAX_RANK];
  for (d = p->rank - 1; d >= 0; --d) {
    coords[d] = rem % p->idx_shape[d];
    rem /= p->idx_shape[d];
  }
  coords[p->axis] = eg_wrap_index(j, p->data_shape[p->axis]);
  if (coords[p->axis] < 0) return -1;
  for (d = p->rank - 1; d >= 0; --d) {
    off += coords[d] * stride;
    stride *= p->data_shape[d];
  }
  return off;
}

void eg_gather_elements(const eg_elements_params *p, const void *data, const void *idx, int32_t idx64, void *out,
                        int32_t elem_size) {
  int32_t d, n = 1, o;
  for (d = 0; d < p->rank; ++d) n *= p->idx_shape[d];
  for (o = 0; o < n; ++o) {
    int32_t src = eg_elements_offset(p, o, eg_read_idx(idx, idx64, o));
    if (src < 0) src = 0; /* out of range: the first element, as eg_gather */
    memcpy((uint8_t *)out + (size_t)o * (size_t)elem_size, (const uint8_t *)data + (size_t)src * (size_t)elem_size,
           (size_t)elem_size);
  }
}

void eg_scatter_elements(const eg_elements_params *p, const void *data, const void *idx, int32_t idx64,
                         const void *updates, void *out, int32_t type, int32_t elem_size, int32_t reduction) {
  int32_t d, n = 1, total = 1, o;
  for (d = 0; d < p->rank; ++d) {
    n *= p->idx_shape[d];
    total *= p->data_shape[d];
  }
  if (out != data) memmove(out, data, (size_t)total * (size_t)elem_size);
  for (o = 0; o < n; ++o) {
    const int32_t dst = eg_elements_offset(p, o, eg_read_idx(idx, idx64, o));
    if (dst < 0) continue; /* out of range: no write */
    eg_reduce_elem((uint8_t *)out + (size_t)dst * (size_t)elem_size,
                   (const uint8_t *)updates + (size_t)o * (size_t)elem_size, type, elem_size, reduction);
  }
}

/* Element offset in data of tuple t of batch b; -1 when one of its indices is out of range. */
static int32_t eg_nd_offset(const eg_nd_params *p, const void *idx, int32_t idx64, int32_t b, int32_t t) {
  int32_t d, off = 0;
  int32_t stride[EG_TENSOR_MAX_RANK];
  int32_t s = 1;
  for (d = p->data_rank - 1; d >= 0; --d) {
    stride[d] = s;
    s *= p->data_shape[d];
  }
  off = b * (p->batch_dims > 0 ? stride[p->batch_dims - 1] : 0);
  for (d = 0; d < p->tuple_len; ++d) {
    const int32_t axis = p->batch_dims + d;
    const int32_t j = eg_wrap_index(eg_read_idx(idx, idx64, (b * p->n_tuples + t) * p->tuple_len + d), p->data_shape[axis]);
    if (j < 0) return -1;
    off += j * stride[axis];
  }
  return off;
}

void eg_gather_nd(const eg_nd_params *p, const void *data, const void *idx, int32_t idx64, void *out,
                  int32_t elem_size) {
  int32_t b, t;
  const size_t row = (size_t)p->slice * (size_t)elem_size;
  uint8_t *d = (uint8_t *)out;
  for (b = 0; b < p->n_batch; ++b)
    for (t = 0; t < p->n_tuples; ++t) {
      int32_t src = eg_nd_offset(p, idx, idx64, b, t);
      if (src < 0) src = 0; /* out of range: the first slice, as eg_gather */
      memcpy(d, (const uint8_t *)data + (size_t)src * (size_t)elem_size, row);
      d += row;
    }
}

void eg_scatter_nd(const eg_nd_params *p, const void *data, const void *idx, int32_t idx64, const void *updates,
                   void *out, int32_t type, int32_t elem_size, int32_t reduction) {
  int32_t d, t, k, total = 1;
  for (d = 0; d < p->data_rank; ++d) total *= p->data_shape[d];
  if (out != data) memmove(out, data, (size_t)total * (size_t)elem_size);
  for (t = 0; t < p->n_tuples; ++t) {
    const int32_t dst = eg_nd_offset(p, idx, idx64, 0, t);
    if (dst < 0) continue; /* out of range: no write */
    for (k = 0; k < p->slice; ++k)
      eg_reduce_elem((uint8_t *)out + ((size_t)dst + (size_t)k) * (size_t)elem_size,
                     (const uint8_t *)updates + ((size_t)t * (size_t)p->slice + (size_t)k) * (size_t)elem_size, type,
                     elem_size, reduction);
  }
}

void eg_reverse_sequence(const void *in, void *out, int32_t elem_size, int32_t time_major, int32_t batch,
                         int32_t time, int32_t inner, const void *lens, int32_t lens64) {
  const uint8_t *s = (const uint8_t *)in;
  uint8_t *d = (uint8_t *)out;
  const size_t row = (size_t)inner * (size_t)elem_size;
  int32_t b, t;
  for (b = 0; b < batch; ++b) {
    int32_t len = (int32_t)eg_read_idx(lens, lens64, b);
    if (len > time) len = time;
    for (t = 0; t < time; ++t) {
      const int32_t src_t = t < len ? len - 1 - t : t;
      const size_t so = time_major ? ((size_t)src_t * (size_t)batch + (size_t)b) : ((size_t)b * (size_t)time + (size_t)src_t);
      const size_t dof = time_major ? ((size_t)t * (size_t)batch + (size_t)b) : ((size_t)b * (size_t)time + (size_t)t);
      memcpy(d + dof * row, s + so * row, row);
    }
  }
}

void eg_onehot(const void *idx, int32_t idx_type, void *out, int32_t elem_size, int32_t outer, int32_t depth,
               int32_t inner, const void *off_on) {
  int32_t o, k, j;
  uint8_t *d = (uint8_t *)out;
  const uint8_t *vals = (const uint8_t *)off_on;
  for (o = 0; o < outer; ++o)
    for (j = 0; j < inner; ++j) {
      const int32_t e = o * inner + j;
      double v;
      int64_t x;
      switch (idx_type) {
        case EG_TENSOR_F32: v = (double)((const float *)idx)[e]; break;
        case EG_TENSOR_I32: v = (double)((const int32_t *)idx)[e]; break;
        case EG_TENSOR_I64: v = (double)((const int64_t *)idx)[e]; break;
        case EG_TENSOR_I8: v = (double)((const int8_t *)idx)[e]; break;
        case EG_TENSOR_U8: v = (double)((const uint8_t *)idx)[e]; break;
        default: v = 0.0; break;
      }
      x = (int64_t)v;
      if (x < 0) x += depth;
      for (k = 0; k < depth; ++k)
        memcpy(d + (((size_t)o * (size_t)depth + (size_t)k) * (size_t)inner + (size_t)j) * (size_t)elem_size,
               vals + (x == k ? (size_t)elem_size : 0u), (size_t)elem_size);
    }
}

void eg_convtranspose_f32(const eg_convtranspose_f32_params *p, const float *in, float *out) {
  const int32_t cin_g = p->in_c / p->groups, cout_g = p->out_c / p->groups;
  const int32_t out_sp = p->out_h * p->out_w, in_sp = p->in_h * p->in_w;
  int32_t n, c, m, y, x, ky, kx;
  for (n = 0; n < p->batch; ++n) {
    float *o = out + (size_t)n * (size_t)p->out_c * (size_t)out_sp;
    for (m = 0; m < p->out_c; ++m) {
      const float b = p->bias ? p->bias[m] : 0.0f;
      for (y = 0; y < out_sp; ++y) o[(size_t)m * (size_t)out_sp + (size_t)y] = b;
    }
    for (c = 0; c < p->in_c; ++c) {
      const int32_t g = c / cin_g;
      const float *ic = in + ((size_t)n * (size_t)p->in_c + (size_t)c) * (size_t)in_sp;
      for (m = 0; m < cout_g; ++m) {
        const int32_t oc = g * cout_g + m;
        const float *w = p->weights + ((size_t)c * (size_t)cout_g + (size_t)m) * (size_t)p->k_h * (size_t)p->k_w;
        float *oo = o + (size_t)oc * (size_t)out_sp;
        for (y = 0; y < p->in_h; ++y)
          for (x = 0; x < p->in_w; ++x) {
            const float v = ic[y * p->in_w + x];
            for (ky = 0; ky < p->k_h; ++ky) {
              const int32_t oy = y * p->stride_h + ky * p->dil_h - p->pad_top;
              if (oy < 0 || oy >= p->out_h) continue;
              for (kx = 0; kx < p->k_w; ++kx) {
                const int32_t ox = x * p->stride_w + kx * p->dil_w - p->pad_left;
                if (ox < 0 || ox >= p->out_w) continue;
                oo[oy * p->out_w + ox] += v * w[ky * p->k_w + kx];
              }
            }
          }
      }
    }
  }
}

void eg_dynamic_quantize_u8(const float *in, uint8_t *out, float *scale, uint8_t *zero_point, int32_t n) {
  float lo = 0.0f, hi = 0.0f, s, zpf;
  int32_t i, zp;
  for (i = 0; i < n; ++i) {
    if (in[i] < lo) lo = in[i];
    if (in[i] > hi) hi = in[i];
  }
  s = (hi - lo) / 255.0f;
  zpf = s != 0.0f ? -lo / s : 0.0f;
  zpf = zpf < 0.0f ? 0.0f : (zpf > 255.0f ? 255.0f : zpf);
  zp = (int32_t)nearbyintf(zpf);
  *scale = s;
  *zero_point = (uint8_t)zp;
  for (i = 0; i < n; ++i) {
    float q = s != 0.0f ? nearbyintf(in[i] / s) + (float)zp : (float)zp;
    q = q < 0.0f ? 0.0f : (q > 255.0f ? 255.0f : q);
    out[i] = (uint8_t)q;
  }
}

void eg_xor80(const uint8_t *in, uint8_t *out, int32_t n) {
  int32_t i;
  for (i = 0; i < n; ++i) out[i] = (uint8_t)(in[i] ^ 0x80u);
}

static int32_t eg_q8_read(const void *p, int32_t type, int32_t i) {
  return type == 0 ? (int32_t)((const int8_t *)p)[i] : (int32_t)((const uint8_t *)p)[i];
}

void eg_qbinary(const eg_qbinary_params *p, const void *a, const void *b, void *y) {
  int32_t idx[EG_TENSOR_MAX_RANK];
  int32_t i, total = 1, o;
  const int32_t lo = p->y_type == 0 ? -128 : 0, hi = p->y_type == 0 ? 127 : 255;
  for (i = 0; i < p->rank; ++i) {
    total *= p->out_shape[i];
    idx[i] = 0;
  }
  for (o = 0; o < total; ++o) {
    int32_t ao = 0, bo = 0, q;
    float va, vb, v;
    for (i = 0; i < p->rank; ++i) {
      ao += idx[i] * p->a_st[i];
      bo += idx[i] * p->b_st[i];
    }
    va = (float)(eg_q8_read(a, p->a_type, ao) - p->a_zp) * p->a_s;
    vb = (float)(eg_q8_read(b, p->b_type, bo) - p->b_zp) * p->b_s;
    v = nearbyintf((p->op == 0 ? va + vb : va * vb) / p->y_s);
    if (v < -1.0e9f) v = -1.0e9f;
    if (v > 1.0e9f) v = 1.0e9f;
    q = (int32_t)v + p->y_zp;
    q = q < lo ? lo : (q > hi ? hi : q);
    if (p->y_type == 0) ((int8_t *)y)[o] = (int8_t)q;
    else ((uint8_t *)y)[o] = (uint8_t)q;
    for (i = p->rank - 1; i >= 0; --i) {
      if (++idx[i] < p->out_shape[i]) break;
      idx[i] = 0;
    }
  }
}
