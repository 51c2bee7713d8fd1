/* edgegen runtime: helpers of the float kernels (header only).
 *
 * EG_F32_ASM: 1 when the float kernels use their Cortex-M FPU inline asm
 * (GCC/Clang, Thumb-2, single-precision FPU; EG_NO_ASM turns it off).
 * eg_fmul(a, b): a * b rounded to float, never fused with a following add:
 * the kernels promise one multiply and one add per tap (as with
 * -ffp-contract=off) whatever the compiler's contraction default (GCC's gnu
 * modes contract a * b + c into VFMA on an FPv4 core). */
#ifndef EG_F32_H
#define EG_F32_H

#if defined(__GNUC__) && defined(__thumb2__) && defined(__ARM_FP) && (__ARM_FP & 4) && !defined(EG_NO_ASM)
#define EG_F32_ASM 1
#else
#define EG_F32_ASM 0
#endif

#if defined(__GNUC__) && defined(__ARM_FP) && (__ARM_FP & 4)
static inline float eg_fmul(float a, float b) {
  float r;
  __asm__("vmul.f32 %0, %1, %2" : "=t"(r) : "t"(a), "t"(b));
  return r;
}
#else
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif
static inline float eg_fmul(float a, float b) { return a * b; }
#endif

#endif
