/* edgegen runtime: fully connected layer, out[b][o] = sum_i in[b][i] * w[o][i] + bias[o]. */
#ifndef EG_FC_H
#define EG_FC_H
#include <stdint.h>

#include "eg_ort_exact.h"

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
  /* Weight layout: 0 = [out][in] row-major; EG_FC_W_I4 = groups of 4 output
   * rows interleaved per 4 inputs (see eg_fc_w_index), the DSP path's order. */
  int32_t w_layout;
  /* Optional (may be NULL): ONNX Runtime's float chain (eg_conv_s8_params.ort). */
  const eg_ort_chain *ort;
} eg_fc_s8_params;

#define EG_FC_W_I4 1
/* Position of w[o][k] in the EG_FC_W_I4 layout (K inputs, N outputs): for the
 * rows o < N & ~3, each group of 4 rows stores, per block of 4 inputs k < K & ~3,
 * 16 bytes (row 0's 4 weights, row 1's, row 2's, row 3's), then each row's last
 * K % 4 weights; the last N % 4 rows stay row-major. Same size as [out][in]. */
static inline int32_t eg_fc_w_index(int32_t K, int32_t N, int32_t o, int32_t k) {
  const int32_t K4 = K & ~3, r = o & 3, base = (o & ~3) * K;
  if (o >= (N & ~3)) return o * K + k;
  if (k < K4) return base + (k & ~3) * 4 + r * 4 + (k & 3);
  return base + K4 * 4 + r * (K - K4) + (k - K4);
}

/* Optimized with the DSP extension (EG_USE_DSP), else the reference; identical results. */
void eg_fc_s8(const eg_fc_s8_params *p, const int8_t *in, int8_t *out);
void eg_fc_s8_ref(const eg_fc_s8_params *p, const int8_t *in, int8_t *out);
/* The reference for w_layout 0 only (the reference's small part): what edgegen
 * emits for layers too small to gain from the DSP path. */
void eg_fc_s8_small(const eg_fc_s8_params *p, const int8_t *in, int8_t *out);
/* One path of eg_fc_s8, chosen at compile time (edgegen emits a direct call, so
 * the linker drops the others); without the DSP extension, the reference.
 * Preconditions: bias_zp given, every channel eg_requant_fast_ok; _fast:
 * w_layout 0, _i4: w_layout EG_FC_W_I4. */
void eg_fc_s8_fast(const eg_fc_s8_params *p, const int8_t *in, int8_t *out);
void eg_fc_s8_i4(const eg_fc_s8_params *p, const int8_t *in, int8_t *out);
/* The same three with TFLite's requantization (eg_requantize_tfl, TFLite Micro's
 * reference kernels bit for bit); mult/shift from TFLite's QuantizeMultiplier;
 * _fast / _i4: every channel eg_requant_tfl_fast_ok. */
void eg_fc_s8_tfl_ref(const eg_fc_s8_params *p, const int8_t *in, int8_t *out);
void eg_fc_s8_tfl_fast(const eg_fc_s8_params *p, const int8_t *in, int8_t *out);
void eg_fc_s8_tfl_i4(const eg_fc_s8_params *p, const int8_t *in, int8_t *out);

#endif
