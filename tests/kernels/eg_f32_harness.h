/* What the float kernel tests share (after eg_harness.h): random values, activation ranges and a
 * bit-for-bit comparison of two outputs. */
#ifndef EG_F32_HARNESS_H
#define EG_F32_HARNESS_H
#include <stdint.h>
#include <string.h>

#include "eg_harness.h"

/* values in [-1, 1) with a few exact zeros and small magnitudes */
static float rf(void) {
  const uint32_t u = rnd();
  if ((u & 31u) == 0) return 0.0f;
  if ((u & 31u) == 1) return (float)(int32_t)(u >> 8) * 1e-12f;
  return (float)(int32_t)(u >> 8) / 8388608.0f - 1.0f;
}

/* no clamp, a Relu, a Relu6-like and a symmetric clamp */
static void act_range(float *lo, float *hi) {
  const float inf = 1.0f / 0.0f;
  switch (rnd() % 4u) {
    case 0: *lo = -inf; *hi = inf; break;
    case 1: *lo = 0.0f; *hi = inf; break;
    case 2: *lo = 0.0f; *hi = 0.5f; break;
    default: *lo = -0.25f; *hi = 0.25f; break;
  }
}

/* 0 when want[0..len) and got[0..len) hold the same bits; else 1 and the first difference (n: the
 * output's size, len - n guard elements after it) */
static int same_bits(const char *what, int32_t t, const float *want, const float *got, int32_t n, int32_t len) {
  int32_t i;
  for (i = 0; i < len; ++i) {
    uint32_t a, b;
    memcpy(&a, &want[i], 4);
    memcpy(&b, &got[i], 4);
    if (a != b) {
      PRINT("%s case %d: element %d of %d differs: %x vs %x\n", what, (int)t, (int)i, (int)n, (unsigned)a, (unsigned)b);
      return 1;
    }
  }
  return 0;
}

#endif
