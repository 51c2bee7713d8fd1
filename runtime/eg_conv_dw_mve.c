#include "eg_conv_dw_mve.h"

#include "eg_common.h"

#if EG_USE_MVE
#include <arm_mve.h>

#include "eg_mve_requant.h"

/* ---- Helium depthwise path ---------------------------------------------------
 * 16 channels a block, the block's output pixels one after another. Per tap, 16
 * input bytes and 16 weights (dw_weights, [tap][C]) widened to int16 (VLDRB.S16);
 * VMULLB / VMULLT make the 32-bit products of the even and of the odd channels, so
 * the four accumulators hold channels {0,2,4,6}, {1,3,5,7}, {8,10,..}, {9,11,..} of
 * the block (bias, multipliers, shifts gathered and outputs scattered in that
 * order). The input zero point is folded into the start value: acc = bias -
 * in_zp * sum(w) + sum(x * w), padding taps reading in_zp. Requantization four
 * channels a vector, bit-exact: the high word of acc * mult (VMULH) corrected from
 * the low word (VMUL) to eg_rq_mulhi's rounding start, then a rounding shift
 * (VRSHL, + 2^(r-1) >> r). */

typedef struct {
  int32x4_t init[4], mult[4], nshift[4]; /* start value, multiplier, -r = shift + 1 */
  mve_pred16_t store[4];                 /* the lanes that are channels */
} eg_mve_dw_block;

/* Lane order of the accumulators: channel 2i (even) or 2i + 1 (odd) of a half. */
static const uint32_t eg_mve_even[4] = {0, 2, 4, 6};

/* e0, o0, e1, o1 += products of a tap's 16 inputs (X0, X1: int16) and
 * 16 weights at W (named accumulators: GCC 12 keeps an array of vectors in memory). */
#define EG_MVE_DW_MAC(X0, X1, W)                                    \
  do {                                                             \
    const int16x8_t w0_ = full ? vldrbq_s16(W) : vldrbq_z_s16(W, p0); \
    const int16x8_t w1_ = full ? vldrbq_s16((W) + 8) : vldrbq_z_s16((W) + 8, p1); \
    e0 = vaddq_s32(e0, vmullbq_int_s16(X0, w0_));                   \
    o0 = vaddq_s32(o0, vmulltq_int_s16(X0, w0_));                   \
    e1 = vaddq_s32(e1, vmullbq_int_s16(X1, w1_));                   \
    o1 = vaddq_s32(o1, vmulltq_int_s16(X1, w1_));                   \
  } while (0)
#define EG_MVE_DW_TAP(X, W)                                                           \
  do {                                                                               \
    const int16x8_t x0_ = full ? vldrbq_s16(X) : vldrbq_z_s16(X, p0);                 \
    const int16x8_t x1_ = full ? vldrbq_s16((X) + 8) : vldrbq_z_s16((X) + 8, p1);     \
    EG_MVE_DW_MAC(x0_, x1_, W);                                                      \
  } while (0)

/* EG_MVE_DW_TAP of a full block in asm: GCC 12 spills a temporary per tap at -Os.
 * (The widening loads take a low base register: "l".) */
#if defined(__GNUC__) && defined(__OPTIMIZE__)
#define EG_MVE_DW_HALF(E, O, OFF)                   \
  "vldrb.s16 %q[t0], [%[x], #" OFF "]\n\t"          \
  "vldrb.s16 %q[t1], [%[w], #" OFF "]\n\t"          \
  "vmullb.s16 %q[t2], %q[t0], %q[t1]\n\t"            \
  "vadd.i32 " E ", " E ", %q[t2]\n\t"              \
  "vmullt.s16 %q[t2], %q[t0], %q[t1]\n\t"            \
  "vadd.i32 " O ", " O ", %q[t2]\n\t"
#define EG_MVE_DW_TAP16(X, W)                                                                              \
  do {                                                                                                     \
    int32x4_t t0_, t1_, t2_;                                                                               \
    __asm__(EG_MVE_DW_HALF("%q[e0]", "%q[o0]", "0") EG_MVE_DW_HALF("%q[e1]", "%q[o1]", "8")                    \
            : [e0] "+w"(e0), [o0] "+w"(o0), [e1] "+w"(e1), [o1] "+w"(o1), [t0] "=&w"(t0_), [t1] "=&w"(t1_), \
              [t2] "=&w"(t2_)                                                                              \
            : [x] "l"(X), [w] "l"(W)                                                                       \
            : "memory");                                                                                   \
  } while (0)
#else
#define EG_MVE_DW_TAP16(X, W) EG_MVE_DW_TAP(X, W)
#endif

/* The block of channels [c, c + n), n <= 16: start values, requantization vectors, store lanes. */
static void eg_mve_dw_setup(const eg_conv_s8_params *p, int32_t c, int32_t n, eg_mve_dw_block *k) {
  const int32_t C = p->out_c, taps = p->k_h * p->k_w;
  const uint32x4_t even = vld1q_u32(eg_mve_even);
  const mve_pred16_t p0 = vctp16q((uint32_t)n), p1 = vctp16q((uint32_t)(n > 8 ? n - 8 : 0));
  const int16x8_t one = vdupq_n_s16(1);
  const int full = 0;
  int32x4_t e0 = vdupq_n_s32(0), o0 = e0, e1 = e0, o1 = e0, sum[4];
  int32_t i, t;
  for (t = 0; t < taps; ++t) EG_MVE_DW_MAC(one, one, p->dw_weights + t * C + c);
  sum[0] = e0;
  sum[1] = o0;
  sum[2] = e1;
  sum[3] = o1;
  for (i = 0; i < 4; ++i) {
    /* channel c + 8 (i >> 1) + (i & 1) + 2 lane; valid lanes: channel < n */
    const int32_t first = 8 * (i >> 1) + (i & 1), lanes = n > first ? (n - first + 1) / 2 : 0;
    const mve_pred16_t pl = vctp32q((uint32_t)lanes);
    const int32x4_t bias = p->bias ? vldrwq_gather_shifted_offset_z_s32(p->bias + c + first, even, pl) : vdupq_n_s32(0);
    k->init[i] = vsubq_s32(bias, vmulq_n_s32(sum[i], p->in_zp));
    k->mult[i] = vldrwq_gather_shifted_offset_z_s32(p->mult + c + first, even, pl);
    k->nshift[i] = vaddq_n_s32(vldrbq_gather_offset_z_s32(p->shift + c + first, even, pl), 1);
    k->store[i] = pl;
  }
}

/* acc requantized (see above), + out_zp, clamped, stored to the lanes' channels from o. */
static EG_ALWAYS_INLINE void eg_mve_dw_store1(const eg_conv_s8_params *p, const eg_mve_dw_block *k, int32x4_t a, int32_t i,
                                              int8_t *o, int fix, const int32_t mode) {
  const uint32x4_t even = vld1q_u32(eg_mve_even);
  {
    int32x4_t v = eg_mve_requant(a, k->mult[i], k->nshift[i], p->out_zp, p->act_min, p->act_max, fix, mode);
    if (p->out_table) v = eg_mve_table(v, p->out_table);
    vstrbq_scatter_offset_p_s32(o + 8 * (i >> 1) + (i & 1), even, v, k->store[i]);
  }
}

static EG_ALWAYS_INLINE void eg_mve_dw_block_run(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, int32_t c,
                                                 int32_t n, int fix, const int full, const int32_t mode) {
  const int32_t C = p->in_c, W = p->in_w, H = p->in_h, kh = p->k_h, kw = p->k_w;
  const int32_t xstep = p->dil_w * C, ystep = p->dil_h * W * C;
  const mve_pred16_t p0 = vctp16q((uint32_t)n), p1 = vctp16q((uint32_t)(n > 8 ? n - 8 : 0));
  int8_t pad[16]; /* a padding tap's inputs: in_zp */
  eg_mve_dw_block k;
  int32_t b, oy, ox, ky, kx;
  eg_mve_dw_setup(p, c, n, &k);
  vst1q_s8(pad, vdupq_n_s8((int8_t)p->in_zp));
  for (b = 0; b < p->batch; ++b) {
    const int8_t *inb = in + b * H * W * C + c;
    for (oy = 0; oy < p->out_h; ++oy) {
      const int32_t iy0 = oy * p->stride_h - p->pad_top;
      const int rows_in = iy0 >= 0 && iy0 + (kh - 1) * p->dil_h < H;
      for (ox = 0; ox < p->out_w; ++ox, out += C) {
        const int32_t ix0 = ox * p->stride_w - p->pad_left;
        const int8_t *w = p->dw_weights + c;
        int32x4_t e0 = k.init[0], o0 = k.init[1], e1 = k.init[2], o1 = k.init[3];
        if (rows_in && ix0 >= 0 && ix0 + (kw - 1) * p->dil_w < W) { /* every tap inside */
          const int8_t *row = inb + (iy0 * W + ix0) * C;
          for (ky = 0; ky < kh; ++ky, row += ystep) {
            const int8_t *x = row;
            for (kx = 0; kx < kw; ++kx, x += xstep, w += C) {
              if (full)
                EG_MVE_DW_TAP16(x, w);
              else
                EG_MVE_DW_TAP(x, w);
            }
          }
        } else {
          for (ky = 0; ky < kh; ++ky) {
            const int32_t iy = iy0 + ky * p->dil_h;
            for (kx = 0; kx < kw; ++kx, w += C) {
              const int32_t ix = ix0 + kx * p->dil_w;
              const int8_t *x = iy >= 0 && iy < H && ix >= 0 && ix < W ? inb + (iy * W + ix) * C : pad;
              if (full)
                EG_MVE_DW_TAP16(x, w);
              else
                EG_MVE_DW_TAP(x, w);
            }
          }
        }
        eg_mve_dw_store1(p, &k, e0, 0, out + c, fix, mode);
        eg_mve_dw_store1(p, &k, o0, 1, out + c, fix, mode);
        eg_mve_dw_store1(p, &k, e1, 2, out + c, fix, mode);
        eg_mve_dw_store1(p, &k, o1, 3, out + c, fix, mode);
      }
    }
  }
}

static EG_ALWAYS_INLINE void eg_mve_dw_body(const eg_conv_s8_params *p, const int8_t *in, int8_t *out,
                                            const int32_t mode) {
  const int32_t C = p->out_c, fix = mode == EG_RQ_ONNX && eg_mve_needs_fix(p->mult, p->shift, C);
  int32_t c;
  for (c = 0; c + 16 <= C; c += 16) eg_mve_dw_block_run(p, in, out, c, 16, fix, 1, mode);
  if (c < C) eg_mve_dw_block_run(p, in, out, c, C - c, fix, 0, mode);
}

EG_NOINLINE static void eg_mve_dw_onnx(const eg_conv_s8_params *p, const int8_t *in, int8_t *out) {
  eg_mve_dw_body(p, in, out, EG_RQ_ONNX);
}

EG_NOINLINE static void eg_mve_dw_tfl(const eg_conv_s8_params *p, const int8_t *in, int8_t *out) {
  eg_mve_dw_body(p, in, out, EG_RQ_TFLITE);
}

int eg_conv_s8_mve_dw(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, int32_t mode) {
  int32_t c;
  if (!p->dw_weights || p->groups != p->in_c || p->out_c != p->in_c) return 0;
  for (c = 0; c < p->out_c; ++c)
    if (p->mult[c] < 0 || p->shift[c] > -2 || p->shift[c] < -31) return 0;
  if (mode == EG_RQ_TFLITE)
    eg_mve_dw_tfl(p, in, out);
  else
    eg_mve_dw_onnx(p, in, out);
  return 1;
}

#else
typedef int eg_conv_dw_mve_unused; /* ISO C: no empty translation unit */
#endif
