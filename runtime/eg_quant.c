#include "eg_quant.h"

#include <math.h>

#include "eg_common.h"

/* Round half to even without relying on the current FP rounding mode. */
static float eg_round_half_even(float x) {
  float r = floorf(x);
  float d = x - r;
  if (d > 0.5f) return r + 1.0f;
  if (d < 0.5f) return r;
  return fmodf(r, 2.0f) == 0.0f ? r : r + 1.0f;
}

static int32_t eg_quantize_i32(float x, float scale, int32_t zp, int32_t lo, int32_t hi) {
  float q = eg_round_half_even(x / scale) + (float)zp;
  if (q != q) return zp; /* NaN */
  if (q < (float)lo) return lo;
  if (q > (float)hi) return hi;
  return (int32_t)q;
}

int8_t eg_quantize_one_s8(float x, float scale, int32_t zp) {
  return (int8_t)eg_quantize_i32(x, scale, zp, -128, 127);
}

void eg_quantize_f32_s8(const float *in, int8_t *out, int32_t n, float scale, int32_t zp) {
  int32_t i;
  for (i = 0; i < n; ++i) out[i] = (int8_t)eg_quantize_i32(in[i], scale, zp, -128, 127);
}

void eg_quantize_f32_u8(const float *in, uint8_t *out, int32_t n, float scale, int32_t zp) {
  int32_t i;
  for (i = 0; i < n; ++i) out[i] = (uint8_t)eg_quantize_i32(in[i], scale, zp, 0, 255);
}

void eg_dequantize_s8_f32(const int8_t *in, float *out, int32_t n, float scale, int32_t zp) {
  int32_t i;
  for (i = 0; i < n; ++i) out[i] = (float)((int32_t)in[i] - zp) * scale;
}

void eg_dequantize_u8_f32(const uint8_t *in, float *out, int32_t n, float scale, int32_t zp) {
  int32_t i;
  for (i = 0; i < n; ++i) out[i] = (float)((int32_t)in[i] - zp) * scale;
}

void eg_requantize_s8(const int8_t *in, int8_t *out, int32_t n, int32_t in_zp, int32_t out_zp,
                      int32_t mult, int32_t shift, int32_t lo, int32_t hi) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    int32_t v = eg_requantize((int32_t)in[i] - in_zp, mult, shift) + out_zp;
    out[i] = (int8_t)eg_clamp_i32(v, lo, hi);
  }
}
