#include "eg_rnn.h"

#include "eg_fc_f32.h"
#include "eg_math.h"
#include "eg_quant.h"

/* Separate VMUL + VADD: 2 cycles on a Cortex-M4 against 3 for VFMA/VMLA, and
 * the same rounding as the host build and the reference interpreter. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off")
#endif

#define eg_sigmoid eg_sigmoid_inl
#define eg_tanh eg_tanh_inl

static void eg_store(void *base, int32_t i, float v, int32_t type, float scale, int32_t zp) {
  if (type == EG_RNN_S8)
    ((int8_t *)base)[i] = eg_quantize_one_s8(v, scale, zp);
  else
    ((float *)base)[i] = v;
}

/* n values from v to base[off..off+n), quantized when the tensor is int8 */
static void eg_store_row(void *base, int32_t off, const float *v, int32_t n, int32_t type, float scale, int32_t zp) {
  int32_t i;
  if (type == EG_RNN_S8) eg_quantize_f32_s8(v, (int8_t *)base + off, n, scale, zp);
  else
    for (i = 0; i < n; ++i) ((float *)base)[off + i] = v[i];
}

/* The step's input as float (dequantized once, not once per gate row). */
static void eg_load_x(float *xv, const void *X, int32_t off, int32_t n, int32_t type, float scale, int32_t zp) {
  int32_t k;
  if (type == EG_RNN_S8) {
    const int8_t *x = (const int8_t *)X + off;
    for (k = 0; k < n; ++k) xv[k] = (float)((int32_t)x[k] - zp) * scale;
  } else {
    const float *x = (const float *)X + off;
    for (k = 0; k < n; ++k) xv[k] = x[k];
  }
}

/* out[N] = bias (or 0) + w8 . v: the weights in eg_fc_f32_w8's layout, no clamp. */
#define eg_gates(out, w8, bias, v, K, N) eg_fc_f32_w8_vec(w8, bias, v, K, N, out)

int32_t eg_gru_scratch_floats(int32_t batch, int32_t hidden, int32_t input_size) {
  return batch * hidden + 6 * hidden + input_size;
}

/* Per step: gx = Wb + W x (3H rows), gu = Rb + R h (all 3H rows with
 * linear_before_reset, else z and r, and after r the candidate's Rh (r h) + Rbh
 * from the r h vector kept in gu[H..2H)); then the gates, the candidate and the
 * new state per unit. */
void eg_gru(const eg_gru_params *p, const void *X, void *Y, void *Y_h, float *scratch) {
  const int32_t H = p->hidden, I = p->input_size, NB = p->batch;
  const int lbr = p->linear_before_reset != 0;
  float *h = scratch;           /* [batch][hidden] state */
  float *gx = scratch + NB * H; /* [3 * hidden]: Wb + W x; gx[j] becomes z */
  float *gu = gx + 3 * H;       /* [3 * hidden]: Rb + R h (or r h, Rh (r h) + Rbh) */
  float *xv = gu + 3 * H;       /* [input_size] */
  int32_t d, b, t, j;
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
        float *hb = h + b * H;
        eg_load_x(xv, X, (step * NB + b) * I, I, p->x_type, p->x_scale, p->x_zp);
        eg_gates(gx, W, Wb, xv, I, 3 * H);
        eg_gates(gu, R, Rb, hb, H, lbr ? 3 * H : 2 * H);
        for (j = 0; j < H; ++j) {
          const float z = eg_sigmoid(gx[j] + gu[j]);
          const float r = eg_sigmoid(gx[H + j] + gu[H + j]);
          if (lbr) {
            const float hh = eg_tanh(gx[2 * H + j] + r * gu[2 * H + j]);
            hb[j] = (1.0f - z) * hh + z * hb[j];
          } else {
            gx[j] = z;
            gu[H + j] = r * hb[j];
          }
        }
        if (!lbr) {
          eg_gates(gu + 2 * H, R + 2 * H * H, Rb ? Rb + 2 * H : 0, gu + H, H, H);
          for (j = 0; j < H; ++j) {
            const float hh = eg_tanh(gx[2 * H + j] + gu[2 * H + j]);
            const float z = gx[j];
            hb[j] = (1.0f - z) * hh + z * hb[j];
          }
        }
      }
      if (Y)
        for (b = 0; b < NB; ++b)
          eg_store_row(Y, ((step * p->num_dir + d) * NB + b) * H, h + b * H, H, p->y_type, p->y_scale, p->y_zp);
    }
    if (Y_h) eg_store_row(Y_h, d * NB * H, h, NB * H, p->yh_type, p->yh_scale, p->yh_zp);
  }
}

static float eg_act(int32_t kind, float x) {
  if (kind == EG_ACT_TANH) return eg_tanh(x);
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

/* The state h of batch row b lives right after that row's input copy (xh[b] =
 * [x (input_size) | h (hidden)]), so one matrix product over (W | R) gives Wb +
 * Rb + W x + R h per gate, in the order of the ONNX formula. */
static void eg_init_states(float *xh, float *c, const float *H0, const float *C0, int32_t NB, int32_t I, int32_t H) {
  int32_t b, j;
  for (b = 0; b < NB; ++b)
    for (j = 0; j < H; ++j) {
      xh[b * (I + H) + I + j] = H0 ? H0[b * H + j] : 0.0f;
      if (c) c[b * H + j] = C0 ? C0[b * H + j] : 0.0f;
    }
}

/* Y (if any) at time t: the row's state, or zeros past its sequence length. */
static void eg_store_y(void *Y, int32_t pos, int32_t dir, int32_t num_dir, int32_t NB, int32_t b, int32_t H,
                       const float *hb, int32_t type, float scale, int32_t zp) {
  int32_t j;
  if (!Y) return;
  if (hb) eg_store_row(Y, ((pos * num_dir + dir) * NB + b) * H, hb, H, type, scale, zp);
  else
    for (j = 0; j < H; ++j) eg_store(Y, ((pos * num_dir + dir) * NB + b) * H + j, 0.0f, type, scale, zp);
}

/* Y_h / Y_c of one direction from the per-row states (stride apart). */
static void eg_store_state(void *out, int32_t dir, const float *s, int32_t stride, int32_t NB, int32_t H, int32_t type,
                           float scale, int32_t zp) {
  int32_t b;
  if (!out) return;
  for (b = 0; b < NB; ++b) eg_store_row(out, (dir * NB + b) * H, s + b * stride, H, type, scale, zp);
}

int32_t eg_lstm_scratch_floats(int32_t batch, int32_t hidden, int32_t input_size) {
  return batch * (input_size + hidden) + batch * hidden + 4 * hidden;
}

void eg_lstm(const eg_lstm_params *p, const void *X, void *Y, void *Y_h, void *Y_c, float *scratch) {
  const int32_t H = p->hidden, I = p->input_size, NB = p->batch, T = p->seq_len, K = I + H;
  float *xh = scratch;            /* [batch][input_size + hidden]: the input as float, then h */
  float *c = scratch + NB * K;    /* [batch][hidden] */
  float *gate = c + NB * H;       /* [4][hidden]: i, o, f, c */
  int32_t d, b, t, j;
  for (d = 0; d < p->num_dir; ++d) {
    const int reverse = (p->num_dir == 2) ? (d == 1) : p->reverse;
    const float *WR = p->WR + (int32_t)d * 4 * H * K;
    const float *B = p->B ? p->B + (int32_t)d * 4 * H : 0;
    const float *P = p->P ? p->P + (int32_t)d * 3 * H : 0;
    const int plain = !P && !(p->clip > 0.0f) && p->act_f == EG_ACT_SIGMOID && p->act_g == EG_ACT_TANH &&
                      p->act_h == EG_ACT_TANH;
    eg_init_states(xh, c, p->H0 ? p->H0 + (int32_t)d * NB * H : 0, p->C0 ? p->C0 + (int32_t)d * NB * H : 0, NB, I,
                   H);
    for (t = 0; t < T; ++t) {
      for (b = 0; b < NB; ++b) {
        const int32_t len = eg_steps(p->seq_lens, b, T);
        const int32_t step = reverse ? len - 1 - t : t;
        float *xb = xh + b * K, *hb = xb + I, *cb = c + b * H;
        if (t >= len) { /* padded steps: zeros */
          eg_store_y(Y, t, d, p->num_dir, NB, b, H, 0, p->y_type, p->y_scale, p->y_zp);
          continue;
        }
        eg_load_x(xb, X, (step * NB + b) * I, I, p->x_type, p->x_scale, p->x_zp);
        eg_gates(gate, WR, B, xb, K, 4 * H);
        if (plain) { /* the usual cell: no peepholes, no clip, sigmoid/tanh/tanh; same operations */
          for (j = 0; j < 3 * H; ++j) gate[j] = eg_sigmoid(gate[j]);
          for (j = 3 * H; j < 4 * H; ++j) gate[j] = eg_tanh(gate[j]);
          for (j = 0; j < H; ++j) {
            const float cn = gate[2 * H + j] * cb[j] + gate[j] * gate[3 * H + j];
            cb[j] = cn;
            hb[j] = gate[H + j] * eg_tanh(cn);
          }
        } else
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
        eg_store_y(Y, step, d, p->num_dir, NB, b, H, hb, p->y_type, p->y_scale, p->y_zp);
      }
    }
    eg_store_state(Y_h, d, xh + I, K, NB, H, p->yh_type, p->yh_scale, p->yh_zp);
    eg_store_state(Y_c, d, c, H, NB, H, p->yc_type, p->yc_scale, p->yc_zp);
  }
}

int32_t eg_rnn_scratch_floats(int32_t batch, int32_t hidden, int32_t input_size) {
  return batch * (input_size + hidden) + hidden;
}

void eg_rnn(const eg_rnn_params *p, const void *X, void *Y, void *Y_h, float *scratch) {
  const int32_t H = p->hidden, I = p->input_size, NB = p->batch, T = p->seq_len, K = I + H;
  float *xh = scratch;          /* [batch][input_size + hidden]: the input as float, then h */
  float *gate = scratch + NB * K; /* [hidden] */
  int32_t d, b, t, j;
  for (d = 0; d < p->num_dir; ++d) {
    const int reverse = (p->num_dir == 2) ? (d == 1) : p->reverse;
    const float *WR = p->WR + (int32_t)d * H * K;
    const float *B = p->B ? p->B + (int32_t)d * H : 0;
    eg_init_states(xh, 0, p->H0 ? p->H0 + (int32_t)d * NB * H : 0, 0, NB, I, H);
    for (t = 0; t < T; ++t) {
      for (b = 0; b < NB; ++b) {
        const int32_t len = eg_steps(p->seq_lens, b, T);
        const int32_t step = reverse ? len - 1 - t : t;
        float *xb = xh + b * K, *hb = xb + I;
        if (t >= len) {
          eg_store_y(Y, t, d, p->num_dir, NB, b, H, 0, p->y_type, p->y_scale, p->y_zp);
          continue;
        }
        eg_load_x(xb, X, (step * NB + b) * I, I, p->x_type, p->x_scale, p->x_zp);
        eg_gates(gate, WR, B, xb, K, H);
        for (j = 0; j < H; ++j) hb[j] = eg_act(p->act[d], eg_clipf(gate[j], p->clip));
        eg_store_y(Y, step, d, p->num_dir, NB, b, H, hb, p->y_type, p->y_scale, p->y_zp);
      }
    }
    eg_store_state(Y_h, d, xh + I, K, NB, H, p->yh_type, p->yh_scale, p->yh_zp);
  }
}
