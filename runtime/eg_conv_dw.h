/* edgegen runtime: depthwise int8 convolution (groups == in_c == out_c), NHWC.
 * The parameters are eg_conv.h's; the DSP paths read dw_weights, the weights
 * transposed to [k_h * k_w][C]. */
#ifndef EG_CONV_DW_H
#define EG_CONV_DW_H
#include "eg_conv.h"

/* Depthwise 3x3 (dilation 1, strides 1 or 2) path with scratch (eg_conv_s8_dw3).
 * Its lines run along H when out_h > out_w (the longer output side), else
 * along W. The scratch holds, for 4 channels, 8 input lines of int16 (input zero
 * point subtracted, padding as zeros): 128 bytes per word (2 positions) of a
 * line, EG_DW3_WORDS(outputs along the line, stride along it) words. */
#define EG_DW3_WORDS(n, s) ((s) == 1 ? ((int32_t)(n) + 3) / 2 : (int32_t)(n) + 1)
#define EG_CONV_S8_DW3_SCRATCH_BYTES(out_h, out_w, stride_h, stride_w) \
  (128 * ((out_h) > (out_w) ? EG_DW3_WORDS(out_h, stride_h) : EG_DW3_WORDS(out_w, stride_w)))
#define EG_CONV_S8_DW3_OK(p)                                                                               \
  ((p)->k_h == 3 && (p)->k_w == 3 && (p)->dil_h == 1 && (p)->dil_w == 1 && (p)->stride_h >= 1 &&          \
   (p)->stride_h <= 2 && (p)->stride_w >= 1 && (p)->stride_w <= 2)

/* 1 when every channel's requantization suits eg_conv_s8_dw (mult >= 0,
 * shift in [-31, -2]). */
int eg_conv_dw_requant_ok(const eg_conv_s8_params *p);
/* One path each, chosen at compile time (edgegen emits a direct call). Without
 * the DSP extension each runs eg_conv_s8_ref.
 * _dw: groups == in_c == out_c, dw_weights given, every channel mult >= 0 and
 * shift in [-31, -2]. No scratch: 3x3 kernels (dilation 1, strides 1/2, C % 4
 * == 0, in_w >= 3, at most one padding column a side) run a direct 4-channel
 * path, other shapes a generic one. */
void eg_conv_s8_dw(const eg_conv_s8_params *p, const int8_t *in, int8_t *out);
/* _dw with TFLite's requantization (eg_requantize_tfl), the same preconditions;
 * the generic path for every shape (the 3x3 path without scratch folds ONNX's
 * single rounding into SMMLA). Without the DSP extension: eg_conv_s8_tfl_ref. */
void eg_conv_s8_tfl_dw(const eg_conv_s8_params *p, const int8_t *in, int8_t *out);
/* _dw3: groups == in_c == out_c, dw_weights given, EG_CONV_S8_DW3_OK, scratch of
 * EG_CONV_S8_DW3_SCRATCH_BYTES bytes (4-byte aligned). Any requantization:
 * channels the fast path cannot reproduce exactly (see eg_conv_dw.c) take a slow
 * per-channel loop. */
void eg_conv_s8_dw3(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch);
/* _dw3 with TFLite's requantization (eg_requantize_tfl), the same preconditions.
 * Its fast path takes a channel when k = 13 - (-1 - shift) is in [2, 8] and the
 * accumulator bound scaled by 2^k fits int32 (no tie rule: the sign-dependent
 * rounding is computed); one-row loops only. Without the DSP extension:
 * eg_conv_s8_tfl_ref. */
void eg_conv_s8_tfl_dw3(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch);

#endif
