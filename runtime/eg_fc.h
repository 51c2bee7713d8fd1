/* edgegen runtime: fully connected layer, out[b][o] = sum_i in[b][i] * w[o][i] + bias[o]. */
#ifndef EG_FC_H
#define EG_FC_H
#include <stdint.h>

typedef struct {
  int32_t batch, in_features, out_features;
  int32_t in_zp, out_zp, act_min, act_max;
  const int8_t *weights; /* [out][in], symmetric per-channel int8 */
  const int32_t *bias;   /* may be NULL */
  const int32_t *mult; /* per output channel Q31 multiplier */
  const int8_t *shift;  /* and exponent */
  /* Optional (may be NULL): bias[o] - in_zp * sum_i w[o][i], the input zero
   * point folded into the bias; the DSP path needs it (else it runs the
   * reference). */
  const int32_t *bias_zp;
} eg_fc_s8_params;

typedef struct {
  int32_t batch, in_features, out_features;
  float act_min, act_max;
  const float *weights; /* [out][in] */
  const float *bias;    /* [out] or NULL */
} eg_fc_f32_params;

/* Optimized with the DSP extension (EG_USE_DSP), else the reference; identical results. */
void eg_fc_s8(const eg_fc_s8_params *p, const int8_t *in, int8_t *out);
void eg_fc_s8_ref(const eg_fc_s8_params *p, const int8_t *in, int8_t *out);
void eg_fc_f32(const eg_fc_f32_params *p, const float *in, float *out);

#endif
