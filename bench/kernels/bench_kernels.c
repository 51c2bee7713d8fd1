/* Per-kernel Cortex-M4 cycle benchmark (m4bench): each layer shape runs the
 * portable reference (region 2*i) and the optimized entry point (region
 * 2*i+1), which is the DSP path when built for the Cortex-M4. The firmware
 * prints "layer <i> <macs> <name>"; bench/kernels/run.sh turns the JSON into
 * cycles/MAC. Outputs of both paths are compared (exit 1 on a difference). */
#include <stdint.h>
#include <string.h>

#include "eg_common.h"
#include "eg_conv.h"
#include "eg_conv_dw.h"
#include "eg_fc.h"
#include "m4bench.h"
#define EG_M4 /* the benches run on the emulated Cortex-M4 only */
#include "eg_harness.h" /* tests/kernels/ */

#define BUF_IN (48 * 48 * 16)
#define BUF_OUT (48 * 48 * 8)
#define BUF_W (640 * 128)
static int8_t in_buf[BUF_IN] __attribute__((aligned(4)));
static int8_t out_a[BUF_OUT] __attribute__((aligned(4)));
static int8_t out_b[BUF_OUT] __attribute__((aligned(4)));
static int8_t w_buf[BUF_W] __attribute__((aligned(4)));
#define p2_buf (w_buf + BUF_W / 2)
static int8_t dw_buf[9 * 256] __attribute__((aligned(4)));
static int32_t bias_buf[256], bzp_buf[256], mult_buf[256];
static int8_t shift_buf[256];
static uint32_t scratch[2304];

#ifdef EG_BENCH_PAD /* moves the code below by EG_BENCH_PAD halfwords (run.sh: a lost marker) */
#define EG_BENCH_STR_(x) #x
#define EG_BENCH_STR(x) EG_BENCH_STR_(x)
__attribute__((noinline)) static void eg_bench_pad(void) { __asm__ volatile(".rept " EG_BENCH_STR(EG_BENCH_PAD) "\n nop\n .endr"); }
#endif

static void fill(int32_t n_in, int32_t n_w, int32_t n_c) {
  int32_t i;
  for (i = 0; i < n_in; ++i) in_buf[i] = (int8_t)rnd();
  for (i = 0; i < n_w; ++i) w_buf[i] = (int8_t)((int32_t)(rnd() % 255u) - 127);
  for (i = 0; i < n_c; ++i) {
    bias_buf[i] = (int32_t)(rnd() % 4001u) - 2000;
    mult_buf[i] = (int32_t)(0x40000000u + (rnd() & 0x3FFFFFFFu));
    shift_buf[i] = (int8_t)(-7 - (int32_t)(rnd() % 4u));
  }
}

#include "bench_cases.h"

__attribute__((noinline)) static void conv_small(const eg_conv_s8_params *p) {
  eg_conv_s8_mat_small(p, in_buf, out_b, scratch);
}
static int small_path = 0; /* conv(): run eg_conv_s8_mat_small instead of eg_conv_s8 */
__attribute__((noinline)) static void conv_ref(const eg_conv_s8_params *p) { eg_conv_s8_ref(p, in_buf, out_a); }
static int no_scratch = 0; /* 1: the optimized entry without scratch (--optimization ram) */
__attribute__((noinline)) static void conv_opt(const eg_conv_s8_params *p) {
  eg_conv_s8(p, in_buf, out_b, no_scratch ? 0 : scratch);
}
__attribute__((noinline)) static void fc_ref(const eg_fc_s8_params *p) { eg_fc_s8_ref(p, in_buf, out_a); }
__attribute__((noinline)) static void fc_opt(const eg_fc_s8_params *p) { eg_fc_s8(p, in_buf, out_b); }

static int fails = 0;

static void conv(int id, const char *name, int32_t ih, int32_t iw, int32_t ic, int32_t oc, int32_t k_h, int32_t k_w,
                 int32_t s, int32_t pt, int32_t pl, int32_t pb, int32_t pr, int dw) {
  eg_conv_s8_params p;
  int32_t n_out, macs, t, c;
  memset(&p, 0, sizeof p);
  p.batch = 1;
  p.in_h = ih;
  p.in_w = iw;
  p.in_c = ic;
  p.out_c = oc;
  p.k_h = k_h;
  p.k_w = k_w;
  p.stride_h = p.stride_w = s;
  p.dil_h = p.dil_w = 1;
  p.pad_top = pt;
  p.pad_left = pl;
  p.groups = dw ? ic : 1;
  p.out_h = (ih + pt + pb - k_h) / s + 1;
  p.out_w = (iw + pl + pr - k_w) / s + 1;
  p.in_zp = -3;
  p.out_zp = 5;
  p.act_min = -128;
  p.act_max = 127;
  fill(ih * iw * ic, oc * k_h * k_w * (dw ? 1 : ic), oc);
  if (!dw) { /* the matrix path: EG_CONV_W_P2 weights (in w_buf's upper half), odd multipliers (as edgegen emits them) */
    const int32_t K = k_h * k_w * ic, Kw = (K + 1) & ~1, Mp = (oc + 1) & ~1;
    int32_t k;
    for (c = 0; c < Mp; ++c)
      for (k = 0; k < Kw; ++k) p2_buf[eg_conv_w_index(K, c, k)] = c < oc && k < K ? w_buf[c * K + k] : 0;
    for (c = 0; c < oc; ++c) mult_buf[c] |= 1;
  }
  if (dw)
    for (t = 0; t < k_h * k_w; ++t)
      for (c = 0; c < oc; ++c) dw_buf[t * oc + c] = w_buf[c * k_h * k_w + t];
  p.weights = w_buf;
  p.bias = bias_buf;
  p.mult = mult_buf;
  p.shift = shift_buf;
  p.dw_weights = dw ? dw_buf : 0;
  n_out = p.out_h * p.out_w * oc;
  if (!dw) {
    eg_conv_s8_params q = p; /* the reference reads the OHWI weights */
    p.weights = p2_buf;
    p.w_layout = EG_CONV_W_P2;
    if (small_path)
      RUN_BOTH(id, conv_ref(&q), conv_small(&p))
    else
      RUN_BOTH(id, conv_ref(&q), conv_opt(&p))
    if (memcmp(out_a, out_b, (size_t)n_out) != 0) {
      m4_printf("MISMATCH %s\n", name);
      ++fails;
    }
    m4_printf("layer %d %d %s\n", id, (int)(n_out * k_h * k_w * ic), name);
    return;
  }
  macs = n_out * k_h * k_w * (dw ? 1 : ic);
  RUN_BOTH(id, conv_ref(&p), conv_opt(&p));
  if (memcmp(out_a, out_b, (size_t)n_out) != 0) {
    m4_printf("MISMATCH %s\n", name);
    ++fails;
  }
  m4_printf("layer %d %d %s\n", id, (int)macs, name);
}

/* w_layout 0: [out][in] weights; EG_FC_W_I4: the layout of --optimization time (random weights
 * read in that order). */
static void fc(int id, const char *name, int32_t K, int32_t N, int32_t w_layout) {
  eg_fc_s8_params p;
  int32_t o, k;
  memset(&p, 0, sizeof p);
  p.batch = 1;
  p.in_features = K;
  p.out_features = N;
  p.in_zp = -3;
  p.out_zp = 5;
  p.act_min = -128;
  p.act_max = 127;
  fill(K, K * N, N);
  for (o = 0; o < N; ++o) {
    int32_t s = bias_buf[o];
    for (k = 0; k < K; ++k) s -= p.in_zp * w_buf[w_layout == EG_FC_W_I4 ? eg_fc_w_index(K, N, o, k) : o * K + k];
    bzp_buf[o] = s;
  }
  p.weights = w_buf;
  p.bias = bias_buf;
  p.mult = mult_buf;
  p.shift = shift_buf;
  p.bias_zp = bzp_buf;
  p.w_layout = w_layout;
  RUN_BOTH(id, fc_ref(&p), fc_opt(&p));
  if (memcmp(out_a, out_b, (size_t)N) != 0) {
    m4_printf("MISMATCH %s\n", name);
    ++fails;
  }
  m4_printf("layer %d %d %s\n", id, (int)(K * N), name);
}

int main(void) {
#ifdef EG_BENCH_PAD
  eg_bench_pad();
#endif
  /* kws_dscnn: input 49x10x1 */
  conv(1, "kws_conv1_10x4s2_1to64_25x5", 49, 10, 1, 64, 10, 4, 2, 4, 1, 5, 2, 0);
  conv(2, "kws_dw3x3_64ch_25x5", 25, 5, 64, 64, 3, 3, 1, 1, 1, 1, 1, 1);
  conv(3, "kws_pw1x1_64to64_25x5", 25, 5, 64, 64, 1, 1, 1, 0, 0, 0, 0, 0);
  /* vww_mbv1 (0.25): 96x96x3 input */
  conv(4, "vww_conv1_3x3s2_3to8_96x96", 96, 96, 3, 8, 3, 3, 2, 0, 0, 1, 1, 0);
  conv(5, "vww_dw3x3_32ch_24x24", 24, 24, 32, 32, 3, 3, 1, 1, 1, 1, 1, 1);
  conv(6, "vww_dw3x3s2_64ch_24x24", 24, 24, 64, 64, 3, 3, 2, 0, 0, 1, 1, 1);
  conv(7, "vww_pw1x1_64to128_12x12", 12, 12, 64, 128, 1, 1, 1, 0, 0, 0, 0, 0);
  conv(8, "vww_pw1x1_128to128_6x6", 6, 6, 128, 128, 1, 1, 1, 0, 0, 0, 0, 0);
  /* ic_resnet8: 32x32x3 input */
  conv(9, "ic_conv3x3_16to16_32x32", 32, 32, 16, 16, 3, 3, 1, 1, 1, 1, 1, 0);
  conv(10, "ic_conv3x3_32to32_16x16", 16, 16, 32, 32, 3, 3, 1, 1, 1, 1, 1, 0);
  conv(11, "ic_conv3x3_64to64_8x8", 8, 8, 64, 64, 3, 3, 1, 1, 1, 1, 1, 0);
  /* ad_fc_ae */
  fc(12, "ad_fc_640to128", 640, 128, 0);
  fc(13, "ad_fc_128to128", 128, 128, 0);
  fc(14, "ad_fc_640to128_i4", 640, 128, EG_FC_W_I4);
  fc(15, "ad_fc_128to128_i4", 128, 128, EG_FC_W_I4);
  /* the other vww_mbv1 depthwise layers (pads 1 on every side) */
  conv(16, "vww_dw3x3_8ch_48x48", 48, 48, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1);
  conv(17, "vww_dw3x3s2_16ch_48x48", 48, 48, 16, 16, 3, 3, 2, 1, 1, 1, 1, 1);
  conv(18, "vww_dw3x3s2_32ch_24x24", 24, 24, 32, 32, 3, 3, 2, 1, 1, 1, 1, 1);
  conv(19, "vww_dw3x3_64ch_12x12", 12, 12, 64, 64, 3, 3, 1, 1, 1, 1, 1, 1);
  conv(20, "vww_dw3x3s2_64ch_12x12", 12, 12, 64, 64, 3, 3, 2, 1, 1, 1, 1, 1);
  conv(21, "vww_dw3x3_128ch_6x6", 6, 6, 128, 128, 3, 3, 1, 1, 1, 1, 1, 1);
  small_path = 1; /* the compact path edgegen picks for small layers */
  conv(34, "seed_conv1d_small_path", 1, 30, 10, 8, 1, 3, 1, 0, 0, 0, 0, 0);
  conv(35, "vww_conv1_small_path", 96, 96, 3, 8, 3, 3, 2, 0, 0, 1, 1, 0);
  small_path = 0;
  conv(22, "vww_dw3x3s2_128ch_6x6", 6, 6, 128, 128, 3, 3, 2, 1, 1, 1, 1, 1);
  conv(23, "vww_dw3x3_256ch_3x3", 3, 3, 256, 256, 3, 3, 1, 1, 1, 1, 1, 1);
  /* depthwise without scratch (--optimization ram) */
  no_scratch = 1;
  conv(24, "kws_dw3x3_64ch_25x5_noscr", 25, 5, 64, 64, 3, 3, 1, 1, 1, 1, 1, 1);
  conv(25, "vww_dw3x3_8ch_48x48_noscr", 48, 48, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1);
  conv(26, "vww_dw3x3s2_16ch_48x48_noscr", 48, 48, 16, 16, 3, 3, 2, 1, 1, 1, 1, 1);
  no_scratch = 0;
  /* the other non-depthwise shapes of vww_mbv1, ic_resnet8 and the seed */
  conv(27, "vww_pw1x1_8to16_24x48", 24, 48, 8, 16, 1, 1, 1, 0, 0, 0, 0, 0);
  conv(28, "vww_pw1x1_16to32_24x24", 24, 24, 16, 32, 1, 1, 1, 0, 0, 0, 0, 0);
  conv(29, "vww_pw1x1_32to32_24x24", 24, 24, 32, 32, 1, 1, 1, 0, 0, 0, 0, 0);
  conv(30, "vww_pw1x1_128to256_3x3", 3, 3, 128, 256, 1, 1, 1, 0, 0, 0, 0, 0);
  conv(31, "ic_conv1_3x3_3to16_32x32", 32, 32, 3, 16, 3, 3, 1, 1, 1, 1, 1, 0);
  conv(32, "ic_pw1x1s2_16to32_32x32", 32, 32, 16, 32, 1, 1, 2, 0, 0, 0, 0, 0);
  conv(33, "seed_conv1d_1x3_10to8_30", 1, 30, 10, 8, 1, 3, 1, 0, 0, 0, 0, 0);
  return fails ? 1 : 0;
}
