#include "eg_move.h"

#include <string.h>

void eg_copy(const void *in, void *out, int32_t bytes) {
  if (in != out) memmove(out, in, (size_t)bytes);
}

/* n elements, source stride ss and destination stride ds (in elements). */
static void eg_strided_copy1(const uint8_t *s, uint8_t *d, int32_t n, int32_t ss, int32_t ds) {
  for (; n >= 4; n -= 4) {
    const uint8_t a = s[0], b = s[ss], c = s[2 * ss], e = s[3 * ss];
    d[0] = a;
    d[ds] = b;
    d[2 * ds] = c;
    d[3 * ds] = e;
    s += 4 * ss;
    d += 4 * ds;
  }
  for (; n > 0; --n, s += ss, d += ds) *d = *s;
}
static void eg_strided_copy2(const uint16_t *s, uint16_t *d, int32_t n, int32_t ss, int32_t ds) {
  for (; n > 0; --n, s += ss, d += ds) *d = *s;
}
static void eg_strided_copy4(const uint32_t *s, uint32_t *d, int32_t n, int32_t ss, int32_t ds) {
  for (; n >= 2; n -= 2) {
    const uint32_t a = s[0], b = s[ss];
    d[0] = a;
    d[ds] = b;
    s += 2 * ss;
    d += 2 * ds;
  }
  if (n) *d = *s;
}

/* An odometer over every output axis but one; that axis (the longer of the
 * output's last axis and the one the input's last axis moved to) is a typed
 * strided copy, so each element costs a load and a store, not a memcpy call. */
void eg_transpose(const void *in, void *out, int32_t elem_size, int32_t rank, const int32_t *in_shape,
                  const int32_t *perm) {
  int32_t in_stride[EG_MAX_RANK], out_shape[EG_MAX_RANK], out_stride[EG_MAX_RANK], idx[EG_MAX_RANK];
  int32_t step[EG_MAX_RANK];
  int32_t i, total = 1, src = 0, dst = 0, k, n, outer, o;
  const uint8_t *s = (const uint8_t *)in;
  uint8_t *d = (uint8_t *)out;
  if (rank <= 0) {
    memcpy(d, s, (size_t)elem_size);
    return;
  }
  for (i = rank - 1; i >= 0; --i) {
    in_stride[i] = total;
    total *= in_shape[i];
  }
  if (total == 0) return;
  for (i = 0; i < rank; ++i) {
    out_shape[i] = in_shape[perm[i]];
    step[i] = in_stride[perm[i]];
    idx[i] = 0;
  }
  for (i = rank - 1, n = 1; i >= 0; --i) {
    out_stride[i] = n;
    n *= out_shape[i];
  }
  k = rank - 1;
  for (i = 0; i < rank; ++i)
    if (perm[i] == rank - 1 && out_shape[i] > out_shape[k]) k = i;
  n = out_shape[k];
  outer = total / n;
  for (o = 0; o < outer; ++o) {
    const uint8_t *sp = s + (size_t)src * (size_t)elem_size;
    uint8_t *dp = d + (size_t)dst * (size_t)elem_size;
    if (elem_size == 1)
      eg_strided_copy1(sp, dp, n, step[k], out_stride[k]);
    else if (elem_size == 2)
      eg_strided_copy2((const uint16_t *)(const void *)sp, (uint16_t *)(void *)dp, n, step[k], out_stride[k]);
    else if (elem_size == 4)
      eg_strided_copy4((const uint32_t *)(const void *)sp, (uint32_t *)(void *)dp, n, step[k], out_stride[k]);
    else {
      int32_t j;
      for (j = 0; j < n; ++j)
        memcpy(dp + (size_t)j * (size_t)out_stride[k] * (size_t)elem_size,
               sp + (size_t)j * (size_t)step[k] * (size_t)elem_size, (size_t)elem_size);
    }
    /* next position of the other axes */
    for (i = rank - 1; i >= 0; --i) {
      if (i == k) continue;
      src += step[i];
      dst += out_stride[i];
      if (++idx[i] < out_shape[i]) break;
      src -= step[i] * out_shape[i];
      dst -= out_stride[i] * out_shape[i];
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
      IDX_T j; /* indices may sit at any 4-byte offset of the activations: memcpy */ \
      memcpy(&j, (const uint8_t *)idx + (size_t)k * sizeof(IDX_T), sizeof(IDX_T));    \
      if (j < 0) j += axis_dim;                                                     \
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
