#include "eg_math.h"

/* Separate VMUL + VADD (the bounds in eg_math.h are for this; VFMA would be
 * slower on a Cortex-M4 and differ from the host build). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off")
#endif

typedef union {
  float f;
  uint32_t u;
} eg_f32bits;

static float eg_pow2i(int32_t n) { /* 2^n for n in [-126, 127] */
  eg_f32bits s;
  s.u = (uint32_t)(n + 127) << 23;
  return s.f;
}

float eg_expf(float x) {
  float t, r, r2, p;
  int32_t n;
  if (!(x < 88.7228394f)) { /* overflow, +inf or NaN */
    eg_f32bits s;
    if (x != x) return x;
    s.u = 0x7F800000u;
    return s.f;
  }
  if (x < -103.972084f) return 0.0f;
  { /* n = nearest integer to x/ln2 through the 1.5*2^23 shifter: the float
     * sum's low mantissa bits are n (round to nearest: |r| <= ln2/2; other FPU
     * modes only widen r's range a little) */
    eg_f32bits sh;
    sh.f = x * 1.44269504f + 12582912.0f;
    n = (int32_t)(sh.u - 0x4B400000u);
    t = sh.f - 12582912.0f; /* n as a float, exact */
  }
  r = x - t * 0.693359375f;
  r = r - t * -2.12194440e-4f;
  r2 = r * r;
  p = ((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r + 4.1665795894e-2f) * r +
       1.6666665459e-1f) * r + 5.0000001201e-1f;
  p = p * r2 + r + 1.0f;
  if (n > 127) return p * 2.0f * eg_pow2i(127);
  if (n < -126) return p * eg_pow2i(n + 64) * 5.42101086e-20f; /* 2^-64 */
  return p * eg_pow2i(n);
}

float eg_sigmoidf(float x) { /* e = e^-|x| never overflows */
  const float e = eg_expf(x < 0.0f ? x : -x);
  return (x < 0.0f ? e : 1.0f) / (1.0f + e);
}

float eg_tanhf(float x) {
  const float a = x < 0.0f ? -x : x;
  float y;
  if (a < 0.625f) {
    const float z = x * x;
    return x + x * z * ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z +
                          1.33314422036e-1f) * z - 3.33332819422e-1f);
  }
  if (a >= 9.1f) y = 1.0f;
  else y = 1.0f - 2.0f / (eg_expf(2.0f * a) + 1.0f);
  if (x != x) return x;
  return x < 0.0f ? -y : y;
}

