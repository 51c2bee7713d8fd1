/* edgegen runtime: general float matrix products (both operands activations). */
#ifndef EG_MATMUL_H
#define EG_MATMUL_H
#include <stdint.h>

#define EG_MATMUL_MAX_BATCH_RANK 6

/* Batched Y[b] = alpha * op(A[b]) x op(B[b]) + beta * C[b], Y row-major [M][N].
 * Batch axes broadcast through element strides (0 on broadcast axes); A element (i, k) is at
 * a_off + i * a_rs + k * a_cs (transposes are just strides), likewise B (k, j) and C (i, j).
 * The result is clamped to [act_min, act_max]. */
typedef struct {
  int32_t M, N, K;
  int32_t batch_rank;
  int32_t batch_shape[EG_MATMUL_MAX_BATCH_RANK];
  int32_t a_bs[EG_MATMUL_MAX_BATCH_RANK], b_bs[EG_MATMUL_MAX_BATCH_RANK], c_bs[EG_MATMUL_MAX_BATCH_RANK];
  int32_t a_rs, a_cs, b_rs, b_cs, c_rs, c_cs;
  float alpha, beta;
  float act_min, act_max; /* fused activation clamp */
} eg_matmul_f32_params;

void eg_matmul_f32(const eg_matmul_f32_params *p, const float *a, const float *b, const float *c, float *y);

/* Quantized element types of the integer products. */
#define EG_Q_S8 0
#define EG_Q_U8 1
#define EG_Q_S32 2

/* Integer matrix product (QLinearMatMul, MatMulInteger): acc = sum (a - a_zp)(b - b_zp[j]) (+ bias[j]);
 * y = acc as int32 when scale is NULL, else clamp(round_half_even(acc * scale[j]) + y_zp) as int8/uint8.
 * Batch axes broadcast as in eg_matmul_f32; A is [M][K] and B [K][N] row-major per batch. */
typedef struct {
  int32_t M, N, K;
  int32_t batch_rank;
  int32_t batch_shape[EG_MATMUL_MAX_BATCH_RANK];
  int32_t a_bs[EG_MATMUL_MAX_BATCH_RANK], b_bs[EG_MATMUL_MAX_BATCH_RANK];
  int32_t a_type, b_type, y_type;
  int32_t a_zp, y_zp;
  const int32_t *b_zp; /* [N] */
  const int32_t *bias; /* [N] or NULL */
  const float *scale;  /* [N] or NULL */
} eg_qmatmul_params;
void eg_qmatmul(const eg_qmatmul_params *p, const void *a, const void *b, void *y);

/* Integer convolution (QLinearConv, ConvInteger), NCHW (1-D as H = 1), weights [M][C/groups][kh][kw];
 * padding reads as x_zp (real zero). Output as in eg_qmatmul with per-output-channel b_zp/scale. */
typedef struct {
  int32_t batch, in_c, in_h, in_w, out_c, out_h, out_w, k_h, k_w;
  int32_t stride_h, stride_w, dil_h, dil_w, pad_top, pad_left, groups;
  int32_t x_type, w_type, y_type;
  int32_t x_zp, y_zp;
  const void *weights;
  const int32_t *w_zp; /* [out_c] */
  const int32_t *bias; /* [out_c] or NULL */
  const float *scale;  /* [out_c] or NULL */
} eg_qconv_params;
void eg_qconv(const eg_qconv_params *p, const void *x, void *y);

#endif
