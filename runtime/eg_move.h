/* edgegen runtime: data movement (transpose, gather, copy); any element size. */
#ifndef EG_MOVE_H
#define EG_MOVE_H
#include <stdint.h>

#define EG_MAX_RANK 8

/* out = transpose(in, perm); shapes of rank <= EG_MAX_RANK. */
void eg_transpose(const void *in, void *out, int32_t elem_size, int32_t rank, const int32_t *in_shape,
                  const int32_t *perm);
/* in viewed as [outer][axis_dim][inner]; out as [outer][n_idx][inner]. Negative indices wrap. */
void eg_gather(const void *in, void *out, int32_t elem_size, int32_t outer, int32_t axis_dim,
               int32_t inner, const int32_t *idx, int32_t n_idx);
/* Same with int64 indices computed at run time (e.g. an embedding lookup). */
void eg_gather_i64(const void *in, void *out, int32_t elem_size, int32_t outer, int32_t axis_dim,
                   int32_t inner, const int64_t *idx, int32_t n_idx);
void eg_copy(const void *in, void *out, int32_t bytes);

#endif
