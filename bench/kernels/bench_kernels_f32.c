/* Per-kernel Cortex-M4 cycle benchmark of the float kernels (m4bench): each
 * layer shape runs the reference loop (eg_conv_f32 / eg_fc_f32, region 2*i)
 * and the kernel edgegen emits for it (eg_conv_f32_blk / _dw / eg_fc_f32_w8,
 * region 2*i+1). Shapes are the models' layers, a few cut in height to fit the
 * RAM (cycles/MAC is what counts). The firmware prints "layer <i> <macs>
 * <name>"; bench/kernels/run.sh f32 turns the JSON into cycles/MAC. Both
 * outputs are hashed bit for bit and compared (exit 1 on a difference). */
#include <stdint.h>
#include <string.h>

#include "eg_conv_f32.h"
#include "eg_fc_f32.h"
#include "m4bench.h"
#define EG_M4 /* the benches run on the emulated Cortex-M4 only */
#include "eg_harness.h" /* tests/kernels/ */

#define BUF_IN 12288
#define BUF_OUT 12288
#define BUF_W 16384
static float in_buf[BUF_IN];
static float out_buf[BUF_OUT];
static float w_buf[BUF_W];
static float bias_buf[256];

static float rf(void) { return (float)(int32_t)(rnd() >> 8) / 8388608.0f - 1.0f; }
/* weight (o, k) of a layer, the same whatever the layout it is stored in */
static float wv(int32_t o, int32_t k) {
  uint32_t h = (uint32_t)o * 2654435761u ^ (uint32_t)k * 40503u;
  h ^= h >> 15;
  h *= 2246822519u;
  h ^= h >> 13;
  return (float)(int32_t)(h >> 8) / 8388608.0f - 1.0f;
}
static uint32_t hash(const float *v, int32_t n) {
  uint32_t h = 2166136261u, u;
  int32_t i;
  for (i = 0; i < n; ++i) {
    memcpy(&u, &v[i], 4);
    h = (h ^ u) * 16777619u;
  }
  return h;
}

/* Region ids must be compile-time constants: one case per layer id. The
 * weights are laid out (outside the regions) before each run. */
#define CASE(i)              \
  case i:                    \
    prep(0);                 \
    M4_BEGIN(2 * i);         \
    run(0);                  \
    M4_END(2 * i);           \
    h_ref = hash(out_buf, n_out); \
    prep(1);                 \
    M4_BEGIN(2 * i + 1);     \
    run(1);                  \
    M4_END(2 * i + 1);       \
    break;
#define RUN_BOTH(id)                                                                              \
  switch (id) {                                                                                   \
    CASE(1) CASE(2) CASE(3) CASE(4) CASE(5) CASE(6) CASE(7) CASE(8) CASE(9) CASE(10) CASE(11)     \
    CASE(12) CASE(13) CASE(14) CASE(15) CASE(16) CASE(17) CASE(18) CASE(19) CASE(20) CASE(21)    \
    CASE(22) CASE(23) CASE(24)                                                                    \
    default: break;                                                                               \
  }

/* The layer being measured. */
static eg_conv_f32_params cp;
static eg_fc_f32_params fp;
static int cur_fc, cur_dw;
static int32_t cur_K, cur_OC;

/* Weights in the reference layout (opt = 0: OHWI, [out][in]) or the emitted one
 * (W4, DW4, W8). */
static void prep(int opt) {
  int32_t o, k;
  memset(w_buf, 0, sizeof w_buf);
  for (o = 0; o < cur_OC; ++o)
    for (k = 0; k < cur_K; ++k) {
      int32_t at = o * cur_K + k;
      if (opt)
        at = cur_fc   ? eg_fc_f32_w8_index(cur_K, cur_OC, o, k)
             : cur_dw ? eg_conv_f32_dw4_index(cur_K, o, k)
                      : eg_conv_f32_w4_index(cur_K, o, k);
      w_buf[at] = wv(o, k);
    }
}
__attribute__((noinline)) static void run(int opt) {
  if (cur_fc)
    (opt ? eg_fc_f32_w8 : eg_fc_f32)(&fp, in_buf, out_buf);
  else
    (opt ? cur_dw ? eg_conv_f32_dw : eg_conv_f32_blk : eg_conv_f32)(&cp, in_buf, out_buf);
}

static int fails = 0;

static void conv(int id, const char *name, int32_t ih, int32_t iw, int32_t ic, int32_t oc, int32_t k_h, int32_t k_w,
                 int32_t s, int32_t pt, int32_t pl, int32_t pb, int32_t pr, int dw) {
  eg_conv_f32_params *p = &cp;
  int32_t n_out, macs, i;
  uint32_t h_ref = 0;
  memset(p, 0, sizeof *p);
  p->batch = 1;
  p->in_h = ih;
  p->in_w = iw;
  p->in_c = ic;
  p->out_c = oc;
  p->k_h = k_h;
  p->k_w = k_w;
  p->stride_h = p->stride_w = s;
  p->dil_h = p->dil_w = 1;
  p->pad_top = pt;
  p->pad_left = pl;
  p->groups = dw ? ic : 1;
  p->out_h = (ih + pt + pb - k_h) / s + 1;
  p->out_w = (iw + pl + pr - k_w) / s + 1;
  p->act_min = 0.0f;
  p->act_max = 1.0f / 0.0f;
  p->weights = w_buf;
  p->bias = bias_buf;
  cur_fc = 0;
  cur_dw = dw;
  cur_K = k_h * k_w * (dw ? 1 : ic);
  cur_OC = oc;
  for (i = 0; i < ih * iw * ic; ++i) in_buf[i] = rf();
  for (i = 0; i < oc; ++i) bias_buf[i] = rf();
  n_out = p->out_h * p->out_w * oc;
  macs = n_out * cur_K;
  if (ih * iw * ic > BUF_IN || n_out > BUF_OUT || ((oc + 3) & ~3) * cur_K > BUF_W) {
    m4_printf("TOO LARGE %s\n", name);
    ++fails;
    return;
  }
  RUN_BOTH(id);
  if (hash(out_buf, n_out) != h_ref) {
    m4_printf("MISMATCH %s\n", name);
    ++fails;
  }
  m4_printf("layer %d %d %s\n", id, (int)macs, name);
}

static void fc(int id, const char *name, int32_t K, int32_t N) {
  eg_fc_f32_params *p = &fp;
  int32_t i, n_out = N;
  uint32_t h_ref = 0;
  p->batch = 1;
  p->in_features = K;
  p->out_features = N;
  p->act_min = 0.0f;
  p->act_max = 1.0f / 0.0f;
  p->weights = w_buf;
  p->bias = bias_buf;
  cur_fc = 1;
  cur_K = K;
  cur_OC = N;
  for (i = 0; i < K; ++i) in_buf[i] = rf();
  for (i = 0; i < N; ++i) bias_buf[i] = rf();
  if (K * N > BUF_W) {
    m4_printf("TOO LARGE %s\n", name);
    ++fails;
    return;
  }
  RUN_BOTH(id);
  if (hash(out_buf, n_out) != h_ref) {
    m4_printf("MISMATCH %s\n", name);
    ++fails;
  }
  m4_printf("layer %d %d %s\n", id, (int)(K * N), name);
}

int main(void) {
  /* kws_dscnn_f32 */
  conv(1, "kws_conv1_10x4s2_1to64_25x5", 49, 10, 1, 64, 10, 4, 2, 5, 1, 4, 2, 0);
  conv(2, "kws_dw3x3_64ch_25x5", 25, 5, 64, 64, 3, 3, 1, 1, 1, 1, 1, 1);
  conv(3, "kws_pw1x1_64to64_25x5", 25, 5, 64, 64, 1, 1, 1, 0, 0, 0, 0, 0);
  fc(4, "kws_fc_64to12", 64, 12);
  /* seed_cnn_gru_f32, har_cnn_lstm_f32 (1-D) */
  conv(5, "seed_conv1d_k3_10to8_30", 1, 30, 10, 8, 1, 3, 1, 0, 0, 0, 0, 0);
  conv(6, "har_conv1d_k5s2_3to16_128", 1, 128, 3, 16, 1, 5, 2, 0, 2, 0, 1, 0);
  /* ic_resnet8_f32 (cut to 24 rows) */
  conv(7, "ic_conv3x3_3to16_24x32", 24, 32, 3, 16, 3, 3, 1, 1, 1, 1, 1, 0);
  conv(8, "ic_conv3x3_16to16_24x32", 24, 32, 16, 16, 3, 3, 1, 1, 1, 1, 1, 0);
  conv(9, "ic_conv3x3s2_16to32_24x32", 24, 32, 16, 32, 3, 3, 2, 1, 1, 1, 1, 0);
  conv(10, "ic_conv1x1s2_16to32_24x32", 24, 32, 16, 32, 1, 1, 2, 0, 0, 0, 0, 0);
  conv(11, "ic_conv3x3_32to32_16x16", 16, 16, 32, 32, 3, 3, 1, 1, 1, 1, 1, 0);
  conv(12, "ic_conv3x3_64to64_8x8_oc16", 8, 8, 64, 16, 3, 3, 1, 1, 1, 1, 1, 0);
  /* vww_mbv1_f32 (cut in height where needed) */
  conv(13, "vww_conv1_3x3s2_3to8_40x96", 40, 96, 3, 8, 3, 3, 2, 1, 1, 1, 1, 0);
  conv(14, "vww_dw3x3_8ch_24x48", 24, 48, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1);
  conv(15, "vww_pw1x1_8to16_16x48", 16, 48, 8, 16, 1, 1, 1, 0, 0, 0, 0, 0);
  conv(16, "vww_dw3x3s2_16ch_16x48", 16, 48, 16, 16, 3, 3, 2, 1, 1, 1, 1, 1);
  conv(17, "vww_pw1x1_32to32_12x24", 12, 24, 32, 32, 1, 1, 1, 0, 0, 0, 0, 0);
  conv(18, "vww_dw3x3_128ch_6x6", 6, 6, 128, 128, 3, 3, 1, 1, 1, 1, 1, 1);
  conv(19, "vww_pw1x1_128to128_6x6", 6, 6, 128, 128, 1, 1, 1, 0, 0, 0, 0, 0);
  conv(20, "vww_dw3x3_256ch_3x3", 3, 3, 256, 256, 3, 3, 1, 1, 1, 1, 1, 1);
  /* ad_fc_ae_f32 (640x128 cut to 640x24) */
  fc(21, "ad_fc_640to24", 640, 24);
  fc(22, "ad_fc_128to128", 128, 128);
  fc(23, "ad_fc_128to8", 128, 8);
  fc(24, "ad_fc_8to128", 8, 128);
  return fails ? 1 : 0;
}
