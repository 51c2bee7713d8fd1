#include "eg_conv.h"

#include "eg_common.h"
#include "eg_conv_dw.h"
#include "eg_conv_mve.h"

/* Weight k (OHWI order within the channel) of output channel oc. */
static int32_t eg_conv_w(const eg_conv_s8_params *p, int32_t K, int32_t oc, int32_t k) {
  return p->w_layout ? p->weights[eg_conv_w_index(K, oc, k)] : p->weights[oc * K + k];
}

/* The requantized acc of output (oy, ox, oc) of image inb as ONNX Runtime's
 * float chain gives it where the exact value is near a rounding tie
 * (eg_ort_exact.h): the taps in ONNX's order (channel, row, column), padding
 * included as zeros. */
EG_NOINLINE int32_t eg_conv_s8_ort_requant(const eg_conv_s8_params *p, const int8_t *inb, int32_t oy, int32_t ox,
                                          int32_t oc, int32_t acc) {
  const eg_ort_chain *o = p->ort;
  const int32_t cin_g = p->in_c / p->groups, g = oc / (p->out_c / p->groups), K = p->k_h * p->k_w * cin_g;
  const int32_t b = p->bias ? p->bias[oc] : 0;
  const uint32_t babs = (uint32_t)(b < 0 ? -(int64_t)b : b);
  int32_t pass, ic, ky, kx;
  uint64_t asum;
  eg_ort_sum s;
  /* first the bound for any input, then this output's own sum of |terms| */
  if (!eg_ort_near_tie(acc, eg_ort_asum_bound(K, p->in_zp, b), K, p->mult[oc], p->shift[oc]))
    return eg_requantize(acc, p->mult[oc], p->shift[oc]);
  eg_ort_sum_begin(&s, o, p->out_c / p->groups, p->out_h * p->out_w, K, 0, p->bias, oc);
  for (pass = 0; pass < 2; ++pass) {
    asum = babs;
    for (ic = 0; ic < cin_g; ++ic)
      for (ky = 0; ky < p->k_h; ++ky)
        for (kx = 0; kx < p->k_w; ++kx) {
          const int32_t iy = oy * p->stride_h - p->pad_top + ky * p->dil_h, ix = ox * p->stride_w - p->pad_left + kx * p->dil_w;
          const int32_t w = eg_conv_w(p, K, oc, (ky * p->k_w + kx) * cin_g + ic);
          const int32_t dx = iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w
                                 ? 0 : (int32_t)inb[((int32_t)iy * p->in_w + ix) * p->in_c + g * cin_g + ic] - p->in_zp;
          if (pass) eg_ort_sum_add(&s, (float)dx * o->x_scale, (float)w * o->w_scale[oc]);
          else asum += (uint32_t)(dx < 0 ? -dx : dx) * (uint32_t)(w < 0 ? -w : w);
        }
    if (!pass && !eg_ort_near_tie(acc, asum > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)asum, K, p->mult[oc], p->shift[oc]))
      return eg_requantize(acc, p->mult[oc], p->shift[oc]);
  }
  return eg_ort_sum_q(&s, o, p->bias, oc);
}

/* The reference loop in either requantization (EG_RQ_ONNX / EG_RQ_TFLITE). */
static void eg_conv_s8_loop(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, int32_t mode) {
  const int32_t cin_g = p->in_c / p->groups, cout_g = p->out_c / p->groups;
  int32_t b, oy, ox, oc, ky, kx, ic;
  for (b = 0; b < p->batch; ++b) {
    const int8_t *inb = in + (int32_t)b * p->in_h * p->in_w * p->in_c;
    for (oy = 0; oy < p->out_h; ++oy) {
      for (ox = 0; ox < p->out_w; ++ox) {
        for (oc = 0; oc < p->out_c; ++oc) {
          const int32_t g = oc / cout_g;
          const int8_t *w = p->weights + (int32_t)oc * p->k_h * p->k_w * cin_g;
          const int32_t K = p->k_h * p->k_w * cin_g;
          int32_t acc = p->bias ? p->bias[oc] : 0;
          for (ky = 0; ky < p->k_h; ++ky) {
            const int32_t iy = oy * p->stride_h - p->pad_top + ky * p->dil_h;
            if (iy < 0 || iy >= p->in_h) continue;
            for (kx = 0; kx < p->k_w; ++kx) {
              const int32_t ix = ox * p->stride_w - p->pad_left + kx * p->dil_w;
              const int8_t *x, *wk;
              if (ix < 0 || ix >= p->in_w) continue;
              x = inb + ((int32_t)iy * p->in_w + ix) * p->in_c + g * cin_g;
              wk = w + (ky * p->k_w + kx) * cin_g;
              if (p->w_layout)
                for (ic = 0; ic < cin_g; ++ic)
                  acc += ((int32_t)x[ic] - p->in_zp) *
                         (int32_t)p->weights[eg_conv_w_index(K, oc, (ky * p->k_w + kx) * cin_g + ic)];
              else
                for (ic = 0; ic < cin_g; ++ic) acc += ((int32_t)x[ic] - p->in_zp) * (int32_t)wk[ic];
            }
          }
          acc = mode == EG_RQ_TFLITE ? eg_requantize_tfl(acc, p->mult[oc], p->shift[oc])
                : p->ort               ? eg_conv_s8_ort_requant(p, inb, oy, ox, oc, acc)
                                       : eg_requantize(acc, p->mult[oc], p->shift[oc]);
          acc = eg_clamp_i32(acc + p->out_zp, p->act_min, p->act_max);
          *out++ = p->out_table ? p->out_table[acc + 128] : (int8_t)acc;
        }
      }
    }
  }
}

void eg_conv_s8_ref(const eg_conv_s8_params *p, const int8_t *in, int8_t *out) {
  eg_conv_s8_loop(p, in, out, EG_RQ_ONNX);
}

void eg_conv_s8_tfl_ref(const eg_conv_s8_params *p, const int8_t *in, int8_t *out) {
  eg_conv_s8_loop(p, in, out, EG_RQ_TFLITE);
}

#if EG_USE_DSP
/* ---- Cortex-M4 DSP matrix path (groups == 1) -------------------------------
 * Weights in the EG_CONV_W_P2 layout (eg_conv_w_index): output channels in
 * pairs, per 4 values of K the pair's two weight words (then, when K rounded
 * up to even is 2 mod 4, one word with the last 2 of each), so one pointer
 * walks both channels. Output pixels in tiles of 3 (consecutive in NHWC order,
 * across rows and images). A pixel's K input bytes (OHWI tap order, in_zp for
 * padding taps) are read in place when contiguous in the input, else gathered
 * into a byte row; they are widened with the input zero point subtracted
 * (SXTAB16) into the tile's int16 column: per group q of 4 values, pixel s
 * owns the words 6q + 2s = [x0 | x2 << 16] and 6q + 2s + 1 = [x1 | x3 << 16],
 * what SXTB16 / SXTB16-ROR8 make of 4 weight bytes, so one SMLAD does 2 MACs
 * with no repacking; the lanes past K are 0. The inner loop computes 3 pixels
 * x 2 channels (6 accumulators, 14 registers): per group 8 loads, 4 SXTB16,
 * 12 SMLAD. Requantization (eg_conv_mat_ok): SMMLA with the rounding constant
 * and the output zero point folded in, one ASR, SSAT (or the act clamp).
 * TFLite's requantization (the _tfl entries, eg_conv_s8_mat_requant_ok_tfl)
 * is the one difference: SMLAL with eg_rq_mulhi's start, + 2^(r-1), ASR, +
 * out_zp (out of line in the asm block: 8 instructions per output, not 2). */

#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__) && !defined(EG_DSP_EMULATION)
static inline int32_t eg_smmla(int32_t a, int32_t b, int32_t c) {
  int32_t r;
  __asm__("smmla %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(c));
  return r;
}
#define EG_SAT8(v) __ssat((v), 8)
#define EG_MAT_ASM 1
#else
/* c + the high word of a * b (SMMLA) */
static inline int32_t eg_smmla(int32_t a, int32_t b, int32_t c) {
  return (int32_t)(((int64_t)c * 4294967296LL + (int64_t)a * (int64_t)b) >> 32);
}
#define EG_SAT8(v) ((v) < -128 ? -128 : (v) > 127 ? 127 : (v))
#endif
#ifndef EG_MAT_ASM
#define EG_MAT_ASM 0
#endif
/* the asm channel loop's state, after the tile column (in EG_CONV_S8_SCRATCH_BYTES) */
#define EG_MAT_STATE_BYTES 60
/* flags bit (eg_mat_state.flags) of TFLite's requantization */
#define EG_MAT_TFLITE 1024
/* flags bit of ONNX Runtime's float chain (p->ort): the asm leaves the accumulators to eg_mat_ort_tile */
#define EG_MAT_ORT 2048

/* One accumulator's requantization on the matrix paths, r = -1 - shift, h =
 * eg_mat_round(2 out_zp + 1, r, mode): ONNX's SMMLA with the output zero point
 * folded in (h = out_zp * 2^r + 2^(r-1); exact under eg_conv_mat_ok, r <= 22),
 * or TFLite's SMLAL (eg_rq_mulhi; h = 2^(r-1), the zero point added after the
 * shift: exact for mult >= 0, r in [1, 30]). */
static inline int32_t eg_mat_round(int32_t z21, int32_t r, int32_t mode) {
  return mode == EG_RQ_TFLITE ? (int32_t)(1u << r) >> 1 : (z21 << r) >> 1;
}
static inline int32_t eg_mat_rq(int32_t acc, int32_t mult, int32_t h, int32_t r, int32_t z21, int32_t mode) {
  return mode == EG_RQ_TFLITE ? ((eg_rq_mulhi(acc, mult, mode) + h) >> r) + (z21 >> 1) : eg_smmla(acc, mult, h) >> r;
}

/* 1 when every channel's requantization is exact as
 * ((acc * mult) >> 32) + 2^(r-1) + out_zp * 2^r) >> r with r = -1 - shift:
 * mult > 0, shift in [-23, -2] (r in [1, 22]: the folded constant fits) and
 * fewer than r trailing zero bits in mult (then acc * mult / 2^(32 + r) is
 * never an exact tie for a negative acc, where eg_requantize rounds down);
 * and a bias array. */
static int eg_conv_mat_ok(const eg_conv_s8_params *p) {
  int32_t c;
  if (!p->bias) return 0;
  for (c = 0; c < p->out_c; ++c) {
    const int32_t m = p->mult[c], s = p->shift[c], r = -1 - s;
    if (m <= 0 || s > -2 || s < -23 || (m & ((1 << r) - 1)) == 0) return 0;
  }
  return 1;
}

/* ---- ONNX Runtime's float chain on the matrix paths (p->ort) ---------------
 * The requantization is the SMMLA form above; hw = eg_smmla(acc, mult, h),
 * t = hw << (32 - r) is the exact value's distance past a rounding tie in
 * 2^-32 output steps (less the low word SMMLA drops, < 2^(32 - r)). An output
 * whose |t| lies within eg_mat_tie_window of a tie goes to eg_conv_s8_ort_requant
 * (the reference's own test and recomputation), so the result is the
 * reference's; the window takes eg_ort_near_tie's bound with asum <= 128 *
 * sum |x - in_zp| + |bias| (any weight |w| <= 128), so it flags every output
 * that test flags. */

#if EG_DSP_ORT
/* sum of |v| over the int16 lanes of n word pairs of a tile column, stride words apart */
static uint32_t eg_mat_col_abs(const uint32_t *c, int32_t n, int32_t stride) {
  uint32_t s = 0;
  for (; n > 0; --n, c += stride) {
    const int32_t a = (int16_t)(c[0] & 0xFFFFu), b = (int32_t)c[0] >> 16;
    const int32_t d = (int16_t)(c[1] & 0xFFFFu), e = (int32_t)c[1] >> 16;
    s += (uint32_t)(a < 0 ? -a : a) + (uint32_t)(b < 0 ? -b : b) + (uint32_t)(d < 0 ? -d : d) + (uint32_t)(e < 0 ? -e : e);
  }
  return s;
}

/* The largest |t| (see above) at which an output with sum of |terms| <= asum
 * may round the other way in the float chain: eg_ort_near_tie's bound in
 * 2^-32 steps plus the dropped low word; 0xFFFFFFFF when any output may. */
static uint32_t eg_mat_tie_window(uint64_t asum, int32_t mult, int32_t r, int32_t K) {
  uint64_t w;
  if (asum > 0xFFFFFFFFu) return 0xFFFFFFFFu;
  w = eg_ort_tie_window((uint32_t)asum, K, mult, -1 - r);
  if (w == UINT64_MAX) return 0xFFFFFFFFu;
  w = (w >> r) + 1u + ((uint64_t)1 << (32 - r));
  return w >= 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)w;
}

/* 1 when hw (eg_smmla's result, r = -1 - shift) may be a near tie for window win */
static inline int eg_mat_near_tie(int32_t hw, int32_t r, uint32_t win) {
  const uint32_t t = (uint32_t)hw << (32 - r);
  return (t ^ (uint32_t)((int32_t)t >> 31)) <= win;
}

/* Output channel oc of the output pixel at o (out: the layer's output) through
 * eg_conv_s8_ort_requant; the output zero point added. */
EG_NOINLINE static int32_t eg_mat_ort_pixel(const eg_conv_s8_params *p, const int8_t *in, const int8_t *out,
                                            const int8_t *o, int32_t oc, int32_t acc) {
  const int32_t pix = (int32_t)((o - out) / p->out_c), hw = p->out_h * p->out_w, q = pix % hw;
  return eg_conv_s8_ort_requant(p, in + (pix / hw) * p->in_h * p->in_w * p->in_c, q / p->out_w, q % p->out_w, oc, acc) +
         p->out_zp;
}

/* The tile's outputs from its accumulators (accs: 3 per channel, pixel by
 * pixel; col: the tile column of `groups` groups; os: the 3 pixels' outputs). */
EG_NOINLINE static void eg_mat_ort_tile(const eg_conv_s8_params *p, const int8_t *in, const int8_t *out,
                                        const uint32_t *col, int32_t groups, const int32_t *accs, int8_t *const *os) {
  const int32_t M = p->out_c, K = p->k_h * p->k_w * p->in_c, z21 = 2 * p->out_zp + 1;
  uint64_t sx = 0;
  int32_t oc, s;
  for (s = 0; s < 3; ++s) {
    const uint64_t v = eg_mat_col_abs(col + 2 * s, groups, 6);
    sx = v > sx ? v : sx;
  }
  sx *= 128u;
  for (oc = 0; oc < M; ++oc, accs += 3) {
    const int32_t m = p->mult[oc], r = -1 - p->shift[oc], h = eg_mat_round(z21, r, EG_RQ_ONNX), b = p->bias[oc];
    const uint32_t win = eg_mat_tie_window(sx + (uint32_t)(b < 0 ? -(int64_t)b : b), m, r, K);
    for (s = 0; s < 3; ++s) {
      const int32_t hw = eg_smmla(accs[s], m, h);
      const int32_t v = eg_clamp_i32(eg_mat_near_tie(hw, r, win) ? eg_mat_ort_pixel(p, in, out, os[s], oc, accs[s])
                                                                   : hw >> r,
                                     p->act_min, p->act_max);
      os[s][oc] = p->out_table ? p->out_table[v + 128] : (int8_t)v;
    }
  }
}

#endif

/* n >= 1 bytes: words (the last one overlapping), or bytes when n < 4 (no
 * byte loop: GCC would call memcpy / memset). */
EG_NOINLINE static void eg_conv_copy(int8_t *d, const int8_t *s, int32_t n) {
  int32_t i;
  if (n < 4) {
    d[0] = s[0];
    if (n > 1) d[1] = s[1];
    if (n > 2) d[2] = s[2];
    return;
  }
  for (i = 0; i + 4 < n; i += 4) eg_st32(d + i, eg_ld32(s + i));
  eg_st32(d + n - 4, eg_ld32(s + n - 4));
}

EG_NOINLINE static void eg_conv_fill(int8_t *d, uint32_t v4, int32_t n) {
  int32_t i;
  if (n < 4) {
    d[0] = (int8_t)v4;
    if (n > 1) d[1] = (int8_t)v4;
    if (n > 2) d[2] = (int8_t)v4;
    return;
  }
  for (i = 0; i + 4 < n; i += 4) eg_st32(d + i, v4);
  eg_st32(d + n - 4, v4);
}

/* The K input bytes of the output pixel whose tap (0, 0) is input (iy0, ix0)
 * of image inb, in OHWI tap order, in_zp (zp4) for padding taps, into d. With
 * contiguous taps (dil_w == 1 or k_w == 1) each kernel row is padding, a copy
 * of its inside taps, padding; else tap by tap. */
EG_NOINLINE void eg_conv_gather(const eg_conv_s8_params *p, const int8_t *inb, int32_t iy0, int32_t ix0, int8_t *d,
                                       uint32_t zp4) {
  const int32_t C = p->in_c, kw = p->k_w, W = p->in_w, H = p->in_h, row = kw * C;
  int32_t ky, kx, lo = 0, hi = row; /* bytes [lo, hi) of a kernel row are inside */
  if (p->dil_w == 1 || kw == 1) {
    if (ix0 < 0) lo = (-ix0 < kw ? -ix0 : kw) * C;
    if (ix0 + kw > W) hi = (W - ix0 > 0 ? W - ix0 : 0) * C;
    if (hi < lo) hi = lo;
  }
  for (ky = 0; ky < p->k_h; ++ky, d += row) {
    const int32_t iy = iy0 + ky * p->dil_h;
    const int8_t *srow = inb + iy * W * C;
    if (iy < 0 || iy >= H) {
      eg_conv_fill(d, zp4, row);
    } else if (p->dil_w == 1 || kw == 1) {
      if (lo > 0) eg_conv_fill(d, zp4, lo);
      if (hi > lo) eg_conv_copy(d + lo, srow + ix0 * C + lo, hi - lo);
      if (hi < row) eg_conv_fill(d + hi, zp4, row - hi);
    } else {
      for (kx = 0; kx < kw; ++kx) {
        const int32_t ix = ix0 + kx * p->dil_w;
        if (ix < 0 || ix >= W)
          eg_conv_fill(d + kx * C, zp4, C);
        else
          eg_conv_copy(d + kx * C, srow + ix * C, C);
      }
    }
  }
}

/* One pixel's K bytes at x, minus the zero point (off2), into its words of
 * the tile column (col: the pixel's first word; 6 words per group of 4). The
 * last K % 4 bytes make a group whose missing lanes are in_zp (zp4), so 0
 * once widened (read as a word from the gathered row, which holds in_zp past
 * K, else one by one, never past x + K); it comes first when K % 4 is 1 or 2
 * (the weights' tail word, see eg_conv_w_index), last when K % 4 == 3. */
EG_NOINLINE static void eg_conv_widen1(const int8_t *x, uint32_t *col, int32_t K, uint32_t off2, uint32_t zp4,
                                       int gathered) {
  int32_t q = K >> 2, t = K & 3;
  uint32_t *part = col + 6 * q;
  if (t == 1 || t == 2) {
    part = col;
    col += 6;
  }
  for (; q > 0; --q, x += 4, col += 6) {
    const uint32_t v = eg_ld32(x);
    col[0] = __sxtab16(off2, v);
    col[1] = eg_sxtab16_ror8(off2, v);
  }
  if (t) {
    uint32_t v = zp4;
    if (gathered)
      v = eg_ld32(x);
    else
      while (t-- > 0) v = (v & ~(0xFFu << 8 * t)) | ((uint32_t)(uint8_t)x[t] << 8 * t);
    part[0] = __sxtab16(off2, v);
    part[1] = eg_sxtab16_ror8(off2, v);
  }
}

#if EG_MAT_ASM
/* Register roles in the channel loop (fixed, so the asm block needs no
 * register operands): accumulators of channel 0 (A*) and 1 (B*) for pixels
 * 0..2, the weight and column pointers, 6 temporaries. */
#define EG_A0 "r0"
#define EG_A1 "r1"
#define EG_A2 "r2"
#define EG_B0 "r3"
#define EG_B1 "r4"
#define EG_B2 "r5"
#define EG_PW "r6"
#define EG_PX "r7"
#define EG_W0 "r8"
#define EG_W0H "r9"
#define EG_W1 "r10"
#define EG_W1H "r11"
#define EG_XA "r12"
#define EG_XB "lr"
/* Assembler macros (defined at the start of the asm block, purged at its
 * end, so the block's text stays short):
 * eg_mat_mac: one group of 4 values of K for 3 pixels x 2 channels, the
 * pair's two weight words already loaded (EG_MAT_LDW): SXTB16 / SXTB16-ROR8,
 * 12 SMLAD against the 6 column words at px.
 * eg_mat_rq3 x0, x1, x2: requantize 3 accumulators: mult in W1H, shift in XA
 * (becomes r = -1 - shift), 2 out_zp + 1 in W0H; the SMMLA constant in XB;
 * flags untouched.
 * eg_mat_rqt3 x0, x1, x2: the same with TFLite's rounding (eg_mat_rqt each:
 * SMLAL into PW:XB, whose caller saved PW; the zero point added after the
 * shift, from the state); W0H becomes 2^(r-1).
 * eg_mat_clamp x: act clamp to [W0, W0H]. */
#define EG_MAT_LDW "ldr " EG_W0 ", [" EG_PW "], #4\n" \
                   "ldr " EG_W1 ", [" EG_PW "], #4\n"
#define EG_MAT_LDX "ldr " EG_XA ", [" EG_PX "], #4\n" \
                   "ldr " EG_XB ", [" EG_PX "], #4\n"
#define EG_MAT_SMLAD2(acc, wl, wh)               \
  "smlad " acc ", " EG_XA ", " wl ", " acc "\n" \
  "smlad " acc ", " EG_XB ", " wh ", " acc "\n"
#define EG_MAT_DEFS                                                                                 \
  ".macro eg_mat_mac\n" EG_MAT_LDX                                                                  \
  "sxtb16 " EG_W0H ", " EG_W0 ", ror #8\n"                                                          \
  "sxtb16 " EG_W0 ", " EG_W0 "\n"                                                                   \
  "sxtb16 " EG_W1H ", " EG_W1 ", ror #8\n"                                                          \
  "sxtb16 " EG_W1 ", " EG_W1 "\n" EG_MAT_SMLAD2(EG_A0, EG_W0, EG_W0H)                              \
  EG_MAT_SMLAD2(EG_B0, EG_W1, EG_W1H) EG_MAT_LDX EG_MAT_SMLAD2(EG_A1, EG_W0, EG_W0H)               \
  EG_MAT_SMLAD2(EG_B1, EG_W1, EG_W1H) EG_MAT_LDX EG_MAT_SMLAD2(EG_A2, EG_W0, EG_W0H)               \
  EG_MAT_SMLAD2(EG_B2, EG_W1, EG_W1H) ".endm\n"                                                     \
  ".macro eg_mat_rq3 x0, x1, x2\n"                                                                  \
  "mvn " EG_XA ", " EG_XA "\n"                                                                      \
  "lsl " EG_XB ", " EG_W0H ", " EG_XA "\n"                                                          \
  "asr " EG_XB ", " EG_XB ", #1\n"                                                                  \
  "smmla \\x0, \\x0, " EG_W1H ", " EG_XB "\n"                                                       \
  "smmla \\x1, \\x1, " EG_W1H ", " EG_XB "\n"                                                       \
  "smmla \\x2, \\x2, " EG_W1H ", " EG_XB "\n"                                                       \
  "asr \\x0, \\x0, " EG_XA "\n"                                                                     \
  "asr \\x1, \\x1, " EG_XA "\n"                                                                     \
  "asr \\x2, \\x2, " EG_XA "\n"                                                                     \
  ".endm\n"                                                                                         \
  ".macro eg_mat_rqt3 x0, x1, x2\n" /* TFLite's: mult in W1H, shift in XA (becomes r), W0H = 2^(r-1); \
                                      eg_rq_mulhi (SMLAL) into PW:XB, + W0H, >> r, + out_zp */          \
  "mvn " EG_XA ", " EG_XA "\n"                                                                      \
  "mov " EG_W0H ", #1\n"                                                                            \
  "lsl " EG_W0H ", " EG_W0H ", " EG_XA "\n"                                                         \
  "asr " EG_W0H ", " EG_W0H ", #1\n"                                                                \
  "eg_mat_rqt \\x0\n"                                                                               \
  "eg_mat_rqt \\x1\n"                                                                               \
  "eg_mat_rqt \\x2\n"                                                                               \
  ".endm\n"                                                                                         \
  ".macro eg_mat_rqt x\n"                                                                           \
  "asr " EG_PW ", \\x, #31\n"                                                                       \
  "and " EG_XB ", \\x, #0x80000000\n"                                                               \
  "orr " EG_XB ", " EG_XB ", #0x40000000\n"                                                         \
  "smlal " EG_XB ", " EG_PW ", \\x, " EG_W1H "\n"                                                   \
  "add " EG_PW ", " EG_PW ", " EG_W0H "\n"                                                          \
  "ldrsh " EG_XB ", [" EG_PX ", #26]\n" /* z21 (the flags' high half) */                            \
  "asr \\x, " EG_PW ", " EG_XA "\n"                                                                 \
  "add \\x, \\x, " EG_XB ", asr #1\n"                                                               \
  ".endm\n"                                                                                         \
  ".macro eg_mat_clamp x\n"                                                                         \
  "cmp \\x, " EG_W0 "\n"                                                                            \
  "it lt\n"                                                                                         \
  "movlt \\x, " EG_W0 "\n"                                                                          \
  "cmp \\x, " EG_W0H "\n"                                                                           \
  "it gt\n"                                                                                         \
  "movgt \\x, " EG_W0H "\n"                                                                         \
  ".endm\n"
#define EG_MAT_UNDEFS \
  ".purgem eg_mat_mac\n.purgem eg_mat_rq3\n.purgem eg_mat_rqt3\n.purgem eg_mat_rqt\n.purgem eg_mat_clamp\n"
#endif

#if EG_MAT_ASM
/* Store the pair's 6 outputs, step to the next pair (back to 10) or leave (to 17). */
#define EG_MAT_STORE                   \
  "ldr " EG_W0 ", [" EG_PX ", #44]\n" \
  "ldr " EG_W0H ", [" EG_PX ", #48]\n" \
  "ldr " EG_W1 ", [" EG_PX ", #52]\n" \
  "ldr " EG_W1H ", [" EG_PX ", #40]\n" \
  "strb " EG_A0 ", [" EG_W0 "], #1\n" \
  "strb " EG_A1 ", [" EG_W0H "], #1\n" \
  "strb " EG_A2 ", [" EG_W1 "], #1\n" \
  "subs " EG_W1H ", " EG_W1H ", #1\n" \
  "beq 17f\n" \
  "strb " EG_B0 ", [" EG_W0 "], #1\n" \
  "strb " EG_B1 ", [" EG_W0H "], #1\n" \
  "strb " EG_B2 ", [" EG_W1 "], #1\n" \
  "str " EG_W0 ", [" EG_PX ", #44]\n" \
  "str " EG_W0H ", [" EG_PX ", #48]\n" \
  "str " EG_W1 ", [" EG_PX ", #52]\n" \
  "ldr " EG_XA ", [" EG_PX ", #36]\n" \
  "add " EG_XA ", " EG_XA ", #2\n" \
  "str " EG_XA ", [" EG_PX ", #36]\n" \
  "subs " EG_W1H ", " EG_W1H ", #1\n" \
  "str " EG_W1H ", [" EG_PX ", #40]\n" \
  "bne 10b\n" \
  "b 17f\n"

/* State of the channel loop, in the scratch right after the tile column:
 * the inner loop leaves the column pointer there, so the asm block reads it
 * as [px, #offset] with no extra register (its only operand is r0 = the
 * state, pushed for the loop test; every other register but r7 is
 * clobbered, r7 saved by hand). */
typedef struct {
  const int8_t *pw;          /* 0: weights of the next pair */
  const int32_t *bias, *mult; /* 4, 8 */
  const int8_t *shift;       /* 12 */
  int32_t *accs;             /* 16: EG_MAT_ORT: the tile's accumulators, 3 per channel */
  const uint32_t *col;       /* 20: the column (the state is at col + 6 * Kq words) */
  int32_t flags;             /* 24: bits 0-1 groups skipped at the loop entry, 4 the tail word,
                                16 no full group, 256 act clamp, 512 out table (no act clamp),
                                EG_MAT_TFLITE, EG_MAT_ORT; high half: z21 = 2 out_zp + 1 */
  int32_t lo, hi;            /* 28, 32 */
  int32_t oc, left;          /* 36, 40: next channel, channels left */
  int8_t *o0, *o1, *o2;      /* 44, 48, 52: the 3 pixels' outputs of channel oc */
  const int8_t *table;       /* 56: out_table + 128 (flags bit 9), else NULL */
} eg_mat_state;
typedef char eg_mat_state_size[sizeof(eg_mat_state) == EG_MAT_STATE_BYTES ? 1 : -1];

/* All channel pairs of the tile column (see the block comment above). */
EG_NOINLINE static void eg_conv_mat_pairs(eg_mat_state *st) {
  register eg_mat_state *r0 __asm__("r0") = st;
  __asm__ volatile(
      EG_MAT_DEFS
      "push {r0, r7}\n" /* r7 may be the frame pointer: saved, not clobbered; [sp]: the state = the column's end */
      "mov " EG_PX ", r0\n"
      "ldr " EG_PW ", [" EG_PX ", #0]\n"
      "10:\n" /* accumulators = bias (out_c odd: the last pair's second channel is computed, not stored) */
      "ldr " EG_W1 ", [" EG_PX ", #36]\n"
      "ldr " EG_W0 ", [" EG_PX ", #4]\n"
      "ldr " EG_XA ", [" EG_PX ", #24]\n"
      "ldr " EG_PX ", [" EG_PX ", #20]\n"
      "add " EG_W0 ", " EG_W0 ", " EG_W1 ", lsl #2\n"
      "ldr " EG_A0 ", [" EG_W0 "]\n"
      "ldr " EG_B0 ", [" EG_W0 ", #4]\n"
      "mov " EG_A1 ", " EG_A0 "\n"
      "mov " EG_A2 ", " EG_A0 "\n"
      "mov " EG_B1 ", " EG_B0 "\n"
      "mov " EG_B2 ", " EG_B0 "\n"
      "tst " EG_XA ", #4\n" /* the K tail word first (out of line) */
      "bne 30f\n"
      "12:\n" /* four groups per iteration, entered at group 4 - (groups % 4) */
      "lsls " EG_XA ", " EG_XA ", #31\n"
      "bcs 11f\n"
      "bmi 2f\n"
      "1:\n" EG_MAT_LDW "eg_mat_mac\n"
      "2:\n" EG_MAT_LDW "eg_mat_mac\n"
      "3:\n" EG_MAT_LDW "eg_mat_mac\n"
      "4:\n" EG_MAT_LDW "eg_mat_mac\n"
      "ldr " EG_W0 ", [sp]\n"
      "cmp " EG_PX ", " EG_W0 "\n"
      "bne 1b\n"
      "14:\n" /* px = the state; requantize channels oc and oc + 1 */
      "ldr " EG_W1 ", [" EG_PX ", #36]\n"
      "ldr " EG_W0 ", [" EG_PX ", #8]\n"
      "ldr " EG_W1H ", [" EG_PX ", #12]\n"
      "ldrsh " EG_W0H ", [" EG_PX ", #26]\n" /* z21: the flags' high half */
      "ldr " EG_XB ", [" EG_PX ", #24]\n"
      "add " EG_W0 ", " EG_W0 ", " EG_W1 ", lsl #2\n"
      "add " EG_W1 ", " EG_W1H ", " EG_W1 "\n"
      "ldr " EG_W1H ", [" EG_W0 "]\n"
      "ldrsb " EG_XA ", [" EG_W1 "]\n"
      "tst " EG_XB ", #1024\n" /* EG_MAT_TFLITE: TFLite's requantization (out of line) */
      "bne 50f\n"
      "tst " EG_XB ", #2048\n" /* EG_MAT_ORT: the accumulators to the state's buffer (out of line) */
      "bne 60f\n"
      "lsls " EG_XB ", " EG_XB ", #23\n" /* N: act clamp (bit 8), C: out table (bit 9); kept through the requantization */
      "eg_mat_rq3 " EG_A0 ", " EG_A1 ", " EG_A2 "\n"
      "ldr " EG_W1H ", [" EG_W0 ", #4]\n"
      "ldrsb " EG_XA ", [" EG_W1 ", #1]\n"
      "eg_mat_rq3 " EG_B0 ", " EG_B1 ", " EG_B2 "\n"
      "15:\n"
      "bmi 40f\n" /* the act clamp (out of line), else the int8 range */
      "ssat " EG_A0 ", #8, " EG_A0 "\n"
      "ssat " EG_A1 ", #8, " EG_A1 "\n"
      "ssat " EG_A2 ", #8, " EG_A2 "\n"
      "ssat " EG_B0 ", #8, " EG_B0 "\n"
      "ssat " EG_B1 ", #8, " EG_B1 "\n"
      "ssat " EG_B2 ", #8, " EG_B2 "\n"
      "bcs 44f\n" /* the out table (out of line) */
      "16:\n"
      EG_MAT_STORE
      "11:\n" /* enter at group 3 or 4 */
      "bmi 4b\n"
      "b 3b\n"
      "30:\n" /* the tail word: the last 2 values of Kw for both channels */
      "ldr " EG_W0 ", [" EG_PW "], #4\n"
      "tst " EG_XA ", #16\n" /* no full group (Z kept through the MACs) */
      "lsr " EG_W1 ", " EG_W0 ", #16\n"
      "eg_mat_mac\n"
      "bne 14b\n"
      "ldr " EG_XA ", [sp]\n"
      "ldr " EG_XA ", [" EG_XA ", #24]\n"
      "b 12b\n"
      "40:\n"
      "ldr " EG_W0 ", [" EG_PX ", #28]\n"
      "ldr " EG_W0H ", [" EG_PX ", #32]\n"
      "eg_mat_clamp " EG_A0 "\n"
      "eg_mat_clamp " EG_A1 "\n"
      "eg_mat_clamp " EG_A2 "\n"
      "eg_mat_clamp " EG_B0 "\n"
      "eg_mat_clamp " EG_B1 "\n"
      "eg_mat_clamp " EG_B2 "\n"
      "ldr " EG_XA ", [" EG_PX ", #56]\n"
      "cmp " EG_XA ", #0\n"
      "bne 45f\n"
      "b 16b\n"
      "44:\n" /* out table: each value v -> table[v] (table = out_table + 128, v in -128..127) */
      "ldr " EG_XA ", [" EG_PX ", #56]\n"
      "45:\n"
      "ldrb " EG_A0 ", [" EG_XA ", " EG_A0 "]\n"
      "ldrb " EG_A1 ", [" EG_XA ", " EG_A1 "]\n"
      "ldrb " EG_A2 ", [" EG_XA ", " EG_A2 "]\n"
      "ldrb " EG_B0 ", [" EG_XA ", " EG_B0 "]\n"
      "ldrb " EG_B1 ", [" EG_XA ", " EG_B1 "]\n"
      "ldrb " EG_B2 ", [" EG_XA ", " EG_B2 "]\n"
      EG_MAT_STORE /* a copy: no branch back to 16 */
      "50:\n" /* TFLite's requantization: PW (the weight pointer) is a temporary, kept on the stack */
      "push {" EG_PW "}\n"
      "eg_mat_rqt3 " EG_A0 ", " EG_A1 ", " EG_A2 "\n"
      "ldr " EG_W1H ", [" EG_W0 ", #4]\n"
      "ldrsb " EG_XA ", [" EG_W1 ", #1]\n"
      "eg_mat_rqt3 " EG_B0 ", " EG_B1 ", " EG_B2 "\n"
      "pop {" EG_PW "}\n"
      "ldr " EG_XB ", [" EG_PX ", #24]\n"
      "lsls " EG_XB ", " EG_XB ", #23\n"
      "b 15b\n"
      "60:\n" /* ONNX Runtime's chain: the pair's 6 accumulators to accs + 3 oc (requantized in C), next pair */
      "ldr " EG_W0 ", [" EG_PX ", #16]\n"
      "ldr " EG_W1 ", [" EG_PX ", #36]\n"
      "add " EG_W1 ", " EG_W1 ", " EG_W1 ", lsl #1\n"
      "add " EG_W0 ", " EG_W0 ", " EG_W1 ", lsl #2\n"
      "stmia " EG_W0 ", {r0, r1, r2, r3, r4, r5}\n"
      "ldr " EG_W1H ", [" EG_PX ", #40]\n"
      "subs " EG_W1H ", " EG_W1H ", #1\n"
      "beq 17f\n"
      "ldr " EG_XA ", [" EG_PX ", #36]\n"
      "add " EG_XA ", " EG_XA ", #2\n"
      "str " EG_XA ", [" EG_PX ", #36]\n"
      "subs " EG_W1H ", " EG_W1H ", #1\n"
      "str " EG_W1H ", [" EG_PX ", #40]\n"
      "bne 10b\n"
      "b 17f\n"
      "17:\n"
      "pop {r0, r7}\n" EG_MAT_UNDEFS
      : "+r"(r0)
      :
      : "r1", "r2", "r3", "r4", "r5", "r6", "r8", "r9", "r10", "r11", "r12", "lr", "cc", "memory");
}
#endif

#if !EG_MAT_ASM
/* All output channels of the 3 pixels in the tile column (the asm block's
 * work, in C); o0, o1, o2: their outputs. */
static void eg_conv_mat_tile(const eg_conv_s8_params *p, const uint32_t *col, int32_t Kw, int8_t *o0, int8_t *o1,
                             int8_t *o2, int32_t mode, int32_t *accs) {
  const int32_t lo = p->act_min, hi = p->act_max, z21 = 2 * p->out_zp + 1;
  const int full = lo <= -128 && hi >= 127;
  const int8_t *t = p->out_table ? p->out_table + 128 : 0;
  const uint32_t *end = col + 6 * (Kw >> 2) + (Kw & 2 ? 6 : 0);

  const int8_t *pw = p->weights;
  const int32_t M = p->out_c;
  int32_t oc;
  for (oc = 0; oc < M; oc += 2) {
    const int two = oc + 1 < M;
    const int32_t c0 = p->bias[oc], c1 = two ? p->bias[oc + 1] : 0;
    int32_t a0 = c0, a1 = c0, a2 = c0, b0 = c1, b1 = c1, b2 = c1, r, h;
    const uint32_t *px = col;
    while (px != end) {
      uint32_t u, v, w0, w0h, w1, w1h;
      if (px == col && (Kw & 2)) { /* the tail word first: the last 2 values of Kw, both channels */
        u = eg_ld32(pw);
        v = u >> 16;
        pw += 4;
      } else {
        u = eg_ld32(pw);
        v = eg_ld32(pw + 4);
        pw += 8;
      }
      w0 = __sxtb16(u), w0h = eg_sxtb16_ror8(u), w1 = __sxtb16(v), w1h = eg_sxtb16_ror8(v);
      a0 = __smlad(px[1], w0h, __smlad(px[0], w0, a0));
      b0 = __smlad(px[1], w1h, __smlad(px[0], w1, b0));
      a1 = __smlad(px[3], w0h, __smlad(px[2], w0, a1));
      b1 = __smlad(px[3], w1h, __smlad(px[2], w1, b1));
      a2 = __smlad(px[5], w0h, __smlad(px[4], w0, a2));
      b2 = __smlad(px[5], w1h, __smlad(px[4], w1, b2));
      px += 6;
    }
    if (accs) { /* ONNX Runtime's chain: eg_mat_ort_tile requantizes */
      accs[3 * oc] = a0, accs[3 * oc + 1] = a1, accs[3 * oc + 2] = a2;
      accs[3 * oc + 3] = b0, accs[3 * oc + 4] = b1, accs[3 * oc + 5] = b2;
      continue;
    }
    r = -1 - p->shift[oc];
    h = eg_mat_round(z21, r, mode);
    a0 = eg_mat_rq(a0, p->mult[oc], h, r, z21, mode);
    a1 = eg_mat_rq(a1, p->mult[oc], h, r, z21, mode);
    a2 = eg_mat_rq(a2, p->mult[oc], h, r, z21, mode);
    a0 = full ? EG_SAT8(a0) : eg_clamp_i32(a0, lo, hi);
    *o0++ = t ? t[a0] : (int8_t)a0;
    a1 = full ? EG_SAT8(a1) : eg_clamp_i32(a1, lo, hi);
    *o1++ = t ? t[a1] : (int8_t)a1;
    a2 = full ? EG_SAT8(a2) : eg_clamp_i32(a2, lo, hi);
    *o2++ = t ? t[a2] : (int8_t)a2;
    if (two) {
      r = -1 - p->shift[oc + 1];
      h = eg_mat_round(z21, r, mode);
      b0 = eg_mat_rq(b0, p->mult[oc + 1], h, r, z21, mode);
      b1 = eg_mat_rq(b1, p->mult[oc + 1], h, r, z21, mode);
      b2 = eg_mat_rq(b2, p->mult[oc + 1], h, r, z21, mode);
      b0 = full ? EG_SAT8(b0) : eg_clamp_i32(b0, lo, hi);
      *o0++ = t ? t[b0] : (int8_t)b0;
      b1 = full ? EG_SAT8(b1) : eg_clamp_i32(b1, lo, hi);
      *o1++ = t ? t[b1] : (int8_t)b1;
      b2 = full ? EG_SAT8(b2) : eg_clamp_i32(b2, lo, hi);
      *o2++ = t ? t[b2] : (int8_t)b2;
    }
  }
}
#endif

/* The 3 pixels whose kernel rows start at x, x + dx, x + 2 dx (k_h rows of
 * row >= 4 contiguous bytes, ystep apart, all inside the input) widened into
 * the tile column without a gathered copy: a group of 4 values inside a
 * kernel row is one word per pixel; one that runs into the next row is the
 * end of this row (the row's last word shifted down, so nothing past it is
 * read) and the start of the next, or in_zp lanes past K. Group order as in
 * eg_conv_widen1. */
EG_NOINLINE static void eg_conv_widen_rows(const int8_t *x, int32_t dx, int32_t ystep, int32_t row, int32_t kh,
                                           int32_t K, uint32_t *col, uint32_t off2, uint32_t zp4) {
  const int32_t t = K & 3;
  uint32_t *c = col + (t == 1 || t == 2 ? 6 : 0);
  int32_t off = 0;
  for (;;) {
    uint32_t v0, v1, v2, *d = c;
    if (off + 4 <= row) {
      v0 = eg_ld32(x + off);
      v1 = eg_ld32(x + dx + off);
      v2 = eg_ld32(x + 2 * dx + off);
      off += 4;
      c += 6;
      if (off == row) {
        if (--kh == 0) kh = -1;
        x += ystep;
        off = 0;
      }
    } else { /* j = row - off bytes left in this row */
      const int8_t *e = x + row - 4;
      const int32_t sj = 8 * (row - off), sd = 32 - sj;
      v0 = eg_ld32(e) >> sd;
      v1 = eg_ld32(e + dx) >> sd;
      v2 = eg_ld32(e + 2 * dx) >> sd;
      if (--kh == 0) { /* past K: in_zp lanes, the partial group's place */
        v0 |= zp4 << sj;
        v1 |= zp4 << sj;
        v2 |= zp4 << sj;
        if (t == 1 || t == 2) d = col;
        kh = -1;
      } else {
        x += ystep;
        v0 |= eg_ld32(x) << sj;
        v1 |= eg_ld32(x + dx) << sj;
        v2 |= eg_ld32(x + 2 * dx) << sj;
        off = 4 - (row - off);
        c += 6;
      }
    }
    d[0] = __sxtab16(off2, v0);
    d[1] = eg_sxtab16_ror8(off2, v0);
    d[2] = __sxtab16(off2, v1);
    d[3] = eg_sxtab16_ror8(off2, v1);
    d[4] = __sxtab16(off2, v2);
    d[5] = eg_sxtab16_ror8(off2, v2);
    if (kh < 0) return;
  }
}

/* The matrix path's im2col state: the next output pixel (its image, output,
 * tap (0, 0) in the input, output coordinates, pixels left) and the layer's
 * geometry. */
typedef struct {
  const int8_t *inb;
  int8_t *o;
  int32_t iy0, ix0, oy, ox, n;
  int32_t C, K, Kp, W, H, kw, kh, M, ow, oh, sw, sh, dh, row, ystep, img;
  int32_t allin;  /* every pixel's taps contiguous in the input and inside: read in place */
  int32_t lin;    /* 1x1, stride 1, no padding, K >= 4: pixel i's input at in + i * C (lin_x: the next one's) */
  const int8_t *lin_x;
  int32_t contig; /* dil_w == 1 or k_w == 1: a kernel row's taps are contiguous */
  uint32_t off2, zp4;
  int8_t *st; /* the gathered row, Kp bytes (in_zp past K) */
  uint32_t *col;
} eg_conv_im2col;

/* The next 3 output pixels (past the last one, the last one again with the
 * same output pointer) widened into the tile column; their outputs in os.
 * Returns 1 when the last pixel was reached. 3 pixels of one output row that
 * touch no padding: eg_conv_widen_rows, straight from the input. Else pixel
 * by pixel: in place when its taps are contiguous (k_h == 1, no padding),
 * else gathered into st (kernel row by kernel row without padding, else
 * eg_conv_gather), then eg_conv_widen1. */
EG_NOINLINE static int eg_conv_tile_in(const eg_conv_s8_params *p, eg_conv_im2col *g, int8_t **os) {
  /* locals: the stores below (char type) may alias *g */
  const int32_t C = g->C, W = g->W, H = g->H, kw = g->kw, kh = g->kh, dh = g->dh, sw = g->sw, M = g->M, ow = g->ow;
  const int32_t row = g->row, ystep = g->ystep, contig = g->contig;
  int8_t *const st = g->st;
  const int8_t *inb = g->inb;
  int8_t *o = g->o;
  int32_t iy0 = g->iy0, ix0 = g->ix0, oy = g->oy, ox = g->ox, n = g->n, s = 0, done = 0;
  if (g->lin && n > 3) { /* 3 consecutive pixels of a 1x1 stride-1 layer, read in place across rows and images */
    eg_conv_widen_rows(g->lin_x, C, 0, C, 1, C, g->col, g->off2, g->zp4);
    g->lin_x += 3 * C;
    os[0] = o;
    os[1] = o + M;
    os[2] = o + 2 * M;
    g->o = o + 3 * M;
    g->n = n - 3;
    for (ox += 3; ox >= ow; ox -= ow) /* the position, for the last tile */
      if (++oy == g->oh) {
        oy = 0;
        g->inb += g->img;
      }
    g->ox = ox;
    g->oy = oy;
    g->ix0 = ox;
    g->iy0 = oy;
    return 0;
  }
  if (contig && row >= 4 && ox + 3 < ow && n > 3 && ix0 >= 0 && ix0 + 2 * sw + kw <= W && iy0 >= 0 &&
      iy0 + (kh - 1) * dh < H) { /* 3 pixels of one row, no padding touched, not the last ones: read in place */
    eg_conv_widen_rows(inb + (iy0 * W + ix0) * C, sw * C, ystep, row, kh, g->K, g->col, g->off2, g->zp4);
    os[0] = o;
    os[1] = o + M;
    os[2] = o + 2 * M;
    g->o = o + 3 * M;
    g->n = n - 3;
    g->ix0 = ix0 + 3 * sw;
    g->ox = ox + 3;
    return 0;
  }
  for (s = 0; s < 3; ++s) {
    if (kh == 1 && contig && ix0 >= 0 && ix0 + kw <= W && iy0 >= 0 && iy0 < H) { /* in place */
      eg_conv_widen1(inb + (iy0 * W + ix0) * C, g->col + 2 * s, g->K, g->off2, g->zp4, 0);
    } else {
      if (contig && ix0 >= 0 && ix0 + kw <= W && iy0 >= 0 && iy0 + (kh - 1) * dh < H) { /* kernel row by row */
        const int8_t *src = inb + (iy0 * W + ix0) * C;
        int8_t *d = st;
        int32_t ky;
        for (ky = kh; ky > 0; --ky, src += ystep, d += row) eg_conv_copy(d, src, row);
      } else {
        eg_conv_gather(p, inb, iy0, ix0, st, g->zp4);
      }
      eg_conv_widen1(st, g->col + 2 * s, g->K, g->off2, g->zp4, 1);
    }
    os[s] = o;
    if (n == 1) {
      done = 1; /* the remaining slots repeat this pixel */
    } else if (!done) {
      --n;
      o += M;
      ix0 += sw;
      if (++ox == ow) {
        ox = 0;
        ix0 = -p->pad_left;
        iy0 += g->sh;
        if (++oy == g->oh) {
          oy = 0;
          iy0 = -p->pad_top;
          inb += g->img;
        }
      }
    }
  }
  g->inb = inb;
  g->o = o;
  g->iy0 = iy0;
  g->ix0 = ix0;
  g->oy = oy;
  g->ox = ox;
  g->n = n;
  return done;
}

/* Output pixels in tiles of 3 (eg_conv_tile_in), all output channels per
 * tile (the asm block, or eg_conv_mat_tile). */
EG_NOINLINE static void eg_conv_s8_matrix(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch,
                                          int32_t mode) {
  const int32_t K = p->k_h * p->k_w * p->in_c, Kq = (K + 3) >> 2, Kw = (K + 1) & ~1;
  uint32_t *col = (uint32_t *)scratch; /* 6 * Kq words, (asm) the state, then a row of 4 * Kq gathered bytes */
  int8_t *st = (int8_t *)(col + 6 * Kq) + (EG_MAT_ASM ? EG_MAT_STATE_BYTES : 0);
  int8_t *os[3];
  eg_conv_im2col g;
  int done = 0;
  /* ONNX Runtime's chain: 3 accumulators per channel after the rest of the scratch (EG_CONV_S8_ORT_SCRATCH_BYTES) */
  const int allin = p->k_h == 1 && (p->dil_w == 1 || p->k_w == 1) && p->pad_top == 0 && p->pad_left == 0 &&
                    (p->out_h - 1) * p->stride_h < p->in_h && (p->out_w - 1) * p->stride_w + p->k_w <= p->in_w;
  int32_t *const accs = EG_DSP_ORT && mode == EG_RQ_ONNX && p->ort
                            ? (int32_t *)((int8_t *)(col + 6 * Kq) + EG_MAT_STATE_BYTES + (allin ? 0 : 4 * Kq))
                            : 0;
#if EG_MAT_ASM
  eg_mat_state *const ms = (eg_mat_state *)(col + 6 * Kq); /* the gathered rows follow it */
  ms->bias = p->bias;
  ms->mult = p->mult;
  ms->shift = p->shift;
  ms->col = col;
  ms->lo = p->act_min;
  ms->hi = p->act_max;
  ms->table = p->out_table ? p->out_table + 128 : 0;
  ms->flags = (-(Kw >> 2) & 3) | (Kw & 2 ? 4 : 0) | (ms->lo <= -128 && ms->hi >= 127 ? 0 : 256) | (Kw < 4 ? 16 : 0) |
              (p->out_table && ms->lo <= -128 && ms->hi >= 127 ? 512 : 0) | (mode == EG_RQ_TFLITE ? EG_MAT_TFLITE : 0) |
              (accs ? EG_MAT_ORT : 0) | (int32_t)((uint32_t)(2 * p->out_zp + 1) << 16);
  ms->accs = accs;
#else
  (void)mode;
#endif
  g.inb = in;
  g.o = out;
  g.iy0 = -p->pad_top;
  g.ix0 = -p->pad_left;
  g.oy = g.ox = 0;
  g.n = p->batch * p->out_h * p->out_w;
  g.C = p->in_c;
  g.K = K;
  g.Kp = 4 * Kq;
  g.W = p->in_w;
  g.H = p->in_h;
  g.kw = p->k_w;
  g.kh = p->k_h;
  g.M = p->out_c;
  g.ow = p->out_w;
  g.oh = p->out_h;
  g.sw = p->stride_w;
  g.sh = p->stride_h;
  g.dh = p->dil_h;
  g.row = p->k_w * p->in_c;
  g.ystep = p->dil_h * p->in_w * p->in_c;
  g.img = p->in_h * p->in_w * p->in_c;
  g.contig = p->dil_w == 1 || p->k_w == 1;
  g.allin = allin;
  g.lin = p->k_h == 1 && p->k_w == 1 && p->stride_h == 1 && p->stride_w == 1 && p->pad_top == 0 &&
          p->pad_left == 0 && p->out_h == p->in_h && p->out_w == p->in_w && p->in_c >= 4;
  g.lin_x = in;
  g.off2 = ((uint32_t)(-p->in_zp) & 0xFFFFu) * 0x10001u;
  g.zp4 = ((uint32_t)p->in_zp & 0xFFu) * 0x01010101u;
  g.st = st;
  g.col = col;
  if (!g.allin && (K & 3)) eg_conv_fill(st + K, g.zp4, 4 - (K & 3)); /* the gathered row's bytes past K: in_zp */
  while (!done) {
    done = eg_conv_tile_in(p, &g, os);
#if EG_MAT_ASM
    ms->pw = p->weights;
    ms->oc = 0;
    ms->left = p->out_c;
    ms->o0 = os[0];
    ms->o1 = os[1];
    ms->o2 = os[2];

    eg_conv_mat_pairs(ms);
#else
    eg_conv_mat_tile(p, col, Kw, os[0], os[1], os[2], mode, accs);
#endif
#if EG_DSP_ORT
    if (accs) eg_mat_ort_tile(p, in, out, col, (Kw >> 2) + (Kw & 2 ? 1 : 0), accs, os);
#endif
  }
}


/* ---- Small layers: one pixel at a time (compact code) ----------------------
 * The same EG_CONV_W_P2 weights and requantization as the matrix path; the
 * pixel's K bytes (in place or gathered) widened into one int16 column (2
 * words per group of 4, the partial group placed as in eg_conv_widen1), then
 * per channel pair one SMLAD loop in C. */
static EG_ALWAYS_INLINE void eg_conv_s8_small_loop(const eg_conv_s8_params *p, const int8_t *in, int8_t *out,
                                                   void *scratch, const int32_t mode) {
  const int32_t C = p->in_c, K = p->k_h * p->k_w * C, Kq = (K + 3) >> 2, Kw = (K + 1) & ~1, M = p->out_c;
  const uint32_t off2 = ((uint32_t)(-p->in_zp) & 0xFFFFu) * 0x10001u;
  const uint32_t zp4 = ((uint32_t)p->in_zp & 0xFFu) * 0x01010101u;
  uint32_t *const col = (uint32_t *)scratch; /* 2 * Kq words, then the gathered row */
  int8_t *const st = (int8_t *)(col + 2 * Kq);
  const int8_t *inb = in;
  int32_t b, oy, ox, oc, q, j;
  if (K & 3) eg_conv_fill(st + K, zp4, 4 - (K & 3)); /* the partial group's missing lanes */
  for (b = 0; b < p->batch; ++b, inb += p->in_h * p->in_w * C)
    for (oy = 0; oy < p->out_h; ++oy)
      for (ox = 0; ox < p->out_w; ++ox) {
        const int8_t *x = st, *pw = p->weights;
        uint32_t *c = col + (Kw & 2); /* the partial group first when K % 4 is 1 or 2 */
        int8_t *d = st;
        for (q = 0; q < p->k_h; ++q) { /* gather: a kernel row at once when contiguous and inside, else tap by tap */
          const int32_t iy = oy * p->stride_h - p->pad_top + q * p->dil_h, ix0 = ox * p->stride_w - p->pad_left;
          for (j = 0; j < p->k_w; ++j, d += C) {
            const int32_t ix = ix0 + j * p->dil_w;
            if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w)
              eg_conv_fill(d, zp4, C);
            else
              eg_conv_copy(d, inb + (iy * p->in_w + ix) * C, C);
          }
        }
        for (q = 0; q < Kq; ++q, x += 4, c += 2) { /* widen */
          const uint32_t v = eg_ld32(x);
          if (c == col + 2 * Kq) c = col;
          c[0] = __sxtab16(off2, v);
          c[1] = eg_sxtab16_ror8(off2, v);
        }
        /* ONNX Runtime's chain: the pixel's bound on sum |terms| but the bias (eg_mat_tie_window) */
#if EG_DSP_ORT
        const uint64_t sx = mode == EG_RQ_ONNX && p->ort ? 128u * (uint64_t)eg_mat_col_abs(col, Kq, 2) : 0;
#endif
        for (oc = 0; oc < M; oc += 2) {
          const uint32_t *xc = col;
          int32_t a0 = p->bias[oc], a1 = oc + 1 < M ? p->bias[oc + 1] : 0, a[2];
#define EG_SMALL_MAC(u, v)                                                       \
  a0 = __smlad(xc[1], eg_sxtb16_ror8(u), __smlad(xc[0], __sxtb16(u), a0));     \
  a1 = __smlad(xc[1], eg_sxtb16_ror8(v), __smlad(xc[0], __sxtb16(v), a1));     \
  xc += 2
          if (Kw & 2) { /* the tail word first */
            const uint32_t u = eg_ld32(pw);
            EG_SMALL_MAC(u, u >> 16);
            pw += 4;
          }
          for (q = Kw >> 2; q > 0; --q, pw += 8) {
            const uint32_t u = eg_ld32(pw), v = eg_ld32(pw + 4);
            EG_SMALL_MAC(u, v);
          }
#undef EG_SMALL_MAC
          a[0] = a0;
          a[1] = a1;
          for (j = 0; j < 2 && oc + j < M; ++j) {
            const int32_t r = -1 - p->shift[oc + j], z21 = 2 * p->out_zp + 1, h = eg_mat_round(z21, r, mode);
            int32_t v = eg_mat_rq(a[j], p->mult[oc + j], h, r, z21, mode);
#if EG_DSP_ORT
            if (mode == EG_RQ_ONNX && p->ort) {
              const int32_t bj = p->bias[oc + j];
              if (eg_mat_near_tie(eg_smmla(a[j], p->mult[oc + j], h), r,
                                  eg_mat_tie_window(sx + (uint32_t)(bj < 0 ? -(int64_t)bj : bj), p->mult[oc + j], r, K)))
                v = eg_conv_s8_ort_requant(p, inb, oy, ox, oc + j, a[j]) + p->out_zp;
            }
#endif
            v = eg_clamp_i32(v, p->act_min, p->act_max);
            *out++ = p->out_table ? p->out_table[v + 128] : (int8_t)v;
          }
        }
      }
}

/* one entry per requantization (mode a constant in each) */
EG_NOINLINE static void eg_conv_s8_small(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
  eg_conv_s8_small_loop(p, in, out, scratch, EG_RQ_ONNX);
}

EG_NOINLINE static void eg_conv_s8_small_tfl(const eg_conv_s8_params *p, const int8_t *in, int8_t *out,
                                             void *scratch) {
  eg_conv_s8_small_loop(p, in, out, scratch, EG_RQ_TFLITE);
}

#endif

void eg_conv_s8(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
#if EG_USE_DSP
  if (p->groups == 1) {
    if (scratch && p->w_layout == EG_CONV_W_P2 && eg_conv_mat_ok(p)) {
#if EG_USE_MVE
      if (eg_conv_s8_mve_mat(p, in, out, scratch, EG_RQ_ONNX)) return;
#endif
      if (p->out_c & 1) /* the matrix path reads bias/mult/shift[out_c] */
        eg_conv_s8_small(p, in, out, scratch);
      else
        eg_conv_s8_matrix(p, in, out, scratch, EG_RQ_ONNX);
    }
    else
      eg_conv_s8_ref(p, in, out);
    return;
  }
  if (p->groups == p->in_c && p->out_c == p->in_c && p->dw_weights && eg_conv_dw_requant_ok(p)) {
    if (scratch && EG_CONV_S8_DW3_OK(p)) {
      eg_conv_s8_dw3(p, in, out, scratch);
      return;
    }
    eg_conv_s8_dw(p, in, out);
    return;
  }
#else
  (void)scratch;
#endif
  eg_conv_s8_ref(p, in, out);
}

void eg_conv_s8_mat(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
#if EG_USE_DSP
#if EG_USE_MVE
  if (eg_conv_s8_mve_mat(p, in, out, scratch, EG_RQ_ONNX)) return;
#endif
  eg_conv_s8_matrix(p, in, out, scratch, EG_RQ_ONNX);
#else
  (void)scratch;
  eg_conv_s8_ref(p, in, out);
#endif
}

void eg_conv_s8_mat_small(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
#if EG_USE_DSP
#if EG_USE_MVE
  if (eg_conv_s8_mve_mat(p, in, out, scratch, EG_RQ_ONNX)) return;
#endif
  eg_conv_s8_small(p, in, out, scratch);
#else
  (void)scratch;
  eg_conv_s8_ref(p, in, out);
#endif
}

void eg_conv_s8_tfl_mat(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
#if EG_USE_DSP
#if EG_USE_MVE
  if (eg_conv_s8_mve_mat(p, in, out, scratch, EG_RQ_TFLITE)) return;
#endif
  eg_conv_s8_matrix(p, in, out, scratch, EG_RQ_TFLITE);
#else
  (void)scratch;
  eg_conv_s8_tfl_ref(p, in, out);
#endif
}

void eg_conv_s8_tfl_mat_small(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
#if EG_USE_DSP
#if EG_USE_MVE
  if (eg_conv_s8_mve_mat(p, in, out, scratch, EG_RQ_TFLITE)) return;
#endif
  eg_conv_s8_small_tfl(p, in, out, scratch);
#else
  (void)scratch;
  eg_conv_s8_tfl_ref(p, in, out);
#endif
}
