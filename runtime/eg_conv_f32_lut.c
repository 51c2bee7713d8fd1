#include "eg_conv_f32_lut.h"

#include "eg_codebook.h"

void eg_conv_f32_lut(const eg_conv_f32_lut_params *p, const float *in, float *out) {
  const int32_t cin_g = p->in_c / p->groups, cout_g = p->out_c / p->groups;
  const int32_t per_oc = p->k_h * p->k_w * cin_g;
  int32_t b, oy, ox, oc, ky, kx;
  for (b = 0; b < p->batch; ++b) {
    const float *inb = in + (int32_t)b * p->in_h * p->in_w * p->in_c;
    for (oy = 0; oy < p->out_h; ++oy) {
      for (ox = 0; ox < p->out_w; ++ox) {
        for (oc = 0; oc < p->out_c; ++oc) {
          const int32_t g = oc / cout_g;
          float acc = p->bias ? p->bias[oc] : 0.0f;
          for (ky = 0; ky < p->k_h; ++ky) {
            const int32_t iy = oy * p->stride_h - p->pad_top + ky * p->dil_h;
            if (iy < 0 || iy >= p->in_h) continue;
            for (kx = 0; kx < p->k_w; ++kx) {
              const int32_t ix = ox * p->stride_w - p->pad_left + kx * p->dil_w;
              if (ix < 0 || ix >= p->in_w) continue;
              acc = eg_codebook_dot(acc, inb + ((int32_t)iy * p->in_w + ix) * p->in_c + g * cin_g, p->index,
                                    p->index_bits, oc * per_oc + (ky * p->k_w + kx) * cin_g, cin_g, p->codebook);
            }
          }
          acc = acc < p->act_min ? p->act_min : acc;
          acc = acc > p->act_max ? p->act_max : acc;
          *out++ = acc;
        }
      }
    }
  }
}
