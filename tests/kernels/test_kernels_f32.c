/* Randomized bit-exactness test of the edgegen float kernels: eg_conv_f32_blk
 * (W4 weights), eg_conv_f32_dw (DW4 weights) and eg_fc_f32_w8 (W8 weights)
 * against the reference loops eg_conv_f32 / eg_fc_f32 on the same (OHWI /
 * [out][in]) weights, bit for bit, and no write outside the output. Same
 * source for the host (the kernels' C paths) and the emulated Cortex-M4
 * (m4run: the inline asm paths). Exit status 0 = all equal. */
#include <stdint.h>
#include <string.h>

#include "eg_conv_f32.h"
#include "eg_fc_f32.h"

#define EG_HARNESS_SEED 2024u
#include "eg_f32_harness.h"

#define MAX_IN 4096
#define MAX_W 6144
#define MAX_OUT 4096
#define GUARD 64
static float in_buf[MAX_IN];
static float w_ref[MAX_W], w_opt[MAX_W];
static float bias_buf[256];
static float out_ref[MAX_OUT + GUARD], out_opt[MAX_OUT + GUARD];

static int compare(const char *what, int32_t t, int32_t n) { return same_bits(what, t, out_ref, out_opt, n, n + GUARD); }

/* One random convolution; dw: depthwise (2: mostly 3-wide kernels at stride
 * and dilation 1 along x, the row-sliding path), else groups == 1, dil_w == 1.
 * Returns 0 (equal), 1 (different) or 2 (skipped: too large). */
static int conv_case(int32_t t, int dw) {
  eg_conv_f32_params p;
  int32_t pad_b, pad_r, n_in, n_w, n_out, K, i, o, k;
  p.batch = rr(1, 2);
  p.in_h = rr(1, 9);
  p.in_w = rr(1, 12);
  if (t % 5 == 0) p.in_h = 1; /* 1-D */
  p.in_c = dw ? rr(1, 12) : (t % 3 == 0 ? 4 * rr(1, 6) : rr(1, 9));
  p.out_c = dw ? p.in_c : rr(1, 11);
  p.groups = dw ? p.in_c : 1;
  p.k_h = p.in_h == 1 ? 1 : rr(1, 4);
  p.k_w = rr(1, 5);
  p.stride_h = rr(1, 3);
  p.stride_w = rr(1, 3);
  p.dil_h = rr(1, 2);
  p.dil_w = dw ? rr(1, 2) : 1;
  if (dw == 2 && rnd() % 4u != 0) {
    p.k_w = 3;
    p.stride_w = 1;
    p.dil_w = 1;
    p.in_w = rr(1, 16);
  }
  p.pad_top = rr(0, p.k_h);
  p.pad_left = rr(0, p.k_w);
  pad_b = rr(0, p.k_h);
  pad_r = rr(0, p.k_w);
  p.out_h = (p.in_h + p.pad_top + pad_b - p.dil_h * (p.k_h - 1) - 1) / p.stride_h + 1;
  p.out_w = (p.in_w + p.pad_left + pad_r - p.dil_w * (p.k_w - 1) - 1) / p.stride_w + 1;
  if (p.in_h + p.pad_top + pad_b - p.dil_h * (p.k_h - 1) - 1 < 0 ||
      p.in_w + p.pad_left + pad_r - p.dil_w * (p.k_w - 1) - 1 < 0)
    return 2;
  n_in = p.batch * p.in_h * p.in_w * p.in_c;
  K = p.k_h * p.k_w * (p.in_c / p.groups);
  n_w = p.out_c * K;
  n_out = p.batch * p.out_h * p.out_w * p.out_c;
  if (n_in > MAX_IN || ((p.out_c + 3) / 4) * 4 * K > MAX_W || n_out > MAX_OUT) return 2;
  for (i = 0; i < n_in; ++i) in_buf[i] = rf();
  for (i = 0; i < n_w; ++i) w_ref[i] = rf();
  for (i = 0; i < p.out_c; ++i) bias_buf[i] = rf();
  memset(w_opt, 0, sizeof w_opt);
  for (o = 0; o < p.out_c; ++o)
    for (k = 0; k < K; ++k)
      w_opt[dw ? eg_conv_f32_dw4_index(K, o, k) : eg_conv_f32_w4_index(K, o, k)] = w_ref[o * K + k];
  act_range(&p.act_min, &p.act_max);
  p.bias = rnd() % 4u == 0 ? 0 : bias_buf;
  for (i = 0; i < n_out + GUARD; ++i) out_ref[i] = out_opt[i] = -7.0f;
  p.weights = w_ref;
  eg_conv_f32(&p, in_buf, out_ref);
  p.weights = w_opt;
  if (dw)
    eg_conv_f32_dw(&p, in_buf, out_opt);
  else
    eg_conv_f32_blk(&p, in_buf, out_opt);
  if (compare(dw ? "conv_dw" : "conv_blk", t, n_out)) {
    PRINT("  in %dx%dx%dx%d out_c %d k %dx%d s %d,%d d %d,%d pad %d,%d\n", (int)p.batch, (int)p.in_h, (int)p.in_w,
          (int)p.in_c, (int)p.out_c, (int)p.k_h, (int)p.k_w, (int)p.stride_h, (int)p.stride_w, (int)p.dil_h,
          (int)p.dil_w, (int)p.pad_top, (int)p.pad_left);
    return 1;
  }
  return 0;
}

static int fc_case(int32_t t) {
  eg_fc_f32_params p;
  int32_t i, o, k, n_out;
  p.batch = rr(1, 3);
  p.in_features = t % 4 == 0 ? rr(1, 8) : rr(1, 200);
  p.out_features = t % 3 == 0 ? rr(1, 40) : 8 * rr(1, 6);
  n_out = p.batch * p.out_features;
  if (p.out_features * p.in_features > MAX_W || p.batch * p.in_features > MAX_IN) return 2;
  for (i = 0; i < p.batch * p.in_features; ++i) in_buf[i] = rf();
  for (i = 0; i < p.out_features * p.in_features; ++i) w_ref[i] = rf();
  for (i = 0; i < p.out_features; ++i) bias_buf[i] = rf();
  for (o = 0; o < p.out_features; ++o)
    for (k = 0; k < p.in_features; ++k)
      w_opt[eg_fc_f32_w8_index(p.in_features, p.out_features, o, k)] = w_ref[o * p.in_features + k];
  act_range(&p.act_min, &p.act_max);
  p.bias = rnd() % 4u == 0 ? 0 : bias_buf;
  for (i = 0; i < n_out + GUARD; ++i) out_ref[i] = out_opt[i] = -7.0f;
  p.weights = w_ref;
  eg_fc_f32(&p, in_buf, out_ref);
  p.weights = w_opt;
  eg_fc_f32_w8(&p, in_buf, out_opt);
  if (compare("fc_w8", t, n_out)) {
    PRINT("  batch %d in %d out %d\n", (int)p.batch, (int)p.in_features, (int)p.out_features);
    return 1;
  }
  return 0;
}

int main(void) {
  int32_t t, fails = 0, n_blk = 0, n_dw = 0, n_fc = 0;
  for (t = 0; t < 600 && fails < 5; ++t) {
    const int32_t r = conv_case(t, 0);
    fails += r == 1;
    n_blk += r == 0;
  }
  for (t = 0; t < 600 && fails < 5; ++t) {
    const int32_t r = conv_case(t, 1);
    fails += r == 1;
    n_dw += r == 0;
  }
  for (t = 0; t < 300 && fails < 5; ++t) {
    const int32_t r = conv_case(t, 2);
    fails += r == 1;
    n_dw += r == 0;
  }
  for (t = 0; t < 300 && fails < 5; ++t) {
    const int32_t r = fc_case(t);
    fails += r == 1;
    n_fc += r == 0;
  }
  PRINT("float kernels: conv_blk %d, conv_dw %d, fc_w8 %d cases passed, %d failed\n", (int)n_blk, (int)n_dw, (int)n_fc,
        (int)fails);
  return fails ? 1 : 0;
}
