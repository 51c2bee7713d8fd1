/* edgegen runtime: ONNX Runtime's float chain for int8 QDQ Conv / Gemm.
 * ONNX Runtime with graph optimizations disabled runs a QDQ layer as written:
 * DequantizeLinear (float32), the float Conv / Gemm of its MLAS library (x86-64:
 * its own summation order, FMA or not, K in blocks), QuantizeLinear (division by
 * the scale, round half to even). The int8 kernels compute the exact value and
 * round it once; the two agree except where the exact value lies within the float
 * chain's rounding error of a .5 tie. For those rare outputs (eg_ort_near_tie) the
 * reference kernels recompute the float chain in MLAS's order (eg_ort_sum_*).
 * Needs IEEE float32 (not -ffast-math). */
#ifndef EG_ORT_EXACT_H
#define EG_ORT_EXACT_H
#include <stdint.h>

/* The float operation ONNX Runtime runs for the layer (decides MLAS's kernel):
 * Conv (a GEMM of out_c / groups filter rows by the output pixels, bias added
 * after), Gemm with transB = 1, Gemm without transposed B or MatMul (rows =
 * batch; bias preloaded into the output). */
#define EG_ORT_CONV 0
#define EG_ORT_GEMM_TB 1
#define EG_ORT_GEMM_NT 2

typedef struct {
  int32_t op;             /* EG_ORT_CONV / _GEMM_TB / _GEMM_NT */
  float x_scale, y_scale; /* input DequantizeLinear and output QuantizeLinear scales */
  const float *w_scale;   /* per output channel */
  const float *b_scale;   /* per output channel; NULL: x_scale * w_scale[c] (float) */
} eg_ort_chain;

/* 1 when acc (bias included) requantized by mult / shift (eg_requantize) lies
 * so near a .5 tie that the float chain may round it the other way. asum = sum
 * of |x - in_zp| * |w| + |bias| of the output, K its taps: a bound on float32
 * rounding for any summation order (K + K / 64 + 8 roundings of relative 2^-24
 * on terms of at most asum) plus the Q31 multiplier's own error. */
int eg_ort_near_tie(int32_t acc, uint32_t asum, int32_t K, int32_t mult, int32_t shift);

/* eg_ort_near_tie as a window: for every acc with |acc| <= asum and sum of
 * |terms| <= asum, eg_ort_near_tie flags acc only when the distance of acc *
 * mult / 2^(31 - shift) from a .5 tie is at most the result in units of
 * 2^(shift - 31) (UINT64_MAX: at any distance). For shift in [-31, -1]. */
uint64_t eg_ort_tie_window(uint32_t asum, int32_t K, int32_t mult, int32_t shift);
/* 1 when acc * mult / 2^(31 - shift) lies within w (eg_ort_tie_window) of a .5 tie */
static inline int eg_ort_tie_close(int32_t acc, int32_t mult, int32_t shift, uint64_t w) {
  const int32_t total = 31 - shift;
  const uint64_t mask = ((uint64_t)1 << total) - 1u;
  const uint64_t d = ((uint64_t)((int64_t)acc * mult) + ((uint64_t)1 << (total - 1))) & mask;
  return d <= w || d >= mask + 1u - w;
}

/* The largest asum of an output of K taps for any input (|x - in_zp| <= 128 +
 * |in_zp|, |w| <= 128) and bias: eg_ort_near_tie with it is the cheap first test. */
uint32_t eg_ort_asum_bound(int32_t K, int32_t in_zp, int32_t bias);

/* One output's float sum in MLAS's order: begin with the GEMM's rows M,
 * columns N, depth K and the output's column n; add the K taps (zero for
 * padding) in ONNX's order; eg_ort_sum_q adds the bias (int32, channel oc) and
 * quantizes: round(v / y_scale) half to even, without the zero point. */
typedef struct {
  int32_t kind, K, k, stride, n, N, in_block, has, bias_first;
  float a, c, lane[8];
} eg_ort_sum;
void eg_ort_sum_begin(eg_ort_sum *s, const eg_ort_chain *o, int32_t M, int32_t N, int32_t K, int32_t n,
                      const int32_t *bias, int32_t oc);
void eg_ort_sum_add(eg_ort_sum *s, float x, float w);
int32_t eg_ort_sum_q(eg_ort_sum *s, const eg_ort_chain *o, const int32_t *bias, int32_t oc);

#endif
