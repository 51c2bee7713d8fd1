/* edgegen runtime: small, fast float math without libm (eg_math.c).
 *
 * eg_expf: x = n*ln2 + r, |r| <= ln2/2 (ln2 split in two parts so n*C1 is
 * exact), e^r by a degree-7 polynomial (1 + r + r^2 P5(r), Cephes-style
 * minimax coefficients), scaled by 2^n through the exponent bits; subnormal
 * results in two scaling steps. Max error over every float argument
 * (measured exhaustively against double exp, tests/kernels/test_math.c, no
 * FMA contraction: eg_math.c is built with fp-contract off under GCC): 0.99 ulp.
 * Overflow gives +inf, x < -103.98 gives 0, NaN stays NaN.
 *
 * eg_sigmoidf: s = sigmoid(-|x|) from a table of quartics (72 segments of 1/4
 * on [0, 18), fitted by scripts/gen_sigmoid_table.py; no division, no exp),
 * e^x below -18; then s or 1 - s. eg_tanhf: |x| < 2^-12: x; |x| < 0.625: odd
 * polynomial x + x^3 P4(x^2) (no cancellation near 0); |x| < 9: 1 - 2
 * sigmoid(-2|x|) with the sign restored; else +-1. Measured over the whole
 * float line (tests/kernels/test_math.c, every 7th float): sigmoid 1.27 ulp,
 * tanh 0.92 ulp from exact, against 2.36 ulp for libm's float formula
 * e / (1 + e), e = expf(-|x|), and 2.16 for tanhf; at most 3.0 / 2.0 ulp from
 * those. +-inf give 0/1 and +-1, NaN stays NaN, -0 stays -0 in tanh.
 *
 * eg_round_half_even_i32: ONNX QuantizeLinear rounding of a float to an
 * integer, independent of the FPU rounding mode: truncate (VCVT), the fraction
 * v - trunc(v) is exact, ties go to the even neighbour. |v| < 2^31 - 128.
 * No libm, no tables, no globals. */
#ifndef EG_MATH_H
#define EG_MATH_H
#include <stdint.h>

/* e^x, 1/(1+e^-x), tanh(x): one out-of-line copy each (eg_math.c). */
float eg_expf(float x);
float eg_sigmoidf(float x);
float eg_tanhf(float x);

/* The same sigmoid and tanh inline, for the kernels that call them per element
 * in their inner loops (the recurrent cells). */
extern const float eg_sigmoid_neg_tab[72][5];
#if defined(__GNUC__)
#define EG_MATH_INLINE static inline __attribute__((always_inline))
#else
#define EG_MATH_INLINE static inline
#endif

/* one multiply and one add per step in every includer (as eg_math.c) */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
#elif defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

EG_MATH_INLINE float eg_sigmoid_neg(float t) { /* sigmoid(-t), 0 <= t < 18 */
  const float u = t * 4.0f;
  const int32_t i = (int32_t)u;
  const float f = u - (float)i;
  const float *c = eg_sigmoid_neg_tab[i];
#if defined(__GNUC__) && defined(__thumb2__) && defined(__ARM_FP) && (__ARM_FP & 4) && !defined(EG_NO_ASM)
  /* one VLDM (6 cycles on a Cortex-M4) instead of five VLDR (10) */
  register float c0 __asm__("s8"), c1 __asm__("s9"), c2 __asm__("s10"), c3 __asm__("s11"), c4 __asm__("s12");
  __asm__("vldm %5, {s8-s12}" : "=t"(c0), "=t"(c1), "=t"(c2), "=t"(c3), "=t"(c4) : "r"(c) : "memory");
  return c0 + f * (c1 + f * (c2 + f * (c3 + f * c4)));
#else
  return c[0] + f * (c[1] + f * (c[2] + f * (c[3] + f * c[4])));
#endif
}

#if defined(__GNUC__)
#define EG_MATH_ABS(x) __builtin_fabsf(x) /* VABS, no libm */
#define EG_MATH_LIKELY(c) __builtin_expect(!!(c), 1)
#else
#define EG_MATH_ABS(x) ((x) < 0.0f ? -(x) : (x))
#define EG_MATH_LIKELY(c) (c)
#endif

/* |x| >= 18 or NaN (eg_math.c) */
float eg_sigmoid_tail(float x);

EG_MATH_INLINE float eg_sigmoid_inl(float x) {
  const float t = EG_MATH_ABS(x);
  float s; /* sigmoid(-|x|) */
  if (!EG_MATH_LIKELY(t < 18.0f)) return eg_sigmoid_tail(x);
  s = eg_sigmoid_neg(t);
  return x < 0.0f ? s : 1.0f - s;
}

/* |x| >= 9 or NaN (eg_math.c) */
float eg_tanh_tail(float x);

EG_MATH_INLINE float eg_tanh_inl(float x) {
  const float a = EG_MATH_ABS(x);
  float y;
  if (!EG_MATH_LIKELY(a < 9.0f)) return eg_tanh_tail(x);
  if (a < 0.625f) {
    const float z = x * x;
    if (a < 2.44140625e-4f) return x; /* 2^-12: tanh(x) rounds to x (keeps -0 and subnormals) */
    return x + x * z * ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z +
                          1.33314422036e-1f) * z - 3.33332819422e-1f);
  }
  y = 1.0f - 2.0f * eg_sigmoid_neg(a + a); /* no cancellation for a >= 0.625 */
  return x < 0.0f ? -y : y;
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

/* Nearest integer, ties to even (mode independent); callers clamp |v| first. */
static inline int32_t eg_round_half_even_i32(float v) {
  int32_t t = (int32_t)v; /* toward zero */
  const float f = v - (float)t; /* exact: |f| < 1 */
  if (f > 0.5f || (f == 0.5f && (t & 1))) ++t;
  else if (f < -0.5f || (f == -0.5f && (t & 1))) --t;
  return t;
}

#endif
