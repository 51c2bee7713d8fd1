#include "eg_fc_f32_lut.h"

#include "eg_codebook.h"
#include "eg_f32.h"

/* Four rows o..o+3 at once (weights from j0, j0 + K, ...; 4-bit indices: K even): each row its own
 * accumulator with its products in input order, as eg_codebook_dot; one load of x[i] for four rows,
 * four independent multiply-add chains. */
static void eg_fc_f32_lut_rows4(float acc[4], const float *x, const uint8_t *index, int32_t bits, int32_t j0,
                                int32_t K, const float *cb) {
  float a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
  int32_t i;
  if (bits == 8) {
    const uint8_t *r0 = index + j0, *r1 = r0 + K, *r2 = r1 + K, *r3 = r2 + K;
    for (i = 0; i < K; ++i) {
      const float xi = x[i];
      a0 += eg_fmul(xi, cb[r0[i]]);
      a1 += eg_fmul(xi, cb[r1[i]]);
      a2 += eg_fmul(xi, cb[r2[i]]);
      a3 += eg_fmul(xi, cb[r3[i]]);
    }
  } else { /* K even: every row starts on a byte, two weights per byte (low nibble first) */
    const uint8_t *r0 = index + (j0 >> 1), *r1 = r0 + (K >> 1), *r2 = r1 + (K >> 1), *r3 = r2 + (K >> 1);
    for (i = 0; i < K; i += 2) {
      const float x0 = x[i], x1 = x[i + 1];
      const uint32_t v0 = r0[i >> 1], v1 = r1[i >> 1], v2 = r2[i >> 1], v3 = r3[i >> 1];
      a0 += eg_fmul(x0, cb[v0 & 15u]);
      a1 += eg_fmul(x0, cb[v1 & 15u]);
      a2 += eg_fmul(x0, cb[v2 & 15u]);
      a3 += eg_fmul(x0, cb[v3 & 15u]);
      a0 += eg_fmul(x1, cb[v0 >> 4]);
      a1 += eg_fmul(x1, cb[v1 >> 4]);
      a2 += eg_fmul(x1, cb[v2 >> 4]);
      a3 += eg_fmul(x1, cb[v3 >> 4]);
    }
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}

static float eg_fc_f32_lut_clamp(const eg_fc_f32_lut_params *p, float v) {
  v = v < p->act_min ? p->act_min : v;
  return v > p->act_max ? p->act_max : v;
}

void eg_fc_f32_lut(const eg_fc_f32_lut_params *p, const float *in, float *out) {
  const int32_t K = p->in_features, N = p->out_features;
  int32_t b, o, q;
  for (b = 0; b < p->batch; ++b, in += K, out += N) {
    o = 0;
    if (p->index_bits == 8 || (K & 1) == 0)
      for (; o + 4 <= N; o += 4) {
        float acc[4];
        for (q = 0; q < 4; ++q) acc[q] = p->bias ? p->bias[o + q] : 0.0f;
        eg_fc_f32_lut_rows4(acc, in, p->index, p->index_bits, o * K, K, p->codebook);
        for (q = 0; q < 4; ++q) out[o + q] = eg_fc_f32_lut_clamp(p, acc[q]);
      }
    for (; o < N; ++o) /* the last N % 4 rows (every row for 4-bit indices and K odd) */
      out[o] = eg_fc_f32_lut_clamp(
          p, eg_codebook_dot(p->bias ? p->bias[o] : 0.0f, in, p->index, p->index_bits, o * K, K, p->codebook));
  }
}
