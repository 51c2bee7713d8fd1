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
/* ---- Cortex-M4 DSP path -------------------------------------------------
 * Matrix path (groups == 1, any kernel): the im2col column of an output pixel
 * (K = k_h * k_w * in_c values, OHWI order, input zero point subtracted,
 * padding = 0) is written as int16 into scratch, two pixels at a time. Every
 * group of 4 values is stored lane-permuted as the words [x0 | x2 << 16] and
 * [x1 | x3 << 16]: that is what SXTAB16 / SXTAB16-ROR8 produce from 4 input
 * bytes and SXTB16 / SXTB16-ROR8 from 4 weight bytes, so no repacking is
 * needed and one SMLAD does 2 MACs. The last K % 4 values are stored plain.
 * The kernel tiles 2 pixels x 2 output channels: each loaded word feeds two
 * accumulators. Requantization: eg_requantize_fast (SMLAL + ASR, exact). */

static inline int8_t eg_conv_out(int32_t acc, int32_t mult, int32_t shift, int64_t rnd, const eg_conv_s8_params *p) {
  acc = eg_requantize_hi(acc, mult, rnd, -1 - shift) + p->out_zp;
  acc = acc < p->act_min ? p->act_min : acc;
  acc = acc > p->act_max ? p->act_max : acc;
  return (int8_t)acc;
}

/* Column of output pixel (oy, ox) of batch image inb into slot 0 or 1 of the
 * two-pixel scratch: group g of 4 values is the words 4g + 2 * slot + {0, 1};
 * the K % 4 tail values are plain int16 at 2 * K4 + slot * (K - K4). */
static void eg_conv_im2col(const eg_conv_s8_params *p, const int8_t *inb, int32_t oy, int32_t ox, int16_t *col,
                           int32_t slot) {
  const int32_t C = p->in_c, K = p->k_h * p->k_w * C, K4 = K & ~3;
  const uint32_t off2 = ((uint32_t)(-p->in_zp) & 0xFFFFu) * 0x10001u;
  int32_t ky, kx, i;
  if ((C & 3) == 0) {
    uint32_t *dst = (uint32_t *)col + 2 * slot;
    for (ky = 0; ky < p->k_h; ++ky) {
      const int32_t iy = oy * p->stride_h - p->pad_top + ky * p->dil_h;
      for (kx = 0; kx < p->k_w; ++kx) {
        const int32_t ix = ox * p->stride_w - p->pad_left + kx * p->dil_w;
        if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w) {
          for (i = 0; i < C; i += 4) {
            dst[0] = 0;
            dst[1] = 0;
            dst += 4;
          }
        } else {
          const int8_t *x = inb + (iy * p->in_w + ix) * C;
          for (i = 0; i < C; i += 4) {
            const uint32_t v = eg_ld32(x + i);
            dst[0] = __sxtab16(off2, v);
            dst[1] = eg_sxtab16_ror8(off2, v);
            dst += 4;
          }
        }
      }
    }
  } else {
    int32_t k = 0;
    int16_t *tail = col + 2 * K4 + slot * (K - K4);
    for (ky = 0; ky < p->k_h; ++ky) {
      const int32_t iy = oy * p->stride_h - p->pad_top + ky * p->dil_h;
      for (kx = 0; kx < p->k_w; ++kx) {
        const int32_t ix = ox * p->stride_w - p->pad_left + kx * p->dil_w;
        const int inside = !(iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w);
        const int8_t *x = inb + (iy * p->in_w + ix) * C;
        for (i = 0; i < C; ++i, ++k) {
          const int16_t v = (int16_t)(inside ? (int32_t)x[i] - p->in_zp : 0);
          if (k < K4) /* lanes 0,1,2,3 -> halfwords 0,2,1,3 of the slot's two words */
            col[8 * (k >> 2) + 4 * slot + 2 * (k & 1) + ((k >> 1) & 1)] = v;
          else
            tail[k - K4] = v;
        }
      }
    }
  }
}

/* All output channels of the two pixels in the scratch columns (o1 NULL: the
 * second slot is a duplicate whose results are dropped). */
static void eg_conv_mat(const eg_conv_s8_params *p, const int16_t *col, int8_t *o0, int8_t *o1) {
  const int32_t K = p->k_h * p->k_w * p->in_c, K4 = K & ~3, M = p->out_c, T = K - K4;
  const int16_t *t0 = col + 2 * K4, *t1 = t0 + T;
  const uint32_t *xend = (const uint32_t *)col + K4; /* K4 / 4 groups of 4 words */
  int32_t oc = 0, k;
  for (; oc + 2 <= M; oc += 2) {
    const int8_t *w0 = p->weights + oc * K, *w1 = w0 + K;
    const uint32_t *xa = (const uint32_t *)col;
    const int32_t b0 = p->bias ? p->bias[oc] : 0, b1 = p->bias ? p->bias[oc + 1] : 0;
    int32_t a00 = b0, a01 = b0, a10 = b1, a11 = b1; /* a<oc><pixel> */
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
    if (xa != xend) {
      uint32_t wl, wh, vl, vh, x0, x1;
      __asm__ volatile(
          "1:\n\t"
          "ldr %[wl], [%[w0]], #4\n\t"
          "ldr %[vl], [%[w1]], #4\n\t"
          "ldr %[x0], [%[xa]], #4\n\t"
          "ldr %[x1], [%[xa]], #4\n\t"
          "sxtb16 %[wh], %[wl], ror #8\n\t"
          "sxtb16 %[wl], %[wl]\n\t"
          "sxtb16 %[vh], %[vl], ror #8\n\t"
          "sxtb16 %[vl], %[vl]\n\t"
          "smlad %[a00], %[x0], %[wl], %[a00]\n\t"
          "smlad %[a00], %[x1], %[wh], %[a00]\n\t"
          "smlad %[a10], %[x0], %[vl], %[a10]\n\t"
          "smlad %[a10], %[x1], %[vh], %[a10]\n\t"
          "ldr %[x0], [%[xa]], #4\n\t"
          "ldr %[x1], [%[xa]], #4\n\t"
          "smlad %[a01], %[x0], %[wl], %[a01]\n\t"
          "smlad %[a01], %[x1], %[wh], %[a01]\n\t"
          "smlad %[a11], %[x0], %[vl], %[a11]\n\t"
          "smlad %[a11], %[x1], %[vh], %[a11]\n\t"
          "cmp %[xa], %[xend]\n\t"
          "bne 1b\n\t"
          : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11), [w0] "+r"(w0), [w1] "+r"(w1),
            [xa] "+r"(xa), [wl] "=&r"(wl), [wh] "=&r"(wh), [vl] "=&r"(vl), [vh] "=&r"(vh), [x0] "=&r"(x0),
            [x1] "=&r"(x1)
          : [xend] "r"(xend)
          : "cc", "memory");
    }
#else
    while (xa != xend) {
      const uint32_t u = eg_ld32(w0), v = eg_ld32(w1);
      const uint32_t wl = __sxtb16(u), wh = eg_sxtb16_ror8(u), vl = __sxtb16(v), vh = eg_sxtb16_ror8(v);
      a00 = __smlad(xa[0], wl, a00);
      a00 = __smlad(xa[1], wh, a00);
      a10 = __smlad(xa[0], vl, a10);
      a10 = __smlad(xa[1], vh, a10);
      a01 = __smlad(xa[2], wl, a01);
      a01 = __smlad(xa[3], wh, a01);
      a11 = __smlad(xa[2], vl, a11);
      a11 = __smlad(xa[3], vh, a11);
      w0 += 4;
      w1 += 4;
      xa += 4;
    }
#endif
    for (k = 0; k < T; ++k) {
      const int32_t wv0 = w0[k], wv1 = w1[k];
      a00 += t0[k] * wv0;
      a10 += t0[k] * wv1;
      a01 += t1[k] * wv0;
      a11 += t1[k] * wv1;
    }
    {
      const int32_t m0 = p->mult[oc], s0 = p->shift[oc], m1 = p->mult[oc + 1], s1 = p->shift[oc + 1];
      const int64_t r0 = eg_requant_round(s0), r1 = eg_requant_round(s1);
      o0[oc] = eg_conv_out(a00, m0, s0, r0, p);
      o0[oc + 1] = eg_conv_out(a10, m1, s1, r1, p);
      if (o1) {
        o1[oc] = eg_conv_out(a01, m0, s0, r0, p);
        o1[oc + 1] = eg_conv_out(a11, m1, s1, r1, p);
      }
    }
  }
  if (oc < M) { /* last (odd) output channel */
    const int8_t *w0 = p->weights + oc * K;
    const uint32_t *xa = (const uint32_t *)col;
    const int32_t b0 = p->bias ? p->bias[oc] : 0;
    int32_t a0 = b0, a1 = b0;
    while (xa != xend) {
      const uint32_t u = eg_ld32(w0), wl = __sxtb16(u), wh = eg_sxtb16_ror8(u);
      a0 = __smlad(xa[0], wl, a0);
      a0 = __smlad(xa[1], wh, a0);
      a1 = __smlad(xa[2], wl, a1);
      a1 = __smlad(xa[3], wh, a1);
      w0 += 4;
      xa += 4;
    }
    for (k = 0; k < T; ++k) {
      a0 += t0[k] * w0[k];
      a1 += t1[k] * w0[k];
    }
    {
      const int32_t m0 = p->mult[oc], s0 = p->shift[oc];
      const int64_t r0 = eg_requant_round(s0);
      o0[oc] = eg_conv_out(a0, m0, s0, r0, p);
      if (o1) o1[oc] = eg_conv_out(a1, m0, s0, r0, p);
    }
  }
}

static void eg_conv_s8_matrix(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, int16_t *col) {
  const int32_t npix = p->out_h * p->out_w, ow = p->out_w;
  int32_t b, i;
  for (b = 0; b < p->batch; ++b) {
    const int8_t *inb = in + b * p->in_h * p->in_w * p->in_c;
    int8_t *outb = out + b * npix * p->out_c;
    for (i = 0; i + 2 <= npix; i += 2) {
      eg_conv_im2col(p, inb, i / ow, i % ow, col, 0);
      eg_conv_im2col(p, inb, (i + 1) / ow, (i + 1) % ow, col, 1);
      eg_conv_mat(p, col, outb + i * p->out_c, outb + (i + 1) * p->out_c);
    }
    if (i < npix) {
      eg_conv_im2col(p, inb, i / ow, i % ow, col, 0);
      eg_conv_im2col(p, inb, i / ow, i % ow, col, 1);
      eg_conv_mat(p, col, outb + i * p->out_c, 0);
    }
  }
}

#endif

#if EG_USE_DSP
static int eg_conv_requant_ok(const eg_conv_s8_params *p) {
  int32_t c;
  for (c = 0; c < p->out_c; ++c)
    if (!eg_requant_fast_ok(p->mult[c], p->shift[c])) return 0;
  return 1;
}
#endif

void eg_conv_s8(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
#if EG_USE_DSP
  if (!eg_conv_requant_ok(p)) {
    eg_conv_s8_ref(p, in, out);
    return;
  }
  if (p->groups == 1 && scratch) {
    eg_conv_s8_matrix(p, in, out, (int16_t *)scratch);
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
  eg_conv_s8_matrix(p, in, out, (int16_t *)scratch);
#else
  (void)scratch;
  eg_conv_s8_ref(p, in, out);
#endif
}
