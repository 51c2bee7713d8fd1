/* runtime/eg_math.h and eg_quant.c against references:
 *  - eg_expf, eg_sigmoidf, eg_tanhf: max error in ulp against double-precision
 *    libm over every float bit pattern (stride STRIDE; argv[1] = 1 for the
 *    exhaustive run; exp in its finite range, sigmoid and tanh on the whole float
 *    line), and the distance of eg_sigmoidf / eg_tanhf to libm's float ones
 *    (sigmoid: e = expf(-|x|), then e / (1 + e) or 1 / (1 + e); tanhf) in ulp
 *    of those; bounds checked: exp 2 ulp, sigmoid and tanh 1.5 ulp from exact
 *    (libm's float forms themselves: 2.36 and 2.16 ulp, stride 7), 3 ulp from
 *    libm's float forms (the measured figures are printed); infinities, zeros
 *    and NaN exactly;
 *  - eg_quantize_one_s8 / eg_quantize_f32_u8: bit-exact against the previous
 *    libm implementation (floorf/fmodf round half to even) over all float
 *    bit patterns of x / scale (scale 1) with stride, ties n + 0.5, and random
 *    x, scale pairs.
 * Same source for the host and the emulated Cortex-M4 (EG_M4, m4run).
 * Exit status 0 = within bounds. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eg_math.h"
#include "eg_quant.h"

#define EG_HARNESS_SEED 2463534242u
#include "eg_harness.h"

/* The implementation eg_quant.c had before eg_math.h (libm). */
static float old_round_half_even(float x) {
  float r = floorf(x);
  float d = x - r;
  if (d > 0.5f) return r + 1.0f;
  if (d < 0.5f) return r;
  return fmodf(r, 2.0f) == 0.0f ? r : r + 1.0f;
}
static int32_t old_quantize(float x, float scale, int32_t zp, int32_t lo, int32_t hi) {
  float q = old_round_half_even(x / scale) + (float)zp;
  if (q != q) return zp;
  if (q < (float)lo) return lo;
  if (q > (float)hi) return hi;
  return (int32_t)q;
}

static float bits_f(uint32_t u) {
  float f;
  memcpy(&f, &u, 4);
  return f;
}

/* error of y against the exact value e, in units of the float ulp at e */
static double ulp_err(float y, double e) {
  double ae = fabs(e), ulp;
  int ex;
  if (y != y || e != e) return (y != y && e != e) ? 0.0 : 1e9;
  if (isinf(e) || isinf(y)) return ((double)y == e || (isinf(y) && ae > 3.4028234e38)) ? 0.0 : 1e9;
  if (ae < 1.17549435e-38) ulp = 1.40129846e-45; /* subnormal */
  else {
    frexp(ae, &ex);
    ulp = ldexp(1.0, ex - 24);
  }
  return fabs((double)y - e) / ulp;
}

/* the expf-based float sigmoid (overflow-free form) */
static float sigmoid_expf(float x) {
  const float e = expf(x < 0.0f ? x : -x);
  return (x < 0.0f ? e : 1.0f) / (1.0f + e);
}

typedef struct {
  double max;
  float at;
} worst;

static void upd(worst *w, double e, float x) {
  if (e > w->max) {
    w->max = e;
    w->at = x;
  }
}

int main(int argc, char **argv) {
  uint32_t stride = 97, u;
  int fails = 0;
  worst we = {0, 0}, ws = {0, 0}, wt = {0, 0}, ws_f = {0, 0}, wt_f = {0, 0};
  long long nq = 0;
  int32_t k;
  static const int32_t zps[] = {-128, -3, 0, 7, 127};
  (void)argv;
#ifndef EG_M4
  if (argc > 1 && atoi(argv[1]) > 0) stride = (uint32_t)atoi(argv[1]);
#else
  (void)argc;
  stride = 4099;
#endif
  /* every stride-th float bit pattern (positive and negative) */
  for (u = 0; u < 0x7F800000u; u += stride) {
    int s;
    for (s = 0; s < 2; ++s) {
      const float x = bits_f(u | (s ? 0x80000000u : 0u));
      if (x > -110.0f && x < 89.0f) upd(&we, ulp_err(eg_expf(x), exp((double)x)), x);
      upd(&ws, ulp_err(eg_sigmoidf(x), 1.0 / (1.0 + exp(-(double)x))), x);
      upd(&wt, ulp_err(eg_tanhf(x), tanh((double)x)), x);
      upd(&ws_f, ulp_err(eg_sigmoidf(x), (double)sigmoid_expf(x)), x);
      upd(&wt_f, ulp_err(eg_tanhf(x), (double)tanhf(x)), x);
      for (k = 0; k < 5; ++k) {
        ++nq;
        if (eg_quantize_one_s8(x, 1.0f, zps[k]) != (int8_t)old_quantize(x, 1.0f, zps[k], -128, 127)) {
          if (fails++ < 10) PRINT("quantize mismatch x=%.9g zp=%d\n", (double)x, (int)zps[k]);
        }
      }
    }
  }
  /* ties, their neighbours, special values */
  for (k = -300; k <= 300; ++k) {
    const float base = (float)k + 0.5f;
    const float xs[4] = {base, nextafterf(base, 1e9f), nextafterf(base, -1e9f), (float)k};
    int i, z;
    for (i = 0; i < 4; ++i)
      for (z = 0; z < 5; ++z) {
        uint8_t uq;
        ++nq;
        if (eg_quantize_one_s8(xs[i], 1.0f, zps[z]) != (int8_t)old_quantize(xs[i], 1.0f, zps[z], -128, 127))
          if (fails++ < 10) PRINT("tie mismatch x=%.9g\n", (double)xs[i]);
        eg_quantize_f32_u8(&xs[i], &uq, 1, 1.0f, zps[z] + 128);
        if (uq != (uint8_t)old_quantize(xs[i], 1.0f, zps[z] + 128, 0, 255))
          if (fails++ < 10) PRINT("u8 tie mismatch x=%.9g\n", (double)xs[i]);
      }
  }
  {
    const float sp[] = {bits_f(0x7F800000u), bits_f(0xFF800000u), bits_f(0x7FC00000u), 0.0f, -0.0f, 3e38f, -3e38f};
    for (k = 0; k < 7; ++k)
      if (eg_quantize_one_s8(sp[k], 0.5f, 3) != (int8_t)old_quantize(sp[k], 0.5f, 3, -128, 127))
        if (fails++ < 10) PRINT("special mismatch %d\n", (int)k);
  }
  /* random x / scale pairs (the division is part of the semantics) */
  for (k = 0; k < 2000000; ++k) {
    const float scale = bits_f(0x3A000000u + (rnd() % 0x05000000u)); /* ~5e-4 .. 2.5 */
    const float x = ((float)(int32_t)(rnd() % 4001u) - 2000.0f) * 0.25f * scale *
                    ((rnd() & 3) ? 1.0f : 1.0f + (float)(rnd() % 100u) * 1e-7f);
    const int32_t zp = zps[rnd() % 5u];
    ++nq;
    if (eg_quantize_one_s8(x, scale, zp) != (int8_t)old_quantize(x, scale, zp, -128, 127))
      if (fails++ < 10) PRINT("random mismatch x=%.9g scale=%.9g zp=%d\n", (double)x, (double)scale, (int)zp);
  }
  { /* special values: exact */
    const float inf = bits_f(0x7F800000u), nan = bits_f(0x7FC00000u);
    const float sx[] = {inf, -inf, 0.0f, -0.0f, 3e38f, -3e38f, 1e-40f, -1e-40f};
    const float sig[] = {1.0f, 0.0f, 0.5f, 0.5f, 1.0f, 0.0f, 0.5f, 0.5f};
    const float th[] = {1.0f, -1.0f, 0.0f, -0.0f, 1.0f, -1.0f, 1e-40f, -1e-40f};
    for (k = 0; k < 8; ++k) {
      if (eg_sigmoidf(sx[k]) != sig[k] || eg_tanhf(sx[k]) != th[k] ||
          (sx[k] == 0.0f && signbit(eg_tanhf(sx[k])) != signbit(sx[k])))
        if (fails++ < 10) PRINT("special value %d: sigmoid %.9g tanh %.9g\n", (int)k, (double)eg_sigmoidf(sx[k]),
                                (double)eg_tanhf(sx[k]));
    }
    if (eg_sigmoidf(nan) == eg_sigmoidf(nan) || eg_tanhf(nan) == eg_tanhf(nan) || eg_expf(nan) == eg_expf(nan))
      if (fails++ < 10) PRINT("NaN not kept\n");
  }
  PRINT("eg_expf     max %.3f ulp (at %.9g)\n", we.max, (double)we.at);
  PRINT("eg_sigmoidf max %.3f ulp (at %.9g), %.3f ulp from the expf formula (at %.9g)\n", ws.max, (double)ws.at,
        ws_f.max, (double)ws_f.at);
  PRINT("eg_tanhf    max %.3f ulp (at %.9g), %.3f ulp from tanhf (at %.9g)\n", wt.max, (double)wt.at, wt_f.max,
        (double)wt_f.at);
  PRINT("quantize: %ld values compared, %d mismatches\n", (long)nq, fails);
  if (we.max > 2.0 || ws.max > 1.5 || wt.max > 1.5 || ws_f.max > 3.0 || wt_f.max > 3.0) {
    PRINT("FAIL: error bound exceeded\n");
    return 1;
  }
  return fails ? 1 : 0;
}
