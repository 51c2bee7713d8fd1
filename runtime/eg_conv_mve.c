#include "eg_conv_mve.h"

#include "eg_common.h"

#if EG_USE_MVE
#include <arm_mve.h>

#include "eg_mve_requant.h"

/* ---- Helium matrix path (groups == 1) ----------------------------------------
 * The DSP path's EG_CONV_W_P2 weights as they are (eg_conv_w_index): per channel
 * pair, when K rounded up to even is 2 mod 4 a first word with the last 2 weights
 * of each channel, then per 4 values of K channel 0's word and channel 1's word. One
 * de-interleaving load pair (VLD20/VLD21) turns 32 bytes into 16 weights of each
 * channel, so a pixel's 16 input bytes, read straight from the input (a 1x1 or
 * 1-D kernel inside the input) or from its gathered row, meet each channel in one
 * VMLADAVA: 2 pixels x 2 channels per step, 4 dot products of 16 MACs for 2 + 2
 * loads (with the 2 weight sums, the 6 accumulators VMLADAVA's even registers hold). The input zero point is not subtracted per MAC: acc = sum(x * w) -
 * in_zp * sum(w) (padding taps hold in_zp, so they add 0), sum(w) by VADDVA in the
 * same loop. Requantization of a pair's 4 outputs as one vector (eg_mve_requant). */

/* lane offsets of a pair's parameters: channels oc, oc + 1 (pixel 0), again (pixel 1) */
static const uint32_t eg_mve_pair[4] = {0, 1, 0, 1};

static int eg_mve_mat_ok(const eg_conv_s8_params *p, const void *scratch) {
  int32_t c;
  /* ONNX Runtime's chain (p->ort): the DSP matrix path's near-tie test, not here */
  if (p->groups != 1 || p->w_layout != EG_CONV_W_P2 || !scratch || ((uintptr_t)p->weights & 3) != 0 || (EG_DSP_ORT && p->ort))
    return 0;
  for (c = 0; c < p->out_c; ++c)
    if (p->mult[c] < 0 || p->shift[c] > -2 || p->shift[c] < -31) return 0;
  return 1;
}

static EG_ALWAYS_INLINE void eg_mve_mat_body(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, int8_t *st,
                                             const int32_t mode) {
  const int32_t C = p->in_c, W = p->in_w, H = p->in_h, K = p->k_h * p->k_w * C, Kw = (K + 1) & ~1, K4 = Kw & ~3;
  const int32_t Kp = (K + 3) & ~3, tail = Kw & 2, Kg = K < K4 ? K : K4; /* input bytes of the 4-value groups */
  const int32_t nfull = Kg >> 4, rbytes = K4 - 16 * nfull;                /* the groups' bytes after full steps */
  const mve_pred16_t pw4 = vctp32q((uint32_t)(rbytes >> 2)), px = vctp8q((uint32_t)(Kg - 16 * nfull));
  const uint32x4_t even = vidupq_n_u32(0, 2), odd = vidupq_n_u32(1, 2);
  const int32_t M = p->out_c, zp = p->in_zp, n = p->batch * p->out_h * p->out_w;
  const uint32_t zp4 = ((uint32_t)zp & 0xFFu) * 0x01010101u;
  const int contig = p->k_h == 1 && (p->dil_w == 1 || p->k_w == 1);
  /* the requantization: lanes (channel 0, pixel 0), (1, 0), (0, 1), (1, 1) of a pair and tile */
  const uint32_t out_at[4] = {0, 1, (uint32_t)M, (uint32_t)M + 1};
  const uint32x4_t pair = vld1q_u32(eg_mve_pair), at = vld1q_u32(out_at);
  const int fix = mode == EG_RQ_ONNX && eg_mve_needs_fix(p->mult, p->shift, M);
  const int32_t *const bias = p->bias, *const mult = p->mult;
  const int8_t *const shift = p->shift, *const table = p->out_table;
  const int32_t out_zp = p->out_zp, lo = p->act_min, hi = p->act_max;
  int32_t b = 0, oy = 0, ox = 0, done, oc, s;
  for (done = 0; done < n; done += 2) {
    const int8_t *x[2];
    int8_t *o[2];
    for (s = 0; s < 2; ++s) {
      if (done + s < n) {
        const int8_t *inb = in + b * H * W * C;
        const int32_t iy0 = oy * p->stride_h - p->pad_top, ix0 = ox * p->stride_w - p->pad_left;
        if (contig && iy0 >= 0 && iy0 < H && ix0 >= 0 && ix0 + (p->k_w - 1) * p->dil_w < W) {
          x[s] = inb + (iy0 * W + ix0) * C; /* in place */
        } else {
          x[s] = st + s * Kp;
          eg_conv_gather(p, inb, iy0, ix0, st + s * Kp, zp4);
        }
        o[s] = out + (done + s) * M;
        if (++ox == p->out_w) {
          ox = 0;
          if (++oy == p->out_h) {
            oy = 0;
            ++b;
          }
        }
      } else { /* past the last pixel: computed again, not stored */
        x[s] = x[0];
        o[s] = 0;
      }
    }
    for (oc = 0; oc < M; oc += 2) {
      const int8_t *pw = p->weights + oc * Kw;
      const int32_t *wq = (const int32_t *)(const void *)(pw + 2 * tail);
      const int8_t *x0 = x[0], *x1 = x[1];
      int32_t a0 = 0, a1 = 0, b0 = 0, b1 = 0, s0 = 0, s1 = 0;
#if defined(__GNUC__) && defined(__OPTIMIZE__) /* -O0: not registers enough (the frame pointer) */
      if (nfull > 0) { /* in asm: GCC 12 spills these accumulators (at -Os); VMLADAVA's even registers by name */
        register int32_t ra0 __asm__("r0") = 0, rb0 __asm__("r2") = 0, ra1 __asm__("r4") = 0;
        register int32_t rb1 __asm__("r6") = 0, rs0 __asm__("r8") = 0, rs1 __asm__("r10") = 0;
        __asm__ volatile(
            "dls lr, %[n]\n"
            "1:\n\t"
            "vld20.32 {q0, q1}, [%[w]]\n\t"
            "vld21.32 {q0, q1}, [%[w]]!\n\t"
            "vldrb.u8 q2, [%[x0]], #16\n\t"
            "vldrb.u8 q3, [%[x1]], #16\n\t"
            "vmladava.s8 %[a0], q0, q2\n\t"
            "vmladava.s8 %[b0], q1, q2\n\t"
            "vmladava.s8 %[a1], q0, q3\n\t"
            "vmladava.s8 %[b1], q1, q3\n\t"
            "vaddva.s8 %[s0], q0\n\t"
            "vaddva.s8 %[s1], q1\n\t"
            "le lr, 1b\n"
            : [a0] "+r"(ra0), [b0] "+r"(rb0), [a1] "+r"(ra1), [b1] "+r"(rb1), [s0] "+r"(rs0), [s1] "+r"(rs1),
              [w] "+r"(wq), [x0] "+r"(x0), [x1] "+r"(x1)
            : [n] "r"(nfull)
            : "q0", "q1", "q2", "q3", "lr", "memory");
        a0 = ra0, b0 = rb0, a1 = ra1, b1 = rb1, s0 = rs0, s1 = rs1;
      }
#else
      int32_t q;
      for (q = nfull; q > 0; --q, wq += 8, x0 += 16, x1 += 16) {
        const int32x4x2_t w = vld2q_s32(wq);
        const int8x16_t w0 = vreinterpretq_s8_s32(w.val[0]), w1 = vreinterpretq_s8_s32(w.val[1]);
        int8x16_t v = vldrbq_s8(x0);
        a0 = vmladavaq_s8(a0, w0, v);
        b0 = vmladavaq_s8(b0, w1, v);
        v = vldrbq_s8(x1);
        a1 = vmladavaq_s8(a1, w0, v);
        b1 = vmladavaq_s8(b1, w1, v);
        s0 = vaddvaq_s8(s0, w0);
        s1 = vaddvaq_s8(s1, w1);
      }
#endif
      if (rbytes) { /* the last 1..4 groups: word gathers, nothing read past K */
        const int8x16_t w0 = vreinterpretq_s8_s32(vldrwq_gather_shifted_offset_z_s32(wq, even, pw4));
        const int8x16_t w1 = vreinterpretq_s8_s32(vldrwq_gather_shifted_offset_z_s32(wq, odd, pw4));
        int8x16_t v = vldrbq_z_s8(x0, px);
        a0 = vmladavaq_s8(a0, w0, v);
        b0 = vmladavaq_s8(b0, w1, v);
        v = vldrbq_z_s8(x1, px);
        a1 = vmladavaq_s8(a1, w0, v);
        b1 = vmladavaq_s8(b1, w1, v);
        s0 = vaddvaq_s8(s0, w0);
        s1 = vaddvaq_s8(s1, w1);
      }
      if (tail) { /* the pair's first word: weights K4, K4 + 1 of each channel (K4 + 1 == K: a zero weight) */
        const int32_t u0 = pw[0], u1 = pw[1], v0 = pw[2], v1 = pw[3], two = K4 + 1 < K;
        int32_t xa = x[0][K4], xb = two ? x[0][K4 + 1] : 0;
        a0 += xa * u0 + xb * u1;
        b0 += xa * v0 + xb * v1;
        xa = x[1][K4], xb = two ? x[1][K4 + 1] : 0;
        a1 += xa * u0 + xb * u1;
        b1 += xa * v0 + xb * v1;
        s0 += u0 + u1;
        s1 += v0 + v1;
      }
      {
        const mve_pred16_t pc = oc + 1 < M ? 0xFFFF : 0x0F0F, ps = pc & (o[1] ? 0xFFFF : 0x00FF);
        int32x4_t acc = vsetq_lane_s32(b0, vsetq_lane_s32(a1, vsetq_lane_s32(b1, vdupq_n_s32(a0), 3), 2), 1);
        const int32x4_t sum = vsetq_lane_s32(s1, vsetq_lane_s32(s1, vdupq_n_s32(s0), 3), 1);
        const int32x4_t b = bias ? vldrwq_gather_shifted_offset_z_s32(bias + oc, pair, pc) : vdupq_n_s32(0);
        const int32x4_t m = vldrwq_gather_shifted_offset_z_s32(mult + oc, pair, pc);
        const int32x4_t ns = vaddq_n_s32(vldrbq_gather_offset_z_s32(shift + oc, pair, pc), 1);
        acc = vaddq_s32(acc, vmlaq_n_s32(b, sum, -zp));
        acc = eg_mve_requant(acc, m, ns, out_zp, lo, hi, fix, mode);
        if (table) acc = eg_mve_table(acc, table);
        vstrbq_scatter_offset_p_s32(o[0] + oc, at, acc, ps);
      }
    }
  }
}

/* one body per requantization (mode a constant in each) */
EG_NOINLINE static void eg_mve_mat_onnx(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, int8_t *st) {
  eg_mve_mat_body(p, in, out, st, EG_RQ_ONNX);
}

EG_NOINLINE static void eg_mve_mat_tfl(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, int8_t *st) {
  eg_mve_mat_body(p, in, out, st, EG_RQ_TFLITE);
}

int eg_conv_s8_mve_mat(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch, int32_t mode) {
  if (!eg_mve_mat_ok(p, scratch)) return 0;
  if (mode == EG_RQ_TFLITE)
    eg_mve_mat_tfl(p, in, out, (int8_t *)scratch);
  else
    eg_mve_mat_onnx(p, in, out, (int8_t *)scratch);
  return 1;
}

#else
typedef int eg_conv_mve_unused; /* ISO C: no empty translation unit */
#endif
