/* edgegen runtime: conversions between float and int8/uint8 (ONNX
 * QuantizeLinear / DequantizeLinear, per tensor). */
#ifndef EG_QUANT_H
#define EG_QUANT_H
#include <stdint.h>

void eg_quantize_f32_s8(const float *in, int8_t *out, int32_t n, float scale, int32_t zp);
void eg_quantize_f32_u8(const float *in, uint8_t *out, int32_t n, float scale, int32_t zp);
void eg_dequantize_s8_f32(const int8_t *in, float *out, int32_t n, float scale, int32_t zp);
void eg_dequantize_u8_f32(const uint8_t *in, float *out, int32_t n, float scale, int32_t zp);
/* int8 -> int8 with another scale/zero point, clamped to [lo, hi] (a fused
 * Relu/Clip): out = clamp(round((in - in_zp) * mult * 2^(shift-31)) + out_zp). */
void eg_requantize_s8(const int8_t *in, int8_t *out, int32_t n, int32_t in_zp, int32_t out_zp,
                      int32_t mult, int32_t shift, int32_t lo, int32_t hi);
/* ONNX float->int8 rounding: x / scale, round half to even, add zp, saturate. */
int8_t eg_quantize_one_s8(float x, float scale, int32_t zp);

#endif
