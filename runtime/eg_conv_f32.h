/* edgegen runtime: float 2-D convolution (1-D is H = 1), NHWC activations,
 * OHWI weights ([out_c][k_h][k_w][in_c / groups]), any groups. */
#ifndef EG_CONV_F32_H
#define EG_CONV_F32_H
#include <stdint.h>

typedef struct {
  int32_t batch, in_h, in_w, in_c, out_h, out_w, out_c, k_h, k_w;
  int32_t stride_h, stride_w, dil_h, dil_w, pad_top, pad_left, groups;
  float act_min, act_max;
  const float *weights;
  const float *bias; /* may be NULL */
} eg_conv_f32_params;

void eg_conv_f32(const eg_conv_f32_params *p, const float *in, float *out);

#endif
