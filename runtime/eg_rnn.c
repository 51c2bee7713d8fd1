#include "eg_rnn.h"

#include <math.h>

#include "eg_quant.h"

static float eg_sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

static float eg_load(const void *base, int32_t i, int32_t type, float scale, int32_t zp) {
  if (type == EG_RNN_S8) return (float)((int32_t)((const int8_t *)base)[i] - zp) * scale;
  return ((const float *)base)[i];
}

static void eg_store(void *base, int32_t i, float v, int32_t type, float scale, int32_t zp) {
  if (type == EG_RNN_S8)
    ((int8_t *)base)[i] = eg_quantize_one_s8(v, scale, zp);
  else
    ((float *)base)[i] = v;
}

int32_t eg_gru_scratch_floats(int32_t batch, int32_t hidden) { return batch * hidden * 2 + 3 * hidden; }

void eg_gru(const eg_gru_params *p, const void *X, void *Y, void *Y_h, float *scratch) {
  const int32_t H = p->hidden, I = p->input_size, NB = p->batch;
  float *h = scratch;                /* [batch][hidden] current state */
  float *hn = scratch + NB * H;      /* [batch][hidden] next state */
  float *gate = scratch + 2 * NB * H; /* [3][hidden] */
  int32_t d, b, t, j, k;
  for (d = 0; d < p->num_dir; ++d) {
    const int reverse = (p->num_dir == 2) ? (d == 1) : p->reverse;
    const float *W = p->W + (int32_t)d * 3 * H * I;
    const float *R = p->R + (int32_t)d * 3 * H * H;
    const float *Wb = p->B ? p->B + (int32_t)d * 6 * H : 0;
    const float *Rb = Wb ? Wb + 3 * H : 0;
    for (j = 0; j < NB * H; ++j) h[j] = p->H0 ? p->H0[(int32_t)d * NB * H + j] : 0.0f;
    for (t = 0; t < p->seq_len; ++t) {
      const int32_t step = reverse ? p->seq_len - 1 - t : t;
      for (b = 0; b < NB; ++b) {
        const int32_t xoff = (step * NB + b) * I;
        const float *hb = h + b * H;
        for (j = 0; j < H; ++j) {
          /* gate pre-activations: x part for z, r, h and recurrent part for z, r, h */
          float xz = Wb ? Wb[j] : 0.0f, xr = Wb ? Wb[H + j] : 0.0f, xh = Wb ? Wb[2 * H + j] : 0.0f;
          float rz = Rb ? Rb[j] : 0.0f, rr = Rb ? Rb[H + j] : 0.0f, rh = Rb ? Rb[2 * H + j] : 0.0f;
          const float *wz = W + j * I, *wr = W + (H + j) * I, *wh = W + (2 * H + j) * I;
          const float *uz = R + j * H, *ur = R + (H + j) * H;
          for (k = 0; k < I; ++k) {
            const float x = eg_load(X, xoff + k, p->x_type, p->x_scale, p->x_zp);
            xz += wz[k] * x;
            xr += wr[k] * x;
            xh += wh[k] * x;
          }
          for (k = 0; k < H; ++k) {
            rz += uz[k] * hb[k];
            rr += ur[k] * hb[k];
          }
          gate[j] = eg_sigmoid(xz + rz);
          gate[H + j] = eg_sigmoid(xr + rr);
          gate[2 * H + j] = xh;
          (void)rh;
        }
        for (j = 0; j < H; ++j) {
          const float *uh = R + (2 * H + j) * H;
          const float r = gate[H + j];
          float acc = Rb ? Rb[2 * H + j] : 0.0f, hh;
          if (p->linear_before_reset) {
            for (k = 0; k < H; ++k) acc += uh[k] * hb[k];
            hh = tanhf(gate[2 * H + j] + r * acc);
          } else {
            for (k = 0; k < H; ++k) acc += uh[k] * (gate[H + k] * hb[k]);
            hh = tanhf(gate[2 * H + j] + acc);
          }
          hn[b * H + j] = (1.0f - gate[j]) * hh + gate[j] * hb[j];
        }
      }
      for (j = 0; j < NB * H; ++j) h[j] = hn[j];
      if (Y)
        for (b = 0; b < NB; ++b)
          for (j = 0; j < H; ++j)
            eg_store(Y, ((step * p->num_dir + d) * NB + b) * H + j, h[b * H + j], p->y_type, p->y_scale,
                     p->y_zp);
    }
    if (Y_h)
      for (j = 0; j < NB * H; ++j) eg_store(Y_h, d * NB * H + j, h[j], p->yh_type, p->yh_scale, p->yh_zp);
  }
}

static float eg_act(int32_t kind, float x) {
  if (kind == EG_ACT_TANH) return tanhf(x);
  if (kind == EG_ACT_RELU) return x > 0.0f ? x : 0.0f;
  return eg_sigmoid(x);
}

static float eg_clipf(float x, float clip) {
  if (clip <= 0.0f) return x;
  return x < -clip ? -clip : (x > clip ? clip : x);
}

static int32_t eg_steps(const int32_t *seq_lens, int32_t b, int32_t seq_len) {
  int32_t n = seq_lens ? seq_lens[b] : seq_len;
  return n < 0 ? 0 : (n > seq_len ? seq_len : n);
}

int32_t eg_lstm_scratch_floats(int32_t batch, int32_t hidden, int32_t input_size) {
  return batch * hidden * 2 + 4 * hidden + input_size;
}

void eg_lstm(const eg_lstm_params *p, const void *X, void *Y, void *Y_h, void *Y_c, float *scratch) {
  const int32_t H = p->hidden, I = p->input_size, NB = p->batch, T = p->seq_len;
  float *h = scratch;             /* [batch][hidden] */
  float *c = scratch + NB * H;    /* [batch][hidden] */
  float *gate = scratch + 2 * NB * H; /* [4][hidden]: i, o, f, c */
  float *xv = gate + 4 * H;           /* [input_size]: the current input as float */
  int32_t d, b, t, j, k;
  for (d = 0; d < p->num_dir; ++d) {
    const int reverse = (p->num_dir == 2) ? (d == 1) : p->reverse;
    const float *W = p->W + (int32_t)d * 4 * H * I;
    const float *R = p->R + (int32_t)d * 4 * H * H;
    const float *Wb = p->B ? p->B + (int32_t)d * 8 * H : 0;
    const float *Rb = Wb ? Wb + 4 * H : 0;
    const float *P = p->P ? p->P + (int32_t)d * 3 * H : 0;
    for (j = 0; j < NB * H; ++j) {
      h[j] = p->H0 ? p->H0[(int32_t)d * NB * H + j] : 0.0f;
      c[j] = p->C0 ? p->C0[(int32_t)d * NB * H + j] : 0.0f;
    }
    for (t = 0; t < T; ++t) {
      for (b = 0; b < NB; ++b) {
        const int32_t len = eg_steps(p->seq_lens, b, T);
        const int32_t step = reverse ? len - 1 - t : t;
        float *hb = h + b * H, *cb = c + b * H;
        if (t >= len) {
          if (Y) {
            const int32_t pos = t; /* padded steps: zeros */
            for (j = 0; j < H; ++j)
              eg_store(Y, ((pos * p->num_dir + d) * NB + b) * H + j, 0.0f, p->y_type, p->y_scale, p->y_zp);
          }
          continue;
        }
        {
          const int32_t xoff = (step * NB + b) * I;
          for (k = 0; k < I; ++k) xv[k] = eg_load(X, xoff + k, p->x_type, p->x_scale, p->x_zp);
          for (j = 0; j < 4 * H; ++j) {
            const float *w = W + j * I, *r = R + j * H;
            float acc = Wb ? Wb[j] + Rb[j] : 0.0f;
            for (k = 0; k < I; ++k) acc += w[k] * xv[k];
            for (k = 0; k < H; ++k) acc += r[k] * hb[k];
            gate[j] = acc;
          }
          for (j = 0; j < H; ++j) {
            float gi = gate[j], go = gate[H + j], gf = gate[2 * H + j], gc = gate[3 * H + j], cn;
            if (P) {
              gi += P[j] * cb[j];
              gf += P[2 * H + j] * cb[j];
            }
            gi = eg_act(p->act_f, eg_clipf(gi, p->clip));
            gf = eg_act(p->act_f, eg_clipf(gf, p->clip));
            gc = eg_act(p->act_g, eg_clipf(gc, p->clip));
            cn = gf * cb[j] + gi * gc;
            if (P) go += P[H + j] * cn;
            go = eg_act(p->act_f, eg_clipf(go, p->clip));
            cb[j] = cn;
            hb[j] = go * eg_act(p->act_h, cn);
          }
          if (Y)
            for (j = 0; j < H; ++j)
              eg_store(Y, ((step * p->num_dir + d) * NB + b) * H + j, hb[j], p->y_type, p->y_scale, p->y_zp);
        }
      }
    }
    if (Y_h)
      for (j = 0; j < NB * H; ++j) eg_store(Y_h, d * NB * H + j, h[j], p->yh_type, p->yh_scale, p->yh_zp);
    if (Y_c)
      for (j = 0; j < NB * H; ++j) eg_store(Y_c, d * NB * H + j, c[j], p->yc_type, p->yc_scale, p->yc_zp);
  }
}

int32_t eg_rnn_scratch_floats(int32_t batch, int32_t hidden, int32_t input_size) {
  return batch * hidden + hidden + input_size;
}

void eg_rnn(const eg_rnn_params *p, const void *X, void *Y, void *Y_h, float *scratch) {
  const int32_t H = p->hidden, I = p->input_size, NB = p->batch, T = p->seq_len;
  float *h = scratch;           /* [batch][hidden] */
  float *gate = scratch + NB * H; /* [hidden] */
  float *xv = gate + H;           /* [input_size] */
  int32_t d, b, t, j, k;
  for (d = 0; d < p->num_dir; ++d) {
    const int reverse = (p->num_dir == 2) ? (d == 1) : p->reverse;
    const float *W = p->W + (int32_t)d * H * I;
    const float *R = p->R + (int32_t)d * H * H;
    const float *Wb = p->B ? p->B + (int32_t)d * 2 * H : 0;
    const float *Rb = Wb ? Wb + H : 0;
    for (j = 0; j < NB * H; ++j) h[j] = p->H0 ? p->H0[(int32_t)d * NB * H + j] : 0.0f;
    for (t = 0; t < T; ++t) {
      for (b = 0; b < NB; ++b) {
        const int32_t len = eg_steps(p->seq_lens, b, T);
        const int32_t step = reverse ? len - 1 - t : t;
        float *hb = h + b * H;
        if (t >= len) {
          if (Y)
            for (j = 0; j < H; ++j)
              eg_store(Y, ((t * p->num_dir + d) * NB + b) * H + j, 0.0f, p->y_type, p->y_scale, p->y_zp);
          continue;
        }
        {
          const int32_t xoff = (step * NB + b) * I;
          for (k = 0; k < I; ++k) xv[k] = eg_load(X, xoff + k, p->x_type, p->x_scale, p->x_zp);
          for (j = 0; j < H; ++j) {
            const float *w = W + j * I, *r = R + j * H;
            float acc = Wb ? Wb[j] + Rb[j] : 0.0f;
            for (k = 0; k < I; ++k) acc += w[k] * xv[k];
            for (k = 0; k < H; ++k) acc += r[k] * hb[k];
            gate[j] = eg_act(p->act[d], eg_clipf(acc, p->clip));
          }
          for (j = 0; j < H; ++j) hb[j] = gate[j];
          if (Y)
            for (j = 0; j < H; ++j)
              eg_store(Y, ((step * p->num_dir + d) * NB + b) * H + j, hb[j], p->y_type, p->y_scale, p->y_zp);
        }
      }
    }
    if (Y_h)
      for (j = 0; j < NB * H; ++j) eg_store(Y_h, d * NB * H + j, h[j], p->yh_type, p->yh_scale, p->yh_zp);
  }
}
