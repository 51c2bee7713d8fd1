/* edgegen runtime: Softmax, LogSoftmax, Hardmax over one axis of a tensor
 * viewed as [outer][n][inner] (float32). */
#ifndef EG_SOFTMAX_H
#define EG_SOFTMAX_H
#include <stdint.h>

enum { EG_SOFTMAX = 0, EG_LOGSOFTMAX = 1, EG_HARDMAX = 2 };

void eg_softmax_f32(const float *in, float *out, int32_t outer, int32_t n, int32_t inner, int32_t mode);

#endif
