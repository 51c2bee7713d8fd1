#include "eg_norm.h"

#include <math.h>

void eg_scale_shift_f32(const float *in, float *out, int32_t outer, int32_t channels, int32_t inner,
                        const float *scale, const float *shift) {
  int32_t o, c, i;
  for (o = 0; o < outer; ++o)
    for (c = 0; c < channels; ++c) {
      const float s = scale[c], b = shift[c];
      const float *x = in + ((int32_t)o * channels + c) * inner;
      float *y = out + ((int32_t)o * channels + c) * inner;
      for (i = 0; i < inner; ++i) y[i] = x[i] * s + b;
    }
}

void eg_batchnorm_train_f32(const float *in, float *out, int32_t outer, int32_t channels, int32_t inner,
                            const float *scale, const float *bias, const float *mean, const float *var, float eps,
                            float momentum, float *running_mean, float *running_var) {
  int32_t o, c, i;
  const float cnt = (float)outer * (float)inner;
  for (c = 0; c < channels; ++c) {
    float m = 0.0f, v = 0.0f, k;
    for (o = 0; o < outer; ++o)
      for (i = 0; i < inner; ++i) m += in[((int32_t)o * channels + c) * inner + i];
    m /= cnt;
    for (o = 0; o < outer; ++o)
      for (i = 0; i < inner; ++i) {
        const float dlt = in[((int32_t)o * channels + c) * inner + i] - m;
        v += dlt * dlt;
      }
    v /= cnt;
    k = scale[c] / sqrtf(v + eps);
    for (o = 0; o < outer; ++o)
      for (i = 0; i < inner; ++i) {
        const int32_t at = ((int32_t)o * channels + c) * inner + i;
        out[at] = (in[at] - m) * k + bias[c];
      }
    if (running_mean) running_mean[c] = mean[c] * momentum + m * (1.0f - momentum);
    if (running_var) running_var[c] = var[c] * momentum + v * (1.0f - momentum);
  }
}

void eg_instnorm_f32(const float *in, float *out, int32_t batch, int32_t channels, int32_t inner, const float *scale,
                     const float *bias, float eps) {
  int32_t b, c, i;
  for (b = 0; b < batch; ++b)
    for (c = 0; c < channels; ++c) {
      const float *x = in + ((int32_t)b * channels + c) * inner;
      float *y = out + ((int32_t)b * channels + c) * inner;
      float mean = 0.0f, var = 0.0f, k;
      for (i = 0; i < inner; ++i) mean += x[i];
      mean /= (float)inner;
      for (i = 0; i < inner; ++i) var += (x[i] - mean) * (x[i] - mean);
      var /= (float)inner;
      k = scale[c] / sqrtf(var + eps);
      for (i = 0; i < inner; ++i) y[i] = (x[i] - mean) * k + bias[c];
    }
}

void eg_layernorm_f32(const float *in, float *out, int32_t outer, int32_t m, const float *scale, const float *bias,
                      float eps, int32_t rms, float *mean, float *inv_std) {
  int32_t o, i;
  for (o = 0; o < outer; ++o) {
    const float *x = in + (int32_t)o * m;
    float *y = out + (int32_t)o * m;
    float mu = 0.0f, var = 0.0f, inv;
    if (!rms) {
      for (i = 0; i < m; ++i) mu += x[i];
      mu /= (float)m;
    }
    for (i = 0; i < m; ++i) var += (x[i] - mu) * (x[i] - mu);
    var /= (float)m;
    inv = 1.0f / sqrtf(var + eps);
    for (i = 0; i < m; ++i) y[i] = (x[i] - mu) * inv * scale[i] + (bias ? bias[i] : 0.0f);
    if (mean) mean[o] = mu;
    if (inv_std) inv_std[o] = inv;
  }
}

void eg_lpnorm_f32(const float *in, float *out, int32_t outer, int32_t n, int32_t inner, int32_t p) {
  int32_t o, i, k;
  for (o = 0; o < outer; ++o)
    for (i = 0; i < inner; ++i) {
      const float *x = in + (int32_t)o * n * inner + i;
      float *y = out + (int32_t)o * n * inner + i;
      float norm = 0.0f;
      for (k = 0; k < n; ++k) norm += p == 1 ? fabsf(x[k * inner]) : x[k * inner] * x[k * inner];
      if (p != 1) norm = sqrtf(norm);
      /* an all-zero slice stays zero (ONNX reference), not 0/0 */
      for (k = 0; k < n; ++k) y[k * inner] = norm > 0.0f ? x[k * inner] / norm : 0.0f;
    }
}

void eg_mvn_f32(const eg_reduce_params *p, const float *in, float *out, float *scratch) {
  eg_reduce_params q = *p;
  float *mean = scratch, *msq = scratch + p->out_elems;
  int32_t idx[6] = {0, 0, 0, 0, 0, 0};
  int32_t i, d, o = 0, total = 1;
  q.op = EG_REDUCE_MEAN;
  eg_reduce_f32(&q, in, mean);
  q.op = EG_REDUCE_SUMSQUARE;
  eg_reduce_f32(&q, in, msq);
  for (i = 0; i < p->out_elems; ++i) {
    float var = msq[i] / (float)p->count - mean[i] * mean[i];
    if (var < 0.0f) var = 0.0f;
    msq[i] = sqrtf(var) + 1e-9f;
  }
  for (d = 0; d < p->rank; ++d) total *= p->shape[d];
  for (i = 0; i < total; ++i) {
    out[i] = (in[i] - mean[o]) / msq[o];
    for (d = p->rank - 1; d >= 0; --d) {
      if (++idx[d] < p->shape[d]) {
        o += p->out_stride[d];
        break;
      }
      o -= p->out_stride[d] * (p->shape[d] - 1);
      idx[d] = 0;
    }
  }
}
