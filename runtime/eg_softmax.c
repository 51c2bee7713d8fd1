#include "eg_softmax.h"

#include <math.h>

#include "eg_math.h"

void eg_softmax_f32(const float *in, float *out, int32_t outer, int32_t n, int32_t inner, int32_t mode) {
  int32_t o, i, k;
  for (o = 0; o < outer; ++o)
    for (i = 0; i < inner; ++i) {
      const float *x = in + (int32_t)o * n * inner + i;
      float *y = out + (int32_t)o * n * inner + i;
      float mx = x[0], sum = 0.0f;
      int32_t arg = 0;
      for (k = 1; k < n; ++k)
        if (x[k * inner] > mx) {
          mx = x[k * inner];
          arg = k;
        }
      if (mode == EG_HARDMAX) {
        for (k = 0; k < n; ++k) y[k * inner] = k == arg ? 1.0f : 0.0f;
        continue;
      }
      for (k = 0; k < n; ++k) sum += eg_expf(x[k * inner] - mx);
      if (mode == EG_LOGSOFTMAX) {
        const float ls = logf(sum);
        for (k = 0; k < n; ++k) y[k * inner] = x[k * inner] - mx - ls;
      } else {
        const float inv = 1.0f / sum;
        for (k = 0; k < n; ++k) y[k * inner] = eg_expf(x[k * inner] - mx) * inv;
      }
    }
}
