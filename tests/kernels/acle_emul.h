/* Host-side C emulation of the few ACLE DSP intrinsics the edgegen runtime
 * uses, so the EG_USE_DSP paths also run (and are compared bit for bit with
 * the portable reference) on the build machine: compile the runtime with
 * -DEG_DSP_EMULATION='"acle_emul.h"'. */
#ifndef EG_ACLE_EMUL_H
#define EG_ACLE_EMUL_H
#include <stdint.h>

static inline int32_t eg_emu_lo(uint32_t v) { return (int16_t)(v & 0xFFFFu); }
static inline int32_t eg_emu_hi(uint32_t v) { return (int16_t)(v >> 16); }
static inline uint32_t eg_emu_pack(int32_t lo, int32_t hi) { return ((uint32_t)lo & 0xFFFFu) | ((uint32_t)hi << 16); }

/* SXTB16: sign-extend bytes 0 and 2 to the two halfwords. */
static inline uint32_t __sxtb16(uint32_t v) { return eg_emu_pack((int8_t)(v & 0xFF), (int8_t)((v >> 16) & 0xFF)); }
/* SXTAB16: a + sign-extended bytes 0 and 2, per halfword (wrapping). */
static inline uint32_t __sxtab16(uint32_t a, uint32_t v) {
  return eg_emu_pack(eg_emu_lo(a) + (int8_t)(v & 0xFF), eg_emu_hi(a) + (int8_t)((v >> 16) & 0xFF));
}
static inline int32_t __smlad(uint32_t a, uint32_t b, int32_t acc) {
  return (int32_t)((uint32_t)acc + (uint32_t)(eg_emu_lo(a) * eg_emu_lo(b)) + (uint32_t)(eg_emu_hi(a) * eg_emu_hi(b)));
}
static inline int32_t __smlabb(uint32_t a, uint32_t b, int32_t acc) {
  return (int32_t)((uint32_t)acc + (uint32_t)(eg_emu_lo(a) * eg_emu_lo(b)));
}
static inline int32_t __smlatt(uint32_t a, uint32_t b, int32_t acc) {
  return (int32_t)((uint32_t)acc + (uint32_t)(eg_emu_hi(a) * eg_emu_hi(b)));
}
#endif
