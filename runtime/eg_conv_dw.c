#include "eg_conv_dw.h"

#include "eg_common.h"

#if EG_USE_DSP
/* ---- Depthwise -------------------------------------------------------------
 * groups == in_c == out_c, weights transposed to [k_h * k_w][C]. Loop order:
 * 4 channels (one word) outermost, then output pixels, so the 4 channels'
 * requantization constants stay fixed while every pixel is computed. Per tap:
 * one input word and one weight word, SXTAB16 (input zero point) / SXTB16 and
 * SMLABB/SMLATT; a kernel row of 3 taps (dilation 1) is one asm block. Padding
 * is resolved per kernel row and per tap range, never per value.
 * Requantization: eg_rq (ASR, SMLAL, ASR, ADD, ASR), exact for shift in
 * [-31, -2] with mult >= 0 (checked by the caller). */
static inline int32_t eg_rq(int32_t acc, int32_t mult, int32_t rs1) {
  int32_t lo = acc >> 31, hi = lo; /* 64-bit acc * mult - [acc < 0] */
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__) && !defined(EG_DSP_EMULATION)
  __asm__("smlal %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(acc), "r"(mult));
#else
  {
    const int64_t r = (int64_t)(((uint64_t)(uint32_t)hi << 32) | (uint32_t)lo) + (int64_t)acc * (int64_t)mult;
    hi = (int32_t)(r >> 32);
  }
#endif
  /* floor((hi + 2^(rs1)) / 2^(rs1 + 1)) = ((hi >> rs1) + 1) >> 1 */
  return ((hi >> rs1) + 1) >> 1;
}

static inline int8_t eg_dw_clamp(int32_t v, int32_t lo, int32_t hi) {
  v = v < lo ? lo : v;
  v = v > hi ? hi : v;
  return (int8_t)v;
}

/* 3 taps of one kernel row, 4 channels: x, w point at tap 0; C = tap stride. */
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__) && !defined(EG_DSP_EMULATION)
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
#define EG_DW_ROW3(x, w, C)         \
  do {                              \
    EG_DW_TAP((x), (w));            \
    EG_DW_TAP((x) + (C), (w) + (C)); \
    EG_DW_TAP((x) + 2 * (C), (w) + 2 * (C)); \
  } while (0)
#define EG_DW_3X3(X_, W_, C_, YS2_)                                    \
  do {                                                                 \
    int32_t r_;                                                        \
    for (r_ = 0; r_ < 3; ++r_)                                         \
      EG_DW_ROW3((X_) + r_ * ((YS2_) + 2 * (C_)), (W_) + r_ * 3 * (C_), (C_)); \
  } while (0)
#endif
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
              EG_DW_3X3(x, w, C, ys - 2 * C); \
            } else if (row3 && ka == 0 && kb == 3) { \
              for (ky = ky0; ky < ky1; ++ky) EG_DW_ROW3(x + ky * ys, w + ky * 3 * C, C); \
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
          o[0] = eg_dw_clamp(eg_rq(a0, m0, s0) + zp, lo, hi); \
          if (EG_DW_NC > 1) o[1] = eg_dw_clamp(eg_rq(a1, m1, s1) + zp, lo, hi); \
          if (EG_DW_NC > 2) o[2] = eg_dw_clamp(eg_rq(a2, m2, s2) + zp, lo, hi); \
          if (EG_DW_NC > 3) o[3] = eg_dw_clamp(eg_rq(a3, m3, s3) + zp, lo, hi); \
        } \
      } \

EG_NOINLINE static void eg_conv_s8_dw_dsp(const eg_conv_s8_params *p, const int8_t *in, int8_t *out) {
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
      int32_t b0 = 0, b1 = 0, b2 = 0, b3 = 0, oy, ox;
      if (p->bias) {
        b0 = p->bias[c];
        b1 = nc > 1 ? p->bias[c + 1] : 0;
        b2 = nc > 2 ? p->bias[c + 2] : 0;
        b3 = nc > 3 ? p->bias[c + 3] : 0;
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
#endif

#if EG_USE_DSP
/* ---- Depthwise 3x3, dilation 1, with scratch (--optimization time) ---------
 * One channel at a time: its 3 kernel rows of input are kept in scratch as
 * int16 with the input zero point subtracted and the padding as zeros (a ring
 * of 3 rows, each input row converted once per channel when stride_h == 1), so
 * there is no per-pixel edge logic. Per output: 3 SMLAD on (tap 0, tap 1)
 * pairs + 3 multiply-accumulates for tap 2; weights stay in registers for the
 * channel. Stride 1 computes 2 pixels per step (the shifted pair is one PKHBT). */
static void eg_dw3_fill(int16_t *row, const int8_t *src, int32_t C, int32_t n, int32_t zp) {
  int32_t i;
  for (i = 0; i < n; ++i) row[i] = (int16_t)(src[i * C] - zp);
}
EG_NOINLINE static void eg_conv_s8_dw3_dsp(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, int16_t *scr) {
  const int32_t C = p->in_c, in_h = p->in_h, in_w = p->in_w, out_h = p->out_h, out_w = p->out_w;
  const int32_t sh = p->stride_h, sw = p->stride_w, pt = p->pad_top, pl = p->pad_left;
  const int32_t wp = EG_CONV_S8_DW3_ROW(out_w, sw);
  const int32_t zp = p->out_zp, lo = p->act_min, hi = p->act_max, izp = p->in_zp;
  /* valid padded columns [pxa, pxb) */
  const int32_t pxa = pl < 0 ? 0 : pl;
  const int32_t pxb = pl + in_w < wp ? pl + in_w : wp;
  const int32_t ixa = pxa - pl;
  int32_t b, c;
  for (b = 0; b < p->batch; ++b) {
    const int8_t *inb = in + b * in_h * in_w * C;
    int8_t *outb = out + b * out_h * out_w * C;
    for (c = 0; c < C; ++c) {
      const int8_t *wt = p->dw_weights + c;
      const uint32_t W0 = ((uint32_t)(uint16_t)wt[0] | ((uint32_t)(uint16_t)wt[C] << 16));
      const uint32_t W1 = ((uint32_t)(uint16_t)wt[3 * C] | ((uint32_t)(uint16_t)wt[4 * C] << 16));
      const uint32_t W2 = ((uint32_t)(uint16_t)wt[6 * C] | ((uint32_t)(uint16_t)wt[7 * C] << 16));
      const int32_t v0 = wt[2 * C], v1 = wt[5 * C], v2 = wt[8 * C];
      const int32_t m = p->mult[c], s = -2 - p->shift[c], bias = p->bias ? p->bias[c] : 0;
      int32_t tag[3] = {INT32_MIN, INT32_MIN, INT32_MIN}, oy, ox;
      memset(scr, 0, (size_t)(3 * wp) * sizeof(int16_t));
      for (oy = 0; oy < out_h; ++oy) {
        const int16_t *r[3];
        int8_t *o = outb + oy * out_w * C + c;
        int32_t k;
        for (k = 0; k < 3; ++k) {
          const int32_t iy = oy * sh - pt + k, slot = ((iy % 3) + 3) % 3;
          int16_t *row = scr + slot * wp;
          if (tag[slot] != iy) {
            tag[slot] = iy;
            if (iy >= 0 && iy < in_h)
              eg_dw3_fill(row + pxa, inb + (iy * in_w + ixa) * C + c, C, pxb - pxa, izp);
            else
              memset(row + pxa, 0, (size_t)(pxb - pxa) * sizeof(int16_t));
          }
          r[k] = row;
        }
        {
          const int16_t *r0 = r[0], *r1 = r[1], *r2 = r[2];
          ox = 0;
          if (sw == 1) {
            for (; ox + 2 <= out_w; ox += 2, o += 2 * C) {
              const uint32_t a0 = eg_ld32(r0 + ox), b0 = eg_ld32(r0 + ox + 2);
              const uint32_t a1 = eg_ld32(r1 + ox), b1 = eg_ld32(r1 + ox + 2);
              const uint32_t a2 = eg_ld32(r2 + ox), b2 = eg_ld32(r2 + ox + 2);
              int32_t x = bias, y = bias;
              x = __smlad(a0, W0, x);
              x = __smlad(a1, W1, x);
              x = __smlad(a2, W2, x);
              x += (int16_t)b0 * v0 + (int16_t)b1 * v1 + (int16_t)b2 * v2;
              y = __smlad((a0 >> 16) | (b0 << 16), W0, y);
              y = __smlad((a1 >> 16) | (b1 << 16), W1, y);
              y = __smlad((a2 >> 16) | (b2 << 16), W2, y);
              y += (int16_t)(b0 >> 16) * v0 + (int16_t)(b1 >> 16) * v1 + (int16_t)(b2 >> 16) * v2;
              o[0] = eg_dw_clamp(eg_rq(x, m, s) + zp, lo, hi);
              o[C] = eg_dw_clamp(eg_rq(y, m, s) + zp, lo, hi);
            }
          }
          for (; ox < out_w; ++ox, o += C) {
            const int32_t px = ox * sw;
            int32_t x = bias;
            x = __smlad(eg_ld32(r0 + px), W0, x);
            x = __smlad(eg_ld32(r1 + px), W1, x);
            x = __smlad(eg_ld32(r2 + px), W2, x);
            x += r0[px + 2] * v0 + r1[px + 2] * v1 + r2[px + 2] * v2;
            o[0] = eg_dw_clamp(eg_rq(x, m, s) + zp, lo, hi);
          }
        }
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

void eg_conv_s8_dw(const eg_conv_s8_params *p, const int8_t *in, int8_t *out) {
#if EG_USE_DSP
  eg_conv_s8_dw_dsp(p, in, out);
#else
  eg_conv_s8_ref(p, in, out);
#endif
}

void eg_conv_s8_dw3(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
#if EG_USE_DSP
  eg_conv_s8_dw3_dsp(p, in, out, (int16_t *)scratch);
#else
  (void)scratch;
  eg_conv_s8_ref(p, in, out);
#endif
}
