#include "eg_rnn_generic.h"

#include <math.h>

#include "eg_math.h"
#include "eg_quant.h"
#include "eg_rnn.h"

/* Same rounding as the host build and the reference interpreter (no FMA contraction). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off")
#endif

static float eg_ract_apply(const eg_ract *a, float x) {
  switch (a->kind) {
    case EG_RACT_TANH: return eg_tanhf(x);
    case EG_RACT_RELU: return x > 0.0f ? x : 0.0f;
    case EG_RACT_AFFINE: return a->alpha * x + a->beta;
    case EG_RACT_LEAKY_RELU: return x >= 0.0f ? x : a->alpha * x;
    case EG_RACT_THRESHOLDED_RELU: return x > a->alpha ? x : 0.0f;
    case EG_RACT_SCALED_TANH: return a->alpha * eg_tanhf(a->beta * x);
    case EG_RACT_HARD_SIGMOID: {
      const float v = a->alpha * x + a->beta;
      return v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v);
    }
    case EG_RACT_ELU: return x >= 0.0f ? x : a->alpha * (eg_expf(x) - 1.0f);
    case EG_RACT_SOFTSIGN: return x / (1.0f + (x < 0.0f ? -x : x));
    case EG_RACT_SOFTPLUS: return x > 0.0f ? x + log1pf(eg_expf(-x)) : log1pf(eg_expf(x));
    default: return eg_sigmoidf(x);
  }
}

static float eg_rg_clip(float x, float clip) {
  if (clip <= 0.0f) return x;
  return x < -clip ? -clip : (x > clip ? clip : x);
}

static float eg_rg_load(const void *base, int32_t i, int32_t type, float scale, int32_t zp) {
  if (type == EG_RNN_S8) return (float)((int32_t)((const int8_t *)base)[i] - zp) * scale;
  return ((const float *)base)[i];
}

static void eg_rg_store(void *base, int32_t i, float v, int32_t type, float scale, int32_t zp) {
  if (type == EG_RNN_S8)
    ((int8_t *)base)[i] = eg_quantize_one_s8(v, scale, zp);
  else
    ((float *)base)[i] = v;
}

/* s + row . v over n terms, in order. */
static float eg_rg_dot(float s, const float *row, const float *v, int32_t n) {
  int32_t k;
  for (k = 0; k < n; ++k) s += row[k] * v[k];
  return s;
}

int32_t eg_rnn_generic_scratch_floats(int32_t batch, int32_t hidden, int32_t input_size) {
  return 2 * batch * hidden + 5 * hidden + input_size;
}

void eg_rnn_generic(const eg_rnn_generic_params *p, const eg_rnn_generic_tensors *t, const void *X, void *Y,
                    void *Y_h, void *Y_c, float *scratch) {
  const int32_t H = p->hidden, I = p->input_size, NB = p->batch, T = p->seq_len;
  const int32_t G = p->cell == EG_CELL_LSTM ? 4 : (p->cell == EG_CELL_GRU ? 3 : 1);
  float *h = scratch;           /* [batch][hidden] */
  float *c = h + NB * H;        /* [batch][hidden] (LSTM) */
  float *gx = c + NB * H;       /* [G][hidden]: gate pre-activations; GRU: x parts */
  float *gr = gx + 4 * H;       /* [hidden]: GRU r * h_prev */
  float *xv = gr + H;           /* [input_size] */
  int32_t d, b, s, j;
  for (d = 0; d < p->num_dir; ++d) {
    const int reverse = (p->num_dir == 2) ? (d == 1) : p->reverse;
    const eg_ract *f = &p->act[d][0], *g = &p->act[d][1], *ha = &p->act[d][2];
    const float *W = t->W + (int32_t)d * G * H * I;
    const float *R = t->R + (int32_t)d * G * H * H;
    const float *Wb = t->B ? t->B + (int32_t)d * 2 * G * H : 0;
    const float *Rb = Wb ? Wb + G * H : 0;
    const float *P = t->P ? t->P + (int32_t)d * 3 * H : 0;
    for (j = 0; j < NB * H; ++j) {
      h[j] = t->H0 ? t->H0[(int32_t)d * NB * H + j] : 0.0f;
      c[j] = t->C0 ? t->C0[(int32_t)d * NB * H + j] : 0.0f;
    }
    for (s = 0; s < T; ++s) {
      for (b = 0; b < NB; ++b) {
        int32_t len = t->seq_lens ? t->seq_lens[b] : T, step, k;
        float *hb = h + b * H, *cb = c + b * H;
        len = len < 0 ? 0 : (len > T ? T : len);
        if (s >= len) { /* padded steps: zeros */
          if (Y)
            for (j = 0; j < H; ++j)
              eg_rg_store(Y, ((s * p->num_dir + d) * NB + b) * H + j, 0.0f, p->y_type, p->y_scale, p->y_zp);
          continue;
        }
        step = reverse ? len - 1 - s : s;
        for (k = 0; k < I; ++k) xv[k] = eg_rg_load(X, (step * NB + b) * I + k, p->x_type, p->x_scale, p->x_zp);
        if (p->cell == EG_CELL_GRU) {
          /* z, r from x and h; the candidate's x part (+ Wbh) kept in gx[2H..] */
          for (j = 0; j < 3 * H; ++j) gx[j] = eg_rg_dot(Wb ? Wb[j] : 0.0f, W + j * I, xv, I);
          for (j = 0; j < 2 * H; ++j) {
            const float a = eg_rg_dot(gx[j] + (Rb ? Rb[j] : 0.0f), R + j * H, hb, H);
            gx[j] = eg_ract_apply(f, eg_rg_clip(a, p->clip));
          }
          for (j = 0; j < H; ++j) gr[j] = gx[H + j] * hb[j];
          for (j = 0; j < H; ++j) {
            const float *rh = R + (2 * H + j) * H;
            const float rbh = Rb ? Rb[2 * H + j] : 0.0f;
            const float pre = p->linear_before_reset ? gx[2 * H + j] + gx[H + j] * eg_rg_dot(rbh, rh, hb, H)
                                                     : gx[2 * H + j] + eg_rg_dot(rbh, rh, gr, H);
            gx[3 * H + j] = eg_ract_apply(g, eg_rg_clip(pre, p->clip));
          }
          for (j = 0; j < H; ++j) {
            const float z = gx[j];
            hb[j] = (1.0f - z) * gx[3 * H + j] + z * hb[j];
          }
        } else {
          for (j = 0; j < G * H; ++j) {
            const float a = eg_rg_dot(Wb ? Wb[j] + Rb[j] : 0.0f, W + j * I, xv, I);
            gx[j] = eg_rg_dot(a, R + j * H, hb, H);
          }
          if (p->cell == EG_CELL_RNN) {
            for (j = 0; j < H; ++j) hb[j] = eg_ract_apply(f, eg_rg_clip(gx[j], p->clip));
          } else {
            for (j = 0; j < H; ++j) { /* gates i, o, f, c */
              float gi = gx[j], go = gx[H + j], gf = gx[2 * H + j], gc = gx[3 * H + j], cn;
              if (P) {
                gi += P[j] * cb[j];
                gf += P[2 * H + j] * cb[j];
              }
              gi = eg_ract_apply(f, eg_rg_clip(gi, p->clip));
              gf = p->input_forget ? 1.0f - gi : eg_ract_apply(f, eg_rg_clip(gf, p->clip));
              gc = eg_ract_apply(g, eg_rg_clip(gc, p->clip));
              cn = gf * cb[j] + gi * gc;
              if (P) go += P[H + j] * cn;
              go = eg_ract_apply(f, eg_rg_clip(go, p->clip));
              cb[j] = cn;
              hb[j] = go * eg_ract_apply(ha, cn);
            }
          }
        }
        if (Y)
          for (j = 0; j < H; ++j)
            eg_rg_store(Y, ((step * p->num_dir + d) * NB + b) * H + j, hb[j], p->y_type, p->y_scale, p->y_zp);
      }
    }
    if (Y_h)
      for (j = 0; j < NB * H; ++j) eg_rg_store(Y_h, d * NB * H + j, h[j], p->yh_type, p->yh_scale, p->yh_zp);
    if (Y_c)
      for (j = 0; j < NB * H; ++j) eg_rg_store(Y_c, d * NB * H + j, c[j], p->yc_type, p->yc_scale, p->yc_zp);
  }
}
