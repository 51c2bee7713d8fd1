/* edgegen runtime: float fully connected layer,
 * out[b][o] = clamp(bias[o] + sum_i in[b][i] * w[o][i], act_min, act_max).
 *
 * eg_fc_f32: weights [out][in] (the reference).
 * eg_fc_f32_w8: weights in the W8 layout (eg_fc_f32_w8_index): the rows
 *   o < N & ~7 in groups of 8 interleaved per input ([N / 8][K][8]), then the
 *   last N % 8 rows [out][in]; same size. On a Cortex-M with a single-precision
 *   FPU, 8 outputs per block in inline asm (VLDM, VMUL+VADD), else C.
 * Both give identical results: bias (or 0), then the products in input order,
 * one float multiply and one float add each (no fused multiply-add). */
#ifndef EG_FC_F32_H
#define EG_FC_F32_H
#include <stdint.h>

typedef struct {
  int32_t batch, in_features, out_features;
  float act_min, act_max;
  const float *weights; /* [out][in] or W8 */
  const float *bias;    /* [out] or NULL */
} eg_fc_f32_params;

void eg_fc_f32(const eg_fc_f32_params *p, const float *in, float *out);
void eg_fc_f32_w8(const eg_fc_f32_params *p, const float *in, float *out);
/* One vector, no clamp, no parameter struct (the recurrent cells' gate products, many per
 * inference): out[N] = bias (or 0) + w8 . x, w8 in the W8 layout of [N][K]. Same results. */
void eg_fc_f32_w8_vec(const float *w8, const float *bias, const float *x, int32_t K, int32_t N, float *out);

/* W8 position of w[o][k] (K inputs, N outputs). */
static inline int32_t eg_fc_f32_w8_index(int32_t K, int32_t N, int32_t o, int32_t k) {
  const int32_t N8 = N & ~7;
  return o < N8 ? (o >> 3) * K * 8 + k * 8 + (o & 7) : o * K + k;
}

#endif
