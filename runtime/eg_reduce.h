/* edgegen runtime: reductions over any set of axes (rank <= 6), ArgMax/ArgMin
 * and TopK over one axis of a tensor viewed as [outer][n][inner]. */
#ifndef EG_REDUCE_H
#define EG_REDUCE_H
#include <stdint.h>

enum {
  EG_REDUCE_SUM = 0,
  EG_REDUCE_MEAN,
  EG_REDUCE_MAX,
  EG_REDUCE_MIN,
  EG_REDUCE_PROD,
  EG_REDUCE_L1,
  EG_REDUCE_L2,
  EG_REDUCE_LOGSUM,
  EG_REDUCE_LOGSUMEXP,
  EG_REDUCE_SUMSQUARE
};

typedef struct {
  int32_t op, rank;
  int32_t shape[6];      /* input shape */
  int32_t out_stride[6]; /* output stride of each input axis; 0 on reduced axes */
  int32_t out_elems;     /* output element count */
  int32_t count;         /* input elements per output element */
} eg_reduce_params;

void eg_reduce_f32(const eg_reduce_params *p, const float *in, float *out);
/* Max / Min on bytes (bool, uint8) or int8. */
void eg_reduce_u8(const eg_reduce_params *p, const uint8_t *in, uint8_t *out);
void eg_reduce_s8(const eg_reduce_params *p, const int8_t *in, int8_t *out);

/* is_min: ArgMin; select_last: the last index among equal extremes. */
void eg_argext_f32(const float *in, int64_t *out, int32_t outer, int32_t n, int32_t inner, int32_t is_min,
                   int32_t select_last);

/* The k largest (or smallest) along the axis, sorted, ties by lower index. */
void eg_topk_f32(const float *in, float *values, int64_t *indices, int32_t outer, int32_t n, int32_t inner, int32_t k,
                 int32_t largest);
void eg_topk_i64(const int64_t *in, int64_t *values, int64_t *indices, int32_t outer, int32_t n, int32_t inner,
                 int32_t k, int32_t largest);

#endif
