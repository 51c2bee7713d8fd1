/* Randomized bit-exactness test of the codebook-weight kernels (weight sharing,
 * runtime/eg_codebook.h): eg_fc_f32_lut and eg_conv_f32_lut, with 8-bit and
 * packed 4-bit indices (odd rows, rows starting on a high nibble), against the
 * reference loops eg_fc_f32 / eg_conv_f32 on the decoded weights, bit for bit,
 * and no write outside the output. Exit status 0 = all equal. */
#include <stdint.h>
#include <string.h>

#include "eg_conv_f32.h"
#include "eg_conv_f32_lut.h"
#include "eg_fc_f32.h"
#include "eg_fc_f32_lut.h"

#define EG_HARNESS_SEED 1212u
#include "eg_f32_harness.h"

#define MAX_IN 4096
#define MAX_W 8192
#define MAX_OUT 4096
#define GUARD 64
static float in_buf[MAX_IN], w_dec[MAX_W], bias_buf[256], codebook[256];
static uint8_t index_buf[MAX_W];
static float out_ref[MAX_OUT + GUARD], out_lut[MAX_OUT + GUARD];

/* n random weights as bits-bit indices into a random codebook (packed as eg_codebook.h says); the
 * decoded weights in w_dec */
static void random_codebook_weights(int32_t n, int32_t bits) {
  const int32_t entries = rr(1, 1 << bits);
  int32_t j;
  for (j = 0; j < entries; ++j) codebook[j] = rf();
  memset(index_buf, 0, sizeof index_buf);
  for (j = 0; j < n; ++j) {
    const uint32_t ix = rnd() % (uint32_t)entries;
    if (bits == 8) index_buf[j] = (uint8_t)ix;
    else index_buf[j >> 1] = (uint8_t)(index_buf[j >> 1] | (ix << ((j & 1) * 4)));
    w_dec[j] = codebook[ix];
  }
}

static int compare(const char *what, int32_t t, int32_t n) { return same_bits(what, t, out_ref, out_lut, n, n + GUARD); }

/* 0 equal, 1 different, 2 skipped (too large) */
static int fc_case(int32_t t, int32_t bits) {
  eg_fc_f32_params r;
  eg_fc_f32_lut_params p;
  int32_t i, n_out;
  p.batch = rr(1, 3);
  p.in_features = t % 4 == 0 ? rr(1, 9) : rr(1, 200);
  p.out_features = rr(1, 40);
  p.index_bits = bits;
  n_out = p.batch * p.out_features;
  if (p.out_features * p.in_features > MAX_W || p.batch * p.in_features > MAX_IN) return 2;
  for (i = 0; i < p.batch * p.in_features; ++i) in_buf[i] = rf();
  for (i = 0; i < p.out_features; ++i) bias_buf[i] = rf();
  random_codebook_weights(p.out_features * p.in_features, bits);
  act_range(&p.act_min, &p.act_max);
  p.bias = rnd() % 4u == 0 ? 0 : bias_buf;
  p.index = index_buf;
  p.codebook = codebook;
  r.batch = p.batch;
  r.in_features = p.in_features;
  r.out_features = p.out_features;
  r.act_min = p.act_min;
  r.act_max = p.act_max;
  r.weights = w_dec;
  r.bias = p.bias;
  for (i = 0; i < n_out + GUARD; ++i) out_ref[i] = out_lut[i] = -7.0f;
  eg_fc_f32(&r, in_buf, out_ref);
  eg_fc_f32_lut(&p, in_buf, out_lut);
  if (compare(bits == 8 ? "fc_lut8" : "fc_lut4", t, n_out)) {
    PRINT("  batch %d in %d out %d\n", (int)p.batch, (int)p.in_features, (int)p.out_features);
    return 1;
  }
  return 0;
}

static int conv_case(int32_t t, int32_t bits) {
  eg_conv_f32_params r;
  eg_conv_f32_lut_params p;
  int32_t pad_b, pad_r, n_in, n_w, n_out, i, g;
  p.batch = rr(1, 2);
  p.in_h = t % 5 == 0 ? 1 : rr(1, 9);
  p.in_w = rr(1, 12);
  g = rr(1, 3);
  p.groups = t % 4 == 0 ? (p.in_c = p.out_c = rr(1, 12)) : g; /* depthwise or 1..3 groups */
  if (t % 4 != 0) {
    p.in_c = g * rr(1, 5);
    p.out_c = g * rr(1, 4);
  }
  p.k_h = p.in_h == 1 ? 1 : rr(1, 4);
  p.k_w = rr(1, 5);
  p.stride_h = rr(1, 3);
  p.stride_w = rr(1, 3);
  p.dil_h = rr(1, 2);
  p.dil_w = rr(1, 2);
  p.pad_top = rr(0, p.k_h);
  p.pad_left = rr(0, p.k_w);
  pad_b = rr(0, p.k_h);
  pad_r = rr(0, p.k_w);
  if (p.in_h + p.pad_top + pad_b - p.dil_h * (p.k_h - 1) - 1 < 0 ||
      p.in_w + p.pad_left + pad_r - p.dil_w * (p.k_w - 1) - 1 < 0)
    return 2;
  p.out_h = (p.in_h + p.pad_top + pad_b - p.dil_h * (p.k_h - 1) - 1) / p.stride_h + 1;
  p.out_w = (p.in_w + p.pad_left + pad_r - p.dil_w * (p.k_w - 1) - 1) / p.stride_w + 1;
  n_in = p.batch * p.in_h * p.in_w * p.in_c;
  n_w = p.out_c * p.k_h * p.k_w * (p.in_c / p.groups);
  n_out = p.batch * p.out_h * p.out_w * p.out_c;
  if (n_in > MAX_IN || n_w > MAX_W || n_out > MAX_OUT) return 2;
  for (i = 0; i < n_in; ++i) in_buf[i] = rf();
  for (i = 0; i < p.out_c; ++i) bias_buf[i] = rf();
  random_codebook_weights(n_w, bits);
  act_range(&p.act_min, &p.act_max);
  p.bias = rnd() % 4u == 0 ? 0 : bias_buf;
  p.index = index_buf;
  p.codebook = codebook;
  p.index_bits = bits;
  r.batch = p.batch, r.in_h = p.in_h, r.in_w = p.in_w, r.in_c = p.in_c, r.out_h = p.out_h, r.out_w = p.out_w;
  r.out_c = p.out_c, r.k_h = p.k_h, r.k_w = p.k_w, r.stride_h = p.stride_h, r.stride_w = p.stride_w;
  r.dil_h = p.dil_h, r.dil_w = p.dil_w, r.pad_top = p.pad_top, r.pad_left = p.pad_left, r.groups = p.groups;
  r.act_min = p.act_min;
  r.act_max = p.act_max;
  r.weights = w_dec;
  r.bias = p.bias;
  for (i = 0; i < n_out + GUARD; ++i) out_ref[i] = out_lut[i] = -7.0f;
  eg_conv_f32(&r, in_buf, out_ref);
  eg_conv_f32_lut(&p, in_buf, out_lut);
  if (compare(bits == 8 ? "conv_lut8" : "conv_lut4", t, n_out)) {
    PRINT("  in %dx%dx%dx%d out_c %d groups %d k %dx%d s %d,%d d %d,%d pad %d,%d\n", (int)p.batch, (int)p.in_h,
          (int)p.in_w, (int)p.in_c, (int)p.out_c, (int)p.groups, (int)p.k_h, (int)p.k_w, (int)p.stride_h,
          (int)p.stride_w, (int)p.dil_h, (int)p.dil_w, (int)p.pad_top, (int)p.pad_left);
    return 1;
  }
  return 0;
}

int main(void) {
  int32_t t, fails = 0, n_fc = 0, n_conv = 0;
  for (t = 0; t < 800 && fails < 5; ++t) {
    const int r = fc_case(t, t % 2 ? 4 : 8);
    fails += r == 1;
    n_fc += r == 0;
  }
  for (t = 0; t < 800 && fails < 5; ++t) {
    const int r = conv_case(t, t % 2 ? 4 : 8);
    fails += r == 1;
    n_conv += r == 0;
  }
  PRINT("codebook kernels: fc_lut %d, conv_lut %d cases passed, %d failed\n", (int)n_fc, (int)n_conv, (int)fails);
  return fails ? 1 : 0;
}
