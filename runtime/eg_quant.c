#include "eg_quant.h"

#include "eg_common.h"
#include "eg_math.h"

/* ONNX QuantizeLinear: saturate(round_half_even(x / scale) + zp). The division
 * stays a float division (bit-exact with ONNX); the rounding is integer
 * (eg_math.h), no libm. NaN gives zp, +-inf saturate. */
static int32_t eg_quantize_i32(float x, float scale, int32_t zp, int32_t lo, int32_t hi) {
  const float v = x / scale;
  int32_t q;
  if (!(v > -1.0e9f)) return v != v ? zp : lo; /* NaN, or far below the range */
  if (!(v < 1.0e9f)) return hi;
  q = eg_round_half_even_i32(v) + zp;
  return q < lo ? lo : (q > hi ? hi : q);
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
