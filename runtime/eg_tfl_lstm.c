#include "eg_tfl_lstm.h"

#include <math.h>

#include "eg_math.h"

static float eg_tfl_act(int32_t act, float v) {
  switch (act) {
    case EG_TFL_ACT_RELU: return v > 0.0f ? v : 0.0f;
    case EG_TFL_ACT_RELU6: return v > 6.0f ? 6.0f : (v > 0.0f ? v : 0.0f);
    case EG_TFL_ACT_TANH: return eg_tanhf(v);
    default: return v;
  }
}

/* +-clip when clip > 0 (TFLite's CwiseClipping), else v. */
static float eg_tfl_clip(float v, float clip) {
  if (clip <= 0.0f) return v;
  return v > clip ? clip : (v < -clip ? -clip : v);
}

/* One gate of one batch row (TFLite's CalculateLstmGateFloat): W x + R h (+ bias
 * unless layer norm) + peephole * cell, then the layer norm, then the activation
 * (sigmoid, or the cell activation for the cell gate). */
static void eg_tfl_gate(const eg_lstm_f32_tfl_params *p, int32_t k, const float *x, const float *h, const float *c,
                        float *gate) {
  const int32_t I = p->input, C = p->cell, O = p->output;
  const float *w = p->w[k], *r = p->r[k], *bias = p->b[k], *ln = p->ln[k];
  const float *peep = k == 2 ? 0 : p->peep[k == 3 ? 2 : k];
  float sum = 0.0f, sq = 0.0f, mean = 0.0f, inv = 1.0f;
  int32_t j, i;
  for (j = 0; j < C; ++j) {
    float acc = 0.0f, rec = 0.0f;
    for (i = 0; i < I; ++i) acc += w[j * I + i] * x[i];
    for (i = 0; i < O; ++i) rec += r[j * O + i] * h[i];
    gate[j] = (ln ? 0.0f : bias[j]) + acc + rec + (peep ? peep[j] * c[j] : 0.0f);
  }
  if (ln) { /* MeanStddevNormalization over the cells, then * coefficient + bias */
    for (j = 0; j < C; ++j) sum += gate[j];
    mean = sum / (float)C;
    for (j = 0; j < C; ++j) sq += (gate[j] - mean) * (gate[j] - mean);
    inv = 1.0f / sqrtf(sq / (float)C + 1e-8f);
    for (j = 0; j < C; ++j) gate[j] = (gate[j] - mean) * inv * ln[j] + bias[j];
  }
  for (j = 0; j < C; ++j) gate[j] = k == 2 ? eg_tfl_act(p->activation, gate[j]) : eg_sigmoidf(gate[j]);
}

void eg_lstm_f32_tfl(const eg_lstm_f32_tfl_params *p, const float *in, float *out, float *scratch) {
  const int32_t B = p->batch, T = p->steps, C = p->cell, O = p->output;
  float *hs = scratch, *cs = scratch + B * O, *gi = cs + B * C, *gf = gi + C, *gg = gf + C, *go = gg + C;
  int32_t t, b, j, k;
  for (j = 0; j < B * (O + C); ++j) scratch[j] = 0.0f;
  for (t = 0; t < T; ++t)
    for (b = 0; b < B; ++b) {
      const int32_t row = p->time_major ? t * B + b : b * T + t;
      const float *x = in + row * p->input;
      float *h = hs + b * O, *c = cs + b * C, *y = out + row * O, *m = gi; /* m reuses the input gate's row */
      if (p->w[0]) eg_tfl_gate(p, 0, x, h, c, gi);
      eg_tfl_gate(p, 1, x, h, c, gf);
      eg_tfl_gate(p, 2, x, h, c, gg);
      for (j = 0; j < C; ++j) c[j] = eg_tfl_clip(gf[j] * c[j] + (p->w[0] ? gi[j] : 1.0f - gf[j]) * gg[j], p->cell_clip);
      eg_tfl_gate(p, 3, x, h, c, go);
      for (j = 0; j < C; ++j) m[j] = go[j] * eg_tfl_act(p->activation, c[j]);
      if (!p->proj) {
        for (j = 0; j < C; ++j) y[j] = m[j];
      } else {
        for (j = 0; j < O; ++j) {
          float acc = p->proj_bias ? p->proj_bias[j] : 0.0f;
          for (k = 0; k < C; ++k) acc += p->proj[j * C + k] * m[k];
          y[j] = eg_tfl_clip(acc, p->proj_clip);
        }
      }
      for (j = 0; j < O; ++j) h[j] = y[j];
    }
}
