/* edgegen runtime: float 2-D convolution (1-D is H = 1), NHWC activations,
 * with codebook weights (eg_codebook.h: 8-bit or packed 4-bit indices over the
 * OHWI weights [out_c][k_h][k_w][in_c / groups]). Any geometry and groups.
 *
 * Same arithmetic as eg_conv_f32 on the decoded weights: each output is its
 * bias (or 0) plus its valid taps' products in (ky, kx, ic) order, one float
 * multiply and one float add each, then the clamp: bit-identical to
 * eg_conv_f32 (and eg_conv_f32_blk/_dw) on those weights. */
#ifndef EG_CONV_F32_LUT_H
#define EG_CONV_F32_LUT_H
#include <stdint.h>

typedef struct {
  int32_t batch, in_h, in_w, in_c, out_h, out_w, out_c, k_h, k_w;
  int32_t stride_h, stride_w, dil_h, dil_w, pad_top, pad_left, groups;
  float act_min, act_max;
  const uint8_t *index;  /* one index per OHWI weight (eg_codebook.h) */
  const float *codebook; /* at most 2^index_bits entries */
  const float *bias;     /* [out_c] or NULL */
  int32_t index_bits;    /* 8 or 4 */
} eg_conv_f32_lut_params;

void eg_conv_f32_lut(const eg_conv_f32_lut_params *p, const float *in, float *out);

#endif
