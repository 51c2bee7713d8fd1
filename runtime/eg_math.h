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
 * eg_sigmoidf = 1 / (1 + e^-|x|) (x >= 0) or e^x / (1 + e^x): 2.41 ulp, one VDIV.
 * eg_tanhf: |x| < 0.625: odd polynomial x + x^3 P4(x^2) (no cancellation near
 * 0); else 1 - 2 / (e^{2|x|} + 1) with the sign restored; |x| >= 9.1 gives
 * +-1 (the float nearest tanh there). 1.33 ulp.
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

/* Nearest integer, ties to even (mode independent); callers clamp |v| first. */
static inline int32_t eg_round_half_even_i32(float v) {
  int32_t t = (int32_t)v; /* toward zero */
  const float f = v - (float)t; /* exact: |f| < 1 */
  if (f > 0.5f || (f == 0.5f && (t & 1))) ++t;
  else if (f < -0.5f || (f == -0.5f && (t & 1))) --t;
  return t;
}

#endif
