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

#endif
