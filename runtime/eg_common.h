/* edgegen runtime: shared inline helpers (saturation, requantization).
 * Plain C99, no allocation, no global state. */
#ifndef EG_COMMON_H
#define EG_COMMON_H
#include <stdint.h>

#if defined(__ARM_FEATURE_DSP) && (__ARM_FEATURE_DSP == 1) && !defined(EG_NO_DSP)
#define EG_USE_DSP 1
#else
#define EG_USE_DSP 0
#endif

static inline int32_t eg_clamp_i32(int32_t v, int32_t lo, int32_t hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

/* round(acc * mult * 2^(shift - 31)), rounding half away from zero.
 * mult is a Q31 multiplier in [2^30, 2^31), shift in [-31, 30]. Integer-only so
 * the host and the target produce identical results. */
static inline int32_t eg_requantize(int32_t acc, int32_t mult, int32_t shift) {
  int64_t prod = (int64_t)acc * (int64_t)mult;
  int32_t total = 31 - shift;
  int64_t round, res;
  if (total <= 0) return (int32_t)(prod << (-total));
  if (total > 62) return 0;
  round = (int64_t)1 << (total - 1);
  res = prod >= 0 ? ((prod + round) >> total) : -((-prod + round) >> total);
  return (int32_t)res;
}

#endif
