/* edgegen runtime: the Helium kernels' requantization, four accumulators a vector,
 * bit-exact to eg_rq_mulhi's (eg_common.h) for mult >= 0, shift in [-31, -2]: the high
 * word of acc * mult (VMULH) corrected from the low word (VMUL) to eg_rq_mulhi's start,
 * then + 2^(r-1) >> r (VRSHL by -r = shift + 1), the output zero point, the act clamp. */
#ifndef EG_MVE_REQUANT_H
#define EG_MVE_REQUANT_H
#include <stdint.h>

#include "eg_common.h"
#if EG_USE_MVE
#include <arm_mve.h>

/* fix: some lane may hold a negative acc whose product with mult is a multiple of 2^32
 * (eg_mve_needs_fix), where ONNX's start -1 borrows from the high word. */
static EG_ALWAYS_INLINE int32x4_t eg_mve_requant(int32x4_t a, int32x4_t m, int32x4_t nshift, int32_t out_zp,
                                                 int32_t lo, int32_t hi, int fix, const int32_t mode) {
  int32x4_t h = vmulhq_s32(a, m), v;
  if (mode == EG_RQ_TFLITE) { /* + 2^30 - [a < 0] 2^31 below the high word: carry (u + 1 + 2 s) >> 2 */
    const int32x4_t u = vreinterpretq_s32_u32(vshrq_n_u32(vreinterpretq_u32_s32(vmulq_s32(a, m)), 30));
    h = vaddq_s32(h, vshrq_n_s32(vaddq_n_s32(vaddq_s32(u, vshlq_n_s32(vshrq_n_s32(a, 31), 1)), 1), 2));
  } else if (fix) { /* - [a < 0]: a borrow only when the low word is 0 */
    mve_pred16_t neg = vcmpltq_n_s32(a, 0);
    neg = vcmpeqq_m_n_s32(vmulq_s32(a, m), 0, neg);
    h = vsubq_m_n_s32(h, h, 1, neg);
  }
  v = vaddq_n_s32(vrshlq_s32(h, nshift), out_zp);
  return vmaxq_s32(vminq_s32(v, vdupq_n_s32(hi)), vdupq_n_s32(lo));
}

/* v (int8 values in int32 lanes) through an int8 out table of 256 entries (v + 128): one byte gather. */
static EG_ALWAYS_INLINE int32x4_t eg_mve_table(int32x4_t v, const int8_t *table) {
  return vldrbq_gather_offset_s32(table, vreinterpretq_u32_s32(vaddq_n_s32(v, 128)));
}

/* 0 when no channel needs eg_mve_requant's fix: a product that is a multiple of 2^32
 * needs at least r = -1 - shift trailing zero bits in mult to end on a tie. */
static inline int eg_mve_needs_fix(const int32_t *mult, const int8_t *shift, int32_t n) {
  int32_t c;
  for (c = 0; c < n; ++c)
    if ((mult[c] & (int32_t)((1u << (-1 - shift[c])) - 1u)) == 0) return 1;
  return 0;
}

#endif
#endif
