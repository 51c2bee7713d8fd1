#include "eg_move.h"

#include <string.h>

void eg_copy(const void *in, void *out, int32_t bytes) {
  if (in != out) memmove(out, in, (size_t)bytes);
}

void eg_transpose(const void *in, void *out, int32_t elem_size, int32_t rank, const int32_t *in_shape,
                  const int32_t *perm) {
  int32_t in_stride[EG_MAX_RANK], out_shape[EG_MAX_RANK], idx[EG_MAX_RANK], step[EG_MAX_RANK];
  int32_t i, total = 1, src = 0, o;
  const uint8_t *s = (const uint8_t *)in;
  uint8_t *d = (uint8_t *)out;
  for (i = rank - 1; i >= 0; --i) {
    in_stride[i] = total;
    total *= in_shape[i];
  }
  for (i = 0; i < rank; ++i) {
    out_shape[i] = in_shape[perm[i]];
    step[i] = in_stride[perm[i]];
    idx[i] = 0;
  }
  for (o = 0; o < total; ++o) {
    memcpy(d + (size_t)o * (size_t)elem_size, s + (size_t)src * (size_t)elem_size, (size_t)elem_size);
    /* odometer over the output index, tracking the source offset */
    for (i = rank - 1; i >= 0; --i) {
      src += step[i];
      if (++idx[i] < out_shape[i]) break;
      src -= step[i] * out_shape[i];
      idx[i] = 0;
    }
  }
}

/* Rows of `inner` elements picked along the axis; the index type is the only
 * difference between the two entry points. */
#define EG_GATHER_BODY(IDX_T)                                                       \
  const uint8_t *s = (const uint8_t *)in;                                           \
  uint8_t *d = (uint8_t *)out;                                                      \
  const size_t row = (size_t)inner * (size_t)elem_size;                             \
  int32_t o, k;                                                                     \
  for (o = 0; o < outer; ++o) {                                                     \
    for (k = 0; k < n_idx; ++k) {                                                   \
      IDX_T j = idx[k] < 0 ? idx[k] + axis_dim : idx[k];                            \
      if (j < 0 || j >= axis_dim) j = 0; /* ONNX leaves it undefined: stay in bounds */ \
      memcpy(d, s + ((size_t)o * (size_t)axis_dim + (size_t)j) * row, row);       \
      d += row;                                                                     \
    }                                                                               \
  }

void eg_gather(const void *in, void *out, int32_t elem_size, int32_t outer, int32_t axis_dim,
               int32_t inner, const int32_t *idx, int32_t n_idx) {
  EG_GATHER_BODY(int32_t)
}

void eg_gather_i64(const void *in, void *out, int32_t elem_size, int32_t outer, int32_t axis_dim,
                   int32_t inner, const int64_t *idx, int32_t n_idx) {
  EG_GATHER_BODY(int64_t)
}
