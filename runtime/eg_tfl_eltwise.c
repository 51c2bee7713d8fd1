#include "eg_tfl_eltwise.h"

#include "eg_common.h"
#include "eg_math.h"

void eg_binary_s8_tfl(const eg_binary_s8_tfl_params *p, const int8_t *a, const int8_t *b, int8_t *out) {
  int32_t i0, i1, i2, i3;
  for (i0 = 0; i0 < p->dims[0]; ++i0)
    for (i1 = 0; i1 < p->dims[1]; ++i1)
      for (i2 = 0; i2 < p->dims[2]; ++i2) {
        const int8_t *ar = a + i0 * p->a_strides[0] + i1 * p->a_strides[1] + i2 * p->a_strides[2];
        const int8_t *br = b + i0 * p->b_strides[0] + i1 * p->b_strides[1] + i2 * p->b_strides[2];
        for (i3 = 0; i3 < p->dims[3]; ++i3) {
          const int32_t x = ar[i3 * p->a_strides[3]], y = br[i3 * p->b_strides[3]];
          if (p->op == EG_TFL_MAX) {
            *out++ = (int8_t)(x > y ? x : y);
          } else if (p->op == EG_TFL_MIN) {
            *out++ = (int8_t)(x < y ? x : y);
          } else {
            const int32_t v = p->out_offset + eg_requantize_tfl((x + p->a_offset) * (y + p->b_offset), p->out_mult, p->out_shift);
            *out++ = (int8_t)eg_clamp_i32(v, p->act_min, p->act_max);
          }
        }
      }
}

void eg_quantize_f32_s8_tfl(const float *in, int8_t *out, int32_t n, double scale, int32_t zp) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    const double r = (double)in[i] / scale;
    int32_t q;
    if (r != r) q = 0; /* NaN */
    else if (r > 1e6 || r < -1e6) q = r > 0 ? 1000000 : -1000000; /* saturates below anyway */
    else { /* round half away from zero (TfLiteRound); r - t is exact */
      q = (int32_t)r;
      if (r - q >= 0.5) ++q;
      else if (r - q <= -0.5) --q;
    }
    out[i] = (int8_t)eg_clamp_i32(q + zp, -128, 127);
  }
}

void eg_logistic_f32_tfl(const float *in, float *out, int32_t n) {
  const float upper = 16.619047164916992188f, lower = -9.0f;
  int32_t i;
  for (i = 0; i < n; ++i) {
    const float x = in[i];
    out[i] = x > upper ? 1.0f : (x < lower ? eg_expf(x) : 1.0f / (1.0f + eg_expf(-x)));
  }
}

void eg_mean_s8_tfl(const eg_reduce_params *g, const int8_t *in, int8_t *out, int32_t *sums, int32_t in_zp,
                    int32_t out_zp, int32_t mult, int32_t shift) {
  int32_t idx[6] = {0, 0, 0, 0, 0, 0}, o = 0, i, d;
  int32_t total = 1;
  for (d = 0; d < g->rank; ++d) total *= g->shape[d];
  for (i = 0; i < g->out_elems; ++i) sums[i] = 0;
  for (i = 0; i < total; ++i) { /* odometer over the input; o follows the output position */
    sums[o] += in[i];
    for (d = g->rank - 1; d >= 0; --d) {
      o += g->out_stride[d];
      if (++idx[d] < g->shape[d]) break;
      o -= g->out_stride[d] * g->shape[d];
      idx[d] = 0;
    }
  }
  for (i = 0; i < g->out_elems; ++i) {
    const int32_t shifted = (int32_t)((int64_t)sums[i] - (int64_t)in_zp * g->count);
    out[i] = (int8_t)eg_clamp_i32(eg_requantize_tfl(shifted, mult, shift) + out_zp, -128, 127);
  }
}
