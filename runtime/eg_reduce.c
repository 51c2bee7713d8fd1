#include "eg_reduce.h"

#include <math.h>

/* Advances the multi-index over the input and returns the output offset delta. */
static int32_t eg_next(const eg_reduce_params *p, int32_t *idx) {
  int32_t d, delta = 0;
  for (d = p->rank - 1; d >= 0; --d) {
    if (++idx[d] < p->shape[d]) return delta + p->out_stride[d];
    delta -= p->out_stride[d] * (p->shape[d] - 1);
    idx[d] = 0;
  }
  return delta;
}

static int32_t eg_in_elems(const eg_reduce_params *p) {
  int32_t d, n = 1;
  for (d = 0; d < p->rank; ++d) n *= p->shape[d];
  return n;
}

void eg_reduce_f32(const eg_reduce_params *p, const float *in, float *out) {
  int32_t idx[6] = {0, 0, 0, 0, 0, 0};
  int32_t i, o = 0;
  const int32_t total = eg_in_elems(p);
  float init = 0.0f;
  if (p->op == EG_REDUCE_PROD) init = 1.0f;
  if (p->op == EG_REDUCE_MAX) init = -INFINITY;
  if (p->op == EG_REDUCE_MIN) init = INFINITY;
  for (i = 0; i < p->out_elems; ++i) out[i] = init;
  for (i = 0; i < total; ++i) {
    const float x = in[i];
    float *y = out + o;
    switch (p->op) {
      case EG_REDUCE_MAX: if (x > *y || x != x) *y = x; break;
      case EG_REDUCE_MIN: if (x < *y || x != x) *y = x; break;
      case EG_REDUCE_PROD: *y *= x; break;
      case EG_REDUCE_L1: *y += fabsf(x); break;
      case EG_REDUCE_L2:
      case EG_REDUCE_SUMSQUARE: *y += x * x; break;
      case EG_REDUCE_LOGSUMEXP: *y += expf(x); break;
      default: *y += x; break;
    }
    o += eg_next(p, idx);
  }
  for (i = 0; i < p->out_elems; ++i) {
    switch (p->op) {
      case EG_REDUCE_MEAN: out[i] = out[i] / (float)p->count; break;
      case EG_REDUCE_L2: out[i] = sqrtf(out[i]); break;
      case EG_REDUCE_LOGSUM:
      case EG_REDUCE_LOGSUMEXP: out[i] = logf(out[i]); break;
      default: break;
    }
  }
}

void eg_reduce_u8(const eg_reduce_params *p, const uint8_t *in, uint8_t *out) {
  int32_t idx[6] = {0, 0, 0, 0, 0, 0};
  int32_t i, o = 0;
  const int32_t total = eg_in_elems(p);
  const int is_max = p->op == EG_REDUCE_MAX;
  for (i = 0; i < p->out_elems; ++i) out[i] = is_max ? 0 : 255;
  for (i = 0; i < total; ++i) {
    if (is_max ? in[i] > out[o] : in[i] < out[o]) out[o] = in[i];
    o += eg_next(p, idx);
  }
}

void eg_reduce_s8(const eg_reduce_params *p, const int8_t *in, int8_t *out) {
  int32_t idx[6] = {0, 0, 0, 0, 0, 0};
  int32_t i, o = 0;
  const int32_t total = eg_in_elems(p);
  const int is_max = p->op == EG_REDUCE_MAX;
  for (i = 0; i < p->out_elems; ++i) out[i] = is_max ? -128 : 127;
  for (i = 0; i < total; ++i) {
    if (is_max ? in[i] > out[o] : in[i] < out[o]) out[o] = in[i];
    o += eg_next(p, idx);
  }
}

void eg_argext_f32(const float *in, int64_t *out, int32_t outer, int32_t n, int32_t inner, int32_t is_min,
                   int32_t select_last) {
  int32_t o, i, k;
  for (o = 0; o < outer; ++o)
    for (i = 0; i < inner; ++i) {
      const float *x = in + (int32_t)o * n * inner + i;
      float best = x[0];
      int32_t arg = 0;
      for (k = 1; k < n; ++k) {
        const float v = x[k * inner];
        const int better = is_min ? (select_last ? v <= best : v < best) : (select_last ? v >= best : v > best);
        if (better) {
          best = v;
          arg = k;
        }
      }
      out[o * inner + i] = arg;
    }
}

/* (v, i) comes before (w, j) in the output order. */
#define EG_BEFORE(v, i, w, j, largest) ((largest) ? ((v) > (w) || ((v) == (w) && (i) < (j))) : ((v) < (w) || ((v) == (w) && (i) < (j))))

/* Selection of the k first values in output order, for one element type: each
 * pass takes the best value not yet taken (ties: the lower index first). */
#define EG_TOPK_BODY(T)                                                                          \
  int32_t o, i, j, t;                                                                            \
  for (o = 0; o < outer; ++o)                                                                    \
    for (i = 0; i < inner; ++i) {                                                                \
      const T *x = in + (int32_t)o * n * inner + i;                                              \
      T pv = 0;                                                                                  \
      int32_t pi = -1;                                                                           \
      for (j = 0; j < k; ++j) {                                                                  \
        int32_t bi = -1;                                                                         \
        T bv = 0;                                                                                \
        for (t = 0; t < n; ++t) {                                                                \
          const T v = x[t * inner];                                                              \
          if (pi >= 0 && !EG_BEFORE(pv, pi, v, t, largest)) continue; /* already taken */       \
          if (bi < 0 || EG_BEFORE(v, t, bv, bi, largest)) {                                      \
            bv = v;                                                                              \
            bi = t;                                                                              \
          }                                                                                      \
        }                                                                                        \
        values[((int32_t)o * k + j) * inner + i] = bv;                                           \
        indices[((int32_t)o * k + j) * inner + i] = bi;                                          \
        pv = bv;                                                                                 \
        pi = bi;                                                                                 \
      }                                                                                          \
    }

void eg_topk_f32(const float *in, float *values, int64_t *indices, int32_t outer, int32_t n, int32_t inner, int32_t k,
                 int32_t largest) {
  EG_TOPK_BODY(float)
}

void eg_topk_i64(const int64_t *in, int64_t *values, int64_t *indices, int32_t outer, int32_t n, int32_t inner,
                 int32_t k, int32_t largest) {
  EG_TOPK_BODY(int64_t)
}
