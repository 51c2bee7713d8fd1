/* edgegen runtime: TFLite element-wise kernels whose arithmetic differs from
 * ONNX's (TensorFlow Lite Micro's reference kernels): int8 MUL / MAXIMUM /
 * MINIMUM / MEAN, float->int8 QUANTIZE, float LOGISTIC. */
#ifndef EG_TFL_ELTWISE_H
#define EG_TFL_ELTWISE_H
#include <stdint.h>

#include "eg_reduce.h"

/* int8 binary ops, operands broadcast over up to 4 axes (element strides 0 on a
 * broadcast axis):
 * EG_TFL_MUL: y = clamp(out_offset + MultiplyByQuantizedMultiplier((a + a_offset) *
 *             (b + b_offset), out_mult, out_shift), act_min, act_max) (eg_requantize_tfl);
 * EG_TFL_MAX / EG_TFL_MIN: the larger / smaller byte (operands quantized alike). */
enum { EG_TFL_MUL = 0, EG_TFL_MAX, EG_TFL_MIN };
typedef struct {
  int32_t op;
  int32_t dims[4]; /* output shape, leading axes 1 */
  int32_t a_strides[4], b_strides[4];
  int32_t a_offset, b_offset, out_offset;
  int32_t out_mult, out_shift;
  int32_t act_min, act_max;
} eg_binary_s8_tfl_params;
void eg_binary_s8_tfl(const eg_binary_s8_tfl_params *p, const int8_t *a, const int8_t *b, int8_t *out);

/* AffineQuantize: round-half-away(x / scale) computed in double, plus zp, saturated. */
void eg_quantize_f32_s8_tfl(const float *in, int8_t *out, int32_t n, double scale, int32_t zp);

/* int8 MEAN (QuantizedMeanOrSum): per output, the int32 sum of its `count` inputs
 * (geometry as eg_reduce: output stride 0 on reduced axes; sums[out_elems] is
 * scratch), minus in_zp * count, MultiplyByQuantizedMultiplier(mult, shift) where
 * (mult, shift) already hold 1 / count, plus out_zp, saturated. */
void eg_mean_s8_tfl(const eg_reduce_params *g, const int8_t *in, int8_t *out, int32_t *sums, int32_t in_zp,
                    int32_t out_zp, int32_t mult, int32_t shift);

/* LOGISTIC in float: 1 above 16.619047..., exp(x) below -9, else 1 / (1 + exp(-x)). */
void eg_logistic_f32_tfl(const float *in, float *out, int32_t n);

#endif
