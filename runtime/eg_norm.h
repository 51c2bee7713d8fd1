/* edgegen runtime: normalizations (float32). */
#ifndef EG_NORM_H
#define EG_NORM_H
#include <stdint.h>

#include "eg_reduce.h"

/* y[o][c][i] = x[o][c][i] * scale[c] + shift[c]  (BatchNormalization folded to
 * a per-channel affine map; x viewed as [outer][channels][inner]). */
void eg_scale_shift_f32(const float *in, float *out, int32_t outer, int32_t channels, int32_t inner,
                        const float *scale, const float *shift);

/* BatchNormalization with training_mode=1: normalizes with the batch mean and
 * (population) variance; running_mean/var (may be NULL) get
 * input_stat * momentum + batch_stat * (1 - momentum). */
void eg_batchnorm_train_f32(const float *in, float *out, int32_t outer, int32_t channels, int32_t inner,
                            const float *scale, const float *bias, const float *mean, const float *var, float eps,
                            float momentum, float *running_mean, float *running_var);

/* InstanceNormalization: per (batch, channel) mean and variance over inner. */
void eg_instnorm_f32(const float *in, float *out, int32_t batch, int32_t channels, int32_t inner, const float *scale,
                     const float *bias, float eps);

/* LayerNormalization (rms = 0) / RMSNormalization (rms = 1) over the last m
 * elements of each of `outer` rows. scale/bias: m values (bias may be NULL);
 * mean/inv_std (may be NULL): one value per row. */
void eg_layernorm_f32(const float *in, float *out, int32_t outer, int32_t m, const float *scale, const float *bias,
                      float eps, int32_t rms, float *mean, float *inv_std);

/* LpNormalization along an axis ([outer][n][inner]), p = 1 or 2. */
void eg_lpnorm_f32(const float *in, float *out, int32_t outer, int32_t n, int32_t inner, int32_t p);

/* MeanVarianceNormalization over the axes described by p (a MEAN reduction):
 * scratch holds 2 * p->out_elems floats. */
void eg_mvn_f32(const eg_reduce_params *p, const float *in, float *out, float *scratch);

#endif
