/* edgegen runtime: depthwise int8 convolution (groups == in_c == out_c), NHWC.
 * The parameters are eg_conv.h's; the DSP paths read dw_weights, the weights
 * transposed to [k_h * k_w][C]. */
#ifndef EG_CONV_DW_H
#define EG_CONV_DW_H
#include "eg_conv.h"

/* Depthwise 3x3 (dilation 1) path with scratch (eg_conv_s8_dw3): 3 rows of
 * int16 input, each EG_CONV_S8_DW3_ROW(out_w, stride_w) halfwords (even). */
#define EG_CONV_S8_DW3_ROW(out_w, stride_w) ((((int32_t)(out_w) - 1) * (int32_t)(stride_w) + 3 + 1) & ~1)
#define EG_CONV_S8_DW3_SCRATCH_BYTES(out_w, stride_w) (6 * EG_CONV_S8_DW3_ROW(out_w, stride_w))
#define EG_CONV_S8_DW3_OK(p) \
  ((p)->k_h == 3 && (p)->k_w == 3 && (p)->dil_h == 1 && (p)->dil_w == 1 && (p)->stride_h == 1 && \
   (p)->stride_w == 1 && (p)->out_w >= 8)

/* 1 when every channel's requantization suits the depthwise DSP paths
 * (mult >= 0, shift in [-31, -2]). */
int eg_conv_dw_requant_ok(const eg_conv_s8_params *p);
/* One path each, chosen at compile time (edgegen emits a direct call). Without
 * the DSP extension each runs eg_conv_s8_ref.
 * _dw: groups == in_c == out_c, dw_weights given, every channel mult >= 0 and
 * shift in [-31, -2]. */
void eg_conv_s8_dw(const eg_conv_s8_params *p, const int8_t *in, int8_t *out);
/* _dw3: _dw's preconditions, EG_CONV_S8_DW3_OK, scratch of
 * EG_CONV_S8_DW3_SCRATCH_BYTES(out_w, stride_w) bytes (4-byte aligned). */
void eg_conv_s8_dw3(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch);

#endif
