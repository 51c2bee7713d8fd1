#include "eg_softmax.h"

#include <math.h>

#include "eg_math.h"

/* The family with the differences to the maximum scaled by beta (TFLite's SOFTMAX option). */
static void eg_softmax_f32_scaled(const float *in, float *out, int32_t outer, int32_t n, int32_t inner, int32_t mode,
                                  float beta) {
  int32_t o, i, k;
  for (o = 0; o < outer; ++o)
    for (i = 0; i < inner; ++i) {
      const float *x = in + (int32_t)o * n * inner + i;
      float *y = out + (int32_t)o * n * inner + i;
      float mx = x[0], sum = 0.0f;
      int32_t arg = 0;
      for (k = 1; k < n; ++k)
        if (x[k * inner] > mx) {
          mx = x[k * inner];
          arg = k;
        }
      if (mode == EG_HARDMAX) {
        for (k = 0; k < n; ++k) y[k * inner] = k == arg ? 1.0f : 0.0f;
        continue;
      }
      for (k = 0; k < n; ++k) sum += eg_expf((x[k * inner] - mx) * beta);
      if (mode == EG_LOGSOFTMAX) {
        const float ls = logf(sum);
        for (k = 0; k < n; ++k) y[k * inner] = x[k * inner] - mx - ls;
      } else {
        const float inv = 1.0f / sum;
        for (k = 0; k < n; ++k) y[k * inner] = eg_expf((x[k * inner] - mx) * beta) * inv;
      }
    }
}

void eg_softmax_f32(const float *in, float *out, int32_t outer, int32_t n, int32_t inner, int32_t mode) {
  eg_softmax_f32_scaled(in, out, outer, n, inner, mode, 1.0f);
}

void eg_softmax_f32_beta(const float *in, float *out, int32_t rows, int32_t depth, float beta) {
  eg_softmax_f32_scaled(in, out, rows, depth, 1, EG_SOFTMAX, beta);
}

#include "eg_common.h"

/* gemmlowp's fixed-point helpers on raw int32 values (Qm.n: m integer bits). */
static int32_t eg_fx_mul(int32_t a, int32_t b) { return eg_srdhm(a, b); }
/* Saturating multiply by 2^e, e > 0. */
static int32_t eg_fx_shl_sat(int32_t x, int32_t e) {
  const int32_t threshold = (int32_t)(((int64_t)1 << (31 - e)) - 1);
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return (int32_t)((uint32_t)x << e);
}

/* exp(a) for a in [-1/4, 0), Q0.31 in and out: Taylor series around -1/8. */
static int32_t eg_fx_exp_quarter(int32_t a) {
  const int32_t exp_m1_8 = 1895147668, one_third = 715827883;
  const int32_t x = a + (1 << 28), x2 = eg_fx_mul(x, x), x3 = eg_fx_mul(x2, x), x4 = eg_fx_mul(x2, x2);
  const int32_t x4_4 = eg_rdbpot(x4, 2);
  const int32_t poly = eg_rdbpot(eg_fx_mul(x4_4 + x3, one_third) + x2, 1);
  return exp_m1_8 + eg_fx_mul(exp_m1_8, x + poly);
}

/* exp(a) for a <= 0: a in Q5.26, result Q0.31. */
static int32_t eg_fx_exp_neg(int32_t a) {
  static const int32_t mult[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  const int32_t quarter = 1 << 24, rem_quarter = (a & (quarter - 1)) - quarter;
  int32_t result = eg_fx_exp_quarter(eg_fx_shl_sat(rem_quarter, 5)), k;
  const int32_t remainder = rem_quarter - a;
  for (k = 0; k < 7; ++k) /* exp(-2^(k-2)) for each bit of the remainder */
    if (remainder & (1 << (24 + k))) result = eg_fx_mul(result, mult[k]);
  return a == 0 ? INT32_MAX : result;
}

/* 1 / (1 + x) for x in [0, 1), Q0.31 in and out: Newton-Raphson in Q2.29. */
static int32_t eg_fx_one_over_one_plus_x(int32_t a) {
  const int64_t sum = (int64_t)a + INT32_MAX;
  const int32_t half_den = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
  int32_t x = 1515870810 + eg_fx_mul(half_den, -1010580540), i;
  for (i = 0; i < 3; ++i) {
    const int32_t one_minus = (1 << 29) - eg_fx_mul(half_den, x);
    x = x + eg_fx_shl_sat(eg_fx_mul(x, one_minus), 2);
  }
  return eg_fx_shl_sat(x, 1);
}

void eg_softmax_s8_tfl(const int8_t *in, int8_t *out, int32_t outer, int32_t depth, int32_t input_mult,
                       int32_t left_shift, int32_t diff_min) {
  int32_t i, c;
  for (i = 0; i < outer; ++i, in += depth, out += depth) {
    int32_t mx = -128, sum = 0, headroom, bits_over_unit, scale;
    for (c = 0; c < depth; ++c) mx = in[c] > mx ? in[c] : mx;
    for (c = 0; c < depth; ++c) {
      const int32_t diff = in[c] - mx;
      if (diff >= diff_min) /* Q0.31 exp rescaled to Q12.19 */
        sum += eg_rdbpot(eg_fx_exp_neg(eg_srdhm((int32_t)((uint32_t)diff << left_shift), input_mult)), 12);
    }
    for (headroom = 0; headroom < 32 && !((uint32_t)sum & (0x80000000u >> headroom)); ++headroom) {
    }
    bits_over_unit = 12 - headroom;
    scale = eg_fx_one_over_one_plus_x((int32_t)(((uint32_t)sum << headroom) - 0x80000000u));
    for (c = 0; c < depth; ++c) {
      const int32_t diff = in[c] - mx;
      int32_t v = -128;
      if (diff >= diff_min) {
        const int32_t e = eg_fx_exp_neg(eg_srdhm((int32_t)((uint32_t)diff << left_shift), input_mult));
        v = eg_rdbpot(eg_fx_mul(scale, e), bits_over_unit + 31 - 8) - 128;
        v = v > 127 ? 127 : (v < -128 ? -128 : v);
      }
      out[c] = (int8_t)v;
    }
  }
}
