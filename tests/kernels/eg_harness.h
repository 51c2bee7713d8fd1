/* What every kernel test and bench shares (host, emulated Cortex-M4 and bare-metal QEMU builds): PRINT and a
 * xorshift32 generator. Define EG_HARNESS_SEED before the include for another sequence. */
#ifndef EG_HARNESS_H
#define EG_HARNESS_H
#include <stdint.h>

#if defined(EG_M4)
#include "m4bench.h"
#define PRINT m4_printf
#elif defined(EG_EGFW) /* bare-metal QEMU firmware (firmware/egfw.h: semihosting console) */
#include <stdio.h>

#include "egfw.h"
#define PRINT(...)                                          \
  do {                                                      \
    char eg_line_[256];                                     \
    snprintf(eg_line_, sizeof eg_line_, __VA_ARGS__);       \
    egfw_print(eg_line_);                                   \
  } while (0)
#else
#include <stdio.h>
#define PRINT printf
#endif

#ifndef EG_HARNESS_SEED
#define EG_HARNESS_SEED 1u
#endif
static uint32_t rng = EG_HARNESS_SEED;
static inline uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}
/* uniform in [lo, hi] */
static inline int32_t rr(int32_t lo, int32_t hi) { return lo + (int32_t)(rnd() % (uint32_t)(hi - lo + 1)); }

#endif
