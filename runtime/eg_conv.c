#include "eg_conv.h"

#include "eg_common.h"
#include "eg_conv_dw.h"

void eg_conv_s8_ref(const eg_conv_s8_params *p, const int8_t *in, int8_t *out) {
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
          acc = eg_requantize(acc, p->mult[oc], p->shift[oc]) + p->out_zp;
          *out++ = (int8_t)eg_clamp_i32(acc, p->act_min, p->act_max);
        }
      }
    }
  }
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
 * and the output zero point folded in, one ASR, SSAT (or the act clamp). */

#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__) && !defined(EG_DSP_EMULATION)
#define EG_MAT_ASM 1
static inline int32_t eg_smmla(int32_t a, int32_t b, int32_t c) {
  int32_t r;
  __asm__("smmla %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(c));
  return r;
}
#define EG_SAT8(v) __ssat((v), 8)
#else
#define EG_MAT_ASM 0
/* c + the high word of a * b (SMMLA) */
static inline int32_t eg_smmla(int32_t a, int32_t b, int32_t c) {
  return (int32_t)(((int64_t)c * 4294967296LL + (int64_t)a * (int64_t)b) >> 32);
}
#define EG_SAT8(v) ((v) < -128 ? -128 : (v) > 127 ? 127 : (v))
#endif

/* 1 when every channel's requantization is exact as
 * ((acc * mult) >> 32) + 2^(r-1) + out_zp * 2^r) >> r with r = -1 - shift:
 * mult > 0, shift in [-23, -2] (r in [1, 22]: the folded constant fits) and
 * fewer than r trailing zero bits in mult (then acc * mult / 2^(32 + r) is
 * never an exact tie for a negative acc, where eg_requantize rounds down). */
static int eg_conv_mat_ok(const eg_conv_s8_params *p) {
  int32_t c;
  for (c = 0; c < p->out_c; ++c) {
    const int32_t m = p->mult[c], s = p->shift[c], r = -1 - s;
    if (m <= 0 || s > -2 || s < -23 || (m & ((1 << r) - 1)) == 0) return 0;
  }
  return 1;
}

/* n >= 1 bytes: words (the last one overlapping), or bytes when n < 4. */
static void eg_conv_copy(int8_t *d, const int8_t *s, int32_t n) {
  int32_t i = 0;
  if (n < 4) {
    for (; i < n; ++i) d[i] = s[i];
    return;
  }
  for (; i + 4 < n; i += 4) eg_st32(d + i, eg_ld32(s + i));
  eg_st32(d + n - 4, eg_ld32(s + n - 4));
}

static void eg_conv_fill(int8_t *d, uint32_t v4, int32_t n) {
  int32_t i = 0;
  if (n < 4) {
    for (; i < n; ++i) d[i] = (int8_t)v4;
    return;
  }
  for (; i + 4 < n; i += 4) eg_st32(d + i, v4);
  eg_st32(d + n - 4, v4);
}

/* The K input bytes of output pixel (oy, ox) of image inb in OHWI tap order,
 * in_zp for padding taps: in place when they are contiguous in the input
 * (EG_CONV_MAT_CONTIG), else gathered into st. */
static const int8_t *eg_conv_gather(const eg_conv_s8_params *p, const int8_t *inb, int32_t oy, int32_t ox, int8_t *st,
                                    uint32_t zp4) {
  const int32_t C = p->in_c, kw = p->k_w, W = p->in_w, H = p->in_h, row = kw * C;
  const int32_t iy0 = oy * p->stride_h - p->pad_top, ix0 = ox * p->stride_w - p->pad_left;
  const int contig = (p->dil_w == 1 || kw == 1) && ix0 >= 0 && ix0 + kw <= W;
  int32_t ky, kx;
  int8_t *d = st;
  if (p->k_h == 1 && contig && iy0 >= 0 && iy0 < H) return inb + (iy0 * W + ix0) * C;
  for (ky = 0; ky < p->k_h; ++ky, d += row) {
    const int32_t iy = iy0 + ky * p->dil_h;
    const int8_t *srow = inb + iy * W * C;
    if (iy < 0 || iy >= H)
      eg_conv_fill(d, zp4, row);
    else if (contig)
      eg_conv_copy(d, srow + ix0 * C, row);
    else
      for (kx = 0; kx < kw; ++kx) {
        const int32_t ix = ix0 + kx * p->dil_w;
        if (ix < 0 || ix >= W)
          eg_conv_fill(d + kx * C, zp4, C);
        else
          eg_conv_copy(d + kx * C, srow + ix * C, C);
      }
  }
  return st;
}

/* One pixel's K bytes at s, minus the zero point (off2), into its words of the
 * tile column (6 words per group of 4); the last K % 4 bytes are read one by
 * one (never past s + K), the missing lanes are in_zp (zp4), so 0 once widened. */
static void eg_conv_widen(const int8_t *s, uint32_t *col, int32_t K, uint32_t off2, uint32_t zp4) {
  int32_t q = K >> 2, t = K & 3;
  for (; q > 0; --q) {
    const uint32_t v = eg_ld32(s);
    col[0] = __sxtab16(off2, v);
    col[1] = eg_sxtab16_ror8(off2, v);
    s += 4;
    col += 6;
  }
  if (t) {
    uint32_t v = zp4;
    while (t-- > 0) v = (v & ~(0xFFu << 8 * t)) | ((uint32_t)(uint8_t)s[t] << 8 * t);
    col[0] = __sxtab16(off2, v);
    col[1] = eg_sxtab16_ror8(off2, v);
  }
}

/* One group of 4 values of K, 3 pixels x 2 channels, in C: u, v = the two
 * channels' weight words, px = the group's 6 column words. */
#define EG_MAT_QUAD_C(u_, v_)                                                                                     \
  do {                                                                                                            \
    const uint32_t qu_ = (u_), qv_ = (v_);                                                                        \
    const uint32_t w0 = __sxtb16(qu_), w0h = eg_sxtb16_ror8(qu_), w1 = __sxtb16(qv_), w1h = eg_sxtb16_ror8(qv_);  \
    a00 = __smlad(px[1], w0h, __smlad(px[0], w0, a00));                                                           \
    a10 = __smlad(px[1], w1h, __smlad(px[0], w1, a10));                                                           \
    a01 = __smlad(px[3], w0h, __smlad(px[2], w0, a01));                                                           \
    a11 = __smlad(px[3], w1h, __smlad(px[2], w1, a11));                                                           \
    a02 = __smlad(px[5], w0h, __smlad(px[4], w0, a02));                                                           \
    a12 = __smlad(px[5], w1h, __smlad(px[4], w1, a12));                                                           \
  } while (0)

/* Requantized output of one accumulator (see eg_conv_mat_ok). */
#define EG_MAT_RQ(acc, m, h, r) (eg_smmla((acc), (m), (h)) >> (r))

/* All output channels of the 3 pixels in the tile column; o0, o1, o2: their
 * outputs (a repeated pixel may repeat a pointer: same values). Kw: K rounded
 * up to even, the layout's weights per channel. */
EG_NOINLINE static void eg_conv_mat_tile(const eg_conv_s8_params *p, const uint32_t *col, int32_t Kw, int8_t *o0,
                                         int8_t *o1, int8_t *o2) {
  const int8_t *pw = p->weights;
  const int32_t M = p->out_c, lo = p->act_min, hi = p->act_max, z21 = 2 * p->out_zp + 1;
  const int full = lo <= -128 && hi >= 127;
  const uint32_t *end = col + 6 * (Kw >> 2);
  int32_t oc;
  for (oc = 0; oc < M; oc += 2) {
    const int two = oc + 1 < M;
    const int32_t b0 = p->bias ? p->bias[oc] : 0, b1 = p->bias && two ? p->bias[oc + 1] : 0;
    int32_t a00 = b0, a01 = b0, a02 = b0, a10 = b1, a11 = b1, a12 = b1;
    const uint32_t *px = col;
#if EG_MAT_ASM
    if (px != end) {
      uint32_t xa = (uint32_t)((Kw >> 2) & 1), xb, w0, w0h, w1, w1h;
#define EG_MAT_QUAD                          \
  "ldr %[w0], [%[pw]], #4\n\t"               \
  "ldr %[w1], [%[pw]], #4\n\t"               \
  "ldr %[xa], [%[px]], #4\n\t"               \
  "ldr %[xb], [%[px]], #4\n\t"               \
  "sxtb16 %[w0h], %[w0], ror #8\n\t"         \
  "sxtb16 %[w0], %[w0]\n\t"                  \
  "sxtb16 %[w1h], %[w1], ror #8\n\t"         \
  "sxtb16 %[w1], %[w1]\n\t"                  \
  "smlad %[a00], %[xa], %[w0], %[a00]\n\t"   \
  "smlad %[a00], %[xb], %[w0h], %[a00]\n\t"  \
  "smlad %[a10], %[xa], %[w1], %[a10]\n\t"   \
  "smlad %[a10], %[xb], %[w1h], %[a10]\n\t"  \
  "ldr %[xa], [%[px]], #4\n\t"               \
  "ldr %[xb], [%[px]], #4\n\t"               \
  "smlad %[a01], %[xa], %[w0], %[a01]\n\t"   \
  "smlad %[a01], %[xb], %[w0h], %[a01]\n\t"  \
  "smlad %[a11], %[xa], %[w1], %[a11]\n\t"   \
  "smlad %[a11], %[xb], %[w1h], %[a11]\n\t"  \
  "ldr %[xa], [%[px]], #4\n\t"               \
  "ldr %[xb], [%[px]], #4\n\t"               \
  "smlad %[a02], %[xa], %[w0], %[a02]\n\t"   \
  "smlad %[a02], %[xb], %[w0h], %[a02]\n\t"  \
  "smlad %[a12], %[xa], %[w1], %[a12]\n\t"   \
  "smlad %[a12], %[xb], %[w1h], %[a12]\n\t"
      /* two K groups per iteration; an odd count enters at the second */
      __asm__ volatile("cmp %[xa], #0\n\t"
                       "bne 2f\n"
                       "1:\n\t" EG_MAT_QUAD "2:\n\t" EG_MAT_QUAD
                       "ldr %[w0], %[end]\n\t"
                       "cmp %[px], %[w0]\n\t"
                       "bne 1b\n\t"
                       : [a00] "+r"(a00), [a01] "+r"(a01), [a02] "+r"(a02), [a10] "+r"(a10), [a11] "+r"(a11),
                         [a12] "+r"(a12), [pw] "+r"(pw), [px] "+r"(px), [xa] "+r"(xa), [xb] "=&r"(xb),
                         [w0] "=&r"(w0), [w0h] "=&r"(w0h), [w1] "=&r"(w1), [w1h] "=&r"(w1h)
                       : [end] "m"(end)
                       : "cc", "memory");
#undef EG_MAT_QUAD
    }
#else
    for (; px != end; pw += 8, px += 6) EG_MAT_QUAD_C(eg_ld32(pw), eg_ld32(pw + 4));
#endif
    if (Kw & 2) { /* the last 2 values of Kw: one word, 2 weights per channel (column lanes 2, 3 are 0) */
      const uint32_t u = eg_ld32(pw);
      EG_MAT_QUAD_C(u, u >> 16);
      pw += 4;
    }
    {
      const int32_t m0 = p->mult[oc], r0 = -1 - p->shift[oc], h0 = (z21 << r0) >> 1;
      a00 = EG_MAT_RQ(a00, m0, h0, r0);
      a01 = EG_MAT_RQ(a01, m0, h0, r0);
      a02 = EG_MAT_RQ(a02, m0, h0, r0);
    }
    if (two) {
      const int32_t m1 = p->mult[oc + 1], r1 = -1 - p->shift[oc + 1], h1 = (z21 << r1) >> 1;
      a10 = EG_MAT_RQ(a10, m1, h1, r1);
      a11 = EG_MAT_RQ(a11, m1, h1, r1);
      a12 = EG_MAT_RQ(a12, m1, h1, r1);
    }
    if (full) {
      a00 = EG_SAT8(a00);
      a01 = EG_SAT8(a01);
      a02 = EG_SAT8(a02);
      a10 = EG_SAT8(a10);
      a11 = EG_SAT8(a11);
      a12 = EG_SAT8(a12);
    } else {
      a00 = eg_clamp_i32(a00, lo, hi);
      a01 = eg_clamp_i32(a01, lo, hi);
      a02 = eg_clamp_i32(a02, lo, hi);
      a10 = eg_clamp_i32(a10, lo, hi);
      a11 = eg_clamp_i32(a11, lo, hi);
      a12 = eg_clamp_i32(a12, lo, hi);
    }
    *o0++ = (int8_t)a00;
    *o1++ = (int8_t)a01;
    *o2++ = (int8_t)a02;
    if (two) {
      *o0++ = (int8_t)a10;
      *o1++ = (int8_t)a11;
      *o2++ = (int8_t)a12;
    }
  }
}

EG_NOINLINE static void eg_conv_s8_matrix(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
  const int32_t K = p->k_h * p->k_w * p->in_c, Kq = (K + 3) >> 2, M = p->out_c;
  const int32_t ow = p->out_w, oh = p->out_h, total = p->batch * oh * ow, img = p->in_h * p->in_w * p->in_c;
  const uint32_t off2 = ((uint32_t)(-p->in_zp) & 0xFFFFu) * 0x10001u;
  const uint32_t zp4 = ((uint32_t)p->in_zp & 0xFFu) * 0x01010101u;
  uint32_t *col = (uint32_t *)scratch; /* 6 * Kq words, then the gathered bytes */
  int8_t *st = (int8_t *)(col + 6 * Kq);
  int32_t g = 0, b = 0, oy = 0, ox = 0, last = 0;
  int8_t *o[3];
  while (!last) {
    int32_t s;
    for (s = 0; s < 3; ++s) { /* past the end: the last pixel again */
      eg_conv_widen(eg_conv_gather(p, in + b * img, oy, ox, st, zp4), col + 2 * s, K, off2, zp4);
      o[s] = out + g * M;
      if (g + 1 == total) {
        last = 1;
      } else if (!last) {
        ++g;
        if (++ox == ow) {
          ox = 0;
          if (++oy == oh) {
            oy = 0;
            ++b;
          }
        }
      }
    }
    eg_conv_mat_tile(p, col, (K + 1) & ~1, o[0], o[1], o[2]);
  }
}

#endif

void eg_conv_s8(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
#if EG_USE_DSP
  if (p->groups == 1) {
    if (scratch && p->w_layout == EG_CONV_W_P2 && eg_conv_mat_ok(p))
      eg_conv_s8_matrix(p, in, out, scratch);
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
  eg_conv_s8_matrix(p, in, out, scratch);
#else
  (void)scratch;
  eg_conv_s8_ref(p, in, out);
#endif
}
