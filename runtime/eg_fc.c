#include "eg_fc.h"

#include "eg_common.h"

void eg_fc_s8(const eg_fc_s8_params *p, const int8_t *in, int8_t *out) {
  int32_t b, o, i;
  for (b = 0; b < p->batch; ++b) {
    const int8_t *x = in + (int32_t)b * p->in_features;
    for (o = 0; o < p->out_features; ++o) {
      const int8_t *w = p->weights + (int32_t)o * p->in_features;
      int32_t acc = p->bias ? p->bias[o] : 0;
      for (i = 0; i < p->in_features; ++i) acc += ((int32_t)x[i] - p->in_zp) * (int32_t)w[i];
      acc = eg_requantize(acc, p->mult[o], p->shift[o]) + p->out_zp;
      *out++ = (int8_t)eg_clamp_i32(acc, p->act_min, p->act_max);
    }
  }
}

void eg_fc_f32(const eg_fc_f32_params *p, const float *in, float *out) {
  int32_t b, o, i;
  for (b = 0; b < p->batch; ++b) {
    const float *x = in + (int32_t)b * p->in_features;
    for (o = 0; o < p->out_features; ++o) {
      const float *w = p->weights + (int32_t)o * p->in_features;
      float acc = p->bias ? p->bias[o] : 0.0f;
      for (i = 0; i < p->in_features; ++i) acc += x[i] * w[i];
      acc = acc < p->act_min ? p->act_min : acc;
      acc = acc > p->act_max ? p->act_max : acc;
      *out++ = acc;
    }
  }
}
