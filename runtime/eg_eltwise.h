/* edgegen runtime: element-wise activations on flat buffers. */
#ifndef EG_ELTWISE_H
#define EG_ELTWISE_H
#include <stdint.h>

void eg_clamp_f32(const float *in, float *out, int32_t n, float lo, float hi);
void eg_clamp_s8(const int8_t *in, int8_t *out, int32_t n, int32_t lo, int32_t hi);

#endif
