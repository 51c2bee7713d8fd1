/* runtime/eg_rnn.c (eg_gru, eg_lstm, eg_rnn with their W8 gate matrices)
 * against plain loops over the ONNX-layout weights written here from the ONNX
 * formulas, in the order the kernels promise (bias first, products in input
 * order, one multiply and one add each; eg_sigmoidf / eg_tanhf): bit-exact,
 * on random shapes (gate rows below, at and above the 8-row blocks, odd
 * hidden sizes), forward/reverse/bidirectional, batch 1-2, initial states on
 * and off, LSTM peepholes and clip, int8 input and output. Host: the kernels'
 * C paths; emulated Cortex-M4 (run_m4_f32.sh): the FPU asm path of
 * eg_fc_f32_w8, so both paths equal the same loops. Exit 0 = all identical. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "eg_f32.h"
#include "eg_fc_f32.h"
#include "eg_math.h"
#include "eg_quant.h"
#include "eg_rnn.h"

#define EG_HARNESS_SEED 91u
#include "eg_harness.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off")
#endif

enum { MAXW = 3200, MAXS = 600 };
static float Wo[MAXW], Ro[MAXW], Bo[512], H0[256], C0[256], P[128], X[MAXS];
static float W8a[MAXW], W8b[MAXW], B8[256];
static float Y[MAXS], Yh[256], Yc[256], Yr[MAXS], Yhr[256], Ycr[256];
static int8_t Xq[MAXS], Yq[MAXS], Yqr[MAXS];
static float scratch[1024];

static float rf(float s) { return ((float)(int32_t)(rnd() >> 8) / 8388608.0f - 1.0f) * s; }

/* rows [first, first + n) of m ([.][K]) as W8 at out */
static void to_w8(float *out, const float *m, int32_t first, int32_t n, int32_t K) {
  int32_t o, k;
  for (o = 0; o < n; ++o)
    for (k = 0; k < K; ++k) out[eg_fc_f32_w8_index(K, n, o, k)] = m[(first + o) * K + k];
}

static float dot(float acc, const float *w, const float *v, int32_t n) {
  int32_t k;
  for (k = 0; k < n; ++k) acc += eg_fmul(v[k], w[k]);
  return acc;
}

static int fails;
static void same(const char *what, const void *a, const void *b, size_t bytes, int id) {
  if (memcmp(a, b, bytes) != 0 && fails++ < 10) PRINT("case %d: %s differs\n", id, what);
}

static float xin(int s8, int32_t i, float scale) { return s8 ? (float)((int32_t)Xq[i] - 3) * scale : X[i]; }

/* ONNX GRU, time-major, gates z r h. */
static void ref_gru(int32_t T, int32_t NB, int32_t I, int32_t H, int32_t D, int rev, int lbr, int bias, int h0,
                    int s8, float xs) {
  float h[2 * 32], xv[64], gx[96], gu[96], rh[32];
  int32_t d, t, b, j;
  for (d = 0; d < D; ++d) {
    const int back = D == 2 ? d == 1 : rev;
    const float *W = Wo + d * 3 * H * I, *R = Ro + d * 3 * H * H, *Wb = bias ? Bo + d * 6 * H : 0;
    for (j = 0; j < NB * H; ++j) h[j] = h0 ? H0[d * NB * H + j] : 0.0f;
    for (t = 0; t < T; ++t) {
      const int32_t step = back ? T - 1 - t : t;
      for (b = 0; b < NB; ++b) {
        float *hb = h + b * H;
        for (j = 0; j < I; ++j) xv[j] = xin(s8, (step * NB + b) * I + j, xs);
        for (j = 0; j < 3 * H; ++j) {
          gx[j] = dot(Wb ? Wb[j] : 0.0f, W + j * I, xv, I);
          gu[j] = dot(Wb ? Wb[3 * H + j] : 0.0f, R + j * H, hb, H);
        }
        for (j = 0; j < H; ++j) rh[j] = eg_sigmoidf(gx[H + j] + gu[H + j]) * hb[j];
        for (j = 0; j < H; ++j) {
          const float z = eg_sigmoidf(gx[j] + gu[j]), r = eg_sigmoidf(gx[H + j] + gu[H + j]);
          const float pre = lbr ? gx[2 * H + j] + r * gu[2 * H + j]
                                : gx[2 * H + j] + dot(Wb ? Wb[5 * H + j] : 0.0f, R + (2 * H + j) * H, rh, H);
          gu[2 * H + j] = (1.0f - z) * eg_tanhf(pre) + z * hb[j]; /* the new state, set after the loop */
        }
        for (j = 0; j < H; ++j) hb[j] = gu[2 * H + j];
      }
      for (b = 0; b < NB; ++b)
        for (j = 0; j < H; ++j) {
          const int32_t at = ((step * D + d) * NB + b) * H + j;
          if (s8) Yqr[at] = eg_quantize_one_s8(h[b * H + j], 1.0f / 64.0f, -5);
          else Yr[at] = h[b * H + j];
        }
    }
    for (j = 0; j < NB * H; ++j) Yhr[d * NB * H + j] = h[j];
  }
}

/* ONNX LSTM, gates i o f c, peepholes i o f, clip. */
static void ref_lstm(int32_t T, int32_t NB, int32_t I, int32_t H, int32_t D, int rev, int bias, int h0, int peep,
                     float clip) {
  float h[2 * 32], c[2 * 32], xv[64], g[128];
  int32_t d, t, b, j;
  for (d = 0; d < D; ++d) {
    const int back = D == 2 ? d == 1 : rev;
    const float *W = Wo + d * 4 * H * I, *R = Ro + d * 4 * H * H, *Bb = bias ? Bo + d * 8 * H : 0;
    const float *Pp = peep ? P + d * 3 * H : 0;
    for (j = 0; j < NB * H; ++j) {
      h[j] = h0 ? H0[d * NB * H + j] : 0.0f;
      c[j] = h0 ? C0[d * NB * H + j] : 0.0f;
    }
    for (t = 0; t < T; ++t) {
      const int32_t step = back ? T - 1 - t : t;
      for (b = 0; b < NB; ++b) {
        float *hb = h + b * H, *cb = c + b * H;
        for (j = 0; j < I; ++j) xv[j] = X[(step * NB + b) * I + j];
        for (j = 0; j < 4 * H; ++j) g[j] = dot(dot(Bb ? Bb[j] + Bb[4 * H + j] : 0.0f, W + j * I, xv, I), R + j * H, hb, H);
        for (j = 0; j < H; ++j) {
          float gi = g[j], go = g[H + j], gf = g[2 * H + j], gc = g[3 * H + j], cn;
          if (Pp) {
            gi += Pp[j] * cb[j];
            gf += Pp[2 * H + j] * cb[j];
          }
          if (clip > 0.0f) {
            gi = gi < -clip ? -clip : gi > clip ? clip : gi;
            gf = gf < -clip ? -clip : gf > clip ? clip : gf;
            gc = gc < -clip ? -clip : gc > clip ? clip : gc;
          }
          gi = eg_sigmoidf(gi);
          gf = eg_sigmoidf(gf);
          gc = eg_tanhf(gc);
          cn = gf * cb[j] + gi * gc;
          if (Pp) go += Pp[H + j] * cn;
          if (clip > 0.0f) go = go < -clip ? -clip : go > clip ? clip : go;
          cb[j] = cn;
          hb[j] = eg_sigmoidf(go) * eg_tanhf(cn);
        }
        for (j = 0; j < H; ++j) Yr[((step * D + d) * NB + b) * H + j] = hb[j];
      }
    }
    for (j = 0; j < NB * H; ++j) {
      Yhr[d * NB * H + j] = h[j];
      Ycr[d * NB * H + j] = c[j];
    }
  }
}

static void fill(int32_t n, float *v, float s) {
  int32_t i;
  for (i = 0; i < n; ++i) v[i] = rf(s);
}

static void gru_case(int id) {
  const int32_t T = rr(1, 9), NB = rr(1, 2), I = rr(1, 20), H = rr(1, 12), D = rr(1, 2);
  const int rev = (int)(rnd() & 1), lbr = (int)(rnd() & 1), bias = (int)(rnd() % 4 != 0), h0 = (int)(rnd() & 1);
  const int s8 = (int)(rnd() % 3 == 0);
  const float xs = 1.0f / 32.0f;
  eg_gru_params p;
  int32_t d, i;
  fill(D * 3 * H * I, Wo, 1.0f);
  fill(D * 3 * H * H, Ro, 1.0f);
  fill(D * 6 * H, Bo, 1.0f);
  fill(D * NB * H, H0, 1.0f);
  fill(T * NB * I, X, 2.0f);
  for (i = 0; i < T * NB * I; ++i) Xq[i] = (int8_t)(rnd() & 0xFF);
  for (d = 0; d < D; ++d) {
    to_w8(W8a + d * 3 * H * I, Wo + d * 3 * H * I, 0, 3 * H, I);
    if (lbr) to_w8(W8b + d * 3 * H * H, Ro + d * 3 * H * H, 0, 3 * H, H);
    else {
      to_w8(W8b + d * 3 * H * H, Ro + d * 3 * H * H, 0, 2 * H, H);
      to_w8(W8b + d * 3 * H * H + 2 * H * H, Ro + d * 3 * H * H, 2 * H, H, H);
    }
  }
  memset(&p, 0, sizeof p);
  p.seq_len = T;
  p.batch = NB;
  p.input_size = I;
  p.hidden = H;
  p.num_dir = D;
  p.reverse = rev;
  p.linear_before_reset = lbr;
  p.x_type = p.y_type = s8 ? EG_RNN_S8 : EG_RNN_F32;
  p.x_scale = xs;
  p.x_zp = 3;
  p.y_scale = 1.0f / 64.0f;
  p.y_zp = -5;
  p.W = W8a;
  p.R = W8b;
  p.B = bias ? Bo : 0;
  p.H0 = h0 ? H0 : 0;
  ref_gru(T, NB, I, H, D, rev, lbr, bias, h0, s8, xs);
  eg_gru(&p, s8 ? (const void *)Xq : (const void *)X, s8 ? (void *)Yq : (void *)Y, Yh, scratch);
  if (s8) same("GRU Y (int8)", Yq, Yqr, (size_t)(T * D * NB * H), id);
  else same("GRU Y", Y, Yr, sizeof(float) * (size_t)(T * D * NB * H), id);
  same("GRU Y_h", Yh, Yhr, sizeof(float) * (size_t)(D * NB * H), id);
}

static void lstm_case(int id) {
  const int32_t T = rr(1, 9), NB = rr(1, 2), I = rr(1, 20), H = rr(1, 12), D = rr(1, 2);
  const int rev = (int)(rnd() & 1), bias = (int)(rnd() % 4 != 0), h0 = (int)(rnd() & 1), peep = (int)(rnd() & 1);
  const float clip = (rnd() & 3) ? 0.0f : 1.5f;
  eg_lstm_params p;
  int32_t d, j;
  static float wr[MAXW];
  fill(D * 4 * H * I, Wo, 1.0f);
  fill(D * 4 * H * H, Ro, 1.0f);
  fill(D * 8 * H, Bo, 1.0f);
  fill(D * NB * H, H0, 1.0f);
  fill(D * NB * H, C0, 1.0f);
  fill(D * 3 * H, P, 1.0f);
  fill(T * NB * I, X, 2.0f);
  for (d = 0; d < D; ++d) { /* rows (W[g], R[g]), then W8 */
    for (j = 0; j < 4 * H; ++j) {
      memcpy(wr + j * (I + H), Wo + (d * 4 * H + j) * I, sizeof(float) * (size_t)I);
      memcpy(wr + j * (I + H) + I, Ro + (d * 4 * H + j) * H, sizeof(float) * (size_t)H);
      B8[d * 4 * H + j] = Bo[d * 8 * H + j] + Bo[d * 8 * H + 4 * H + j];
    }
    to_w8(W8a + d * 4 * H * (I + H), wr, 0, 4 * H, I + H);
  }
  memset(&p, 0, sizeof p);
  p.seq_len = T;
  p.batch = NB;
  p.input_size = I;
  p.hidden = H;
  p.num_dir = D;
  p.reverse = rev;
  p.act_f = EG_ACT_SIGMOID;
  p.act_g = p.act_h = EG_ACT_TANH;
  p.clip = clip;
  p.WR = W8a;
  p.B = bias ? B8 : 0;
  p.H0 = h0 ? H0 : 0;
  p.C0 = h0 ? C0 : 0;
  p.P = peep ? P : 0;
  ref_lstm(T, NB, I, H, D, rev, bias, h0, peep, clip);
  eg_lstm(&p, X, Y, Yh, Yc, scratch);
  same("LSTM Y", Y, Yr, sizeof(float) * (size_t)(T * D * NB * H), id);
  same("LSTM Y_h", Yh, Yhr, sizeof(float) * (size_t)(D * NB * H), id);
  same("LSTM Y_c", Yc, Ycr, sizeof(float) * (size_t)(D * NB * H), id);
}

int main(void) {
  int i;
  for (i = 0; i < 300; ++i) {
    gru_case(i);
    lstm_case(i);
  }
  PRINT("rnn: 300 GRU and 300 LSTM cases, %d differences\n", fails);
  return fails ? 1 : 0;
}
