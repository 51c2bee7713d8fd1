/* edgegen runtime: weights stored as indices into a codebook (weight sharing,
 * generate --compression). Header only.
 *
 * A layer's weights, flattened in the order its kernel reads them ([out][in]
 * for a fully connected layer, OHWI for a convolution), are replaced by one
 * index per weight into a float codebook of at most 2^bits entries:
 *   bits 8: index[j] is the byte j;
 *   bits 4: two indices per byte over the whole flattened array (rows are not
 *           padded): weight j is in byte j / 2, the low nibble for even j, the
 *           high nibble for odd j; a last odd weight leaves the high nibble 0.
 * Weight j is codebook[eg_codebook_index(index, bits, j)]. */
#ifndef EG_CODEBOOK_H
#define EG_CODEBOOK_H
#include <stdint.h>

#include "eg_f32.h"

static inline uint32_t eg_codebook_index(const uint8_t *index, int32_t bits, int32_t j) {
  if (bits == 8) return index[j];
  return (uint32_t)(index[j >> 1] >> ((j & 1) << 2)) & 15u;
}

/* acc + sum_i x[i] * (weight j0 + i), i = 0..n-1, in order, one float multiply and one float
 * add per product (as the float kernels on decoded weights); 4-bit: a byte per two weights. */
static inline float eg_codebook_dot(float acc, const float *x, const uint8_t *index, int32_t bits, int32_t j0,
                                    int32_t n, const float *codebook) {
  int32_t i = 0;
  if (bits == 8) {
    const uint8_t *ix = index + j0;
    for (; i < n; ++i) acc += eg_fmul(x[i], codebook[ix[i]]);
    return acc;
  }
  if ((j0 & 1) && n > 0) { /* starts on a high nibble */
    acc += eg_fmul(x[0], codebook[eg_codebook_index(index, 4, j0)]);
    i = 1;
  }
  {
    const uint8_t *ix = index + ((j0 + i) >> 1);
    for (; i + 1 < n; i += 2, ++ix) {
      const uint32_t v = *ix;
      acc += eg_fmul(x[i], codebook[v & 15u]);
      acc += eg_fmul(x[i + 1], codebook[v >> 4]);
    }
  }
  if (i < n) acc += eg_fmul(x[i], codebook[eg_codebook_index(index, 4, j0 + i)]);
  return acc;
}

#endif
