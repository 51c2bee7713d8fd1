#include "eg_rnn.h"

#include "eg_math.h"
#include "eg_quant.h"

/* Separate VMUL + VADD: 2 cycles on a Cortex-M4 against 3 for VFMA/VMLA, and
 * the same rounding as the host build and the reference interpreter. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off")
#endif

#define eg_sigmoid eg_sigmoidf
#define eg_tanh eg_tanhf

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

/* Three dot products sharing one vector: a . v, b . v, c . v added to s[0..2]. */
static void eg_dot3(float *s, const float *a, const float *b, const float *c, const float *v, int32_t n) {
  float s0 = s[0], s1 = s[1], s2 = s[2];
  int32_t k = 0;
  for (; k + 2 <= n; k += 2) {
    const float v0 = v[k], v1 = v[k + 1];
    s0 += a[k] * v0;
    s1 += b[k] * v0;
    s2 += c[k] * v0;
    s0 += a[k + 1] * v1;
    s1 += b[k + 1] * v1;
    s2 += c[k + 1] * v1;
  }
  if (k < n) {
    const float v0 = v[k];
    s0 += a[k] * v0;
    s1 += b[k] * v0;
    s2 += c[k] * v0;
  }
  s[0] = s0;
  s[1] = s1;
  s[2] = s2;
}

/* Four consecutive rows (row stride n) dotted with one vector, added to s[0..3]:
 * each loaded v[k] feeds four accumulators. Each row still sums in k order. */
static void eg_dot4(float *s, const float *a, const float *v, int32_t n) {
  const float *a1 = a + n, *a2 = a1 + n, *a3 = a2 + n;
  float s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
  int32_t k;
  for (k = 0; k < n; ++k) {
    const float v0 = v[k];
    s0 += a[k] * v0;
    s1 += a1[k] * v0;
    s2 += a2[k] * v0;
    s3 += a3[k] * v0;
  }
  s[0] = s0;
  s[1] = s1;
  s[2] = s2;
  s[3] = s3;
}

static float eg_dot1(float s, const float *a, const float *v, int32_t n) {
  int32_t k;
  for (k = 0; k < n; ++k) s += a[k] * v[k];
  return s;
}

int32_t eg_gru_scratch_floats(int32_t batch, int32_t hidden, int32_t input_size) {
  return batch * hidden + 3 * hidden + input_size;
}

/* Per step: x dequantized once; pass 1 (per hidden unit j, rows z, r, h of W
 * sharing x and rows z, r (and h for linear_before_reset) of R sharing the old
 * state) gives z, r and the candidate's pre-activation parts; pass 2 the
 * candidate and the new state, in place (it only reads r*h, or the pass-1
 * recurrent sum, besides its own h[j]). */
void eg_gru(const eg_gru_params *p, const void *X, void *Y, void *Y_h, float *scratch) {
  const int32_t H = p->hidden, I = p->input_size, NB = p->batch;
  const int lbr = p->linear_before_reset != 0;
  float *h = scratch;               /* [batch][hidden] state */
  float *gz = scratch + NB * H;     /* [hidden] z */
  float *gr = gz + H;               /* [hidden] r, then r * h (or r * (Rh h + Rbh)) */
  float *gh = gr + H;               /* [hidden] x part of the candidate (+ Rbh) */
  float *xv = gh + H;               /* [input_size] */
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
        for (j = 0; j < H; ++j) {
          float s[3], u[3];
          s[0] = Wb ? Wb[j] : 0.0f;
          s[1] = Wb ? Wb[H + j] : 0.0f;
          s[2] = Wb ? Wb[2 * H + j] : 0.0f;
          u[0] = Rb ? Rb[j] : 0.0f;
          u[1] = Rb ? Rb[H + j] : 0.0f;
          u[2] = Rb ? Rb[2 * H + j] : 0.0f;
          eg_dot3(s, W + j * I, W + (H + j) * I, W + (2 * H + j) * I, xv, I);
          if (lbr) {
            eg_dot3(u, R + j * H, R + (H + j) * H, R + (2 * H + j) * H, hb, H);
          } else {
            u[0] = eg_dot1(u[0], R + j * H, hb, H);
            u[1] = eg_dot1(u[1], R + (H + j) * H, hb, H);
          }
          gz[j] = eg_sigmoid(s[0] + u[0]);
          gr[j] = eg_sigmoid(s[1] + u[1]);
          gh[j] = lbr ? s[2] + gr[j] * u[2] : s[2];
        }
        if (!lbr)
          for (j = 0; j < H; ++j) gr[j] *= hb[j];
        for (j = 0; j < H; ++j) {
          const float hh = eg_tanh(lbr ? gh[j] : gh[j] + eg_dot1(Rb ? Rb[2 * H + j] : 0.0f, R + (2 * H + j) * H, gr, H));
          const float z = gz[j];
          hb[j] = (1.0f - z) * hh + z * hb[j];
        }
      }
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
          for (j = 0; j < 4 * H; j += 4) { /* 4 * H rows: four at a time */
            float *g = gate + j;
            for (k = 0; k < 4; ++k) g[k] = Wb ? Wb[j + k] + Rb[j + k] : 0.0f;
            eg_dot4(g, W + j * I, xv, I);
            eg_dot4(g, R + j * H, hb, H);
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
