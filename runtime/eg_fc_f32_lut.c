#include "eg_fc_f32_lut.h"

#include "eg_codebook.h"

void eg_fc_f32_lut(const eg_fc_f32_lut_params *p, const float *in, float *out) {
  const int32_t K = p->in_features, N = p->out_features;
  int32_t b, o;
  for (b = 0; b < p->batch; ++b, in += K) {
    for (o = 0; o < N; ++o) {
      float acc = eg_codebook_dot(p->bias ? p->bias[o] : 0.0f, in, p->index, p->index_bits, o * K, K, p->codebook);
      acc = acc < p->act_min ? p->act_min : acc;
      acc = acc > p->act_max ? p->act_max : acc;
      *out++ = acc;
    }
  }
}
