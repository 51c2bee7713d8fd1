#include "eg_fc_mve.h"

#include "eg_common.h"

#if EG_USE_MVE
#include <arm_mve.h>

/* ---- Helium fully connected ----------------------------------------------------
 * 4 output rows at a time share each 16-byte input vector: one VMLADAVA per row does
 * 16 MACs. Rows [out][in] (w_layout 0) are 4 plain loads; the EG_FC_W_I4 layout (per
 * 4 inputs the 4 rows' words) is de-interleaved by VLD40..VLD43 into the 4 rows' 16
 * weights. The input zero point is in bias_zp; the last partial step is predicated
 * (nothing read past a row or the input). Requantization per output, eg_fc.c's. */

static inline int8_t eg_mve_fc_out(const eg_fc_s8_params *p, int32_t o, int32_t acc, int32_t mode) {
  const int32_t s = p->shift[o];
  const int32_t v = mode == EG_RQ_TFLITE ? eg_requantize_tfl_hi(acc, p->mult[o], eg_requant_round_tfl(s), -1 - s)
                                         : eg_requantize_hi(acc, p->mult[o], eg_requant_round(s), -1 - s);
  return (int8_t)eg_clamp_i32(v + p->out_zp, p->act_min, p->act_max);
}

/* One row-major row o: the rows past the last group of 4 (and every row's tail). */
static int32_t eg_mve_fc_row(const int8_t *x, const int8_t *w, int32_t K, int32_t acc) {
  int32_t k;
  for (k = 0; k < K; k += 16) {
    const mve_pred16_t q = vctp8q((uint32_t)(K - k));
    acc = vmladavaq_p_s8(acc, vldrbq_z_s8(w + k, q), vldrbq_z_s8(x + k, q), q);
  }
  return acc;
}

static EG_ALWAYS_INLINE void eg_mve_fc_body(const eg_fc_s8_params *p, const int8_t *in, int8_t *out, const int32_t mode,
                                            const int i4) {
  const int32_t K = p->in_features, N = p->out_features, K4 = K & ~3, kf = (i4 ? K4 : K) & ~15;
  const uint32x4_t blk = vidupq_n_u32(0, 4);
  int32_t b, o, k;
  for (b = 0; b < p->batch; ++b) {
    const int8_t *x = in + b * K;
    for (o = 0; o + 4 <= N; o += 4) {
      const int8_t *w = p->weights + o * K;
      int32_t a0 = p->bias_zp[o], a1 = p->bias_zp[o + 1], a2 = p->bias_zp[o + 2], a3 = p->bias_zp[o + 3];
      if (i4) {
        const int32_t *wq = (const int32_t *)(const void *)w;
        const int32_t rb = (K4 - kf) >> 2; /* blocks of 4 inputs after the full steps */
        for (k = 0; k < kf; k += 16, wq += 16) {
          const int32x4x4_t v = vld4q_s32(wq);
          const int8x16_t xv = vldrbq_s8(x + k);
          a0 = vmladavaq_s8(a0, vreinterpretq_s8_s32(v.val[0]), xv);
          a1 = vmladavaq_s8(a1, vreinterpretq_s8_s32(v.val[1]), xv);
          a2 = vmladavaq_s8(a2, vreinterpretq_s8_s32(v.val[2]), xv);
          a3 = vmladavaq_s8(a3, vreinterpretq_s8_s32(v.val[3]), xv);
        }
        if (rb) {
          const mve_pred16_t pw = vctp32q((uint32_t)rb);
          const int8x16_t xv = vldrbq_z_s8(x + kf, vctp8q((uint32_t)(4 * rb)));
          a0 = vmladavaq_s8(a0, vreinterpretq_s8_s32(vldrwq_gather_shifted_offset_z_s32(wq, blk, pw)), xv);
          a1 = vmladavaq_s8(a1, vreinterpretq_s8_s32(vldrwq_gather_shifted_offset_z_s32(wq + 1, blk, pw)), xv);
          a2 = vmladavaq_s8(a2, vreinterpretq_s8_s32(vldrwq_gather_shifted_offset_z_s32(wq + 2, blk, pw)), xv);
          a3 = vmladavaq_s8(a3, vreinterpretq_s8_s32(vldrwq_gather_shifted_offset_z_s32(wq + 3, blk, pw)), xv);
        }
        if (K > K4) { /* each row's last K % 4 weights, row after row */
          const int8_t *t = w + 4 * K4;
          const int32_t n = K - K4;
          a0 = eg_mve_fc_row(x + K4, t, n, a0);
          a1 = eg_mve_fc_row(x + K4, t + n, n, a1);
          a2 = eg_mve_fc_row(x + K4, t + 2 * n, n, a2);
          a3 = eg_mve_fc_row(x + K4, t + 3 * n, n, a3);
        }
      } else {
        for (k = 0; k < kf; k += 16) {
          const int8x16_t xv = vldrbq_s8(x + k);
          a0 = vmladavaq_s8(a0, vldrbq_s8(w + k), xv);
          a1 = vmladavaq_s8(a1, vldrbq_s8(w + K + k), xv);
          a2 = vmladavaq_s8(a2, vldrbq_s8(w + 2 * K + k), xv);
          a3 = vmladavaq_s8(a3, vldrbq_s8(w + 3 * K + k), xv);
        }
        if (k < K) {
          const mve_pred16_t q = vctp8q((uint32_t)(K - k));
          const int8x16_t xv = vldrbq_z_s8(x + k, q);
          a0 = vmladavaq_s8(a0, vldrbq_z_s8(w + k, q), xv);
          a1 = vmladavaq_s8(a1, vldrbq_z_s8(w + K + k, q), xv);
          a2 = vmladavaq_s8(a2, vldrbq_z_s8(w + 2 * K + k, q), xv);
          a3 = vmladavaq_s8(a3, vldrbq_z_s8(w + 3 * K + k, q), xv);
        }
      }
      out[0] = eg_mve_fc_out(p, o, a0, mode);
      out[1] = eg_mve_fc_out(p, o + 1, a1, mode);
      out[2] = eg_mve_fc_out(p, o + 2, a2, mode);
      out[3] = eg_mve_fc_out(p, o + 3, a3, mode);
      out += 4;
    }
    for (; o < N; ++o) *out++ = eg_mve_fc_out(p, o, eg_mve_fc_row(x, p->weights + o * K, K, p->bias_zp[o]), mode);
  }
}

EG_NOINLINE static void eg_mve_fc_onnx(const eg_fc_s8_params *p, const int8_t *in, int8_t *out, int i4) {
  if (i4)
    eg_mve_fc_body(p, in, out, EG_RQ_ONNX, 1);
  else
    eg_mve_fc_body(p, in, out, EG_RQ_ONNX, 0);
}

EG_NOINLINE static void eg_mve_fc_tfl(const eg_fc_s8_params *p, const int8_t *in, int8_t *out, int i4) {
  if (i4)
    eg_mve_fc_body(p, in, out, EG_RQ_TFLITE, 1);
  else
    eg_mve_fc_body(p, in, out, EG_RQ_TFLITE, 0);
}

int eg_fc_s8_mve(const eg_fc_s8_params *p, const int8_t *in, int8_t *out, int32_t mode) {
  const int i4 = p->w_layout == EG_FC_W_I4;
  int32_t o;
  if (!p->bias_zp || (p->w_layout != 0 && !i4) || (i4 && ((uintptr_t)p->weights & 3) != 0)) return 0;
  for (o = 0; o < p->out_features; ++o)
    if (!(mode == EG_RQ_TFLITE ? eg_requant_tfl_fast_ok(p->mult[o], p->shift[o])
                               : eg_requant_fast_ok(p->mult[o], p->shift[o])))
      return 0;
  if (mode == EG_RQ_TFLITE)
    eg_mve_fc_tfl(p, in, out, i4);
  else
    eg_mve_fc_onnx(p, in, out, i4);
  return 1;
}

#else
typedef int eg_fc_mve_unused; /* ISO C: no empty translation unit */
#endif
