/* edgegen runtime: float fully connected layer with codebook weights
 * (eg_codebook.h: 8-bit or packed 4-bit indices over [out][in]),
 * out[b][o] = clamp(bias[o] + sum_i in[b][i] * codebook[index(o * in + i)], act_min, act_max).
 *
 * Same arithmetic as eg_fc_f32 on the decoded weights: bias (or 0), then the
 * products in input order, one float multiply and one float add each, so the
 * outputs are bit-identical to eg_fc_f32 (and eg_fc_f32_w8) on those weights. */
#ifndef EG_FC_F32_LUT_H
#define EG_FC_F32_LUT_H
#include <stdint.h>

typedef struct {
  int32_t batch, in_features, out_features;
  float act_min, act_max;
  const uint8_t *index;   /* one index per weight of [out][in] (eg_codebook.h) */
  const float *codebook;  /* at most 2^index_bits entries */
  const float *bias;      /* [out] or NULL */
  int32_t index_bits;     /* 8 or 4 */
} eg_fc_f32_lut_params;

void eg_fc_f32_lut(const eg_fc_f32_lut_params *p, const float *in, float *out);

#endif
