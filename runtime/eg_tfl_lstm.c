#include "eg_tfl_lstm.h"

#include "eg_math.h"

static float eg_tfl_act(int32_t act, float v) {
  switch (act) {
    case EG_TFL_ACT_RELU: return v > 0.0f ? v : 0.0f;
    case EG_TFL_ACT_RELU6: return v > 6.0f ? 6.0f : (v > 0.0f ? v : 0.0f);
    case EG_TFL_ACT_TANH: return eg_tanhf(v);
    default: return v;
  }
}

/* gate[j] = (sum_i w[j][i] x[i] + bias[j]) + sum_m r[j][m] h[m] */
static void eg_tfl_gate(const float *w, const float *r, const float *bias, const float *x, const float *h, int32_t in,
                        int32_t hid, float *gate) {
  int32_t j, k;
  for (j = 0; j < hid; ++j) {
    float acc = 0.0f, rec = 0.0f;
    for (k = 0; k < in; ++k) acc += w[j * in + k] * x[k];
    acc += bias ? bias[j] : 0.0f;
    for (k = 0; k < hid; ++k) rec += r[j * hid + k] * h[k];
    gate[j] = acc + rec;
  }
}

void eg_lstm_f32_tfl(const eg_lstm_f32_tfl_params *p, const float *in, float *out, float *scratch) {
  const int32_t B = p->batch, T = p->steps, I = p->input, H = p->hidden;
  float *hs = scratch, *cs = scratch + B * H, *g = scratch + 2 * B * H;
  int32_t t, b, j, k;
  for (j = 0; j < 2 * B * H; ++j) scratch[j] = 0.0f;
  for (t = 0; t < T; ++t)
    for (b = 0; b < B; ++b) {
      const int32_t row = p->time_major ? t * B + b : b * T + t;
      const float *x = in + row * I;
      float *h = hs + b * H, *c = cs + b * H, *y = out + row * H;
      for (k = p->w[0] ? 0 : 1; k < 4; ++k) eg_tfl_gate(p->w[k], p->r[k], p->b[k], x, h, I, H, g + k * H);
      for (j = 0; j < H; ++j) {
        const float f = eg_sigmoidf(g[H + j] + (p->peep[1] ? p->peep[1][j] * c[j] : 0.0f));
        const float i = p->w[0] ? eg_sigmoidf(g[j] + (p->peep[0] ? p->peep[0][j] * c[j] : 0.0f)) : 1.0f - f;
        float cn = f * c[j] + i * eg_tfl_act(p->activation, g[2 * H + j]);
        if (p->cell_clip > 0.0f) cn = cn > p->cell_clip ? p->cell_clip : (cn < -p->cell_clip ? -p->cell_clip : cn);
        c[j] = cn;
        y[j] = eg_sigmoidf(g[3 * H + j] + (p->peep[2] ? p->peep[2][j] * cn : 0.0f)) * eg_tfl_act(p->activation, cn);
      }
      for (j = 0; j < H; ++j) h[j] = y[j];
    }
}
