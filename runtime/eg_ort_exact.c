#include "eg_ort_exact.h"

#include <string.h>

/* MLAS's x86-64 float GEMM kernels (the order each output's sum takes):
 * SGEMM: one FMA chain per output over K in blocks of StrideK, block sums added;
 * M1: one row (M = 1), B not transposed: 4 taps summed (no FMA), added to the output;
 * M1_TB: one row, B transposed: 8 lanes (no FMA), reduced by the row's position. */
#define EG_MLAS_SGEMM 0
#define EG_MLAS_M1 1
#define EG_MLAS_M1_TB 2

int eg_ort_near_tie(int32_t acc, uint32_t asum, int32_t K, int32_t mult, int32_t shift) {
  int32_t total = 31 - shift;
  int64_t prod = (int64_t)acc * (int64_t)mult;
  uint64_t w, d, mask;
  const uint64_t steps = (uint64_t)K + (uint64_t)K / 64u + 8u;
  if (mult <= 0 || total < 1) return 0; /* an integer result (total < 1): never near a tie */
  w = ((uint64_t)asum * (uint64_t)(uint32_t)mult) >> 24; /* < 2^39 */
  if (steps >= ((uint64_t)1 << 21)) return 1;            /* keeps w * steps < 2^60 */
  w *= steps;
  w += (w >> 3) + 2u * (uint64_t)(acc < 0 ? -(int64_t)acc : acc) + 4u;
  if (total > 62) { /* keep 62 fraction bits */
    const int32_t drop = total - 62;
    prod = drop > 62 ? (prod < 0 ? -1 : 0) : prod >> drop; /* floor, as the rounding needs */
    w = (drop > 62 ? 0 : w >> drop) + 2u;
    total = 62;
  }
  mask = ((uint64_t)1 << total) - 1u;
  if (w >= ((uint64_t)1 << (total - 1))) return 1;
  d = ((uint64_t)prod + ((uint64_t)1 << (total - 1))) & mask;
  return d <= w || d >= mask + 1u - w;
}

uint64_t eg_ort_tie_window(uint32_t asum, int32_t K, int32_t mult, int32_t shift) {
  const int32_t total = 31 - shift;
  const uint64_t steps = (uint64_t)K + (uint64_t)K / 64u + 8u;
  uint64_t w;
  if (total > 62 || steps >= ((uint64_t)1 << 21)) return UINT64_MAX;
  w = (((uint64_t)asum * (uint32_t)(mult < 0 ? 0 : mult)) >> 24) + 1u;
  w *= steps;
  w += (w >> 3) + 2u * (uint64_t)asum + 4u; /* 2 asum >= 2 |acc| */
  return w >= ((uint64_t)1 << (total - 1)) ? UINT64_MAX : w;
}

uint32_t eg_ort_asum_bound(int32_t K, int32_t in_zp, int32_t bias) {
  const uint32_t dmax = 128u + (uint32_t)(in_zp < 0 ? -(int64_t)in_zp : in_zp);
  const uint32_t babs = (uint32_t)(bias < 0 ? -(int64_t)bias : bias);
  if (K < 0 || (uint32_t)K > (0xFFFFFFFFu - babs) / (dmax * 128u)) return 0xFFFFFFFFu;
  return (uint32_t)K * dmax * 128u + babs;
}

/* x * y + z rounded once. Hardware VFMA where the core has it; else the exact
 * product in double (24 + 24 bits fit 53), the sum rounded to odd (then the
 * rounding to float is correct: no double rounding; newlib's fmaf has it). */
static float eg_ort_fmaf(float x, float y, float z) {
#if defined(__ARM_FEATURE_FMA) && defined(__ARM_FP) && (__ARM_FP & 4) && defined(__GNUC__)
  return __builtin_fmaf(x, y, z);
#else
  const double p = (double)x * (double)y, zd = (double)z;
  double s = p + zd;
  const double bb = s - p, err = (p - (s - bb)) + (zd - bb);
  uint64_t bits;
  memcpy(&bits, &s, sizeof bits);
  if (err != 0.0 && (bits & 1u) == 0) {
    if ((err > 0.0) == (s > 0.0)) ++bits;
    else --bits;
    memcpy(&s, &bits, sizeof bits);
  }
  return (float)s;
#endif
}

/* x * y rounded to float, never fused into a following add. */
static float eg_ort_mulf(float x, float y) {
  volatile float t = x * y;
  return t;
}

/* StrideK of MLAS's SGEMM for N columns and depth K. */
static int32_t eg_mlas_stride_k(int32_t N, int32_t K) {
  int32_t sn = 128, sk = 128;
  if (N >= K) {
    while (sk / 2 >= K) {
      sn *= 2;
      sk /= 2;
    }
  } else {
    while (sn > 16 && sn / 2 >= N) {
      sk *= 2;
      sn /= 2;
    }
  }
  return sk;
}

static float eg_ort_bias(const eg_ort_chain *o, const int32_t *bias, int32_t oc) {
  return eg_ort_mulf((float)bias[oc], o->b_scale ? o->b_scale[oc] : eg_ort_mulf(o->x_scale, o->w_scale[oc]));
}

void eg_ort_sum_begin(eg_ort_sum *s, const eg_ort_chain *o, int32_t M, int32_t N, int32_t K, int32_t n,
                      const int32_t *bias, int32_t oc) {
  memset(s, 0, sizeof *s);
  s->K = K;
  s->n = n;
  s->N = N;
  s->kind = M > 1 ? EG_MLAS_SGEMM : (o->op == EG_ORT_GEMM_TB ? EG_MLAS_M1_TB : EG_MLAS_M1);
  s->stride = eg_mlas_stride_k(N, K);
  /* Gemm: the bias is in the output before the GEMM accumulates into it (beta = 1) */
  s->bias_first = o->op != EG_ORT_CONV && bias;
  if (s->bias_first) {
    s->c = eg_ort_bias(o, bias, oc);
    s->has = 1;
  }
}

static void eg_ort_flush(eg_ort_sum *s, float v) {
  s->c = s->has ? v + s->c : v;
  s->has = 1;
}

void eg_ort_sum_add(eg_ort_sum *s, float x, float w) {
  const int32_t k = s->k++;
  if (s->kind == EG_MLAS_SGEMM) {
    s->a = eg_ort_fmaf(x, w, s->a);
    if ((k + 1) % s->stride == 0 || k + 1 == s->K) {
      eg_ort_flush(s, s->a);
      s->a = 0.0f;
    }
  } else if (s->kind == EG_MLAS_M1) {
    const float p = eg_ort_mulf(x, w);
    if (s->in_block == 0) { /* a block of 4 taps, then of 2, then 1 */
      const int32_t left = s->K - k;
      s->in_block = left >= 4 ? 4 : (left >= 2 ? 2 : 1);
      s->a = p;
    } else {
      s->a = s->a + p;
    }
    if (--s->in_block == 0) eg_ort_flush(s, s->a);
  } else {
    s->lane[k & 7] = s->lane[k & 7] + eg_ort_mulf(x, w);
  }
}

int32_t eg_ort_sum_q(eg_ort_sum *s, const eg_ort_chain *o, const int32_t *bias, int32_t oc) {
  float v, q, f;
  int32_t t;
  if (s->kind == EG_MLAS_M1_TB) { /* the lanes' reduction: rows in 4s, then 2, then 1 */
    const float *l = s->lane;
    const int32_t n4 = s->N & ~3;
    if (s->n < n4) v = (((l[0] + l[1]) + l[2]) + l[3]) + (((l[4] + l[5]) + l[6]) + l[7]);
    else if ((s->N - n4) >= 2 && s->n < n4 + 2) v = ((l[0] + l[2]) + (l[4] + l[6])) + ((l[1] + l[3]) + (l[5] + l[7]));
    else v = ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
    eg_ort_flush(s, v);
  }
  v = s->has ? s->c : 0.0f;
  if (!s->bias_first && bias) v = v + eg_ort_bias(o, bias, oc);
  q = v / o->y_scale; /* QuantizeLinear divides, then rounds half to even */
  if (!(q < 4194304.0f)) return 4194304;
  if (!(q > -4194304.0f)) return -4194304;
  t = (int32_t)q;
  f = q - (float)t;
  if (f > 0.5f || (f == 0.5f && (t & 1))) ++t;
  else if (f < -0.5f || (f == -0.5f && (t & 1))) --t;
  return t;
}
