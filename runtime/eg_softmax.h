/* edgegen runtime: Softmax, LogSoftmax, Hardmax over one axis of a tensor
 * viewed as [outer][n][inner] (float32). */
#ifndef EG_SOFTMAX_H
#define EG_SOFTMAX_H
#include <stdint.h>

enum { EG_SOFTMAX = 0, EG_LOGSOFTMAX = 1, EG_HARDMAX = 2 };

void eg_softmax_f32(const float *in, float *out, int32_t outer, int32_t n, int32_t inner, int32_t mode);
/* TFLite's float SOFTMAX over rows of `depth`: exp(beta * (x - max)) / sum. */
void eg_softmax_f32_beta(const float *in, float *out, int32_t rows, int32_t depth, float beta);

/* TFLite's int8 softmax over rows of `depth` (TFLite Micro's reference kernel):
 * differences to the row maximum rescaled by input_mult << left_shift into a
 * 5.26 fixed-point value, exp of negative values and the reciprocal of the sum
 * in gemmlowp's fixed-point arithmetic; differences below diff_min give 0.
 * Output scale 1/256, zero point -128. */
void eg_softmax_s8_tfl(const int8_t *in, int8_t *out, int32_t outer, int32_t depth, int32_t input_mult,
                       int32_t left_shift, int32_t diff_min);

#endif
