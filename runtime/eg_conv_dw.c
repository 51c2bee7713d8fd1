#include "eg_conv_dw.h"
#include "eg_conv_dw_mve.h"

#include "eg_common.h"
#include "eg_lut.h"

#if EG_USE_DSP
/* ---- Depthwise -------------------------------------------------------------
 * groups == in_c == out_c, weights transposed to [k_h * k_w][C]. Loop order:
 * 4 channels (one word) outermost, then output pixels, so the 4 channels'
 * requantization constants stay fixed while every pixel is computed. Per tap:
 * one input word and one weight word, SXTAB16 (input zero point) / SXTB16 and
 * SMLABB/SMLATT; a kernel row of 3 taps (dilation 1) is one asm block. Padding
 * is resolved per kernel row and per tap range, never per value.
 * Requantization: eg_rq (ASR, SMLAL, ASR, ADD, ASR; TFLite's: one AND/ORR
 * more, eg_rq_mulhi), exact for shift in [-31, -2] with mult >= 0 (checked by
 * the caller). */
static inline int32_t eg_rq(int32_t acc, int32_t mult, int32_t rs1, int32_t mode) {
  /* floor((hi + 2^(rs1)) / 2^(rs1 + 1)) = ((hi >> rs1) + 1) >> 1 */
  return ((eg_rq_mulhi(acc, mult, mode) >> rs1) + 1) >> 1;
}

static inline int8_t eg_dw_clamp(int32_t v, int32_t lo, int32_t hi) {
  v = v < lo ? lo : v;
  v = v > hi ? hi : v;
  return (int8_t)v;
}

/* 3 taps of one kernel row, 4 channels: x, w point at tap 0; C = tap stride.
 * (The asm needs 13 registers: unoptimized builds, which keep a frame pointer,
 * take the C version.) */
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__) && !defined(EG_DSP_EMULATION) && defined(__OPTIMIZE__)
/* One kernel row of a 3x3 depthwise tap block: taps 0, 1 and 2 (C bytes apart). */
#define EG_DW_TAPS3                      \
  "ldr %[u], [%[x]]\n\t"                \
  "ldr %[v], [%[w]]\n\t"                \
  EG_DW_MAC4                             \
  "ldr %[u], [%[x], %[C]]\n\t"          \
  "ldr %[v], [%[w], %[C]]\n\t"          \
  EG_DW_MAC4                             \
  "add %[x], %[x], %[C], lsl #1\n\t"    \
  "add %[w], %[w], %[C], lsl #1\n\t"    \
  "ldr %[u], [%[x]]\n\t"                \
  "ldr %[v], [%[w]]\n\t"                \
  EG_DW_MAC4

#define EG_DW_ROW3(X_, W_, C_)                                                                                 \
  do {                                                                                                         \
    const int8_t *xr_ = (X_), *wr_ = (W_);                                                                     \
    uint32_t u_, v_, xl_, xh_, wh_;                                                                            \
    __asm__("ldr %[u], [%[x]]\n\t"                                                                             \
            "ldr %[v], [%[w]]\n\t"                                                                             \
            "sxtab16 %[xl], %[o], %[u]\n\t"                                                                    \
            "sxtab16 %[xh], %[o], %[u], ror #8\n\t"                                                            \
            "sxtb16 %[wh], %[v], ror #8\n\t"                                                                   \
            "sxtb16 %[v], %[v]\n\t"                                                                            \
            "ldr %[u], [%[x], %[C]]\n\t"                                                                       \
            "smlabb %[a0], %[xl], %[v], %[a0]\n\t"                                                             \
            "smlatt %[a2], %[xl], %[v], %[a2]\n\t"                                                             \
            "smlabb %[a1], %[xh], %[wh], %[a1]\n\t"                                                            \
            "smlatt %[a3], %[xh], %[wh], %[a3]\n\t"                                                            \
            "ldr %[v], [%[w], %[C]]\n\t"                                                                       \
            "sxtab16 %[xl], %[o], %[u]\n\t"                                                                    \
            "sxtab16 %[xh], %[o], %[u], ror #8\n\t"                                                            \
            "sxtb16 %[wh], %[v], ror #8\n\t"                                                                   \
            "sxtb16 %[v], %[v]\n\t"                                                                            \
            "add %[x], %[x], %[C], lsl #1\n\t"                                                                 \
            "add %[w], %[w], %[C], lsl #1\n\t"                                                                 \
            "ldr %[u], [%[x]]\n\t"                                                                             \
            "smlabb %[a0], %[xl], %[v], %[a0]\n\t"                                                             \
            "smlatt %[a2], %[xl], %[v], %[a2]\n\t"                                                             \
            "smlabb %[a1], %[xh], %[wh], %[a1]\n\t"                                                            \
            "smlatt %[a3], %[xh], %[wh], %[a3]\n\t"                                                            \
            "ldr %[v], [%[w]]\n\t"                                                                             \
            "sxtab16 %[xl], %[o], %[u]\n\t"                                                                    \
            "sxtab16 %[xh], %[o], %[u], ror #8\n\t"                                                            \
            "sxtb16 %[wh], %[v], ror #8\n\t"                                                                   \
            "sxtb16 %[v], %[v]\n\t"                                                                            \
            "smlabb %[a0], %[xl], %[v], %[a0]\n\t"                                                             \
            "smlatt %[a2], %[xl], %[v], %[a2]\n\t"                                                             \
            "smlabb %[a1], %[xh], %[wh], %[a1]\n\t"                                                            \
            "smlatt %[a3], %[xh], %[wh], %[a3]\n\t"                                                            \
            : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [x] "+r"(xr_), [w] "+r"(wr_),       \
              [u] "=&r"(u_), [v] "=&r"(v_), [xl] "=&r"(xl_), [xh] "=&r"(xh_), [wh] "=&r"(wh_)                  \
            : [o] "r"(off2), [C] "r"(C_)                                                                       \
            );                                                                                                 \
  } while (0)
/* All 9 taps of a 3x3 kernel (dilation 1, no padding), 4 channels: x, w at tap
 * (0, 0); C = tap stride; ys2 = input row stride - 2 * C. */
/* One int8 word of input (u) and weights (v) widened to halfword pairs, the input
 * zero point added (o), and four multiply-accumulates into a0..a3. */
#define EG_DW_MAC4                                                                               \
  "sxtab16 %[xh], %[o], %[u], ror #8\n\t"                                                          \
  "sxtab16 %[u], %[o], %[u]\n\t"                                                                   \
  "sxtb16 %[wh], %[v], ror #8\n\t"                                                                 \
  "sxtb16 %[v], %[v]\n\t"                                                                          \
  "smlabb %[a0], %[u], %[v], %[a0]\n\t"                                                            \
  "smlatt %[a2], %[u], %[v], %[a2]\n\t"                                                            \
  "smlabb %[a1], %[xh], %[wh], %[a1]\n\t"                                                          \
  "smlatt %[a3], %[xh], %[wh], %[a3]\n\t"

#define EG_DW_3X3(X_, W_, C_, YS2_)                                                                            \
  do {                                                                                                         \
    const int8_t *xr_ = (X_), *wr_ = (W_);                                                                     \
    uint32_t u_, v_, xh_, wh_;                                                                                 \
    __asm__(                                                                                                   \
            EG_DW_TAPS3                                                                                         \
            "add %[x], %[x], %[ys]\n\t"                                                                         \
            "add %[w], %[w], %[C]\n\t"                                                                          \
            EG_DW_TAPS3                                                                                         \
            "add %[x], %[x], %[ys]\n\t"                                                                         \
            "add %[w], %[w], %[C]\n\t"                                                                          \
            EG_DW_TAPS3                                                                                         \
            : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [x] "+r"(xr_), [w] "+r"(wr_),       \
              [u] "=&r"(u_), [v] "=&r"(v_), [xh] "=&r"(xh_), [wh] "=&r"(wh_)                                   \
            : [o] "r"(off2), [C] "r"(C_), [ys] "r"(YS2_)                                                       \
            );                                                                                                 \
  } while (0)
#else
#define EG_DW_ROW3 EG_DW_ROW3_C
#define EG_DW_3X3 EG_DW_3X3_C
#endif
/* The C versions (also the chain's loop, EG_RQ_ORT, which needs registers the asm takes) */
#define EG_DW_ROW3_C(x, w, C)       \
  do {                              \
    EG_DW_TAP((x), (w));            \
    EG_DW_TAP((x) + (C), (w) + (C)); \
    EG_DW_TAP((x) + 2 * (C), (w) + 2 * (C)); \
  } while (0)
#define EG_DW_3X3_C(X_, W_, C_, YS2_)                                  \
  do {                                                                 \
    int32_t r_;                                                        \
    for (r_ = 0; r_ < 3; ++r_)                                         \
      EG_DW_ROW3_C((X_) + r_ * ((YS2_) + 2 * (C_)), (W_) + r_ * 3 * (C_), (C_)); \
  } while (0)
/* eg_conv_s8_dw_loop's mode for ONNX Runtime's chain (p->ort): ONNX's rounding, each output
 * tested against its channel's window (eg_ort_tie_window for any input), near ties through
 * eg_conv_s8_ort_requant */
#define EG_RQ_ORT 2
/* one output of channel c + j: the requantized acc a (mult m, rs1 s) */
#define EG_DW_RQ(a, j, m, s)                                                                            \
  (mode == EG_RQ_ORT && eg_ort_tie_close((a), (m), p->shift[c + (j)], win[j])                          \
       ? eg_conv_s8_ort_requant(p, inb, oy, ox, c + (j), (a))                                          \
       : eg_rq((a), (m), (s), mode == EG_RQ_TFLITE ? EG_RQ_TFLITE : EG_RQ_ONNX))
#define EG_DW_TAP(xp, wp)                                           \
  do {                                                              \
    const uint32_t xv_ = eg_ld32(xp), wv_ = eg_ld32(wp);            \
    const uint32_t xl_ = __sxtab16(off2, xv_), wl_ = __sxtb16(wv_); \
    const uint32_t xh_ = eg_sxtab16_ror8(off2, xv_);                \
    const uint32_t wh_ = eg_sxtb16_ror8(wv_);                       \
    a0 = __smlabb(xl_, wl_, a0);                                    \
    a2 = __smlatt(xl_, wl_, a2);                                    \
    a1 = __smlabb(xh_, wh_, a1);                                    \
    a3 = __smlatt(xh_, wh_, a3);                                    \
  } while (0)

/* The pixel loop of one group of EG_DW_NC (<= 4) channels. */
#define EG_DW_LOOP \
      for (oy = 0; oy < out_h; ++oy) { \
        const int32_t iy0 = oy * sh - pt; \
        int32_t ky0 = 0, ky1 = kh; \
        int8_t *o = outb + oy * out_w * C + c; \
        while (ky0 < kh && iy0 + ky0 * dh < 0) ++ky0; \
        while (ky1 > ky0 && iy0 + (ky1 - 1) * dh >= in_h) --ky1; \
        for (ox = 0; ox < out_w; ++ox, o += C) { \
          const int32_t ix0 = ox * sw - pl; \
          int32_t ka = 0, kb = kw, ky, kx, a0 = b0, a1 = b1, a2 = b2, a3 = b3; \
          while (ka < kw && ix0 + ka * dwl < 0) ++ka; \
          while (kb > ka && ix0 + (kb - 1) * dwl >= in_w) --kb; \
          if (EG_DW_NC == 4) { \
            const int8_t *x = inb + (iy0 * in_w + ix0) * C + c, *w = dww + c; \
            if (full9 && ka == 0 && kb == 3 && ky0 == 0 && ky1 == 3) { \
              if (mode == EG_RQ_ORT) EG_DW_3X3_C(x, w, C, ys - 2 * C); \
              else EG_DW_3X3(x, w, C, ys - 2 * C); \
            } else if (row3 && ka == 0 && kb == 3) { \
              for (ky = ky0; ky < ky1; ++ky) \
                if (mode == EG_RQ_ORT) EG_DW_ROW3_C(x + ky * ys, w + ky * 3 * C, C); \
                else EG_DW_ROW3(x + ky * ys, w + ky * 3 * C, C); \
            } else { \
              for (ky = ky0; ky < ky1; ++ky) \
                for (kx = ka; kx < kb; ++kx) EG_DW_TAP(x + ky * ys + kx * xs, w + (ky * kw + kx) * C); \
            } \
          } else { /* the last C % 4 channels */ \
            const int8_t *x = inb + (iy0 * in_w + ix0) * C + c, *w = dww + c; \
            int32_t t[3], j; \
            for (j = 0; j < EG_DW_NC; ++j) { \
              t[j] = 0; \
              for (ky = ky0; ky < ky1; ++ky) \
                for (kx = ka; kx < kb; ++kx) \
                  t[j] += ((int32_t)x[ky * ys + kx * xs + j] - p->in_zp) * w[(ky * kw + kx) * C + j]; \
            } \
            a0 += t[0]; \
            if (EG_DW_NC > 1) a1 += t[1]; \
            if (EG_DW_NC > 2) a2 += t[2]; \
          } \
          o[0] = eg_dw_clamp(EG_DW_RQ(a0, 0, m0, s0) + zp, lo, hi); \
          if (EG_DW_NC > 1) o[1] = eg_dw_clamp(EG_DW_RQ(a1, 1, m1, s1) + zp, lo, hi); \
          if (EG_DW_NC > 2) o[2] = eg_dw_clamp(EG_DW_RQ(a2, 2, m2, s2) + zp, lo, hi); \
          if (EG_DW_NC > 3) o[3] = eg_dw_clamp(EG_DW_RQ(a3, 3, m3, s3) + zp, lo, hi); \
        } \
      } \

/* The generic depthwise loop in either requantization (mode: a constant in each of the two entries
 * below, so each compiles to its own code without a test per output). */
static EG_ALWAYS_INLINE void eg_conv_s8_dw_loop(const eg_conv_s8_params *p, const int8_t *in, int8_t *out,
                                                const int32_t mode) {
  const int32_t C = p->in_c, kw = p->k_w, kh = p->k_h;
  const int32_t xs = p->dil_w * C, ys = p->dil_h * p->in_w * C;
  const uint32_t off2 = ((uint32_t)(-p->in_zp) & 0xFFFFu) * 0x10001u;
  const int32_t zp = p->out_zp, lo = p->act_min, hi = p->act_max;
  const int row3 = kw == 3 && p->dil_w == 1;
  const int32_t in_h = p->in_h, in_w = p->in_w, out_h = p->out_h, out_w = p->out_w;
  const int32_t sh = p->stride_h, sw = p->stride_w, dh = p->dil_h, dwl = p->dil_w, pt = p->pad_top, pl = p->pad_left;
  const int full9 = row3 && kh == 3 && dh == 1;
  const int8_t *dww = p->dw_weights;
  int32_t b, c;
  for (b = 0; b < p->batch; ++b) {
    const int8_t *inb = in + b * p->in_h * p->in_w * C;
    int8_t *outb = out + b * p->out_h * p->out_w * C;
    for (c = 0; c < C; c += 4) {
      const int32_t nc = C - c < 4 ? C - c : 4;
      const int32_t m0 = p->mult[c], s0 = -2 - p->shift[c];
      const int32_t m1 = nc > 1 ? p->mult[c + 1] : 0, s1 = nc > 1 ? -2 - p->shift[c + 1] : 0;
      const int32_t m2 = nc > 2 ? p->mult[c + 2] : 0, s2 = nc > 2 ? -2 - p->shift[c + 2] : 0;
      const int32_t m3 = nc > 3 ? p->mult[c + 3] : 0, s3 = nc > 3 ? -2 - p->shift[c + 3] : 0;
      int32_t b0 = 0, b1 = 0, b2 = 0, b3 = 0, oy, ox, j;
      uint64_t win[4] = {0, 0, 0, 0};
      if (p->bias) {
        b0 = p->bias[c];
        b1 = nc > 1 ? p->bias[c + 1] : 0;
        b2 = nc > 2 ? p->bias[c + 2] : 0;
        b3 = nc > 3 ? p->bias[c + 3] : 0;
      }
      for (j = 0; mode == EG_RQ_ORT && j < nc; ++j) {
        const int32_t bj = p->bias ? p->bias[c + j] : 0;
        win[j] = eg_ort_tie_window(eg_ort_asum_bound(kh * kw, p->in_zp, bj), kh * kw, p->mult[c + j], p->shift[c + j]);
      }
      if (nc == 4) {
#define EG_DW_NC 4
EG_DW_LOOP;
#undef EG_DW_NC
      } else {
#define EG_DW_NC nc
EG_DW_LOOP;
#undef EG_DW_NC
      }
    }
  }
}

EG_NOINLINE static void eg_conv_s8_dw_dsp(const eg_conv_s8_params *p, const int8_t *in, int8_t *out) {
  eg_conv_s8_dw_loop(p, in, out, EG_RQ_ONNX);
}

EG_NOINLINE static void eg_conv_s8_dw_dsp_tfl(const eg_conv_s8_params *p, const int8_t *in, int8_t *out) {
  eg_conv_s8_dw_loop(p, in, out, EG_RQ_TFLITE);
}

#if EG_DSP_ORT
/* ONNX Runtime's chain: every depthwise entry with p->ort (the 3x3 paths' asm has no room for the test) */
EG_NOINLINE static void eg_conv_s8_dw_dsp_ort(const eg_conv_s8_params *p, const int8_t *in, int8_t *out) {
  eg_conv_s8_dw_loop(p, in, out, EG_RQ_ORT);
}
#endif
#endif

#if EG_USE_DSP
/* ---- Depthwise 3x3, dilation 1, strides 1 and 2, with scratch ---------------
 * Lines run along W, or along H when out_h > out_w (longer lines, fewer of
 * them). Per group of 4 channels and band of up to 8 input lines, the lines are
 * converted once into scratch as int16 (input zero point subtracted, padding as
 * zeros), so the kernel has no edge logic. Scratch layout: word column k (line
 * positions 2k, 2k+1) is 128 bytes, channel g at +32 g, band line r at +4 r. One
 * SXTAB16 pair splits 4 channels of a pixel; PKHBT/PKHTB pair two pixels.
 * Per channel, the weights of the 3 band lines stay in registers as halfword
 * pairs W01 = (w0, w1), W12 = (w1, w2): with A = (x0, x1), B = (x2, x3) one
 * line gives out0 = SMLAD(A, W01) + x2 * w2 and out1 = x1 * w0 + SMLAD(B, W12)
 * (stride 1), or out1 = SMLAD(B, W01) + x4 * w2 (stride 2, C = (x4, x5)):
 * 12 multiply-accumulates per 2 outputs of 9 MACs.
 * Requantization, 2 instructions: weights and bias are scaled by 2^k,
 * k = F - rs (rs = -1 - shift, F = 13), so the final shift is the constant F:
 * SMMLA hi = rf + floor(acc * mult / 2^32) with rf = 2^(F-1) + out_zp * 2^F,
 * then SSAT #8 with ASR #F. That is eg_requantize's round half away from zero
 * whenever no tie can occur: a tie needs |acc| >= 2^(31 + rs - e), e = trailing
 * zeros of mult, and |acc| <= |bias| + 9 * 128 * max|x - in_zp|. Channels where
 * that bound scaled by 2^k leaves int32, k is outside [0, 8] (the scaled weights
 * must stay int16), mult < 0 or a tie is possible run a plain exact loop. */
#define EG_DW3_F 13
#define EG_DW3_COL 128 /* bytes per word column: 4 channels x 8 lines x 4 */
#define EG_DW3_NS 8    /* lines per band */

/* One channel's constants (eg_dw3_setup). */
typedef struct {
  uint32_t w[6]; /*  0: W01, W12 of band lines 0, 1, 2 (scaled) */
  int32_t mult;  /* 24 */
  int32_t rf;    /* 28: 2^(F-1) + out_zp * 2^F */
  int32_t bias;  /* 32: bias * 2^k */
  int32_t neg;   /* 36: TFLite's rounding: -2^(k-1), added to rf for a negative accumulator (ONNX: 0) */
} eg_dw3_ch;

/* The rows of a band, the same for every channel (copied to the asm's frame). */
typedef struct {
  int32_t ostep; /*  0: output bytes between neighbours along the line */
  int32_t end;   /*  4: (the asm's end of a row's pair loop) */
  int32_t pb;    /*  8: one-row loop: scratch bytes walked per row (an even number of pairs) */
  int32_t dp;    /* 12: one-row loop: scratch pointer after a row's pairs to the next row's loop start */
  int32_t dout;  /* 16: output pointer after a row's pairs to the next row's start */
  int32_t rows;  /* 20: output rows, >= 1 */
  int32_t tail;  /* 24: 1 when a row ends with a single output */
  int32_t s2;    /* 28: stride 2 along the line */
  int32_t pairs; /* 32: output pairs per row */
  int32_t nch;   /* 36: channels run one after the other (scratch + 32, output + 1 each) */
  int32_t orow;  /* 40: output bytes between output rows */
  int32_t padj;  /* 44: one-row loop: its start is this many scratch bytes before the row's first word */
  int32_t pb2;   /* 48: two-row loop (stride 1): scratch bytes walked per row (an even number of pairs) */
  int32_t dp2;   /* 52: two-row loop: scratch pointer after the pairs to the next two rows */
  int32_t dout2; /* 56: two-row loop: output pointer after the pairs to the next two rows */
  int32_t prow;  /* 60: scratch bytes between output rows (4 * stride across lines) */
  int32_t two;   /* 64: the two-row loop applies (stride 1 along and across the lines) */
} eg_dw3_rows;

#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__) && !defined(EG_DSP_EMULATION)
/* Band line L of an output pair whose first column is at byte offset O: stride 1
 * (A at O, B at O + 128) and stride 2 (C at O + 256 too), accumulators X, Y. */
#define EG_DW3_S1(O, L, WA, WB, X, Y)        \
  "ldr r12, [r8, #" #O "+" #L "*4]\n\t"      \
  "ldr lr, [r8, #" #O "+128+" #L "*4]\n\t"   \
  EG_DW3_M1(WA, WB, X, Y)
#define EG_DW3_M1(WA, WB, X, Y)              \
  "smlatb " Y ", r12, " WA ", " Y "\n\t"     \
  "smlad " X ", r12, " WA ", " X "\n\t"      \
  "smlabt " X ", lr, " WB ", " X "\n\t"      \
  "smlad " Y ", lr, " WB ", " Y "\n\t"
#define EG_DW3_S2(O, L, WA, WB)              \
  "ldr r12, [r8, #" #O "+" #L "*4]\n\t"      \
  "ldr lr, [r8, #" #O "+128+" #L "*4]\n\t"   \
  "smlad r11, lr, " WA ", r11\n\t"           \
  "smlad r10, r12, " WA ", r10\n\t"          \
  "smlabt r10, lr, " WB ", r10\n\t"          \
  "ldr r12, [r8, #" #O "+256+" #L "*4]\n\t"  \
  "smlabt r11, r12, " WB ", r11\n\t"
/* One-row loop: accumulators r10/r11 of an output pair from column offset O
 * (bias, 3 band lines); mult r6, rf r7. */
#define EG_DW3_MAC1(O)                       \
  "ldr r10, [sp]\n\t"                        \
  "ldr r12, [r8, #" #O "]\n\t"               \
  "ldr lr, [r8, #" #O "+128]\n\t"            \
  "smlatb r11, r12, r0, r10\n\t"             \
  "smlad r10, r12, r0, r10\n\t"              \
  "smlabt r10, lr, r1, r10\n\t"              \
  "smlad r11, lr, r1, r11\n\t"               \
  EG_DW3_S1(O, 1, "r2", "r3", "r10", "r11")  \
  EG_DW3_S1(O, 2, "r4", "r5", "r10", "r11")
#define EG_DW3_MAC2(O)                       \
  "ldr r10, [sp]\n\t"                        \
  "ldr r12, [r8, #" #O "]\n\t"               \
  "ldr lr, [r8, #" #O "+128]\n\t"            \
  "ldr r11, [r8, #" #O "+256]\n\t"           \
  "smlabt r11, r11, r1, r10\n\t"             \
  "smlad r11, lr, r0, r11\n\t"               \
  "smlad r10, r12, r0, r10\n\t"              \
  "smlabt r10, lr, r1, r10\n\t"              \
  EG_DW3_S2(O, 1, "r2", "r3")                \
  EG_DW3_S2(O, 2, "r4", "r5")
/* Requantize and store the pair; LOOP: also step the scratch pointer by STEP
 * and compare it with the row's end. */
#define EG_DW3_RQ                            \
  "smmla r10, r10, r6, r7\n\t"               \
  "smmla r11, r11, r6, r7\n\t"               \
  "ssat r10, #8, r10, asr #13\n\t"           \
  "ssat r11, #8, r11, asr #13\n\t"
/* TFLite's rounding: rf plus the channel's neg (frame 92) where the accumulator is negative. */
#define EG_DW3_RQ_TFL                        \
  "ldr lr, [sp, #92]\n\t"                    \
  "and r12, lr, r10, asr #31\n\t"            \
  "add r12, r12, r7\n\t"                     \
  "smmla r10, r10, r6, r12\n\t"              \
  "and r12, lr, r11, asr #31\n\t"            \
  "add r12, r12, r7\n\t"                     \
  "smmla r11, r11, r6, r12\n\t"              \
  "ssat r10, #8, r10, asr #13\n\t"           \
  "ssat r11, #8, r11, asr #13\n\t"
/* The single output r10 at a row's end (mult r6, rf r7; r12/lr free). */
#define EG_DW3_RQ1                           \
  "smmla r10, r10, r6, r7\n\t"
#define EG_DW3_RQ1_TFL                       \
  "ldr lr, [sp, #92]\n\t"                    \
  "and r12, lr, r10, asr #31\n\t"            \
  "add r12, r12, r7\n\t"                     \
  "smmla r10, r10, r6, r12\n\t"
#define EG_DW3_STORE(RQ)                     \
  RQ                                         \
  "ldr r12, [sp, #4]\n\t"                    \
  "strb r10, [r9]\n\t"                       \
  "strb r11, [r9, r12]\n\t"                  \
  "add r9, r9, r12, lsl #1\n\t"
#define EG_DW3_STORE_LOOP(RQ, STEP)          \
  RQ                                         \
  "ldr r12, [sp, #4]\n\t"                    \
  "ldr lr, [sp, #8]\n\t"                     \
  "strb r10, [r9]\n\t"                       \
  "strb r11, [r9, r12]\n\t"                  \
  "add r9, r9, r12, lsl #1\n\t"              \
  "add r8, r8, #" #STEP "\n\t"               \
  "cmp r8, lr\n\t"
/* One output (accumulator X) from the word at r8 + O: lines L0..L0+2 with the weights of band lines 0..2. */
#define EG_DW3_ONE(X, O)                     \
  "ldr r12, [r8, #" #O "]\n\t"               \
  "ldr lr, [r8, #" #O "+128]\n\t"            \
  "smlad " X ", r12, r0, " X "\n\t"          \
  "smlabt " X ", lr, r1, " X "\n\t"          \
  "ldr r12, [r8, #" #O "+4]\n\t"             \
  "ldr lr, [r8, #" #O "+132]\n\t"            \
  "smlad " X ", r12, r2, " X "\n\t"          \
  "smlabt " X ", lr, r3, " X "\n\t"          \
  "ldr r12, [r8, #" #O "+8]\n\t"             \
  "ldr lr, [r8, #" #O "+136]\n\t"            \
  "smlad " X ", r12, r4, " X "\n\t"          \
  "smlabt " X ", lr, r5, " X "\n\t"
/* A row's start: the end of its pair loop (PB: frame offset of its length) into the frame. */
#define EG_DW3_ROWEND(PB)                    \
  "ldr lr, [sp, #" #PB "]\n\t"               \
  "add lr, r8, lr\n\t"                       \
  "str lr, [sp, #8]\n\t"
/* Two-row loop (stride 1): a 2 x 2 block of outputs, rows 0 (r6, r7) and 1
 * (r10, r11) from band lines 0..3; mult and rf from the frame. */
#define EG_DW3_BLOCK(O)                                          \
  "ldr r6, [sp]\n\t"                                             \
  "ldr r12, [r8, #" #O "]\n\t"                                   \
  "ldr lr, [r8, #" #O "+128]\n\t"                               \
  "smlatb r7, r12, r0, r6\n\t"                                   \
  "smlad r6, r12, r0, r6\n\t"                                    \
  "smlabt r6, lr, r1, r6\n\t"                                    \
  "smlad r7, lr, r1, r7\n\t"                                     \
  "ldr r10, [sp]\n\t"                                            \
  "ldr r12, [r8, #" #O "+4]\n\t"                                 \
  "ldr lr, [r8, #" #O "+132]\n\t"                               \
  EG_DW3_M1("r2", "r3", "r6", "r7")                              \
  "smlatb r11, r12, r0, r10\n\t"                                 \
  "smlad r10, r12, r0, r10\n\t"                                  \
  "smlabt r10, lr, r1, r10\n\t"                                  \
  "smlad r11, lr, r1, r11\n\t"                                   \
  EG_DW3_S1(O, 2, "r4", "r5", "r6", "r7")                        \
  EG_DW3_M1("r2", "r3", "r10", "r11")                            \
  EG_DW3_S1(O, 3, "r4", "r5", "r10", "r11")                      \
  "ldr r12, [sp, #56]\n\t"                                       \
  "ldr lr, [sp, #60]\n\t"                                        \
  "smmla r6, r6, r12, lr\n\t"                                    \
  "smmla r7, r7, r12, lr\n\t"                                    \
  "smmla r10, r10, r12, lr\n\t"                                  \
  "smmla r11, r11, r12, lr\n\t"                                  \
  "ssat r6, #8, r6, asr #13\n\t"                                 \
  "ssat r7, #8, r7, asr #13\n\t"                                 \
  "ssat r10, #8, r10, asr #13\n\t"                               \
  "ssat r11, #8, r11, asr #13\n\t"                               \
  "ldr r12, [sp, #4]\n\t"                                        \
  "ldr lr, [sp, #64]\n\t"                                        \
  "strb r6, [r9]\n\t"                                            \
  "strb r7, [r9, r12]\n\t"                                       \
  "add lr, r9, lr\n\t"                                           \
  "strb r10, [lr]\n\t"                                           \
  "strb r11, [lr, r12]\n\t"                                      \
  "add r9, r9, r12, lsl #1\n\t"
/* All rows of a band for rw->nch channels ch[], from scratch p (the word of
 * output (0, 0)) to output o; each next channel at p + 32, o + 1. Stride 1
 * runs two rows at a time (2 x 2 output blocks, two per iteration) while two
 * are left; one rows and stride 2 run output pairs, two per iteration. An odd
 * count of pairs enters its loop at the second step (the pointer one step back). Registers: weights r0-r5, scratch r8, output
 * r9, accumulators r10/r11 (and r6/r7 in the two-row loop; else mult r6, rf r7),
 * data r12/lr. Frame: 0 bias, 4..28 eg_dw3_rows 0..24 (ostep, end, pb, dp,
 * dout, rows, tail), 32 the one-row loop's entry (by stride and pair parity),
 * 36 next channel's constants, 40 channels left, 44 / 48 the channel's p / o,
 * 52 rows, 56 mult, 60 rf, 64 orow, 68 padj, 72 pb2, 76 dp2, 80 dout2, 84 two, 88 the
 * two-row loop's entry (by pair parity), 92 neg. eg_dw3_run_tfl (TFLite's rounding, RQ
 * EG_DW3_RQ_TFL) is the same code but for the requantization; it is run with two = 0 (the
 * two-row block has no register left for the sign term). */
#define EG_DW3_RUN_ASM(RQ, RQ1) \
  __asm__ volatile( \
      "push {r4-r11, lr}\n\t" \
      "sub sp, sp, #96\n\t" \
      "str r0, [sp, #36]\n\t" \
      "str r2, [sp, #44]\n\t" \
      "str r3, [sp, #48]\n\t" \
      "ldm r1, {r3-r11}\n\t" /* ostep, end, pb, dp, dout, rows, tail, s2, pairs */ \
      "add r12, sp, #4\n\t" \
      "stm r12, {r3-r9}\n\t" \
      "str r8, [sp, #52]\n\t" \
      "ldr r12, [r1, #64]\n\t" \
      "str r12, [sp, #84]\n\t" \
      "add r12, r1, #36\n\t" \
      "ldm r12, {r1-r6}\n\t" /* nch, orow, padj, pb2, dp2, dout2 */ \
      "str r1, [sp, #40]\n\t" \
      "add r12, sp, #64\n\t" \
      "stm r12, {r2-r6}\n\t" \
      "adr r12, 30f\n\t" /* the one-row loop's entry */ \
      "cmp r11, #0\n\t" \
      "beq 1f\n\t" \
      "tst r11, #1\n\t" \
      "bne 2f\n\t" \
      "adr r12, 10f\n\t" \
      "cmp r10, #0\n\t" \
      "beq 1f\n\t" \
      "adr r12, 20f\n\t" \
      "b 1f\n\t" \
      "2:\n\t" \
      "adr r12, 12f\n\t" \
      "cmp r10, #0\n\t" \
      "beq 1f\n\t" \
      "adr r12, 22f\n\t" \
      "1:\n\t" \
      "orr r12, r12, #1\n\t" \
      "str r12, [sp, #32]\n\t" \
      "adr r12, 40f\n\t" /* the two-row loop's entry (by pair parity) */ \
      "tst r11, #1\n\t" \
      "beq 1f\n\t" \
      "adr r12, 46f\n\t" \
      "1:\n\t" \
      "orr r12, r12, #1\n\t" \
      "str r12, [sp, #88]\n\t" \
      "3:\n\t" /* channel */ \
      "ldr r12, [sp, #36]\n\t" \
      "ldr r10, [r12, #36]\n\t" \
      "str r10, [sp, #92]\n\t" \
      "ldr r10, [r12, #32]\n\t" \
      "ldr r6, [r12, #24]\n\t" \
      "ldr r7, [r12, #28]\n\t" \
      "str r10, [sp]\n\t" \
      "str r6, [sp, #56]\n\t" \
      "str r7, [sp, #60]\n\t" \
      "ldm r12!, {r0-r5}\n\t" \
      "add r12, r12, #16\n\t" \
      "str r12, [sp, #36]\n\t" \
      "ldr r8, [sp, #44]\n\t" \
      "ldr r9, [sp, #48]\n\t" \
      "ldr r10, [sp, #84]\n\t" \
      "ldr r11, [sp, #24]\n\t" \
      "cmp r10, #0\n\t" \
      "beq 5f\n\t" \
      "cmp r11, #2\n\t" \
      "it ge\n\t" \
      "ldrge pc, [sp, #88]\n\t" \
      "5:\n\t" /* into the one-row loop */ \
      "ldr r6, [sp, #56]\n\t" \
      "ldr r7, [sp, #60]\n\t" \
      "ldr r10, [sp, #68]\n\t" \
      "sub r8, r8, r10\n\t" \
      "ldr pc, [sp, #32]\n\t" \
      "46:\n\t" /* two rows, odd pairs: the loop enters at its second block */ \
      "sub r8, r8, #128\n\t" \
      EG_DW3_ROWEND(72) \
      "b 42f\n\t" \
      "40:\n\t" /* two rows, even pairs */ \
      EG_DW3_ROWEND(72) \
      "cmp r8, lr\n\t" \
      "beq 43f\n\t" \
      "41:\n\t" EG_DW3_BLOCK(0)); \
  __asm__ volatile( \
      "42:\n\t" EG_DW3_BLOCK(128) \
      "add r8, r8, #256\n\t" \
      "ldr lr, [sp, #8]\n\t" \
      "cmp r8, lr\n\t" \
      "bne 41b\n\t"); \
  __asm__ volatile( \
      "43:\n\t" \
      "ldr r12, [sp, #28]\n\t" \
      "cmp r12, #0\n\t" \
      "beq 44f\n\t" \
      "ldr r6, [sp]\n\t" \
      "ldr r10, [sp]\n\t" \
      EG_DW3_ONE("r6", 0) \
      EG_DW3_ONE("r10", 4) \
      "ldr r12, [sp, #56]\n\t" \
      "ldr lr, [sp, #60]\n\t" \
      "smmla r6, r6, r12, lr\n\t" \
      "smmla r10, r10, r12, lr\n\t" \
      "ssat r6, #8, r6, asr #13\n\t" \
      "ssat r10, #8, r10, asr #13\n\t" \
      "ldr r12, [sp, #64]\n\t" \
      "strb r6, [r9]\n\t" \
      "strb r10, [r9, r12]\n\t" \
      "44:\n\t" \
      "ldr r10, [sp, #76]\n\t" \
      "ldr r11, [sp, #80]\n\t" \
      "ldr r12, [sp, #24]\n\t" \
      "add r8, r8, r10\n\t" \
      "add r9, r9, r11\n\t" \
      "subs r12, r12, #2\n\t" \
      "str r12, [sp, #24]\n\t" \
      "beq 9f\n\t" \
      "cmp r12, #2\n\t" \
      "it ge\n\t" \
      "ldrge pc, [sp, #88]\n\t" \
      "b 5b\n\t" \
      "20:\n\t" /* stride 2, even pairs */ \
      EG_DW3_ROWEND(12) \
      "21:\n\t" EG_DW3_MAC2(0) EG_DW3_STORE(RQ)); \
  __asm__ volatile( \
      "23:\n\t" EG_DW3_MAC2(256) EG_DW3_STORE_LOOP(RQ, 512) \
      "bne 21b\n\t" \
      "b 30f\n\t" \
      "22:\n\t" /* stride 2, odd pairs */ \
      EG_DW3_ROWEND(12) \
      "b 23b\n\t" \
      "12:\n\t" /* stride 1, odd pairs */ \
      EG_DW3_ROWEND(12) \
      "b 13f\n\t" \
      "10:\n\t" /* stride 1, even pairs */ \
      EG_DW3_ROWEND(12) \
      "11:\n\t" EG_DW3_MAC1(0) EG_DW3_STORE(RQ)); \
  __asm__ volatile( \
      "13:\n\t" EG_DW3_MAC1(128) EG_DW3_STORE_LOOP(RQ, 256) \
      "bne 11b\n\t" \
      "30:\n\t" /* end of a row: the last single output, then the next row */ \
      "ldr r12, [sp, #28]\n\t" \
      "cmp r12, #0\n\t" \
      "beq 31f\n\t" \
      "ldr r10, [sp]\n\t" \
      EG_DW3_ONE("r10", 0) \
      RQ1 \
      "ssat r10, #8, r10, asr #13\n\t" \
      "strb r10, [r9]\n\t" \
      "31:\n\t" \
      "ldr r10, [sp, #16]\n\t" \
      "ldr r11, [sp, #20]\n\t" \
      "ldr r12, [sp, #24]\n\t" \
      "add r8, r8, r10\n\t" \
      "add r9, r9, r11\n\t" \
      "subs r12, r12, #1\n\t" \
      "str r12, [sp, #24]\n\t" \
      "it ne\n\t" \
      "ldrne pc, [sp, #32]\n\t" \
      "9:\n\t" /* next channel */ \
      "ldr r8, [sp, #44]\n\t" \
      "ldr r9, [sp, #48]\n\t" \
      "ldr r10, [sp, #40]\n\t" \
      "ldr r11, [sp, #52]\n\t" \
      "add r8, r8, #32\n\t" \
      "add r9, r9, #1\n\t" \
      "subs r10, r10, #1\n\t" \
      "str r8, [sp, #44]\n\t" \
      "str r9, [sp, #48]\n\t" \
      "str r10, [sp, #40]\n\t" \
      "str r11, [sp, #24]\n\t" \
      "bne 3b\n\t" \
      "add sp, sp, #96\n\t" \
      "pop {r4-r11, pc}\n\t");

__attribute__((naked, noinline, aligned(4))) static void eg_dw3_run(const eg_dw3_ch *ch __attribute__((unused)),
                                                        const eg_dw3_rows *rw __attribute__((unused)),
                                                        const uint8_t *p __attribute__((unused)),
                                                        int8_t *o __attribute__((unused))) {
  EG_DW3_RUN_ASM(EG_DW3_RQ, EG_DW3_RQ1)
}
__attribute__((naked, noinline, aligned(4))) static void eg_dw3_run_tfl(const eg_dw3_ch *ch __attribute__((unused)),
                                                        const eg_dw3_rows *rw __attribute__((unused)),
                                                        const uint8_t *p __attribute__((unused)),
                                                        int8_t *o __attribute__((unused))) {
  EG_DW3_RUN_ASM(EG_DW3_RQ_TFL, EG_DW3_RQ1_TFL)
}
#else
/* The same computation in C (host builds with the emulated intrinsics). */
static int32_t eg_dw3_at(const uint8_t *p, int32_t line, int32_t pos) {
  int16_t v;
  memcpy(&v, p + (pos >> 1) * EG_DW3_COL + line * 4 + (pos & 1) * 2, 2);
  return v;
}
static void eg_dw3_run_rf(const eg_dw3_ch *ch, const eg_dw3_rows *rw, const uint8_t *p0, int8_t *o0, int tfl) {
  const int32_t n = 2 * rw->pairs + rw->tail, s = rw->s2 ? 2 : 1;
  int32_t c, r, i, k;
  for (c = 0; c < rw->nch; ++c, ++ch)
    for (r = 0; r < rw->rows; ++r) {
      const uint8_t *p = p0 + 32 * c + r * rw->prow;
      int8_t *o = o0 + c + r * rw->orow;
      for (i = 0; i < n; ++i) {
        int32_t acc = ch->bias, v;
        for (k = 0; k < 3; ++k) {
          const uint32_t a = ch->w[2 * k], b = ch->w[2 * k + 1];
          acc += eg_dw3_at(p, k, i * s) * (int16_t)(a & 0xFFFFu) + eg_dw3_at(p, k, i * s + 1) * (int16_t)(a >> 16) +
                 eg_dw3_at(p, k, i * s + 2) * (int16_t)(b >> 16);
        }
        v = ch->rf + (tfl && acc < 0 ? ch->neg : 0);
        v = (int32_t)(((int64_t)v * 4294967296LL + (int64_t)acc * ch->mult) >> 32) >> EG_DW3_F; /* SMMLA */
        o[i * rw->ostep] = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);                   /* SSAT */
      }
    }
}
static void eg_dw3_run(const eg_dw3_ch *ch, const eg_dw3_rows *rw, const uint8_t *p0, int8_t *o0) {
  eg_dw3_run_rf(ch, rw, p0, o0, 0);
}
static void eg_dw3_run_tfl(const eg_dw3_ch *ch, const eg_dw3_rows *rw, const uint8_t *p0, int8_t *o0) {
  eg_dw3_run_rf(ch, rw, p0, o0, 1);
}
#endif

/* (lo & 0xFFFF) | hi << 16 (PKHBT). */
static inline uint32_t eg_dw3_pack(int32_t lo, int32_t hi) {
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__) && !defined(EG_DSP_EMULATION)
  uint32_t r;
  __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(lo), "r"(hi));
  return r;
#else
  return ((uint32_t)lo & 0xFFFFu) | ((uint32_t)hi << 16);
#endif
}

/* Weights and requantization of the group's channels c0 .. c0 + G - 1 into
 * ch[]; ok[i] = 0 when the fast path is not exact for channel c0 + i. tr: lines
 * along H. */
EG_NOINLINE static void eg_dw3_setup(eg_dw3_ch *ch, int *ok, const eg_conv_s8_params *p, int32_t c0, int32_t G,
                                     int tr, int32_t mode) {
  static const uint8_t tap[2][9] = {{0, 1, 2, 3, 4, 5, 6, 7, 8}, {0, 3, 6, 1, 4, 7, 2, 5, 8}};
  const int32_t C = p->in_c, zp = p->in_zp;
  const int32_t rf = (1 << (EG_DW3_F - 1)) + p->out_zp * (1 << EG_DW3_F);
  const uint32_t bx = 1152u * (uint32_t)(zp < 0 ? 127 - zp : 128 + zp); /* 9 * 128 * max|x - in_zp| */
  int8_t wt[9][4];                                                      /* [band line * 3 + line offset][channel] */
  int32_t i, t;
  for (t = 0; t < 9; ++t) {
    const int8_t *w = p->dw_weights + tap[tr][t] * C + c0;
    if (G == 4) {
      eg_st32(wt[t], eg_ld32(w));
    } else { /* (no loop: GCC would make it a memcpy call) */
      wt[t][0] = w[0];
      if (G > 1) wt[t][1] = w[1];
      if (G > 2) wt[t][2] = w[2];
    }
  }
  for (i = 0; i < G; ++i) {
    eg_dw3_ch *j = &ch[i];
    const int8_t *w = &wt[0][i];
    const int32_t c = c0 + i, M = p->mult[c], rs = -1 - p->shift[c], k = EG_DW3_F - rs;
    const int32_t bias = p->bias ? p->bias[c] : 0;
    const uint32_t bound = (bias < 0 ? 0u - (uint32_t)bias : (uint32_t)bias) + bx; /* >= |acc| */
    int32_t e, a, b, d;
    j->mult = M;
    j->rf = rf;
    j->neg = 0;
    ok[i] = 0;
    if (M == 0) { /* out_zp whatever the accumulator */
      memset(j->w, 0, sizeof j->w);
      j->bias = 0;
      ok[i] = 1;
      continue;
    }
    if (M < 0 || (uint32_t)k > 8u || bound > (uint32_t)INT32_MAX >> k) continue;
    if (mode == EG_RQ_TFLITE) {
      /* eg_requantize_tfl_hi scaled by 2^k: its 2^30 - [acc < 0] * 2^31 is rf's 2^(k-2) and neg's
       * -2^(k-1) (whole for k >= 2), so the result is TFLite's for every accumulator. */
      if (k < 2) continue;
      j->rf = rf + (1 << (k - 2));
      j->neg = -(1 << (k - 1));
    } else {
#if defined(__GNUC__)
      e = __builtin_ctz((uint32_t)M);
#else
      for (e = 0; !((M >> e) & 1); ++e) {
      }
#endif
      if (31 + rs - e < 32 && bound >= (1u << (31 + rs - e))) continue; /* a rounding tie is possible */
    }
    a = w[0] * (1 << k), b = w[4] * (1 << k), d = w[8] * (1 << k);
    j->w[0] = eg_dw3_pack(a, b);
    j->w[1] = eg_dw3_pack(b, d);
    a = w[12] * (1 << k), b = w[16] * (1 << k), d = w[20] * (1 << k);
    j->w[2] = eg_dw3_pack(a, b);
    j->w[3] = eg_dw3_pack(b, d);
    a = w[24] * (1 << k), b = w[28] * (1 << k), d = w[32] * (1 << k);
    j->w[4] = eg_dw3_pack(a, b);
    j->w[5] = eg_dw3_pack(b, d);
    j->bias = bias * (1 << k);
    ok[i] = 1;
  }
}

/* Line geometry: L along the lines, V across them; xs/os: input/output bytes per step. */
typedef struct {
  int32_t in_l, pad_l, out_l, xs_l, os_l;
  int32_t in_v, pad_v, out_v, xs_v, os_v, s_v;
  int32_t words, zp;
} eg_dw3_geo;

/* One pixel's G channels (x) at line position pos of the line at d (scratch + 4 line). */
static void eg_dw3_pixel(uint8_t *d, int32_t pos, const int8_t *x, int32_t G, int32_t zp) {
  uint8_t *q = d + (pos >> 1) * EG_DW3_COL + (pos & 1) * 2;
  int32_t c;
  for (c = 0; c < G; ++c) {
    const int16_t v = (int16_t)(x[c] - zp);
    memcpy(q + 32 * c, &v, 2);
  }
}

/* Lines of 4 channels for eg_dw3_lines4. */
typedef struct {
  int32_t xs;    /*  0: input bytes between the pixels of a line */
  uint32_t off2; /*  4: -in_zp in both halfwords */
  int32_t npb;   /*  8: 128 * (first + np) */
  int32_t nl;    /* 12: lines (>= 1) */
  int32_t first; /* 16: the first pixel sits at an odd position (the word's high halves) */
  int32_t last;  /* 20: one more pixel after the pairs (the next word's low halves) */
  int32_t xsv;   /* 24: input bytes between lines */
  int32_t odd;   /* 28: np is odd */
} eg_dw3_lp;

#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__) && !defined(EG_DSP_EMULATION)
/* Pixel pair (s, s + xs) into the word column at q + O: SXTAB16 splits the 4
 * channels of a pixel, PKHBT/PKHTB pair the two pixels of a channel. */
#define EG_DW3_PIX2(O)                       \
  "ldr r9, [r7]\n\t"                         \
  "ldr r10, [r7, r2]\n\t"                    \
  "add r7, r7, r2, lsl #1\n\t"               \
  "sxtab16 r11, r3, r9\n\t"                  \
  "sxtab16 r12, r3, r10\n\t"                 \
  "sxtab16 r9, r3, r9, ror #8\n\t"           \
  "sxtab16 r10, r3, r10, ror #8\n\t"         \
  "pkhbt lr, r11, r12, lsl #16\n\t"          \
  "pkhtb r12, r12, r11, asr #16\n\t"         \
  "str lr, [r6, #" #O "]\n\t"                \
  "str r12, [r6, #" #O "+64]\n\t"            \
  "pkhbt lr, r9, r10, lsl #16\n\t"           \
  "pkhtb r10, r10, r9, asr #16\n\t"          \
  "str lr, [r6, #" #O "+32]\n\t"             \
  "str r10, [r6, #" #O "+96]\n\t"
/* One pixel (s) into the halves at q + O. */
#define EG_DW3_PIX1(O)                       \
  "ldr r9, [r7]\n\t"                         \
  "add r7, r7, r2\n\t"                       \
  "sxtab16 r10, r3, r9\n\t"                  \
  "sxtab16 r9, r3, r9, ror #8\n\t"           \
  "strh r10, [r6, #" #O "]\n\t"              \
  "strh r9, [r6, #" #O "+32]\n\t"            \
  "lsrs r10, r10, #16\n\t"                   \
  "lsrs r9, r9, #16\n\t"                     \
  "strh r10, [r6, #" #O "+64]\n\t"           \
  "strh r9, [r6, #" #O "+96]\n\t"
/* lp->nl lines of 4 channels: line i from input x + i * xsv to scratch q + 4 i
 * (the word of its first pixel). Registers: q r0, x r1, xs r2, off2 r3, npb r4,
 * lines left r5, word r6, pixel r7, end r8, temporaries r9-r12, lr; frame:
 * first, last, xsv, odd. */
__attribute__((naked, noinline)) static void eg_dw3_lines4(uint8_t *q __attribute__((unused)),
                                                           const int8_t *x __attribute__((unused)),
                                                           const eg_dw3_lp *lp __attribute__((unused))) {
  __asm__ volatile(
      "push {r4-r11, lr}\n\t"
      "sub sp, sp, #20\n\t"
      "ldm r2, {r2-r9}\n\t" /* xs, off2, npb, nl, first, last, xsv, odd */
      "stm sp, {r6-r9}\n\t"
      "1:\n\t" /* line */
      "mov r6, r0\n\t"
      "mov r7, r1\n\t"
      "add r8, r0, r4\n\t"
      "ldr r9, [sp]\n\t"
      "cmp r9, #0\n\t"
      "beq 2f\n\t"
      EG_DW3_PIX1(2)
      "add r6, r6, #128\n\t"
      "2:\n\t"
      "ldr r9, [sp, #12]\n\t"
      "cmp r9, #0\n\t"
      "beq 3f\n\t"
      "sub r6, r6, #128\n\t" /* an odd count of pairs enters at the second */
      "b 4f\n\t"
      "3:\n\t"
      "cmp r6, r8\n\t"
      "beq 5f\n\t"
      EG_DW3_PIX2(0)
      "4:\n\t"
      EG_DW3_PIX2(128)
      "add r6, r6, #256\n\t"
      "b 3b\n\t"
      "5:\n\t"
      "ldr r9, [sp, #4]\n\t"
      "cmp r9, #0\n\t"
      "beq 6f\n\t"
      EG_DW3_PIX1(0)
      "6:\n\t"
      "ldr r9, [sp, #8]\n\t"
      "add r0, r0, #4\n\t"
      "add r1, r1, r9\n\t"
      "subs r5, r5, #1\n\t"
      "bne 1b\n\t"
      "add sp, sp, #20\n\t"
      "pop {r4-r11, pc}\n\t");
}
#else
/* 4 channels of pixel s into the low (h = 0) or high (h = 1) halves of word column q. */
static void eg_dw3_pixel4(uint8_t *q, int32_t h, const int8_t *s, uint32_t off2) {
  const uint32_t u = eg_ld32(s), e = __sxtab16(off2, u), o = eg_sxtab16_ror8(off2, u);
  const uint16_t v[4] = {(uint16_t)e, (uint16_t)o, (uint16_t)(e >> 16), (uint16_t)(o >> 16)};
  int32_t c;
  for (c = 0; c < 4; ++c) memcpy(q + 32 * c + 2 * h, &v[c], 2);
}
static void eg_dw3_lines4(uint8_t *q, const int8_t *x, const eg_dw3_lp *lp) {
  const int32_t np = lp->npb / EG_DW3_COL - lp->first;
  int32_t l, i;
  for (l = 0; l < lp->nl; ++l, q += 4, x += lp->xsv) {
    uint8_t *d = q;
    const int8_t *s = x;
    if (lp->first) {
      eg_dw3_pixel4(d, 1, s, lp->off2);
      d += EG_DW3_COL;
      s += lp->xs;
    }
    for (i = 0; i < 2 * np + lp->last; ++i, s += lp->xs) eg_dw3_pixel4(d + (i >> 1) * EG_DW3_COL, i & 1, s, lp->off2);
  }
}
#endif

/* The nl lines of a band into scratch line slots 0..nl-1: x = input line v0 at
 * L position 0, first channel of the group (G channels). Lines outside the input
 * are zero (*zero: bit r = slot r is all zero already); a line's padding
 * positions are never written (the scratch starts zeroed). */
EG_NOINLINE static void eg_dw3_band(uint8_t *scr, const int8_t *x, int32_t v0, int32_t nl, int32_t G,
                                    const eg_dw3_geo *g, uint32_t *zero) {
  const int32_t W = g->words, pl = g->pad_l;
  const int32_t n = g->in_l < 2 * W - pl ? g->in_l : 2 * W - pl; /* pixels of a line (none past the last taps) */
  int32_t ra = v0 < 0 ? -v0 : 0, rb = g->in_v - v0 < nl ? g->in_v - v0 : nl; /* lines inside the input */
  int32_t r, k, i;
  if (n <= 0 || ra >= rb) ra = rb = 0; /* (all positions padding) */
  for (r = 0; r < nl; ++r) {
    uint8_t *d = scr + 4 * r;
    if (r >= ra && r < rb) continue;
    if (*zero >> r & 1) continue; /* still zero */
    *zero |= 1u << r;
    for (k = 0; k < W; ++k, d += EG_DW3_COL) {
      uint32_t *q = (uint32_t *)d;
      q[0] = q[8] = q[16] = q[24] = 0;
    }
  }
  if (ra == rb) return;
  *zero &= ~((1u << rb) - (1u << ra));
  x += ra * g->xs_v;
  if (G == 4) {
    eg_dw3_lp lp;
    lp.xs = g->xs_l;
    lp.off2 = ((uint32_t)(-g->zp) & 0xFFFFu) * 0x10001u;
    lp.first = pl & 1;
    lp.npb = (lp.first + ((n - lp.first) >> 1)) * EG_DW3_COL;
    lp.last = (n - lp.first) & 1;
    lp.odd = (n - lp.first) >> 1 & 1;
    lp.nl = rb - ra;
    lp.xsv = g->xs_v;
    eg_dw3_lines4(scr + 4 * ra + (pl >> 1) * EG_DW3_COL, x, &lp);
  } else {
    for (r = ra; r < rb; ++r, x += g->xs_v)
      for (i = 0; i < n; ++i) eg_dw3_pixel(scr + 4 * r, pl + i, x + i * g->xs_l, G, g->zp);
  }
}

/* Channel c exactly as the reference computes it (channels the fast path cannot take). */
EG_NOINLINE static void eg_dw3_slow(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, int32_t c,
                                    int32_t mode) {
  const int32_t C = p->in_c;
  int32_t oy, ox, ky, kx;
  for (oy = 0; oy < p->out_h; ++oy)
    for (ox = 0; ox < p->out_w; ++ox) {
      int32_t acc = p->bias ? p->bias[c] : 0;
      for (ky = 0; ky < 3; ++ky)
        for (kx = 0; kx < 3; ++kx) {
          const int32_t iy = oy * p->stride_h - p->pad_top + ky, ix = ox * p->stride_w - p->pad_left + kx;
          if (iy >= 0 && iy < p->in_h && ix >= 0 && ix < p->in_w)
            acc += ((int32_t)in[(iy * p->in_w + ix) * C + c] - p->in_zp) * p->dw_weights[(ky * 3 + kx) * C + c];
        }
      acc = (mode == EG_RQ_TFLITE ? eg_requantize_tfl(acc, p->mult[c], p->shift[c])
                                  : eg_requantize(acc, p->mult[c], p->shift[c])) + p->out_zp;
      out[(oy * p->out_w + ox) * C + c] = (int8_t)eg_clamp_i32(acc, p->act_min, p->act_max);
    }
}

/* The activation range on one channel's nr output rows from o. */
EG_NOINLINE static void eg_dw3_clamp(int8_t *o, int32_t nr, const eg_dw3_geo *g, int32_t lo, int32_t hi) {
  int32_t y, x;
  for (y = 0; y < nr; ++y)
    for (x = 0; x < g->out_l; ++x) {
      int8_t *q = o + y * g->os_v + x * g->os_l;
      *q = (int8_t)eg_clamp_i32(*q, lo, hi);
    }
}

/* mode: a constant in each of the two entries (one copy each, only the used one linked). */
static EG_ALWAYS_INLINE void eg_conv_s8_dw3_dsp(const eg_conv_s8_params *p, const int8_t *in, int8_t *out,
                                                uint8_t *scr, const int32_t mode) {
  const int32_t C = p->in_c, tr = p->out_h > p->out_w;
  const int32_t sl = tr ? p->stride_h : p->stride_w, step = sl * EG_DW3_COL;
  const int full = p->act_min <= -128 && p->act_max >= 127;
  eg_dw3_geo g;
  eg_dw3_rows rw;
  eg_dw3_ch ch[4];
  int ok[4];
  int32_t b, c0, i, oy0, R, adj, pairs, all;
  uint32_t zero = 0xFFu; /* band line slots known to be all zero */
  g.in_l = tr ? p->in_h : p->in_w;
  g.pad_l = tr ? p->pad_top : p->pad_left;
  g.out_l = tr ? p->out_h : p->out_w;
  g.xs_l = (tr ? p->in_w : 1) * C;
  g.os_l = (tr ? p->out_w : 1) * C;
  g.in_v = tr ? p->in_w : p->in_h;
  g.pad_v = tr ? p->pad_left : p->pad_top;
  g.out_v = tr ? p->out_w : p->out_h;
  g.xs_v = (tr ? 1 : p->in_w) * C;
  g.os_v = (tr ? 1 : p->out_w) * C;
  g.s_v = tr ? p->stride_w : p->stride_h;
  g.words = EG_DW3_WORDS(g.out_l, sl);
  g.zp = p->in_zp;
  R = (EG_DW3_NS - 3) / g.s_v + 1; /* output rows per band */
  pairs = g.out_l >> 1;
  adj = pairs & 1 ? step : 0; /* odd pairs: the loop starts one pair back */
  rw.ostep = g.os_l;
  rw.pb = (pairs + (pairs & 1)) * step;
  rw.prow = 4 * g.s_v;
  rw.orow = g.os_v;
  rw.dp = rw.prow - adj - pairs * step;
  rw.dout = g.os_v - 2 * pairs * g.os_l;
  rw.tail = g.out_l & 1;
  rw.s2 = sl == 2;
  rw.pairs = pairs;
  rw.padj = adj;
  rw.pb2 = (pairs + (pairs & 1)) * EG_DW3_COL;
  rw.dp2 = 2 * rw.prow - pairs * EG_DW3_COL;
  rw.dout2 = 2 * g.os_v - 2 * pairs * g.os_l;
  rw.two = sl == 1 && g.s_v == 1 && mode == EG_RQ_ONNX;
  memset(scr, 0, (size_t)(g.words * EG_DW3_COL)); /* the padding positions of every line */
  for (b = 0; b < p->batch; ++b) {
    const int8_t *inb = in + b * p->in_h * p->in_w * C;
    int8_t *outb = out + b * p->out_h * p->out_w * C;
    for (c0 = 0; c0 < C; c0 += 4) {
      const int32_t G = C - c0 < 4 ? C - c0 : 4;
      eg_dw3_setup(ch, ok, p, c0, G, tr, mode);
      all = 1;
      for (i = 0; i < G; ++i) all &= ok[i];
      for (oy0 = 0; oy0 < g.out_v; oy0 += R) {
        const int32_t nr = g.out_v - oy0 < R ? g.out_v - oy0 : R, v0 = oy0 * g.s_v - g.pad_v;
        int8_t *o = outb + c0 + oy0 * g.os_v;
        eg_dw3_band(scr, inb + c0 + v0 * g.xs_v, v0, (nr - 1) * g.s_v + 3, G, &g, &zero);
        rw.rows = nr;
        if (all) { /* the usual case: one call for the group */
          rw.nch = G;
          if (mode == EG_RQ_TFLITE) eg_dw3_run_tfl(ch, &rw, scr, o);
          else eg_dw3_run(ch, &rw, scr, o);
        } else {
          rw.nch = 1;
          for (i = 0; i < G; ++i) {
            if (!ok[i]) continue;
            if (mode == EG_RQ_TFLITE) eg_dw3_run_tfl(&ch[i], &rw, scr + 32 * i, o + i);
            else eg_dw3_run(&ch[i], &rw, scr + 32 * i, o + i);
          }
        }
        if (!full) /* the activation clamp (SSAT gave [-128, 127]) */
          for (i = 0; i < G; ++i)
            if (ok[i]) eg_dw3_clamp(o + i, nr, &g, p->act_min, p->act_max);
      }
      for (i = 0; i < G; ++i)
        if (!ok[i]) eg_dw3_slow(p, inb, outb, c0 + i, mode);
    }
  }
}
#endif

#if EG_USE_DSP
/* ---- Depthwise 3x3, dilation 1, strides 1 and 2, no scratch ----------------
 * (eg_conv_s8_dw when C % 4 == 0, in_w >= 3 and at most one padding column on
 * each side.) 4 channels a word straight from NHWC: per tap one input word,
 * SXTAB16 (zero point) into (c0, c2) / (c1, c3) and 4 SMLABB/SMLATT with
 * pre-widened weight words; requantization as eg_conv_s8_dw3's (SMMLA + SSAT,
 * scaled weights), the 4 outputs stored as one word. Padding rows are skipped
 * (the tap rows of a pixel run ky0..ky1); a pixel whose taps overhang the left
 * or right edge reads the 3 columns next to it with its weights shifted one
 * column and a zero in the overhanging place, so every pixel runs the same code. */

/* One output row of a channel group, in up to 3 runs of pixels (left edge,
 * middle, right edge), each with its first pixel's top tap and weight set. */
typedef struct {
  int32_t n[3];         /*  0: pixels per run */
  const int8_t *x[3];   /* 12: the run's first pixel: input at tap row ky0, its first tap column, channel c0 */
  const uint32_t *w[3]; /* 24: the run's weight set (WE, WO per tap), from tap row ky0 */
  int8_t *o;            /* 36: output of the row's first pixel (channel c0) */
  int32_t xstep;        /* 40: input bytes per output pixel (stride_w * C) */
  int32_t rstep;        /* 44: input bytes per row */
  int32_t C;            /* 48: channels (input and output bytes per pixel) */
  int32_t nrow;         /* 52: tap rows (0..3) */
  const int32_t *bias;  /* 56: 4 scaled biases */
  const int32_t *mrf;   /* 60: mult, rf of the 4 channels */
  uint32_t off2;        /* 64: -in_zp in both halfwords */
} eg_dwd_job;

#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__) && !defined(EG_DSP_EMULATION)
/* One tap: input word at [r8 + A], weights WE/WO at r10 (post-incremented). */
#define EG_DWD_TAP(A)                        \
  "ldr r4, [r8" A "]\n\t"                    \
  "ldr r6, [r10], #4\n\t"                    \
  "ldr r7, [r10], #4\n\t"                    \
  "sxtab16 r5, r11, r4\n\t"                  \
  "sxtab16 r4, r11, r4, ror #8\n\t"          \
  "smlabb r0, r5, r6, r0\n\t"                \
  "smlatt r2, r5, r6, r2\n\t"                \
  "smlabb r1, r4, r7, r1\n\t"                \
  "smlatt r3, r4, r7, r3\n\t"
#define EG_DWD_ROW EG_DWD_TAP("") EG_DWD_TAP(", r9") EG_DWD_TAP(", r9, lsl #1")
/* Registers: accumulators r0-r3, data r4/r5, weights r6/r7, tap row r8, C r9,
 * weight pointer r10, off2 r11, row step r12, output lr. Frame: job, entry (by
 * tap rows), run index, pixels left, pixel input, run weights. */
__attribute__((naked, noinline, aligned(4))) static void eg_dwd_row(const eg_dwd_job *j __attribute__((unused))) {
  __asm__ volatile(
      "push {r4-r11, lr}\n\t"
      "sub sp, sp, #24\n\t"
      "str r0, [sp]\n\t"
      "ldr r9, [r0, #48]\n\t"
      "ldr r11, [r0, #64]\n\t"
      "ldr lr, [r0, #36]\n\t"
      "ldr r1, [r0, #52]\n\t"
      "adr r12, 23f\n\t"
      "cmp r1, #1\n\t"
      "blt 1f\n\t"
      "adr r12, 22f\n\t"
      "beq 1f\n\t"
      "adr r12, 21f\n\t"
      "cmp r1, #2\n\t"
      "beq 1f\n\t"
      "adr r12, 20f\n\t"
      "1:\n\t"
      "orr r12, r12, #1\n\t"
      "str r12, [sp, #4]\n\t"
      "movs r2, #0\n\t"
      "str r2, [sp, #8]\n\t"
      "3:\n\t" /* run */
      "ldr r0, [sp]\n\t"
      "ldr r2, [sp, #8]\n\t"
      "cmp r2, #3\n\t"
      "beq 9f\n\t"
      "add r3, r0, r2, lsl #2\n\t"
      "add r2, r2, #1\n\t"
      "str r2, [sp, #8]\n\t"
      "ldr r4, [r3]\n\t"
      "ldr r5, [r3, #12]\n\t"
      "ldr r6, [r3, #24]\n\t"
      "cmp r4, #0\n\t"
      "beq 3b\n\t"
      "str r4, [sp, #12]\n\t"
      "str r5, [sp, #16]\n\t"
      "str r6, [sp, #20]\n\t"
      "2:\n\t" /* pixel */
      "ldr r12, [sp]\n\t"
      "ldr r8, [sp, #16]\n\t"
      "ldr r10, [sp, #20]\n\t"
      "ldr r0, [r12, #56]\n\t"
      "ldr r12, [r12, #44]\n\t"
      "ldm r0, {r0-r3}\n\t"
      "ldr pc, [sp, #4]\n\t"
      "20:\n\t" EG_DWD_ROW "add r8, r8, r12\n\t"
      "21:\n\t" EG_DWD_ROW);
  __asm__ volatile(
      "add r8, r8, r12\n\t"
      "22:\n\t" EG_DWD_ROW
      "23:\n\t"
      "ldr r12, [sp]\n\t"
      "ldr r12, [r12, #60]\n\t"
      "ldm r12!, {r4-r7}\n\t"
      "smmla r0, r0, r4, r5\n\t"
      "smmla r1, r1, r6, r7\n\t"
      "ldm r12, {r4-r7}\n\t"
      "smmla r2, r2, r4, r5\n\t"
      "smmla r3, r3, r6, r7\n\t"
      "ssat r0, #8, r0, asr #13\n\t"
      "ssat r1, #8, r1, asr #13\n\t"
      "ssat r2, #8, r2, asr #13\n\t"
      "ssat r3, #8, r3, asr #13\n\t"
      "bfi r0, r1, #8, #8\n\t"
      "bfi r0, r2, #16, #8\n\t"
      "bfi r0, r3, #24, #8\n\t"
      "str r0, [lr]\n\t"
      "add lr, lr, r9\n\t"
      "ldr r12, [sp]\n\t"
      "ldr r8, [sp, #16]\n\t"
      "ldr r12, [r12, #40]\n\t"
      "ldr r4, [sp, #12]\n\t"
      "add r8, r8, r12\n\t"
      "subs r4, r4, #1\n\t"
      "str r8, [sp, #16]\n\t"
      "str r4, [sp, #12]\n\t"
      "bne 2b\n\t"
      "b 3b\n\t"
      "9:\n\t"
      "add sp, sp, #24\n\t"
      "pop {r4-r11, pc}\n\t");
}
#else
static void eg_dwd_row(const eg_dwd_job *j) {
  int8_t *o = j->o;
  int32_t r, i, t, c;
  for (r = 0; r < 3; ++r) {
    const int8_t *x = j->x[r];
    for (i = 0; i < j->n[r]; ++i, x += j->xstep, o += j->C) {
      const uint32_t *w = j->w[r];
      int32_t a[4];
      for (c = 0; c < 4; ++c) a[c] = j->bias[c];
      for (t = 0; t < 3 * j->nrow; ++t, w += 2) {
        const uint32_t u = eg_ld32(x + (t / 3) * j->rstep + (t % 3) * j->C);
        const uint32_t e = __sxtab16(j->off2, u), d = eg_sxtab16_ror8(j->off2, u);
        a[0] = __smlabb(e, w[0], a[0]);
        a[2] = __smlatt(e, w[0], a[2]);
        a[1] = __smlabb(d, w[1], a[1]);
        a[3] = __smlatt(d, w[1], a[3]);
      }
      for (c = 0; c < 4; ++c) {
        const int32_t v =
            (int32_t)(((int64_t)j->mrf[2 * c + 1] * 4294967296LL + (int64_t)a[c] * j->mrf[2 * c]) >> 32) >> EG_DW3_F;
        o[c] = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
      }
    }
  }
}
#endif

/* 1 when the no-scratch 3x3 path applies (see above). */
static int eg_dwd_ok(const eg_conv_s8_params *p) {
  const int32_t over = (p->out_w - 1) * p->stride_w - p->pad_left + 2 - (p->in_w - 1); /* right overhang */
  return p->k_h == 3 && p->k_w == 3 && p->dil_h == 1 && p->dil_w == 1 && p->stride_h >= 1 && p->stride_h <= 2 &&
         p->stride_w >= 1 && p->stride_w <= 2 && (p->in_c & 3) == 0 && p->in_w >= 3 && p->pad_left >= 0 &&
         p->pad_left <= 1 && over <= 1;
}

EG_NOINLINE static void eg_conv_s8_dwd(const eg_conv_s8_params *p, const int8_t *in, int8_t *out) {
  const int32_t C = p->in_c, sw = p->stride_w, pl = p->pad_left, R = p->in_w * C;
  const int full = p->act_min <= -128 && p->act_max >= 127;
  /* runs: pixels left of ox0 overhang the left edge, from ox1 on the right edge */
  const int32_t ox0 = pl > 0 ? 1 : 0, ox1a = (p->in_w - 2 + pl + sw - 1) / sw;
  const int32_t ox1 = ox1a < ox0 ? ox0 : ox1a > p->out_w ? p->out_w : ox1a;
  uint32_t wset[3][18]; /* weights, tap-row major: left-edge pixels, middle, right edge */
  int32_t bias[4], mrf[8];
  eg_dw3_ch ch[4];
  eg_dw3_geo g;
  eg_dwd_job j;
  int ok[4];
  int32_t b, c0, i, m, ky, kx, oy;
  memset(&g, 0, sizeof g);
  g.out_l = p->out_w;
  g.os_l = C;
  g.os_v = p->out_w * C;
  j.xstep = sw * C;
  j.rstep = R;
  j.C = C;
  j.bias = bias;
  j.mrf = mrf;
  j.off2 = ((uint32_t)(-p->in_zp) & 0xFFFFu) * 0x10001u;
  for (b = 0; b < p->batch; ++b) {
    const int8_t *inb = in + b * p->in_h * R;
    int8_t *outb = out + b * p->out_h * p->out_w * C;
    for (c0 = 0; c0 < C; c0 += 4) {
      eg_dw3_setup(ch, ok, p, c0, 4, 0, EG_RQ_ONNX);
      for (i = 0; i < 4; ++i) {
        if (!ok[i]) memset(&ch[i], 0, sizeof ch[i]);
        bias[i] = ch[i].bias;
        mrf[2 * i] = ch[i].mult;
        mrf[2 * i + 1] = ch[i].rf;
      }
      for (ky = 0; ky < 3; ++ky) { /* the 4 channels' weights of a tap row as (c0, c2), (c1, c3) words */
        uint32_t e[3], o[3];
        for (kx = 0; kx < 3; ++kx) {
          const int32_t sh = kx == 2 ? 16 : 0, wi = 2 * ky + (kx == 2); /* tap kx: W01 low, W01 high, W12 high */
          const int32_t v0 = (int16_t)(kx == 1 ? ch[0].w[wi] >> 16 : ch[0].w[wi] >> sh);
          const int32_t v1 = (int16_t)(kx == 1 ? ch[1].w[wi] >> 16 : ch[1].w[wi] >> sh);
          const int32_t v2 = (int16_t)(kx == 1 ? ch[2].w[wi] >> 16 : ch[2].w[wi] >> sh);
          const int32_t v3 = (int16_t)(kx == 1 ? ch[3].w[wi] >> 16 : ch[3].w[wi] >> sh);
          e[kx] = eg_dw3_pack(v0, v2);
          o[kx] = eg_dw3_pack(v1, v3);
        }
        /* middle pixels; a left-edge pixel's tap column kx reads input column kx - 1 (weights of kx + 1),
         * a right-edge pixel's reads kx + 1 (weights of kx - 1) */
        for (kx = 0; kx < 3; ++kx) {
          wset[1][6 * ky + 2 * kx] = e[kx];
          wset[1][6 * ky + 2 * kx + 1] = o[kx];
          wset[0][6 * ky + 2 * kx] = kx < 2 ? e[kx + 1] : 0;
          wset[0][6 * ky + 2 * kx + 1] = kx < 2 ? o[kx + 1] : 0;
          wset[2][6 * ky + 2 * kx] = kx > 0 ? e[kx - 1] : 0;
          wset[2][6 * ky + 2 * kx + 1] = kx > 0 ? o[kx - 1] : 0;
        }
      }
      for (oy = 0; oy < p->out_h; ++oy) {
        const int32_t iy0 = oy * p->stride_h - p->pad_top;
        const int32_t ky0 = iy0 < 0 ? -iy0 : 0, ky1 = p->in_h - iy0 < 3 ? p->in_h - iy0 : 3;
        const int8_t *row = inb + (iy0 + ky0) * R + c0;
        j.nrow = ky1 > ky0 ? ky1 - ky0 : 0;
        j.n[0] = ox0;
        j.n[1] = ox1 - ox0;
        j.n[2] = p->out_w - ox1;
        j.x[0] = row;
        j.x[1] = row + (ox0 * sw - pl) * C;
        j.x[2] = row + (ox1 * sw - pl - 1) * C;
        for (m = 0; m < 3; ++m) j.w[m] = wset[m] + 6 * ky0;
        j.o = outb + oy * p->out_w * C + c0;
        eg_dwd_row(&j);
      }
      for (i = 0; i < 4; ++i) {
        if (!ok[i])
          eg_dw3_slow(p, inb, outb, c0 + i, EG_RQ_ONNX);
        else if (!full)
          eg_dw3_clamp(outb + c0 + i, p->out_h, &g, p->act_min, p->act_max);
      }
    }
  }
}
#endif

/* The depthwise kernels' requantization needs mult >= 0 and shift in [-31, -2] (eg_rq). */
int eg_conv_dw_requant_ok(const eg_conv_s8_params *p) {
  int32_t c;
  for (c = 0; c < p->out_c; ++c)
    if (p->mult[c] < 0 || p->shift[c] > -2 || p->shift[c] < -31) return 0;
  return 1;
}

#if EG_USE_DSP
/* The out table (eg_conv_s8_params.out_table) over the finished output, in
 * place: the depthwise DSP kernels have no register left for it at the store. */
static void eg_dw_table(const eg_conv_s8_params *p, int8_t *out) {
  eg_lut_s8(out, out, p->batch * p->out_h * p->out_w * p->out_c, p->out_table);
}
#endif

void eg_conv_s8_dw(const eg_conv_s8_params *p, const int8_t *in, int8_t *out) {
#if EG_USE_DSP
  if (EG_DSP_ORT && p->ort) {
#if EG_DSP_ORT
    eg_conv_s8_dw_dsp_ort(p, in, out);
#endif
  } else {
#if EG_USE_MVE
    if (eg_conv_s8_mve_dw(p, in, out, EG_RQ_ONNX)) return;
#endif
    if (eg_dwd_ok(p))
      eg_conv_s8_dwd(p, in, out);
    else
      eg_conv_s8_dw_dsp(p, in, out);
  }
  if (p->out_table) eg_dw_table(p, out);
#else
  eg_conv_s8_ref(p, in, out);
#endif
}

void eg_conv_s8_dw3(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
#if EG_USE_DSP
  if (EG_DSP_ORT && p->ort) { /* ONNX Runtime's chain: the depthwise loop with the near-tie test */
    if (eg_conv_dw_requant_ok(p)) eg_conv_s8_dw(p, in, out);
    else eg_conv_s8_ref(p, in, out);
    return;
  }
#if EG_USE_MVE
  if (eg_conv_s8_mve_dw(p, in, out, EG_RQ_ONNX)) return;
#endif
  eg_conv_s8_dw3_dsp(p, in, out, (uint8_t *)scratch, EG_RQ_ONNX);
  if (p->out_table) eg_dw_table(p, out);
#else
  (void)scratch;
  eg_conv_s8_ref(p, in, out);
#endif
}

void eg_conv_s8_tfl_dw3(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
#if EG_USE_DSP
#if EG_USE_MVE
  if (eg_conv_s8_mve_dw(p, in, out, EG_RQ_TFLITE)) {
    if (p->out_table) eg_dw_table(p, out);
    return;
  }
#endif
  eg_conv_s8_dw3_dsp(p, in, out, (uint8_t *)scratch, EG_RQ_TFLITE);
  if (p->out_table) eg_dw_table(p, out);
#else
  (void)scratch;
  eg_conv_s8_tfl_ref(p, in, out);
#endif
}

void eg_conv_s8_tfl_dw(const eg_conv_s8_params *p, const int8_t *in, int8_t *out) {
#if EG_USE_DSP
#if EG_USE_MVE
  if (eg_conv_s8_mve_dw(p, in, out, EG_RQ_TFLITE)) return;
#endif
  eg_conv_s8_dw_dsp_tfl(p, in, out);
  if (p->out_table) eg_dw_table(p, out);
#else
  eg_conv_s8_tfl_ref(p, in, out);
#endif
}
