#include "eg_matmul.h"

#include <math.h>

void eg_matmul_f32(const eg_matmul_f32_params *p, const float *a, const float *b, const float *c, float *y) {
  int32_t idx[EG_MATMUL_MAX_BATCH_RANK];
  int32_t nb = 1, q, d, i, j, k;
  for (d = 0; d < p->batch_rank; ++d) {
    nb *= p->batch_shape[d];
    idx[d] = 0;
  }
  for (q = 0; q < nb; ++q) {
    int32_t ao = 0, bo = 0, co = 0;
    for (d = 0; d < p->batch_rank; ++d) {
      ao += idx[d] * p->a_bs[d];
      bo += idx[d] * p->b_bs[d];
      co += idx[d] * p->c_bs[d];
    }
    for (i = 0; i < p->M; ++i) {
      const float *ar = a + ao + i * p->a_rs;
      for (j = 0; j < p->N; ++j) {
        const float *bc = b + bo + j * p->b_cs;
        float acc = 0.0f;
        for (k = 0; k < p->K; ++k) acc += ar[k * p->a_cs] * bc[k * p->b_rs];
        acc *= p->alpha;
        if (c) acc += p->beta * c[co + i * p->c_rs + j * p->c_cs];
        if (acc < p->act_min) acc = p->act_min;
        if (acc > p->act_max) acc = p->act_max;
        *y++ = acc;
      }
    }
    for (d = p->batch_rank - 1; d >= 0; --d) {
      if (++idx[d] < p->batch_shape[d]) break;
      idx[d] = 0;
    }
  }
}

static int32_t eg_qread(const void *p, int32_t type, int32_t i) {
  return type == EG_Q_S8 ? (int32_t)((const int8_t *)p)[i] : (int32_t)((const uint8_t *)p)[i];
}

static void eg_qwrite(void *y, int32_t i, int32_t acc, const float *scale, int32_t c, int32_t type, int32_t zp) {
  float v;
  int32_t q, lo, hi;
  if (!scale) {
    ((int32_t *)y)[i] = acc;
    return;
  }
  v = nearbyintf((float)acc * scale[c]);
  lo = type == EG_Q_S8 ? -128 : 0;
  hi = type == EG_Q_S8 ? 127 : 255;
  if (v < -1.0e9f) v = -1.0e9f;
  if (v > 1.0e9f) v = 1.0e9f;
  q = (int32_t)v + zp;
  q = q < lo ? lo : (q > hi ? hi : q);
  if (type == EG_Q_S8) ((int8_t *)y)[i] = (int8_t)q;
  else ((uint8_t *)y)[i] = (uint8_t)q;
}

void eg_qmatmul(const eg_qmatmul_params *p, const void *a, const void *b, void *y) {
  int32_t idx[EG_MATMUL_MAX_BATCH_RANK];
  int32_t nb = 1, q, d, i, j, k, o = 0;
  for (d = 0; d < p->batch_rank; ++d) {
    nb *= p->batch_shape[d];
    idx[d] = 0;
  }
  for (q = 0; q < nb; ++q) {
    int32_t ao = 0, bo = 0;
    for (d = 0; d < p->batch_rank; ++d) {
      ao += idx[d] * p->a_bs[d];
      bo += idx[d] * p->b_bs[d];
    }
    for (i = 0; i < p->M; ++i)
      for (j = 0; j < p->N; ++j) {
        int32_t acc = p->bias ? p->bias[j] : 0;
        for (k = 0; k < p->K; ++k)
          acc += (eg_qread(a, p->a_type, ao + i * p->K + k) - p->a_zp) *
                 (eg_qread(b, p->b_type, bo + k * p->N + j) - p->b_zp[j]);
        eg_qwrite(y, o++, acc, p->scale, j, p->y_type, p->y_zp);
      }
    for (d = p->batch_rank - 1; d >= 0; --d) {
      if (++idx[d] < p->batch_shape[d]) break;
      idx[d] = 0;
    }
  }
}

void eg_qconv(const eg_qconv_params *p, const void *x, void *y) {
  const int32_t cin_g = p->in_c / p->groups, cout_g = p->out_c / p->groups;
  int32_t n, m, oy, ox, c, ky, kx;
  for (n = 0; n < p->batch; ++n)
    for (m = 0; m < p->out_c; ++m) {
      const int32_t g = m / cout_g;
      for (oy = 0; oy < p->out_h; ++oy)
        for (ox = 0; ox < p->out_w; ++ox) {
          int32_t acc = p->bias ? p->bias[m] : 0;
          for (c = 0; c < cin_g; ++c) {
            const int32_t ci = g * cin_g + c;
            for (ky = 0; ky < p->k_h; ++ky) {
              const int32_t iy = oy * p->stride_h + ky * p->dil_h - p->pad_top;
              if (iy < 0 || iy >= p->in_h) continue;
              for (kx = 0; kx < p->k_w; ++kx) {
                const int32_t ix = ox * p->stride_w + kx * p->dil_w - p->pad_left;
                if (ix < 0 || ix >= p->in_w) continue;
                acc += (eg_qread(x, p->x_type, ((n * p->in_c + ci) * p->in_h + iy) * p->in_w + ix) - p->x_zp) *
                       (eg_qread(p->weights, p->w_type, ((m * cin_g + c) * p->k_h + ky) * p->k_w + kx) - p->w_zp[m]);
              }
            }
          }
          eg_qwrite(y, ((n * p->out_c + m) * p->out_h + oy) * p->out_w + ox, acc, p->scale, m, p->y_type, p->y_zp);
        }
    }
}
