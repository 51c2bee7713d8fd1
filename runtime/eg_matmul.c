#include "eg_matmul.h"

void eg_matmul_f32(const eg_matmul_f32_params *p, const float *a, const float *b, const float *c, float *y) {
  int32_t idx[EG_MATMUL_MAX_BATCH_RANK];
  int32_t nb = 1, q, d, i, j, k;
  for (d = 0; d < p->batch_rank; ++d) {
    nb *= p->batch_shape[d];
    idx[d] = 0;
  }
  for (q = 0; q < nb; ++q) {
    int32_t ao = 0, bo = 0, co = 0;
    for (d = 0; d < p->batch_rank; ++d) {
      ao += idx[d] * p->a_bs[d];
      bo += idx[d] * p->b_bs[d];
      co += idx[d] * p->c_bs[d];
    }
    for (i = 0; i < p->M; ++i) {
      const float *ar = a + ao + i * p->a_rs;
      for (j = 0; j < p->N; ++j) {
        const float *bc = b + bo + j * p->b_cs;
        float acc = 0.0f;
        for (k = 0; k < p->K; ++k) acc += ar[k * p->a_cs] * bc[k * p->b_rs];
        acc *= p->alpha;
        if (c) acc += p->beta * c[co + i * p->c_rs + j * p->c_cs];
        if (acc < p->act_min) acc = p->act_min;
        if (acc > p->act_max) acc = p->act_max;
        *y++ = acc;
      }
    }
    for (d = p->batch_rank - 1; d >= 0; --d) {
      if (++idx[d] < p->batch_shape[d]) break;
      idx[d] = 0;
    }
  }
}
