/* Randomized bit-exactness test of the edgegen int8 kernels: the optimized
 * entry points (eg_conv_s8, eg_fc_s8: the DSP paths when EG_USE_DSP) against
 * the portable references (eg_conv_s8_ref, eg_fc_s8_ref), the TFLite entries
 * (eg_conv_s8_tfl_mat/_mat_small/_dw, eg_fc_s8_tfl_fast/_i4) against
 * eg_conv_s8_tfl_ref / eg_fc_s8_tfl_ref on the same shapes, and
 * eg_requantize_fast / eg_requantize_tfl_hi / eg_rq_mulhi against
 * eg_requantize / eg_requantize_tfl. Same source for the host (DSP path
 * through tests/kernels/acle_emul.h) and the emulated Cortex-M4 (m4run).
 * Exit status 0 = all equal. */
#include <stdint.h>
#include <string.h>

#include "eg_common.h"
#include "eg_conv.h"
#include "eg_conv_dw.h"
#include "eg_conv_path.h"
#include "eg_fc.h"

#define EG_HARNESS_SEED 12345u
#include "eg_harness.h"

#define MAX_IN 18432
#define MAX_W 12288
#define MAX_OUT 18432
#define MAX_C 160
static int8_t in_buf[MAX_IN + 8] __attribute__((aligned(4)));
static int8_t w_buf[MAX_W + 8] __attribute__((aligned(4))), dw_buf[MAX_W + 8] __attribute__((aligned(4)));
static int8_t p2_buf[MAX_W + 4 * MAX_C + 256] __attribute__((aligned(4)));
static int mat_cases = 0, table_cases = 0, tfl_mat_cases = 0, tfl_dw_cases = 0, tfl_dw3_cases = 0, tfl_fc_cases = 0;
static int32_t bias_buf[MAX_C + 1], bzp_buf[MAX_C + 1], mult_buf[MAX_C + 1];
static int8_t shift_buf[MAX_C + 1];
static int8_t out_ref[MAX_OUT], out_opt[MAX_OUT];
static uint32_t scratch[4 * 1024];

static void fill_quant(int32_t n, int wide) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    bias_buf[i] = rr(-20000, 20000);
    mult_buf[i] = (int32_t)(0x40000000u + (rnd() & 0x3FFFFFFFu));
    /* typical shifts are -12..-2 (rarely -1); sometimes exercise the general paths too */
    shift_buf[i] = (int8_t)(wide ? rr(-33, 2) : wide == 0 && rnd() % 64 == 0 ? -1 : rr(-12, -2));
  }
}

static int check_requant(void) {
  int32_t i, fails = 0;
  for (i = 0; i < 200000; ++i) {
    int32_t acc = (int32_t)rnd() >> rr(0, 31);
    int32_t mult = (i & 7) == 0 ? rr(0, 3) : (int32_t)(0x40000000u + (rnd() & 0x3FFFFFFFu));
    int32_t shift = rr(-40, 30);
    if (i % 5 == 0) acc = -acc;
    if (eg_requantize_fast(acc, mult, shift, eg_requant_round(shift)) != eg_requantize(acc, mult, shift)) {
      if (fails++ < 5) PRINT("requant mismatch acc=%d mult=%d shift=%d\n", (int)acc, (int)mult, (int)shift);
    }
    if (i % 7 == 0) acc = (i & 8) ? INT32_MIN + rr(0, 3) : INT32_MAX - rr(0, 3);
    if (mult >= 4 && i % 11 == 0) mult = (int32_t)(0x40000000u << rr(0, 1)) >> rr(0, 1); /* 2^30 and ties */
    if (eg_requant_tfl_fast_ok(mult, shift) &&
        eg_requantize_tfl_hi(acc, mult, eg_requant_round_tfl(shift), -1 - shift) != eg_requantize_tfl(acc, mult, shift)) {
      if (fails++ < 5) PRINT("tfl requant mismatch acc=%d mult=%d shift=%d\n", (int)acc, (int)mult, (int)shift);
    }
    if (eg_requant_tfl_le0_ok(mult, (i & 1) ? shift : 0) && /* shift 0 on every other case */
        eg_requantize_tfl_le0(acc, mult, (i & 1) ? shift : 0) != eg_requantize_tfl(acc, mult, (i & 1) ? shift : 0)) {
      if (fails++ < 5) PRINT("tfl le0 requant mismatch acc=%d mult=%d shift=%d\n", (int)acc, (int)mult, (int)shift);
    }
    if (mult >= 0 && shift <= -2 && shift >= -31) { /* the SMLAL form of the matrix and depthwise paths */
      const int32_t r = -1 - shift, h = (int32_t)(1u << r) >> 1;
      if (((eg_rq_mulhi(acc, mult, EG_RQ_TFLITE) + h) >> r) != eg_requantize_tfl(acc, mult, shift)) {
        if (fails++ < 5) PRINT("tfl mulhi mismatch acc=%d mult=%d shift=%d\n", (int)acc, (int)mult, (int)shift);
      }
    }
  }
  return fails;
}

/* An out table (eg_conv_s8_params.out_table) for a third of the cases: a
 * random one, or a Relu between two quantizations (max(v, zp1) rescaled). */
static int8_t table_buf[256];
static const int8_t *pick_table(void) {
  int32_t v;
  if (rnd() % 3 != 0) return 0;
  if (rnd() & 1) {
    for (v = 0; v < 256; ++v) table_buf[v] = (int8_t)rr(-128, 127);
  } else {
    const int32_t zp1 = rr(-128, 20), zp2 = rr(-128, -100), num = rr(1, 64), den = rr(1, 64);
    for (v = -128; v < 128; ++v) {
      int32_t q = (v < zp1 ? 0 : v - zp1) * num / den + zp2;
      table_buf[v + 128] = (int8_t)(q > 127 ? 127 : q);
    }
  }
  return table_buf;
}

/* TFLite's requantization as QuantizeMultiplier makes it: mult in [2^30, 2^31)
 * (any low bits: 2^30 itself and multipliers with many trailing zeros make
 * rounding ties), shifts mostly -12..-2, sometimes -1 or -23..-31 or >= 0 (the
 * DSP paths' preconditions fail: the layer is left to the reference). */
static void fill_quant_tfl(int32_t n) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    const uint32_t r = rnd() % 16;
    mult_buf[i] = (int32_t)(0x40000000u + (rnd() & 0x3FFFFFFFu));
    if (r == 0) mult_buf[i] = 0x40000000;
    if (r == 1) mult_buf[i] &= ~0xFFFFF;
    shift_buf[i] = (int8_t)(r == 2 ? rr(-31, 1) : r == 3 ? -1 : rr(-12, -2));
    if (r == 4) bias_buf[i] = (int32_t)rnd() >> rr(0, 6);
  }
}

static int tfl_mismatch(const char *path, const eg_conv_s8_params *p, int32_t n_out) {
  int32_t i;
  if (memcmp(out_ref, out_opt, (size_t)n_out) == 0) return 0;
  for (i = 0; i < n_out && out_ref[i] == out_opt[i]; ++i) {
  }
  PRINT("tfl %s MISMATCH batch %d in %dx%dx%d out_c %d k %dx%d s %d,%d d %d,%d pad %d,%d g %d act %d..%d: [%d] ref %d "
        "opt %d\n",
        path, (int)p->batch, (int)p->in_h, (int)p->in_w, (int)p->in_c, (int)p->out_c, (int)p->k_h, (int)p->k_w,
        (int)p->stride_h, (int)p->stride_w, (int)p->dil_h, (int)p->dil_w, (int)p->pad_top, (int)p->pad_left,
        (int)p->groups, (int)p->act_min, (int)p->act_max, (int)i, (int)out_ref[i], (int)out_opt[i]);
  return 1;
}

/* The TFLite entries of the layer set up by run_conv_b (OHWI weights in w_buf,
 * EG_CONV_W_P2 in p2_buf when groups == 1, dw_buf when depthwise) against
 * eg_conv_s8_tfl_ref, with TFLite's multipliers; a third of the cases with
 * extreme inputs (-128 / 127, the input zero point at the other end). */
static int run_conv_tfl(eg_conv_s8_params *p, int32_t n_in, int32_t n_out, int use_bias, int p2_ready) {
  int32_t i;
  int fails = 0;
  fill_quant_tfl(p->out_c + 1); /* out_c odd: _tfl_mat reads entry out_c */
  if (rnd() % 3 == 0) {
    const int8_t hi = (int8_t)(rnd() & 1 ? 127 : -128);
    for (i = 0; i < n_in; ++i) in_buf[i] = rnd() % 4 ? hi : (int8_t)-hi;
    p->in_zp = hi == 127 ? -128 : 127;
  }
  p->out_table = 0; /* TFLite layers have none */
  p->out_zp = rr(-128, 127);
  p->bias = use_bias ? bias_buf : 0;
  p->weights = w_buf;
  p->w_layout = 0;
  memset(out_ref, 0x55, (size_t)n_out);
  eg_conv_s8_tfl_ref(p, in_buf, out_ref);
  if (p2_ready && eg_conv_s8_mat_requant_ok_tfl(p)) {
    ++tfl_mat_cases;
    if (!use_bias) memset(bzp_buf, 0, sizeof bzp_buf); /* the matrix path reads a bias array */
    p->bias = use_bias ? bias_buf : bzp_buf;
    p->weights = p2_buf;
    p->w_layout = EG_CONV_W_P2;
    memset(out_opt, 0x33, (size_t)n_out);
    eg_conv_s8_tfl_ref(p, in_buf, out_opt);
    fails |= tfl_mismatch("P2 reference", p, n_out);
    memset(out_opt, 0x33, (size_t)n_out);
    eg_conv_s8_tfl_mat(p, in_buf, out_opt, scratch);
    fails |= tfl_mismatch("mat", p, n_out);
    memset(out_opt, 0x33, (size_t)n_out);
    eg_conv_s8_tfl_mat_small(p, in_buf, out_opt, scratch);
    fails |= tfl_mismatch("mat_small", p, n_out);
  }
  if (p->dw_weights && eg_conv_s8_dw_requant_ok(p)) {
    ++tfl_dw_cases;
    memset(out_opt, 0x33, (size_t)n_out);
    eg_conv_s8_tfl_dw(p, in_buf, out_opt);
    fails |= tfl_mismatch("dw", p, n_out);
  }
  if (p->dw_weights && EG_CONV_S8_DW3_OK(p)) { /* any requantization (channels outside the fast path: slow loop) */
    const int32_t words = EG_CONV_S8_DW3_SCRATCH_BYTES(p->out_h, p->out_w, p->stride_h, p->stride_w) / 4;
    if (words + 2 <= (int32_t)(sizeof scratch / sizeof scratch[0])) {
      ++tfl_dw3_cases;
      memset(out_opt, 0x33, (size_t)n_out);
      for (i = 0; i < words + 2; ++i) scratch[i] = 0xA5A5A5A5u;
      eg_conv_s8_tfl_dw3(p, in_buf, out_opt, scratch + 1);
      fails |= tfl_mismatch("dw3", p, n_out);
      if (scratch[0] != 0xA5A5A5A5u || scratch[words + 1] != 0xA5A5A5A5u) {
        PRINT("tfl dw3 wrote outside its scratch\n");
        fails = 1;
      }
    }
  }
  return fails;
}

static int run_conv_b(int32_t batch, int32_t in_h, int32_t in_w, int32_t in_c, int32_t out_c, int32_t k_h, int32_t k_w,
                      int32_t sh, int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl, int32_t pb, int32_t pr,
                      int32_t groups, int use_bias) {
  eg_conv_s8_params p;
  int32_t i, n_in, n_w, n_out, cin_g = in_c / groups, t, c;
  memset(&p, 0, sizeof p);
  p.batch = batch;
  p.in_h = in_h;
  p.in_w = in_w;
  p.in_c = in_c;
  p.out_c = out_c;
  p.k_h = k_h;
  p.k_w = k_w;
  p.stride_h = sh;
  p.stride_w = sw;
  p.dil_h = dh;
  p.dil_w = dw;
  p.pad_top = pt;
  p.pad_left = pl;
  p.groups = groups;
  p.out_h = (in_h + pt + pb - dh * (k_h - 1) - 1) / sh + 1;
  p.out_w = (in_w + pl + pr - dw * (k_w - 1) - 1) / sw + 1;
  if (p.out_h <= 0 || p.out_w <= 0) return 0;
  n_in = batch * in_h * in_w * in_c;
  n_w = out_c * k_h * k_w * cin_g;
  n_out = batch * p.out_h * p.out_w * out_c;
  if (n_out <= 0 || n_in > MAX_IN || n_w > MAX_W || n_out > MAX_OUT || out_c > MAX_C ||
      EG_CONV_S8_SCRATCH_BYTES(groups, k_h, k_w, in_c) > (int32_t)sizeof scratch ||
      ((out_c + 1) & ~1) * ((k_h * k_w * in_c + 1) & ~1) > (int32_t)sizeof p2_buf)
    return 0;
  p.in_zp = rr(-128, 127);
  p.out_zp = rr(-20, 20);
  p.act_min = rnd() & 1 ? -128 : rr(-128, 0);
  p.act_max = rnd() & 1 ? 127 : rr(0, 127);
  for (i = 0; i < n_in; ++i) in_buf[i] = (int8_t)rr(-128, 127);
  for (i = 0; i < n_w; ++i) w_buf[i] = (int8_t)rr(-127, 127);
  fill_quant(out_c, rnd() % 4 == 0);
  if (groups == 1 && rnd() % 8 != 0) /* what the compiler emits for the matrix path: odd multipliers */
    for (c = 0; c < out_c; ++c) mult_buf[c] |= 1;
  if (groups == in_c && out_c == in_c)
    for (t = 0; t < k_h * k_w; ++t)
      for (c = 0; c < out_c; ++c) dw_buf[t * out_c + c] = w_buf[c * k_h * k_w + t];
  p.weights = w_buf;
  p.bias = use_bias ? bias_buf : 0;
  p.mult = mult_buf;
  p.shift = shift_buf;
  p.dw_weights = (groups == in_c && out_c == in_c) ? dw_buf : 0;
  p.out_table = pick_table();
  if (p.out_table) ++table_cases;
  memset(out_ref, 0x55, (size_t)n_out);
  memset(out_opt, 0x33, (size_t)n_out);
  eg_conv_s8_ref(&p, in_buf, out_ref);
  if (groups == 1) { /* the matrix path reads the EG_CONV_W_P2 layout */
    const int32_t K = k_h * k_w * in_c, Kw = (K + 1) & ~1, Mp = (out_c + 1) & ~1;
    int32_t k;
    for (c = 0; c < Mp; ++c)
      for (k = 0; k < Kw; ++k) p2_buf[eg_conv_w_index(K, c, k)] = c < out_c && k < K ? w_buf[c * K + k] : 0;
    p.weights = p2_buf;
    p.w_layout = EG_CONV_W_P2;
    memset(out_opt, 0x33, (size_t)n_out);
    eg_conv_s8_ref(&p, in_buf, out_opt);
    if (memcmp(out_ref, out_opt, (size_t)n_out) != 0) {
      PRINT("conv P2 reference MISMATCH\n");
      return 1;
    }
    for (c = 0; c < out_c && use_bias; ++c) { /* eg_conv_mat_ok */
      const int32_t m = mult_buf[c], s = shift_buf[c];
      if (m <= 0 || s > -2 || s < -23 || (m & ((1 << (-1 - s)) - 1)) == 0) break;
    }
    if (use_bias && c == out_c) { /* the matrix path's preconditions: its two entries directly */
      ++mat_cases;
      memset(out_opt, 0x33, (size_t)n_out); /* out_c odd: bias/mult/shift[out_c] are read (in the buffers) */
      eg_conv_s8_mat(&p, in_buf, out_opt, scratch);
      if (memcmp(out_ref, out_opt, (size_t)n_out) != 0) {
        PRINT("conv mat MISMATCH batch %d in %dx%dx%d out_c %d k %dx%d act %d..%d table %d\n", (int)batch, (int)in_h,
              (int)in_w, (int)in_c, (int)out_c, (int)k_h, (int)k_w, (int)p.act_min, (int)p.act_max, p.out_table != 0);
        return 1;
      }
      memset(out_opt, 0x33, (size_t)n_out);
      eg_conv_s8_mat_small(&p, in_buf, out_opt, scratch);
      if (memcmp(out_ref, out_opt, (size_t)n_out) != 0) {
        for (i = 0; i < n_out && out_ref[i] == out_opt[i]; ++i) {
        }
        PRINT("conv small MISMATCH batch %d in %dx%dx%d out_c %d k %dx%d s %d,%d d %d,%d pad %d,%d,%d,%d: [%d] ref %d "
              "opt %d\n",
              (int)batch, (int)in_h, (int)in_w, (int)in_c, (int)out_c, (int)k_h, (int)k_w, (int)sh, (int)sw, (int)dh,
              (int)dw, (int)pt, (int)pl, (int)pb, (int)pr, (int)i, (int)out_ref[i], (int)out_opt[i]);
        return 1;
      }
    }
  }
  memset(scratch, 0xA5, sizeof scratch);
  eg_conv_s8(&p, in_buf, out_opt, scratch);
  if (memcmp(out_ref, out_opt, (size_t)n_out) != 0) {
    for (i = 0; i < n_out && out_ref[i] == out_opt[i]; ++i) {
    }
    PRINT("conv MISMATCH batch %d in %dx%dx%d out_c %d k %dx%d s %d,%d d %d,%d pad %d,%d,%d,%d g %d: [%d] ref %d opt %d\n",
          (int)batch, (int)in_h, (int)in_w, (int)in_c, (int)out_c, (int)k_h, (int)k_w, (int)sh, (int)sw, (int)dh, (int)dw,
          (int)pt, (int)pl, (int)pb, (int)pr, (int)groups, (int)i, (int)out_ref[i], (int)out_opt[i]);
    return 1;
  }
  return run_conv_tfl(&p, n_in, n_out, use_bias, groups == 1);
}

static int run_conv(int32_t in_h, int32_t in_w, int32_t in_c, int32_t out_c, int32_t k_h, int32_t k_w, int32_t sh,
                    int32_t sw, int32_t dh, int32_t dw, int32_t pt, int32_t pl, int32_t pb, int32_t pr, int32_t groups,
                    int use_bias) {
  return run_conv_b(1, in_h, in_w, in_c, out_c, k_h, k_w, sh, sw, dh, dw, pt, pl, pb, pr, groups, use_bias);
}

/* Depthwise 3x3 (dilation 1, strides 1/2): eg_conv_s8_dw3 with exactly its
 * scratch (guard words around it) and eg_conv_s8_dw against the reference.
 * mode 0: shifts in the fast range; 1: some channels outside it (slow exact
 * loop), mult 0, mult = 2^30 (rounding ties), huge biases; 2: narrow activation
 * range. */
#define DW3_GUARD 0xA5A5A5A5u
static int run_dw3(int32_t batch, int32_t in_h, int32_t in_w, int32_t C, int32_t sh, int32_t sw, int32_t pt, int32_t pl,
                   int32_t pb, int32_t pr, int mode, int use_bias) {
  eg_conv_s8_params p;
  int32_t i, n_in, n_out, t, c, bytes, words;
  memset(&p, 0, sizeof p);
  p.batch = batch;
  p.in_h = in_h;
  p.in_w = in_w;
  p.in_c = p.out_c = p.groups = C;
  p.k_h = p.k_w = 3;
  p.stride_h = sh;
  p.stride_w = sw;
  p.dil_h = p.dil_w = 1;
  p.pad_top = pt;
  p.pad_left = pl;
  p.out_h = (in_h + pt + pb - 3) / sh + 1;
  p.out_w = (in_w + pl + pr - 3) / sw + 1;
  if (in_h + pt + pb < 3 || in_w + pl + pr < 3) return 0;
  n_in = batch * in_h * in_w * C;
  n_out = batch * p.out_h * p.out_w * C;
  bytes = EG_CONV_S8_DW3_SCRATCH_BYTES(p.out_h, p.out_w, sh, sw);
  words = bytes / 4;
  if (n_in > MAX_IN || n_out > MAX_OUT || C > MAX_C || words + 2 > (int32_t)(sizeof scratch / sizeof scratch[0]))
    return 0;
  p.in_zp = rnd() % 3 == 0 ? -128 : rr(-128, 127);
  p.out_zp = rr(-128, 127);
  p.act_min = mode == 2 ? rr(-128, 0) : -128;
  p.act_max = mode == 2 ? rr(0, 127) : 127;
  for (i = 0; i < n_in; ++i) in_buf[i] = (int8_t)rr(-128, 127);
  for (i = 0; i < 9 * C; ++i) w_buf[i] = (int8_t)(rnd() % 8 == 0 ? (rnd() & 1 ? -128 : 127) : rr(-128, 127));
  for (c = 0; c < C; ++c) {
    bias_buf[c] = rr(-30000, 30000);
    mult_buf[c] = (int32_t)(0x40000000u + (rnd() & 0x3FFFFFFFu));
    shift_buf[c] = (int8_t)rr(-14, -6); /* eg_conv_s8_dw3's fast range */
    if (mode == 1) {
      const uint32_t r = rnd() % 8;
      if (r == 0) shift_buf[c] = (int8_t)rr(-31, 0);
      if (r == 1) mult_buf[c] = 0;
      if (r == 2) mult_buf[c] = 0x40000000; /* ties at every other multiple of 2^(1 - shift) */
      if (r == 3) mult_buf[c] = (int32_t)((0x40000000u + (rnd() & 0x3FFFFFFFu)) & ~0xFFFFFu);
      if (r == 4) bias_buf[c] = (int32_t)rnd() >> rr(0, 8);
    }
  }
  for (t = 0; t < 9; ++t)
    for (c = 0; c < C; ++c) dw_buf[t * C + c] = w_buf[c * 9 + t];
  p.weights = w_buf;
  p.bias = use_bias ? bias_buf : 0;
  p.mult = mult_buf;
  p.shift = shift_buf;
  p.dw_weights = dw_buf;
  p.out_table = pick_table();
  if (p.out_table) ++table_cases;
  memset(out_ref, 0x55, (size_t)n_out);
  eg_conv_s8_ref(&p, in_buf, out_ref);
  memset(out_opt, 0x33, (size_t)n_out);
  for (i = 0; i < words + 2; ++i) scratch[i] = DW3_GUARD;
  eg_conv_s8_dw3(&p, in_buf, out_opt, scratch + 1);
  if (memcmp(out_ref, out_opt, (size_t)n_out) != 0 || scratch[0] != DW3_GUARD || scratch[words + 1] != DW3_GUARD) {
    for (i = 0; i < n_out && out_ref[i] == out_opt[i]; ++i) {
    }
    PRINT("dw3 MISMATCH b %d in %dx%dx%d s %d,%d pad %d,%d,%d,%d mode %d: [%d] ref %d opt %d guards %x %x\n",
          (int)batch, (int)in_h, (int)in_w, (int)C, (int)sh, (int)sw, (int)pt, (int)pl, (int)pb, (int)pr, mode, (int)i,
          i < n_out ? (int)out_ref[i] : 0, i < n_out ? (int)out_opt[i] : 0, (unsigned)scratch[0],
          (unsigned)scratch[words + 1]);
    return 1;
  }
  if (mode != 1 || eg_conv_dw_requant_ok(&p)) {
    memset(out_opt, 0x33, (size_t)n_out);
    eg_conv_s8_dw(&p, in_buf, out_opt);
    if (memcmp(out_ref, out_opt, (size_t)n_out) != 0) {
      PRINT("dw MISMATCH b %d in %dx%dx%d s %d,%d pad %d,%d,%d,%d\n", (int)batch, (int)in_h, (int)in_w, (int)C, (int)sh,
            (int)sw, (int)pt, (int)pl, (int)pb, (int)pr);
      return 1;
    }
  }
  return run_conv_tfl(&p, n_in, n_out, use_bias, 0);
}

static int run_fc(int32_t batch, int32_t K, int32_t N, int use_bias) {
  eg_fc_s8_params p;
  int32_t i, o;
  if (batch * K > MAX_IN || K * N > MAX_W || batch * N > MAX_OUT || N > MAX_C) return 0;
  memset(&p, 0, sizeof p);
  p.batch = batch;
  p.in_features = K;
  p.out_features = N;
  p.in_zp = rr(-128, 127);
  p.out_zp = rr(-20, 20);
  p.act_min = rnd() & 1 ? -128 : rr(-128, 0);
  p.act_max = rnd() & 1 ? 127 : rr(0, 127);
  for (i = 0; i < batch * K; ++i) in_buf[i] = (int8_t)rr(-128, 127);
  for (i = 0; i < K * N; ++i) w_buf[i] = (int8_t)rr(-127, 127);
  fill_quant(N, rnd() % 4 == 0);
  for (o = 0; o < N; ++o) { /* what the compiler precomputes (gemm.cpp) */
    int32_t s = use_bias ? bias_buf[o] : 0;
    for (i = 0; i < K; ++i) s -= p.in_zp * w_buf[o * K + i];
    bzp_buf[o] = s;
  }
  p.weights = w_buf;
  p.bias = use_bias ? bias_buf : 0;
  p.mult = mult_buf;
  p.shift = shift_buf;
  p.bias_zp = bzp_buf;
  eg_fc_s8_ref(&p, in_buf, out_ref);
  eg_fc_s8(&p, in_buf, out_opt);
  if (memcmp(out_ref, out_opt, (size_t)(batch * N)) != 0) {
    PRINT("fc MISMATCH batch %d K %d N %d\n", (int)batch, (int)K, (int)N);
    return 1;
  }
  /* the same weights in the EG_FC_W_I4 layout: DSP path and reference */
  for (o = 0; o < N; ++o)
    for (i = 0; i < K; ++i) dw_buf[eg_fc_w_index(K, N, o, i)] = w_buf[o * K + i];
  p.weights = dw_buf;
  p.w_layout = EG_FC_W_I4;
  eg_fc_s8(&p, in_buf, out_opt);
  if (memcmp(out_ref, out_opt, (size_t)(batch * N)) != 0) {
    PRINT("fc I4 MISMATCH batch %d K %d N %d\n", (int)batch, (int)K, (int)N);
    return 1;
  }
  eg_fc_s8_ref(&p, in_buf, out_opt);
  if (memcmp(out_ref, out_opt, (size_t)(batch * N)) != 0) {
    PRINT("fc I4 ref MISMATCH batch %d K %d N %d\n", (int)batch, (int)K, (int)N);
    return 1;
  }
  /* TFLite's requantization: _tfl_fast and _tfl_i4 against _tfl_ref (mult/shift and bias_zp anew) */
  fill_quant_tfl(N);
  p.out_zp = rr(-128, 127);
  for (o = 0; o < N; ++o) {
    int32_t s = use_bias ? bias_buf[o] : 0;
    for (i = 0; i < K; ++i) s -= p.in_zp * w_buf[o * K + i];
    bzp_buf[o] = s;
    if (!eg_requant_tfl_fast_ok(mult_buf[o], shift_buf[o])) shift_buf[o] = -1 - (int8_t)(rnd() % 12);
  }
  ++tfl_fc_cases;
  p.weights = w_buf;
  p.w_layout = 0;
  eg_fc_s8_tfl_ref(&p, in_buf, out_ref);
  eg_fc_s8_tfl_fast(&p, in_buf, out_opt);
  if (memcmp(out_ref, out_opt, (size_t)(batch * N)) != 0) {
    PRINT("fc tfl MISMATCH batch %d K %d N %d\n", (int)batch, (int)K, (int)N);
    return 1;
  }
  p.weights = dw_buf;
  p.w_layout = EG_FC_W_I4;
  eg_fc_s8_tfl_i4(&p, in_buf, out_opt);
  if (memcmp(out_ref, out_opt, (size_t)(batch * N)) != 0) {
    PRINT("fc tfl I4 MISMATCH batch %d K %d N %d\n", (int)batch, (int)K, (int)N);
    return 1;
  }
  return 0;
}

/* ONNX Runtime's float chain (eg_ort_chain) on the matrix paths: a conv whose
 * chain matches its multipliers, each channel's bias set so that one output
 * (a pixel picked per channel, any place in a tile of 3) lies within one
 * accumulator step of a rounding tie, where the chain's float sum decides.
 * eg_conv_s8_mat, _mat_small and eg_conv_s8 must give the reference's result
 * (eg_conv_s8_ref with the chain); *flips counts the outputs where that
 * differs from the exact rounding (the chain at work). */
static float ws_buf[MAX_C + 1];
/* Channel c's random odd multiplier and shift, its chain weight scale to match; the real multiplier */
static double ort_channel(int32_t c, const eg_ort_chain *o) {
  double real;
  int32_t i;
  mult_buf[c] = (int32_t)(0x40000000u + (rnd() & 0x3FFFFFFFu)) | 1;
  shift_buf[c] = (int8_t)rr(-16, -6);
  real = (double)mult_buf[c] / 2147483648.0;
  for (i = shift_buf[c]; i < 0; ++i) real *= 0.5;
  ws_buf[c] = (float)(real * (double)o->y_scale / (double)o->x_scale);
  return real;
}
static int run_ort_ties(int32_t in_h, int32_t in_w, int32_t in_c, int32_t out_c, int32_t k, int32_t st, int32_t pad,
                        int dw, int *flips) {
  eg_conv_s8_params p;
  eg_ort_chain o;
  const int32_t cin_g = dw ? 1 : in_c, K = k * k * cin_g, Kw = (K + 1) & ~1, Mp = (out_c + 1) & ~1;
  int32_t i, c, kk, n_in, n_out, npix;
  memset(&p, 0, sizeof p);
  p.batch = 1, p.in_h = in_h, p.in_w = in_w, p.in_c = in_c, p.out_c = out_c, p.k_h = p.k_w = k;
  if (dw) out_c = p.out_c = in_c;
  p.stride_h = p.stride_w = st, p.dil_h = p.dil_w = 1, p.pad_top = p.pad_left = pad, p.groups = dw ? in_c : 1;
  p.out_h = (in_h + 2 * pad - k) / st + 1;
  p.out_w = (in_w + 2 * pad - k) / st + 1;
  if (p.out_h <= 0 || p.out_w <= 0) return 0;
  npix = p.out_h * p.out_w;
  n_in = in_h * in_w * in_c;
  n_out = npix * out_c;
  if (n_in > MAX_IN || out_c * K > MAX_W || n_out > MAX_OUT || out_c > MAX_C ||
      EG_CONV_S8_SCRATCH_BYTES(1, k, k, in_c) + EG_CONV_S8_ORT_SCRATCH_BYTES(out_c) > (int32_t)sizeof scratch)
    return 0;
  p.in_zp = rnd() & 1 ? -128 : rr(-128, 127);
  p.out_zp = rr(-20, 20);
  p.act_min = rnd() % 4 ? -128 : rr(-128, 0);
  p.act_max = 127;
  for (i = 0; i < n_in; ++i) in_buf[i] = (int8_t)rr(-128, 127);
  for (i = 0; i < out_c * K; ++i) w_buf[i] = (int8_t)rr(-127, 127);
  o.op = EG_ORT_CONV;
  o.x_scale = 0.0078125f;
  o.y_scale = 0.05f + (float)rr(0, 1000) / 4096.0f;
  o.w_scale = ws_buf;
  o.b_scale = 0;
  for (c = 0; c < Mp; ++c) {
    const int32_t pc = rr(0, npix - 1), oy = pc / p.out_w, ox = pc % p.out_w;
    const int32_t n = rr(-60, 60); /* the tie at n + 1/2 output steps */
    int32_t acc = 0, ky, kx, ic;
    double real;
    real = ort_channel(c, &o);
    for (ky = 0; ky < k && c < out_c; ++ky)
      for (kx = 0; kx < k; ++kx)
        for (ic = 0; ic < cin_g; ++ic) {
          const int32_t iy = oy * st - pad + ky, ix = ox * st - pad + kx;
          if (iy >= 0 && iy < in_h && ix >= 0 && ix < in_w)
            acc += ((int32_t)in_buf[(iy * in_w + ix) * in_c + (dw ? c : ic)] - p.in_zp) *
                   w_buf[c * K + (ky * k + kx) * cin_g + ic];
        }
    /* acc + bias just below or above (n + 1/2) / real */
    bias_buf[c] = (int32_t)((n + 0.5) / real) - acc + rr(-1, 1);
  }
  if (dw) {
    for (kk = 0; kk < K; ++kk)
      for (c = 0; c < out_c; ++c) dw_buf[kk * out_c + c] = w_buf[c * K + kk];
    p.weights = w_buf;
    p.dw_weights = dw_buf;
  } else {
    for (c = 0; c < Mp; ++c)
      for (kk = 0; kk < Kw; ++kk) p2_buf[eg_conv_w_index(K, c, kk)] = c < out_c && kk < K ? w_buf[c * K + kk] : 0;
    p.weights = p2_buf;
    p.w_layout = EG_CONV_W_P2;
  }
  p.bias = bias_buf;
  p.mult = mult_buf;
  p.shift = shift_buf;
  p.out_table = rnd() % 3 == 0 ? pick_table() : 0;
  eg_conv_s8_ref(&p, in_buf, out_opt); /* the exact rounding */
  p.ort = &o;
  eg_conv_s8_ref(&p, in_buf, out_ref);
  for (i = 0; i < n_out; ++i) *flips += out_ref[i] != out_opt[i];
  for (kk = 0; kk < 3; ++kk) {
    static const char *const name[6] = {"mat", "mat_small", "eg_conv_s8", "dw", "dw3", "eg_conv_s8 dw"};
    memset(out_opt, 0x33, (size_t)n_out);
    if (dw && kk == 1 && (!EG_CONV_S8_DW3_OK(&p) || EG_CONV_S8_DW3_SCRATCH_BYTES(p.out_h, p.out_w, st, st) >
                                                      (int32_t)sizeof scratch))
      continue;
    if (dw && kk == 0) eg_conv_s8_dw(&p, in_buf, out_opt);
    else if (dw && kk == 1) eg_conv_s8_dw3(&p, in_buf, out_opt, scratch);
    else if (kk == 0) eg_conv_s8_mat(&p, in_buf, out_opt, scratch);
    else if (kk == 1) eg_conv_s8_mat_small(&p, in_buf, out_opt, scratch);
    else eg_conv_s8(&p, in_buf, out_opt, scratch);
    if (memcmp(out_ref, out_opt, (size_t)n_out) != 0) {
      for (i = 0; i < n_out && out_ref[i] == out_opt[i]; ++i) {
      }
      PRINT("ort near-tie %s MISMATCH in %dx%dx%d out_c %d k %d s %d pad %d: [%d] ref %d opt %d\n", name[kk + 3 * dw], (int)in_h,
            (int)in_w, (int)in_c, (int)out_c, (int)k, (int)st, (int)pad, (int)i, (int)out_ref[i], (int)out_opt[i]);
      return 1;
    }
  }
  return 0;
}

/* The same for a fully connected layer (Gemm with transB, batch rows): row 0's
 * outputs set within one step of a tie; eg_fc_s8 / _fast / _i4 against the
 * reference with the chain. */
static int run_fc_ort_ties(int32_t batch, int32_t K, int32_t N, int *flips) {
  eg_fc_s8_params p;
  eg_ort_chain o;
  int32_t i, c, kk;
  if (batch * K > MAX_IN || K * N > MAX_W || batch * N > MAX_OUT || N > MAX_C) return 0;
  memset(&p, 0, sizeof p);
  p.batch = batch, p.in_features = K, p.out_features = N;
  p.in_zp = rnd() & 1 ? -128 : rr(-128, 127);
  p.out_zp = rr(-20, 20);
  p.act_min = -128, p.act_max = 127;
  for (i = 0; i < batch * K; ++i) in_buf[i] = (int8_t)rr(-128, 127);
  for (i = 0; i < K * N; ++i) w_buf[i] = (int8_t)rr(-127, 127);
  o.op = rnd() & 1 ? EG_ORT_GEMM_TB : EG_ORT_GEMM_NT;
  o.x_scale = 0.0078125f;
  o.y_scale = 0.05f + (float)rr(0, 1000) / 4096.0f;
  o.w_scale = ws_buf;
  o.b_scale = 0;
  for (c = 0; c < N; ++c) {
    const int32_t row = rr(0, batch - 1), n = rr(-60, 60);
    int32_t acc = 0;
    double real;
    real = ort_channel(c, &o);
    for (i = 0; i < K; ++i) acc += ((int32_t)in_buf[row * K + i] - p.in_zp) * w_buf[c * K + i];
    bias_buf[c] = (int32_t)((n + 0.5) / real) - acc + rr(-1, 1);
    bzp_buf[c] = bias_buf[c];
    for (i = 0; i < K; ++i) bzp_buf[c] -= p.in_zp * w_buf[c * K + i];
  }
  p.weights = w_buf;
  p.bias = bias_buf;
  p.mult = mult_buf;
  p.shift = shift_buf;
  p.bias_zp = bzp_buf;
  eg_fc_s8_ref(&p, in_buf, out_opt);
  p.ort = &o;
  eg_fc_s8_ref(&p, in_buf, out_ref);
  for (i = 0; i < batch * N; ++i) *flips += out_ref[i] != out_opt[i];
  for (c = 0; c < N; ++c)
    for (i = 0; i < K; ++i) dw_buf[eg_fc_w_index(K, N, c, i)] = w_buf[c * K + i];
  for (kk = 0; kk < 3; ++kk) {
    memset(out_opt, 0x33, (size_t)(batch * N));
    p.weights = kk == 2 ? dw_buf : w_buf;
    p.w_layout = kk == 2 ? EG_FC_W_I4 : 0;
    if (kk == 0) eg_fc_s8(&p, in_buf, out_opt);
    else if (kk == 1) eg_fc_s8_fast(&p, in_buf, out_opt);
    else eg_fc_s8_i4(&p, in_buf, out_opt);
    if (memcmp(out_ref, out_opt, (size_t)(batch * N)) != 0) {
      PRINT("fc ort near-tie MISMATCH (%d) batch %d K %d N %d\n", (int)kk, (int)batch, (int)K, (int)N);
      return 1;
    }
  }
  return 0;
}

int main(void) {
  int fails = 0, n = 0, i;
  static const int32_t fixed[][16] = {
      /* in_h in_w in_c out_c kh kw sh sw dh dw pt pl pb pr groups bias */
      {25, 5, 64, 64, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1},   /* kws pointwise */
      {25, 5, 64, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 64, 1},  /* kws depthwise */
      {49, 10, 1, 16, 10, 4, 2, 2, 1, 1, 4, 1, 5, 1, 1, 1},  /* kws first conv */
      {12, 12, 3, 8, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 1, 1},    /* vww first conv */
      {8, 8, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},    /* resnet 3x3 */
      {8, 8, 16, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0},    /* resnet 3x3/2 */
      {7, 9, 12, 12, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 12, 1},   /* dw stride 2 */
      {7, 9, 12, 12, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 12, 1},   /* dw dilation */
      {5, 6, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 7, 1},      /* dw odd channels */
      {6, 12, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 8, 1},     /* dw 3x3 scratch path (out_w >= 8) */
      {7, 13, 5, 5, 3, 3, 1, 1, 1, 1, 0, 2, 2, 0, 5, 0},     /* dw 3x3 scratch path, odd width, asymmetric pads */
      {5, 10, 3, 3, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, 3, 1},     /* dw 3x3 scratch path, no padding */
      {5, 6, 4, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 4, 1},      /* dw multiplier 2 (reference) */
      {6, 6, 8, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1},      /* grouped (reference) */
      {1, 50, 5, 9, 1, 5, 1, 2, 1, 1, 0, 2, 0, 2, 1, 1},     /* 1-D, odd everything */
      {1, 30, 10, 8, 1, 3, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1},    /* seed 1-D conv */
      {12, 12, 8, 16, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1},   /* vww pointwise 8->16 */
      {8, 8, 16, 32, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1},    /* resnet 1x1 stride 2 */
      {9, 9, 3, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},     /* ic first conv */
      {4, 4, 64, 64, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1},    /* pointwise, 16 pixels */
      {1, 1, 32, 7, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1},     /* one pixel, odd out_c */
      {1, 2, 12, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0},     /* two pixels */
      {5, 7, 2, 3, 3, 2, 1, 2, 2, 1, 2, 1, 2, 1, 1, 1},      /* dilation, asymmetric pads */
  };
  fails += check_requant();
  for (i = 0; i < (int)(sizeof fixed / sizeof fixed[0]); ++i, ++n) {
    const int32_t *f = fixed[i];
    fails += run_conv(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], f[12], f[13], f[14],
                      (int)f[15]);
  }
  for (i = 0; i < 40; ++i, ++n) { /* batch > 1 */
    const int32_t k_h = rr(1, 3), k_w = rr(1, 3), c = rnd() & 1 ? 4 * rr(1, 4) : rr(1, 7), dwise = rnd() % 3 == 0;
    fails += run_conv_b(rr(2, 3), rr(1, 7), rr(1, 7), c, dwise ? c : rr(1, 19), k_h, k_w, rr(1, 2), rr(1, 2), 1, rr(1, 2),
                        rr(0, k_h - 1), rr(0, k_w - 1), rr(0, k_h - 1), rr(0, k_w - 1), dwise ? c : 1, (int)(rnd() & 3));
  }
  for (i = 0; i < 300; ++i, ++n) {
    const int32_t kind = rr(0, 3);
    const int32_t k_h = rr(1, 4), k_w = rr(1, 4), dh = rr(1, 2), dw = rr(1, 2), sh = rr(1, 3), sw = rr(1, 3);
    const int32_t in_h = rr(1, 12), in_w = rr(1, 12);
    const int32_t pt = rr(0, k_h - 1), pl = rr(0, k_w - 1), pb = rr(0, k_h - 1), pr = rr(0, k_w - 1);
    if (kind == 0) { /* pointwise, often with channels a multiple of 4 */
      const int32_t c = rnd() & 1 ? 4 * rr(1, 16) : rr(1, 40);
      fails += run_conv(in_h, in_w, c, rr(1, 40), 1, 1, sh, sw, 1, 1, 0, 0, 0, 0, 1, (int)(rnd() & 3));
    } else if (kind == 1) { /* general conv */
      const int32_t c = rnd() & 1 ? 4 * rr(1, 8) : rr(1, 13);
      fails += run_conv(in_h, in_w, c, rr(1, 24), k_h, k_w, sh, sw, dh, dw, pt, pl, pb, pr, 1, (int)(rnd() & 3));
    } else if (kind == 2) { /* depthwise */
      const int32_t c = rr(1, 40), m = rnd() % 4 == 0 ? 2 : 1;
      fails += run_conv(in_h, in_w, c, c * m, k_h, k_w, sh, sw, dh, dw, pt, pl, pb, pr, c, (int)(rnd() & 3));
    } else {
      fails += run_fc(rr(1, 3), rr(1, 300), rr(1, 40), (int)(rnd() & 3));
    }
  }
  { /* depthwise 3x3: the model shapes, then random ones */
    static const int32_t dw[][10] = {
        /* batch in_h in_w C sh sw pt pl pb pr */
        {1, 25, 5, 64, 1, 1, 1, 1, 1, 1}, {1, 48, 48, 8, 1, 1, 1, 1, 1, 1}, {1, 24, 24, 32, 2, 2, 1, 1, 1, 1},
        {1, 12, 12, 64, 1, 1, 1, 1, 1, 1}, {1, 6, 6, 128, 2, 2, 1, 1, 1, 1}, {1, 3, 3, 160, 1, 1, 1, 1, 1, 1},
        {1, 24, 24, 8, 2, 2, 0, 0, 1, 1},  {2, 7, 9, 6, 1, 2, 2, 0, 1, 2},   {1, 1, 17, 5, 1, 1, 1, 1, 1, 1},
        {1, 17, 1, 7, 2, 1, 0, 2, 1, 0},   {1, 3, 3, 4, 1, 1, 0, 0, 0, 0},   {1, 2, 2, 4, 2, 2, 3, 3, 3, 3},
    };
    for (i = 0; i < (int)(sizeof dw / sizeof dw[0]); ++i, ++n) {
      const int32_t *f = dw[i];
      fails += run_dw3(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], i % 3, 1);
    }
    for (i = 0; i < 400; ++i, ++n) {
      const int32_t C = rnd() & 1 ? 4 * rr(1, 6) : rr(1, 13);
      fails += run_dw3(rr(1, 2), rr(1, 15), rr(1, 15), C, rr(1, 2), rr(1, 2), rr(0, 3), rr(0, 3), rr(0, 3), rr(0, 3),
                       (int)(rnd() % 3), rnd() % 4 != 0);
    }
  }
  { /* ONNX Runtime's chain: constructed near ties on the matrix paths */
    int flips = 0, ort_cases = 0;
    fails += run_ort_ties(6, 6, 16, 16, 3, 1, 1, 0, &flips), ++ort_cases;
    fails += run_ort_ties(5, 7, 64, 33, 1, 1, 0, 0, &flips), ++ort_cases;
    fails += run_ort_ties(9, 9, 3, 8, 3, 2, 1, 0, &flips), ++ort_cases;
    fails += run_ort_ties(10, 12, 16, 16, 3, 1, 1, 1, &flips), ++ort_cases;
    for (i = 0; i < 40; ++i, ++ort_cases)
      fails += run_ort_ties(rr(1, 9), rr(1, 9), rnd() & 1 ? 4 * rr(1, 16) : rr(1, 40), rr(1, 40), rr(1, 3), rr(1, 2),
                            rr(0, 1), 0, &flips);
    for (i = 0; i < 30; ++i, ++ort_cases)
      fails += run_ort_ties(rr(3, 14), rr(3, 14), rnd() & 1 ? 4 * rr(1, 8) : rr(1, 20), 0, 3, rr(1, 2), rr(0, 1), 1,
                            &flips);
    for (i = 0; i < 20; ++i, ++ort_cases) fails += run_fc_ort_ties(rr(1, 4), rr(8, 400), rr(1, 40), &flips);
    n += ort_cases;
    PRINT("ort near ties: %d cases, %d outputs where the float chain rounds the other way\n", ort_cases, flips);
    if (flips < 5) {
      PRINT("ort near ties: too few constructed near ties (%d)\n", flips);
      ++fails;
    }
  }
  fails += run_fc(1, 640, 16, 1);
  fails += run_fc(1, 128, 40, 1);
  fails += run_fc(2, 67, 13, 1);
  fails += run_fc(1, 48, 8, 1);
  fails += run_fc(1, 64 * 3 + 12 + 3, 9, 0);
  PRINT("kernel tests: %d cases (%d on the conv matrix path's requantization, %d with an out table; TFLite: %d matrix, "
        "%d depthwise, %d depthwise 3x3 with scratch, %d FC), %d failures (EG_USE_DSP=%d, EG_USE_MVE=%d)\n",
        n + 5, mat_cases, table_cases, tfl_mat_cases, tfl_dw_cases, tfl_dw3_cases, tfl_fc_cases, fails, EG_USE_DSP,
        EG_USE_MVE);
  return fails ? 1 : 0;
}
