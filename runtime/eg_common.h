/* edgegen runtime: shared inline helpers (saturation, requantization).
 * Plain C99, no allocation, no global state. */
#ifndef EG_COMMON_H
#define EG_COMMON_H
#include <stdint.h>

#if defined(__ARM_FEATURE_DSP) && (__ARM_FEATURE_DSP == 1) && !defined(EG_NO_DSP)
#define EG_USE_DSP 1
#elif defined(EG_DSP_EMULATION)
/* Host tests only: the DSP paths compiled against a C emulation of the ACLE
 * intrinsics (EG_DSP_EMULATION names the header, e.g. "acle_emul.h"). */
#define EG_USE_DSP 1
#else
#define EG_USE_DSP 0
#endif
/* Helium (M-profile vector extension, integer): the Cortex-M55's kernels (eg_*_mve.c),
 * which the DSP entries hand their layers to. The kernel family is decided here, once. */
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1) && !defined(EG_NO_MVE)
#define EG_USE_MVE 1
#else
#define EG_USE_MVE 0
#endif

/* Keeps a kernel out of line: inlined into a small caller, register-hungry
 * inline asm may no longer find its registers, or constants spill. */
#if defined(__GNUC__)
#define EG_NOINLINE __attribute__((noinline))
#else
#define EG_NOINLINE
#endif
/* Inlines a kernel body into each of its entries, which pass a constant mode. */
#if defined(__GNUC__)
#define EG_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define EG_ALWAYS_INLINE inline
#endif

#if EG_USE_DSP
#if defined(EG_DSP_EMULATION)
#include EG_DSP_EMULATION
#else
#include <arm_acle.h>
#endif
#include <string.h>
/* Unaligned-safe 32-bit load/store (one LDR/STR on the Cortex-M4). */
static inline uint32_t eg_ld32(const void *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
static inline void eg_st32(void *p, uint32_t v) { memcpy(p, &v, 4); }
/* Rotate right by 8 (GCC folds it into SXTB16/SXTAB16 ..., ROR #8). */
static inline uint32_t eg_ror8(uint32_t v) { return (v >> 8) | (v << 24); }
/* SXTB16 / SXTAB16 of the operand rotated by 8 (bytes 1 and 3) in one
 * instruction; GCC does not fold the rotation itself. */
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__) && !defined(EG_DSP_EMULATION)
static inline uint32_t eg_sxtb16_ror8(uint32_t v) {
  uint32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
  return r;
}
static inline uint32_t eg_sxtab16_ror8(uint32_t a, uint32_t v) {
  uint32_t r;
  __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(v));
  return r;
}
#else
static inline uint32_t eg_sxtb16_ror8(uint32_t v) { return __sxtb16(eg_ror8(v)); }
static inline uint32_t eg_sxtab16_ror8(uint32_t a, uint32_t v) { return __sxtab16(a, eg_ror8(v)); }
#endif
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

/* The core of eg_requantize_fast without the fallback, for kernels that checked
 * eg_requant_fast_ok on every channel beforehand: rnd = eg_requant_round(shift),
 * rshift = -1 - shift. */
static inline int32_t eg_requantize_hi(int32_t acc, int32_t mult, int64_t rnd, int32_t rshift) {
  const int64_t r = rnd + (int64_t)(acc >> 31) + (int64_t)acc * (int64_t)mult;
  return (int32_t)(r >> 32) >> rshift;
}
/* 1 when eg_requantize_hi is exact for this channel (mult >= 0: then the
 * product's sign is acc's; shift in [-31, -1]). */
static inline int eg_requant_fast_ok(int32_t mult, int32_t shift) { return mult >= 0 && shift <= -1 && shift >= -31; }

/* Rounding constant of eg_requantize_fast for one channel: 2^(30 - shift), or 0
 * when that channel must take the general path (shift >= 0 or shift < -31). */
static inline int64_t eg_requant_round(int32_t shift) {
  if (shift >= 0 || shift < -31) return 0;
  if (shift == -1) return (int64_t)0x80000000u;
  return (int64_t)((uint64_t)(1u << (-2 - shift)) << 32);
}

/* Bit-exact eg_requantize for shift in [-31, -1] (total = 31 - shift in
 * [32, 62], the usual case) with `round` = eg_requant_round(shift): half away
 * from zero equals floor((prod + round - [prod < 0]) / 2^total), and with
 * total >= 32 only the high word of the 64-bit sum is needed (one SMLAL, one
 * ASR). Other shifts fall back to eg_requantize. */
static inline int32_t eg_requantize_fast(int32_t acc, int32_t mult, int32_t shift, int64_t round) {
  if (round != 0) {
    int64_t r = round + (int64_t)((acc ^ mult) >> 31) + (int64_t)acc * (int64_t)mult;
    return (int32_t)(r >> 32) >> (-1 - shift);
  }
  return eg_requantize(acc, mult, shift);
}

/* Requantization rounding of a kernel entry point: ONNX's (eg_requantize) or
 * TFLite's (eg_requantize_tfl). */
#define EG_RQ_ONNX 0
/* 1: the DSP paths read a layer's ONNX Runtime chain (p->ort) and test near ties (exact to ORT, but
 * 4-5x their cycles today); 0 (default): they round the exact value and their chain code is left out. */
#ifndef EG_DSP_ORT
#define EG_DSP_ORT 0
#endif
#define EG_RQ_TFLITE 1

/* ---- TFLite's requantization (TensorFlow Lite Micro's reference kernels) ----
 * MultiplyByQuantizedMultiplier: x * 2^left (left = max(shift, 0), wrapping
 * like TFLite's int32 product), SaturatingRoundingDoublingHighMul with mult (the
 * product / 2^31 rounded half up), then RoundingDivideByPOT by -min(shift, 0)
 * (half away from zero): two roundings, so not eg_requantize. shift is the
 * exponent of real = mult * 2^(shift - 31), as in eg_requantize. */
static inline int32_t eg_srdhm(int32_t a, int32_t b) {
  const int64_t ab = (int64_t)a * (int64_t)b;
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
  return (int32_t)((ab + (ab >= 0 ? ((int64_t)1 << 30) : (1 - ((int64_t)1 << 30)))) / ((int64_t)1 << 31));
}
static inline int32_t eg_rdbpot(int32_t x, int32_t e) {
  const int32_t mask = (int32_t)(((int64_t)1 << e) - 1), rem = x & mask, threshold = (mask >> 1) + (x < 0);
  return (x >> e) + (rem > threshold);
}
static inline int32_t eg_requantize_tfl(int32_t acc, int32_t mult, int32_t shift) {
  const int32_t left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  return eg_rdbpot(eg_srdhm((int32_t)((uint32_t)acc << left), mult), right);
}
/* The same in one 64-bit step for mult >= 0, shift in [-31, -1] (s = -shift):
 * floor((acc * mult + 2^30 + 2^(30 + s) - [acc < 0] * 2^31) / 2^(31 + s)): the
 * two floors nest into one, and RoundingDivideByPOT's tie correction for a
 * negative high product is the 2^31 term (acc < 0 and a non-negative high
 * product only meet at acc = -1, mult = 2^30, where both give 0). Only the high
 * word is shifted: rnd = eg_requant_round_tfl(shift), rshift = -1 - shift. */
static inline int64_t eg_requant_round_tfl(int32_t shift) {
  return ((int64_t)1 << 30) + ((int64_t)1 << (30 - shift));
}
static inline int32_t eg_requantize_tfl_hi(int32_t acc, int32_t mult, int64_t rnd, int32_t rshift) {
  const int64_t r = rnd + (int64_t)(acc >> 31) * ((int64_t)1 << 31) + (int64_t)acc * (int64_t)mult;
  return (int32_t)(r >> 32) >> rshift;
}
static inline int eg_requant_tfl_fast_ok(int32_t mult, int32_t shift) { return mult >= 0 && shift <= -1 && shift >= -31; }
/* eg_requantize_tfl for mult >= 0, shift in [-31, 0] in one 64-bit multiply-accumulate: shift 0 is
 * SaturatingRoundingDoublingHighMul alone, floor((acc * mult + 2^30) / 2^31) (its nudge 1 - 2^30 and
 * truncation for a negative product round a tie up too), other shifts eg_requantize_tfl_hi. */
static inline int32_t eg_requantize_tfl_le0(int32_t acc, int32_t mult, int32_t shift) {
  if (shift == 0) return (int32_t)(((int64_t)acc * mult + (1 << 30)) >> 31);
  return eg_requantize_tfl_hi(acc, mult, eg_requant_round_tfl(shift), -1 - shift);
}
static inline int eg_requant_tfl_le0_ok(int32_t mult, int32_t shift) { return mult >= 0 && shift <= 0 && shift >= -31; }

/* The high word of acc * mult + start, one SMLAL: start = -[acc < 0] for
 * EG_RQ_ONNX (eg_requantize_hi's tie rule), 2^30 - [acc < 0] * 2^31 for
 * EG_RQ_TFLITE (eg_requantize_tfl_hi's terms below 2^32). With r = -1 - shift
 * >= 1 either requantization is then (hi + 2^(r-1)) >> r: the rest of the
 * rounding constant is a multiple of 2^32. mode is a constant at every call. */
static inline int32_t eg_rq_mulhi(int32_t acc, int32_t mult, int32_t mode) {
  int32_t hi = acc >> 31, lo = mode == EG_RQ_TFLITE ? (int32_t)(((uint32_t)acc & 0x80000000u) | 0x40000000u) : hi;
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__) && !defined(EG_DSP_EMULATION)
  __asm__("smlal %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(acc), "r"(mult));
#else
  hi = (int32_t)(((int64_t)(((uint64_t)(uint32_t)hi << 32) | (uint32_t)lo) + (int64_t)acc * (int64_t)mult) >> 32);
#endif
  return hi;
}

#endif
